#include "app/import_contacts.h"

#include <boost/json.hpp>

#include "api/native/contact_json.h"
#include "core/csv.h"

namespace rivulet::app {
namespace json = boost::json;

core::Result<ImportSummary> ImportContactsCsv(Engine& engine, int64_t workspace_id,
                                              std::string_view csv) {
  core::CsvReader reader(csv);
  std::vector<std::string> header, row;
  RIVULET_ASSIGN_OR_RETURN(bool has_header, reader.Next(header));
  if (!has_header || header.empty()) return core::InvalidArgument("CSV file is empty");
  std::vector<engine::ContactInput> inputs;
  while (true) {
    RIVULET_ASSIGN_OR_RETURN(bool more, reader.Next(row));
    if (!more) break;
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    std::string where = "line " + std::to_string(reader.line());
    if (row.size() != header.size()) {
      return core::InvalidArgument(where + ": expected " + std::to_string(header.size()) +
                                   " fields, found " + std::to_string(row.size()));
    }
    json::object contact, attributes;
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string& col = header[i];
      const std::string& value = row[i];
      if (value.empty()) continue;
      if (col == "uuid" || col == "email" || col == "phone" || col == "external_id" ||
          col == "timezone") {
        contact[col] = value;
      } else if (col == "tags") {
        json::array tags;
        size_t start = 0;
        while (start <= value.size()) {
          size_t end = value.find(';', start);
          if (end == std::string::npos) end = value.size();
          if (end > start) tags.emplace_back(value.substr(start, end - start));
          start = end + 1;
        }
        contact["tags"] = std::move(tags);
      } else {
        attributes[col] = value;
      }
    }
    if (!attributes.empty()) contact["attributes"] = std::move(attributes);
    auto in = api::native::ParseContactInput(contact, where);
    if (!in.ok()) return in.status();
    if (!in->HasIdentifier()) {
      return core::InvalidArgument(where + ": needs uuid, email, phone or external_id");
    }
    inputs.push_back(std::move(in).value());
  }
  ImportSummary summary;
  summary.rows = inputs.size();
  for (size_t start = 0; start < inputs.size(); start += engine::Contacts::kMaxBatch) {
    size_t end = std::min(inputs.size(), start + engine::Contacts::kMaxBatch);
    std::vector<engine::ContactInput> batch(std::make_move_iterator(inputs.begin() + start),
                                            std::make_move_iterator(inputs.begin() + end));
    auto result = engine::WaitFor<std::vector<engine::ContactChange>>([&](auto done) {
      engine.contacts.UpsertBatch(workspace_id, std::move(batch), std::move(done));
    });
    if (!result.ok()) return result.status();
    for (const auto& ch : *result) {
      summary.created += ch.created;
      summary.updated += !ch.created && ch.changed;
    }
  }
  return summary;
}

}  // namespace rivulet::app

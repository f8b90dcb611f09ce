#include "core/csv.h"

namespace rivulet::core {

Result<bool> CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  if (pos_ >= text_.size()) return false;
  ++physical_line_;
  line_ = physical_line_;
  std::string field;
  auto where = [&] { return " on line " + std::to_string(line_); };
  while (true) {
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) return InvalidArgument("unclosed quote" + where());
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.push_back('"');
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++physical_line_;
        field.push_back(c);
        if (field.size() > max_field_bytes_) return InvalidArgument("field too long" + where());
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        return InvalidArgument("text after closing quote" + where());
      }
    } else {
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
             text_[pos_] != '\r') {
        field.push_back(text_[pos_++]);
        if (field.size() > max_field_bytes_) return InvalidArgument("field too long" + where());
      }
    }
    fields.push_back(std::move(field));
    if (pos_ >= text_.size()) return true;
    char c = text_[pos_++];
    if (c == ',') continue;
    if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    return true;
  }
}

}  // namespace rivulet::core

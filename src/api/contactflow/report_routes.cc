// Reports: the automations' feedbacks as CSV, and the node's tokens as a ZIP of one CSV.
//
// Both are streamed: the rows are written in pieces to a temporary file (the token report
// page by page, 1,000 tokens at a time, then compressed by libzip into a second temporary
// file), and the file is sent in 64 KiB chunks by the HTTP layer (http::FileBody), unlinked
// as soon as it is opened. No report is ever held whole in memory.
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "api/contactflow/automation_filter.h"
#include "api/contactflow/automation_json.h"
#include "api/contactflow/common.h"
#include "api/contactflow/routes.h"
#include "api/contactflow/token_json.h"
#include "core/time_format.h"
#include "http/file_body.h"

namespace rivulet::api::contactflow {

namespace {

std::string CsvField(std::string_view v) {
  bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos;
  // Cells starting with these would run as formulas in spreadsheets.
  bool formula = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@');
  if (!quote && !formula) return std::string(v);
  std::string out = "\"";
  if (formula) out += '\'';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void CsvRow(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
}

// filename: [A-Za-z0-9._-], 1 to 100 characters; ext appended when missing.
core::Result<std::string> FileName(const FieldReader& r, const std::string& fallback,
                                   const std::string& ext) {
  RIVULET_ASSIGN_OR_RETURN(auto name, r.String("filename", 100));
  std::string n = name.value_or(fallback);
  if (n.empty()) return FieldError("filename", "must not be empty");
  for (char c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return FieldError("filename", "may hold only letters, digits, '.', '_' and '-'");
    }
  }
  if (n.size() < ext.size() || n.compare(n.size() - ext.size(), ext.size(), ext) != 0) n += ext;
  return n;
}

std::string OptTime(const std::optional<core::Millis>& t) {
  return t ? core::FormatIsoUtc(*t) : std::string();
}

// A temporary file removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const char* suffix) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "rivulet-report-XXXXXX").string() + suffix;
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    int fd = mkstemps(buf.data(), static_cast<int>(std::strlen(suffix)));
    if (fd >= 0) {
      close(fd);
      path_ = buf.data();
    }
  }
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  const std::string& path() const { return path_; }
  // The file is no longer this object's to remove (it was unlinked by its new owner).
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

core::Status WriteTokenCsv(Services& s, int64_t ws, const TokenQuery& query,
                           const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return core::Internal("cannot write a temporary report file");
  std::string buf;
  CsvRow(buf, {"uuid", "clabUuid", "userPk", "recipient", "automationUuid", "automationName",
               "stepUuid", "stepOperation", "stepType", "stepDescription", "status",
               "enterAutomationDate", "enterStepDate", "errorDate", "errorMessage"});
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  store::TokenFilter f;
  f.limit = 1000;
  while (true) {
    buf.clear();
    size_t n = 0;
    RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(bool any, ResolveTokenQuery(txn, ws, query, f));
      if (!any) return core::Status::Ok();
      RIVULET_ASSIGN_OR_RETURN(auto tokens, txn.ListTokens(ws, f));
      n = tokens.size();
      AutomationCache automations(txn);
      for (const auto& t : tokens) {
        RIVULET_ASSIGN_OR_RETURN(const core::Automation* a, automations.Get(t.automation_id));
        RIVULET_ASSIGN_OR_RETURN(core::Contact c, txn.FindContactById(ws, t.contact_id));
        const core::Step* step = a->FindStep(t.step_uuid);
        CsvRow(buf, {t.uuid, c.uuid, c.external_id.value_or(""), c.email.value_or(""), a->uuid,
                     a->name, t.step_uuid, step ? core::StepTypeName(step->type) : "",
                     step ? StepKind(step->type) : "", step ? step->name : "", TokenStatusFor(t),
                     core::FormatIsoUtc(t.entered_at), core::FormatIsoUtc(t.step_entered_at),
                     OptTime(t.error_at), t.error_message});
      }
      if (n) f.after_id = tokens.back().id;
      return core::Status::Ok();
    }));
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (n < static_cast<size_t>(f.limit)) break;
  }
  out.close();
  if (!out) return core::Internal("cannot write a temporary report file");
  return core::Status::Ok();
}

core::Status ZipFile(const std::string& csv_path, const std::string& entry,
                     const std::string& zip_path) {
  int err = 0;
  zip_t* z = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) return core::Internal("cannot create the ZIP archive");
  zip_source_t* src = zip_source_file(z, csv_path.c_str(), 0, -1);
  if (!src || zip_file_add(z, entry.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
    if (src) zip_source_free(src);
    zip_discard(z);
    return core::Internal("cannot add the report to the ZIP archive");
  }
  if (zip_close(z) != 0) {
    std::string msg = zip_strerror(z);
    zip_discard(z);
    return core::Internal("cannot write the ZIP archive: " + msg);
  }
  return core::Status::Ok();
}

// A 200 streaming the file as an attachment; the file is unlinked at once.
core::Result<Response> Attachment(TempFile& file, const std::string& type,
                                  const std::string& filename) {
  RIVULET_ASSIGN_OR_RETURN(http::BodyProducer body, http::FileBody(file.path(), true));
  file.Release();
  Response r;
  r.status = 200;
  r.content_type = type;
  r.stream = std::move(body);
  r.headers.Add("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  return r;
}

}  // namespace

void RegisterReportRoutes(http::Router& router, Services& s) {
  AddSync(router, "GET", "/contactflow/automations/reports",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
            FieldReader r(q);
            RIVULET_RETURN_IF_ERROR(r.OnlyKnown(
                {"automationUuid", "name", "description", "status", "category", "startDateBefore",
                 "startDateAfter", "endDateBefore", "endDateAfter", "createdBefore", "createdAfter",
                 "filename", "stepType", "hasTrigger"}));
            RIVULET_ASSIGN_OR_RETURN(AutomationQuery query, ReadAutomationQuery(r, true));
            RIVULET_ASSIGN_OR_RETURN(std::string filename, FileName(r, "feedbacks", ".csv"));
            TempFile file(".csv");
            if (file.path().empty()) return core::Internal("cannot create a temporary report file");
            std::ofstream out(file.path(), std::ios::binary | std::ios::trunc);
            std::string csv;
            // Rows go to the file whenever a chunk's worth has gathered.
            auto flush = [&](size_t at_least) {
              if (csv.size() < at_least) return;
              out.write(csv.data(), static_cast<std::streamsize>(csv.size()));
              csv.clear();
            };
            std::vector<std::string> header = {"automationUuid", "automationName", "status",
                                               "category",       "created",        "startDate",
                                               "endDate",        "stepUuid",       "stepOperation",
                                               "stepType",       "stepDescription"};
            for (const auto& name : CounterNames()) header.push_back(CamelCase(name));
            CsvRow(csv, header);
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(auto all, FindAutomations(txn, call.workspace_id(), query));
              for (const auto& a : all) {
                RIVULET_ASSIGN_OR_RETURN(auto counters, txn.ReadCounters(a.id));
                auto row = [&](const core::Step* step) {
                  std::vector<std::string> f = {a.uuid,
                                                a.name,
                                                core::AutomationStatusName(a.status),
                                                a.category.empty() ? "Custom" : a.category,
                                                core::FormatIsoUtc(a.created_at),
                                                OptTime(a.start_date),
                                                OptTime(a.end_date),
                                                step ? step->uuid : "",
                                                step ? core::StepTypeName(step->type) : "",
                                                step ? StepKind(step->type) : "",
                                                step ? step->name : ""};
                  json::object values = CountersJson(counters, step ? step->uuid : "");
                  for (const auto& name : CounterNames()) {
                    const json::value& v = values[CamelCase(name)];
                    f.push_back(std::to_string(v.is_int64() ? v.as_int64() : 0));
                  }
                  CsvRow(csv, f);
                  flush(64 * 1024);
                };
                row(nullptr);
                for (const auto& step : a.steps) row(&step);
              }
              return core::Status::Ok();
            }));
            flush(0);
            out.close();
            if (!out) return core::Internal("cannot write a temporary report file");
            return Attachment(file, "text/csv; charset=utf-8", filename);
          });

  AddSync(router, "GET", "/contactflow/tokens/reports",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
            FieldReader r(q);
            RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"automationUuid", "stepUuid", "clabUuid",
                                                 "recipient", "aggregatedStatus", "filename"}));
            RIVULET_ASSIGN_OR_RETURN(TokenQuery query, ReadTokenQuery(r));
            RIVULET_ASSIGN_OR_RETURN(std::string filename,
                                     FileName(r, "automations-monitor", ".zip"));
            // An unknown automation is a 404 before any file is written.
            store::TokenFilter probe;
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              return ResolveTokenQuery(txn, call.workspace_id(), query, probe).status();
            }));
            TempFile csv(".csv"), zip(".zip");
            if (csv.path().empty() || zip.path().empty()) {
              return core::Internal("cannot create temporary report files");
            }
            RIVULET_RETURN_IF_ERROR(WriteTokenCsv(s, call.workspace_id(), query, csv.path()));
            std::string entry = filename.substr(0, filename.size() - 4) + ".csv";
            RIVULET_RETURN_IF_ERROR(ZipFile(csv.path(), entry, zip.path()));
            return Attachment(zip, "application/zip", filename);
          });
}

}  // namespace rivulet::api::contactflow

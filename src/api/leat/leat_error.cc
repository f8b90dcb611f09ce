#include "api/leat/leat_error.h"

#include <boost/json.hpp>
#include <string_view>

#include "http/dispatcher.h"

namespace rivulet::api::leat {
namespace json = boost::json;

namespace {

struct Mapped {
  int http_status;
  int code;
  std::string message;
  bool field_errors = false;
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Mapped Map(const core::Status& st) {
  const auto& fields = st.fields();
  switch (st.code()) {
    case core::Code::kInvalidArgument:
      // The dispatcher reports a known path with another method this way and sets 405.
      if (StartsWith(st.message(), "method ") && EndsWith(st.message(), " not allowed here")) {
        return {405, 405, "Method not allowed."};
      }
      return {422, kInvalidInput, "Invalid input.", true};
    case core::Code::kNotFound:
      if (fields.count(kContactField)) return {404, kContactNotFound, "Contact not found."};
      if (fields.count(kAutomationField)) return {404, kModelNotFound, "Model not found."};
      return {404, 404, "Not found."};
    case core::Code::kUnauthenticated:
      return {401, 401, "Unauthenticated."};
    default: {
      int http_status = http::HttpStatusFor(st.code());
      return {http_status, http_status, st.message()};
    }
  }
}

}  // namespace

http::Response LeatError(const core::Status& status, const http::Request& request) {
  (void)request;
  Mapped m = Map(status);
  json::object errors;
  if (m.field_errors) {
    for (const auto& [field, message] : status.fields()) {
      errors[field] = json::array{json::string(message)};
    }
    // Input rejected before any field was read (e.g. malformed JSON) is about the body.
    if (errors.empty()) errors["body"] = json::array{json::string(status.message())};
  }
  json::object body{{"status_code", m.http_status},
                    {"code", m.code},
                    {"message", m.message},
                    {"errors", std::move(errors)}};
  http::Response r = http::Response::Json(m.http_status, json::serialize(body));
  if (m.http_status == 401) r.headers.Add("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace rivulet::api::leat

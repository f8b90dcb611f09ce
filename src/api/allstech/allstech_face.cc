#include <boost/json.hpp>

#include "api/allstech/allstech_api.h"
#include "api/allstech/respond.h"
#include "http/dispatcher.h"

namespace rivulet::api::allstech {
namespace json = boost::json;

http::Response Success(json::value message) {
  return http::Response::Json(
      200, json::serialize(json::object{{"status", "success"}, {"message", std::move(message)}}));
}

http::Response Failed(const core::Status& status, const http::Request&) {
  json::value errors;
  int http_status = http::HttpStatusFor(status.code());
  if (!status.fields().empty()) {
    json::object by_field;
    for (const auto& [field, message] : status.fields()) by_field[field] = json::array{message};
    errors = std::move(by_field);
    if (status.code() == core::Code::kInvalidArgument) http_status = 422;
  } else {
    errors = status.message();
  }
  return http::Response::Json(
      http_status,
      json::serialize(json::object{{"status", "failed"}, {"errors", std::move(errors)}}));
}

const http::Face& AllsTechFace() {
  static const http::Face face{
      .name = "allstech",
      .prefix = "/api",
      .auth = http::AuthScheme::kKeyPair,
      .workspace_header = "",
      .workspace_header_required = false,
      .render_error = Failed,
  };
  return face;
}

}  // namespace rivulet::api::allstech

#include "http/body.h"

#include <strings.h>

#include <boost/json.hpp>
#include <map>

#include "core/contact_rules.h"
#include "http/form.h"
#include "http/form_json.h"

namespace rivulet::http {
namespace json = boost::json;

namespace {

bool TypeIs(std::string_view content_type, std::string_view mime) {
  size_t semi = content_type.find(';');
  std::string_view base = content_type.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return base.size() == mime.size() && strncasecmp(base.data(), mime.data(), mime.size()) == 0;
}

FormLimits FormLimitsFrom(const Limits& limits) {
  FormLimits f;
  f.max_fields = limits.max_form_fields;
  f.max_depth = limits.max_json_depth;
  return f;
}

}  // namespace

bool IsJsonContentType(std::string_view content_type) {
  return content_type.empty() || TypeIs(content_type, "application/json") ||
         TypeIs(content_type, "text/json");
}

core::Result<json::value> ParseBody(const Request& request, const Limits& limits) {
  std::string_view type = request.headers.Get("Content-Type").value_or("");
  std::string_view body = request.body;
  bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank && (type.empty() || !TypeIs(type, "multipart/form-data"))) return json::value(json::object());
  if (IsJsonContentType(type)) {
    if (!core::IsValidUtf8(body)) return core::InvalidArgument("request body is not valid UTF-8");
    json::parse_options opts;
    opts.max_depth = static_cast<std::size_t>(limits.max_json_depth);
    boost::system::error_code ec;
    // One arena per body, released with the value: a parsed request is short-lived, and
    // its strings and containers then cost no allocation each.
    json::value v = json::parse(
        body, ec, json::make_shared_resource<json::monotonic_resource>(2 * body.size() + 512),
        opts);
    if (ec == json::error::too_deep) {
      return core::InvalidArgument("JSON nesting exceeds " + std::to_string(limits.max_json_depth) +
                                   " levels");
    }
    if (ec) return core::InvalidArgument("malformed JSON body: " + ec.message());
    return v;
  }
  FormLimits form_limits = FormLimitsFrom(limits);
  if (TypeIs(type, "application/x-www-form-urlencoded")) {
    RIVULET_ASSIGN_OR_RETURN(auto fields, ParseUrlEncoded(body, form_limits));
    return FieldsToJson(fields, form_limits);
  }
  if (TypeIs(type, "multipart/form-data")) {
    RIVULET_ASSIGN_OR_RETURN(std::string boundary, MultipartBoundary(type));
    RIVULET_ASSIGN_OR_RETURN(auto fields, ParseMultipart(body, boundary, form_limits));
    return FieldsToJson(fields, form_limits);
  }
  return core::Status(core::Code::kUnsupportedMedia,
                      "unsupported Content-Type '" + std::string(type.substr(0, 100)) +
                          "'; use application/json, application/x-www-form-urlencoded or "
                          "multipart/form-data");
}

core::Result<json::object> ParseQuery(std::string_view query, const Limits& limits) {
  FormLimits form_limits = FormLimitsFrom(limits);
  RIVULET_ASSIGN_OR_RETURN(auto fields, ParseUrlEncoded(query, form_limits));
  // Repeated plain keys are lists (status=A&status=B), as OpenAPI "form, explode" sends them.
  std::map<std::string, int> plain_counts;
  for (const auto& f : fields) {
    if (f.name.find('[') == std::string::npos) plain_counts[f.name]++;
  }
  for (auto& f : fields) {
    if (plain_counts.count(f.name) && plain_counts[f.name] > 1) f.name += "[]";
  }
  RIVULET_ASSIGN_OR_RETURN(json::value v, FieldsToJson(fields, form_limits));
  if (!v.is_object()) return json::object();
  return std::move(v.as_object());
}

std::string ToJson(const json::value& v) { return json::serialize(v); }

}  // namespace rivulet::http

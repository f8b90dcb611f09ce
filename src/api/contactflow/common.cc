#include "api/contactflow/common.h"

#include <spdlog/spdlog.h>

#include "api/contactflow/contactflow_api.h"
#include "core/crypto.h"
#include "core/time_format.h"
#include "core/uuid.h"
#include "http/body.h"
#include "http/dispatcher.h"

namespace rivulet::api::contactflow {

Response ErrorResponse(const core::Status& status, const http::Request& request) {
  int code = http::HttpStatusFor(status.code());
  std::string logref = core::RandomHex(8);
  if (code >= 500) {
    spdlog::error("contactflow logref={} request={} {} {} -> {}: {}", logref, request.request_id,
                  request.method, request.path, code, status.message());
  } else {
    spdlog::info("contactflow logref={} request={} {} {} -> {}: {}", logref, request.request_id,
                 request.method, request.path, code, status.message());
  }
  json::array errors;
  for (const auto& [path, message] : status.fields()) {
    errors.push_back(json::object{{"path", path}, {"message", message}});
  }
  Response r = JsonResponse(
      code, json::object{
                {"message", status.message()}, {"logref", logref}, {"errors", std::move(errors)}});
  if (status.code() == core::Code::kUnauthenticated) r.headers.Add("WWW-Authenticate", "Bearer");
  return r;
}

http::Request Meta(const http::Request& request) {
  http::Request meta;
  meta.request_id = request.request_id;
  meta.method = request.method;
  meta.path = request.path;
  return meta;
}

Response JsonResponse(int status, const json::value& body) {
  return Response::Json(status, json::serialize(body));
}

core::Result<json::object> ReadBody(const Call& call, const http::Limits& limits) {
  if (call.request.body.empty()) return core::InvalidArgument("a JSON request body is required");
  RIVULET_ASSIGN_OR_RETURN(json::value v, http::ParseBody(call.request, limits));
  RIVULET_ASSIGN_OR_RETURN(const json::object* o, AsObject(v, "request body"));
  return *o;
}

core::Result<json::object> ReadQuery(const Call& call, const http::Limits& limits) {
  return http::ParseQuery(call.request.query, limits);
}

core::Result<std::string> UuidParam(const Call& call, const std::string& name) {
  std::string_view v = call.Param(name);
  if (!core::IsUuid(v)) return FieldError(name, "must be a uuid");
  return core::NormalizeUuid(v);
}

namespace {
core::Result<std::optional<int64_t>> IntParam(const FieldReader& q, std::string_view key) {
  const json::value* v = q.Raw(key);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (v->is_string()) {
    std::string_view s = v->as_string();
    int64_t n = 0;
    if (s.empty() || s.size() > 12) return FieldError(std::string(key), "must be an integer");
    for (char c : s) {
      if (c < '0' || c > '9') return FieldError(std::string(key), "must be a non-negative integer");
      n = n * 10 + (c - '0');
    }
    return std::optional<int64_t>(n);
  }
  return FieldError(std::string(key), "must be an integer");
}
}  // namespace

core::Result<PageRequest> ReadPage(const FieldReader& q) {
  PageRequest p;
  RIVULET_ASSIGN_OR_RETURN(auto page, IntParam(q, "page"));
  RIVULET_ASSIGN_OR_RETURN(auto size, IntParam(q, "size"));
  if (page) p.page = *page;
  if (size) {
    if (*size < 1 || *size > 1000) return FieldError("size", "must be 1 to 1000");
    p.size = *size;
  }
  if (p.page > 10'000'000) return FieldError("page", "is too large");
  return p;
}

json::object PageJson(json::array elements, int64_t total, const PageRequest& p) {
  int64_t pages = (total + p.size - 1) / p.size;
  return json::object{
      {"page",
       json::object{
           {"size", p.size}, {"totalElements", total}, {"totalPages", pages}, {"number", p.page}}},
      {"elements", std::move(elements)}};
}

core::Result<std::vector<std::string>> ListParam(const FieldReader& q, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = q.Raw(key);
  if (!v || v->is_null()) return out;
  auto add = [&](const json::value& item) -> core::Status {
    if (!item.is_string()) return FieldError(std::string(key), "must be a list of strings");
    std::string_view s = item.as_string();
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      std::string_view part =
          s.substr(start, comma == std::string_view::npos ? s.npos : comma - start);
      if (!part.empty()) out.emplace_back(part);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (out.size() > 100) return FieldError(std::string(key), "has too many items");
    return core::Status::Ok();
  };
  if (v->is_array()) {
    for (const auto& item : v->as_array()) RIVULET_RETURN_IF_ERROR(add(item));
  } else {
    RIVULET_RETURN_IF_ERROR(add(*v));
  }
  return out;
}

core::Result<std::optional<core::Millis>> TimeParam(const FieldReader& q, std::string_view key) {
  RIVULET_ASSIGN_OR_RETURN(auto text, q.String(key, 64));
  if (!text) return std::optional<core::Millis>();
  auto t = core::ParseIsoTime(*text);
  if (!t.ok()) return FieldError(std::string(key), "must be an ISO-8601 date-time");
  return std::optional<core::Millis>(*t);
}

json::value Time(std::optional<core::Millis> t) {
  return t ? json::value(core::FormatIsoUtc(*t)) : json::value(nullptr);
}

namespace {
core::Status CheckNodeActive(const Call& call) {
  if (call.workspace && !call.workspace->active) {
    return core::NotFound("node " + call.workspace->uuid + " is disabled");
  }
  return core::Status::Ok();
}
}  // namespace

void AddSync(http::Router& router, std::string method, std::string pattern, SyncHandler fn,
             http::RouteOptions options) {
  router.Add(&ContactflowFace(), std::move(method), std::move(pattern),
             http::Sync([fn = std::move(fn)](const Call& call) -> Response {
               if (auto st = CheckNodeActive(call); !st.ok())
                 return ErrorResponse(st, call.request);
               core::Result<Response> r = fn(call);
               if (!r.ok()) return ErrorResponse(r.status(), call.request);
               return std::move(r).value();
             }),
             options);
}

void AddAsync(http::Router& router, std::string method, std::string pattern, AsyncHandler fn,
              http::RouteOptions options) {
  router.Add(
      &ContactflowFace(), std::move(method), std::move(pattern),
      [fn = std::move(fn)](const Call& call, Respond respond) {
        if (auto st = CheckNodeActive(call); !st.ok()) {
          return respond(ErrorResponse(st, call.request));
        }
        fn(call, std::move(respond));
      },
      options);
}

}  // namespace rivulet::api::contactflow

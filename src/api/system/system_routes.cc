#include "api/system/system_routes.h"

#include <boost/json.hpp>

#include "api/json_input.h"
#include "core/time_format.h"
#include "http/body.h"
#include "http/dispatcher.h"

namespace rivulet::api::system {
namespace json = boost::json;
using http::Call;
using http::Response;

namespace {

// RFC 6749 §5.2 error body.
Response OAuthError(const core::Status& st, const http::Request&) {
  const char* error = "invalid_request";
  int status = 400;
  switch (st.code()) {
    case core::Code::kUnauthenticated:
      error = "invalid_client";
      status = 401;
      break;
    case core::Code::kFailedPrecondition:
      error = "unsupported_grant_type";
      break;
    case core::Code::kResourceExhausted:  // RFC 8628's token-endpoint word for "wait"
      error = "slow_down";
      status = 429;
      break;
    case core::Code::kUnavailable:
    case core::Code::kInternal:
      error = "server_error";
      status = http::HttpStatusFor(st.code());
      break;
    default:
      status = st.code() == core::Code::kInvalidArgument ? 400 : http::HttpStatusFor(st.code());
  }
  Response r = Response::Json(
      status, json::serialize(json::object{{"error", error}, {"error_description", st.message()}}));
  r.headers.Add("Cache-Control", "no-store");
  if (status == 401) r.headers.Add("WWW-Authenticate", "Basic realm=\"rivulet\"");
  return r;
}

}  // namespace

const http::Face& SystemFace() {
  static const http::Face face{.name = "system",
                               .prefix = "",
                               .auth = http::AuthScheme::kNone,
                               .workspace_header = "",
                               .workspace_header_required = false,
                               .render_error = http::NativeError};
  return face;
}

const http::Face& OAuthFace() {
  static const http::Face face{.name = "oauth",
                               .prefix = "/oauth",
                               .auth = http::AuthScheme::kNone,
                               .workspace_header = "",
                               .workspace_header_required = false,
                               .render_error = OAuthError};
  return face;
}

void RegisterSystemRoutes(http::Router& router, Services& s) {
  http::RouteOptions open{.public_route = true, .needs_workspace = false};
  const http::Face* sys = &SystemFace();

  router.Add(sys, "GET", "/healthz", http::Sync([](const Call&) {
    return Response::Json(200, "{\"status\":\"ok\"}\n");
  }), open);

  router.Add(sys, "GET", "/readyz", http::Sync([&s](const Call&) {
    core::Status st = s.store.Read([](store::ReadTxn& txn) -> core::Status {
      auto r = txn.FindWorkspaceById(0);
      return r.ok() || r.status().code() == core::Code::kNotFound ? core::Status::Ok() : r.status();
    });
    store::StoreStats stats = s.store.Stats();
    json::object body{{"database", st.ok() ? "ok" : st.message()},
                      {"write_queue_depth", stats.queue_depth},
                      {"failed_commits", stats.failed_commits}};
    bool ready = st.ok();
    body["status"] = ready ? "ready" : "unavailable";
    // Delivery faults (SMTP down, webhook receivers failing) are reported, but leave the
    // instance ready: it still accepts API calls and keeps retrying the messages.
    if (s.delivery_health) {
      delivery::DeliveryHealth h = s.delivery_health();
      json::object d{{"status", h.consecutive_failures == 0 ? "ok" : "failing"},
                     {"consecutive_failures", h.consecutive_failures}};
      if (!h.last_error.empty()) {
        d["last_error"] = h.last_error;
        d["last_error_at"] = core::FormatIsoUtc(h.last_error_at, true);
      }
      body["delivery"] = std::move(d);
    }
    return Response::Json(ready ? 200 : 503, json::serialize(body) + "\n");
  }), open);

  router.Add(sys, "GET", "/metrics", http::Sync([&s](const Call&) {
    return Response::Text(200, s.metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
  }), open);

  // OAuth2 client-credentials grant (RFC 6749 §4.4); client_id and client_secret in a form
  // or JSON body.
  router.Add(&OAuthFace(), "POST", "/oauth/token", http::Sync([&s](const Call& call) {
    auto body = http::ParseBody(call.request, s.limits);
    if (!body.ok()) return OAuthError(body.status(), call.request);
    auto obj = AsObject(*body, "request body");
    if (!obj.ok()) return OAuthError(obj.status(), call.request);
    FieldReader r(**obj);
    auto grant = r.String("grant_type", 64);
    auto id = r.String("client_id", 64);
    auto secret = r.String("client_secret", 512);
    // PHP clients may send client_id as a JSON number.
    if (!id.ok()) {
      auto n = r.Int("client_id");
      if (n.ok() && *n) id = std::optional<std::string>(std::to_string(**n));
    }
    for (const core::Status* st : {&grant.status(), &id.status(), &secret.status()}) {
      if (!st->ok()) return OAuthError(*st, call.request);
    }
    if (!*grant) return OAuthError(core::InvalidArgument("grant_type is required"), call.request);
    if (**grant != "client_credentials") {
      return OAuthError(core::FailedPrecondition("only client_credentials is supported"),
                        call.request);
    }
    if (!*id || !*secret) {
      return OAuthError(core::Unauthenticated("client_id and client_secret are required"),
                        call.request);
    }
    const std::string& address = call.request.remote_address;
    if (s.auth_limiter) {
      if (auto wait = s.auth_limiter->RetryAfter(**id, address)) {
        Response res = OAuthError(http::TooManyAuthFailures(*wait), call.request);
        res.headers.Add("Retry-After", std::to_string(*wait));
        return res;
      }
    }
    auto token = s.accounts.IssueAccessToken(**id, **secret);
    if (!token.ok()) {
      if (s.auth_limiter && token.status().code() == core::Code::kUnauthenticated) {
        s.auth_limiter->RecordFailure(**id, address);
      }
      return OAuthError(token.status(), call.request);
    }
    Response res = Response::Json(
        200, json::serialize(json::object{{"token_type", "Bearer"},
                                          {"expires_in", token->expires_in_seconds},
                                          {"access_token", token->access_token}}));
    res.headers.Add("Cache-Control", "no-store");
    return res;
  }), open);
}

}  // namespace rivulet::api::system

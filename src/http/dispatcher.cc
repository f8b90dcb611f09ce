#include "http/dispatcher.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <boost/json.hpp>
#include <atomic>
#include <chrono>

#include "core/crypto.h"
#include "http/form.h"

namespace rivulet::http {
namespace json = boost::json;

int HttpStatusFor(core::Code code) {
  switch (code) {
    case core::Code::kOk: return 200;
    case core::Code::kInvalidArgument: return 400;
    case core::Code::kNotFound: return 404;
    case core::Code::kAlreadyExists: return 409;
    case core::Code::kUnauthenticated: return 401;
    case core::Code::kPermissionDenied: return 403;
    case core::Code::kFailedPrecondition: return 409;
    case core::Code::kPayloadTooLarge: return 413;
    case core::Code::kUnsupportedMedia: return 415;
    case core::Code::kResourceExhausted: return 429;
    case core::Code::kUnavailable: return 503;
    case core::Code::kInternal: return 500;
  }
  return 500;
}

Response NativeError(const core::Status& status, const Request& request) {
  json::object err{{"code", core::CodeName(status.code())}, {"message", status.message()}};
  if (!status.fields().empty()) {
    json::object fields;
    for (const auto& [k, v] : status.fields()) fields[k] = v;
    err["fields"] = std::move(fields);
  }
  if (!request.request_id.empty()) err["request_id"] = request.request_id;
  Response r = Response::Json(HttpStatusFor(status.code()),
                              json::serialize(json::object{{"error", err}}) + "\n");
  if (status.code() == core::Code::kUnauthenticated) {
    r.headers.Add("WWW-Authenticate", "Bearer");
  }
  return r;
}

core::Status TooManyAuthFailures(int retry_after_seconds) {
  return core::Status(core::Code::kResourceExhausted,
                      "too many failed authentication attempts; retry in " +
                          std::to_string(retry_after_seconds) + " s");
}

core::Status SplitTarget(std::string_view target, std::string* path, std::string* query) {
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  *query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  if (raw_path.empty() || raw_path.front() != '/') return core::InvalidArgument("bad request target");
  // Segments are decoded by the router one by one, so that "%2F" stays inside its segment;
  // here the escapes are only checked.
  auto decoded = PercentDecode(raw_path, /*plus_as_space=*/false);
  if (!decoded.ok()) return decoded.status();
  if (decoded->find('\0') != std::string::npos) return core::InvalidArgument("bad request target");
  *path = std::string(raw_path);
  return core::Status::Ok();
}

namespace {
// A process-random prefix and a counter: unique, cheap, and not guessable across restarts.
std::string NextRequestId() {
  static const std::string prefix = core::RandomHex(4);
  static std::atomic<uint64_t> counter{0};
  return prefix + "-" + std::to_string(++counter);
}

// The method label of a request no route took: a standard method's name, or "other". The
// request line's method is any token the client likes, and each new label value would be
// a new series kept for the life of the process.
std::string_view UnmatchedMethodLabel(std::string_view method) {
  static constexpr std::string_view kStandard[] = {"GET",   "HEAD",   "POST",   "PUT",
                                                   "PATCH", "DELETE", "OPTIONS"};
  for (std::string_view m : kStandard) {
    if (m == method) return m;
  }
  return "other";
}
}  // namespace

size_t Dispatcher::BodyLimitFor(std::string_view method, std::string_view target) const {
  std::string path, query;
  if (!SplitTarget(target, &path, &query).ok()) return limits_.max_body_bytes;
  auto m = router_.Find(method, path);
  if (m.route && m.route->options.max_body_bytes) return m.route->options.max_body_bytes;
  return limits_.max_body_bytes;
}

Response Dispatcher::ErrorFor(std::string_view target, const core::Status& status) const {
  Request req;
  std::string query;
  if (!SplitTarget(target, &req.path, &query).ok()) {
    req.path = std::string(target.substr(0, target.find('?')));
  }
  req.request_id = NextRequestId();
  const Face* face = router_.FaceFor(req.path);
  Response r = face && face->render_error ? face->render_error(status, req) : NativeError(status, req);
  r.headers.Add("X-Request-Id", req.request_id);
  return r;
}

core::Status Dispatcher::Authenticate(const Route& route, const Request& req, Call& call,
                                      engine::Identity& identity) {
  const Face& face = *route.face;
  core::Result<engine::Identity> who = core::Unauthenticated("missing credentials");
  AuthScheme scheme = face.auth;
  if (scheme == AuthScheme::kAny) {
    scheme = req.headers.Get("PublicKey") ? AuthScheme::kKeyPair : AuthScheme::kBearer;
  }
  switch (scheme) {
    case AuthScheme::kNone:
      return core::Status::Ok();
    case AuthScheme::kAny:  // resolved above
      return core::Internal("unresolved auth scheme");
    case AuthScheme::kBearer:
    case AuthScheme::kOAuthBearer: {
      auto header = req.headers.Get("Authorization");
      if (!header) return core::Unauthenticated("missing Authorization header");
      std::string_view h = *header;
      if (h.size() < 7 || strncasecmp(h.data(), "Bearer ", 7) != 0) {
        return core::Unauthenticated("Authorization must be 'Bearer <token>'");
      }
      std::string_view token = h.substr(7);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      who = accounts_.AuthenticateBearer(token, scheme == AuthScheme::kBearer);
      break;
    }
    case AuthScheme::kKeyPair: {
      auto pub = req.headers.Get("PublicKey");
      auto sec = req.headers.Get("SecretKey");
      if (!pub || !sec) {
        core::Status st = core::Unauthenticated("missing PublicKey or SecretKey header");
        if (!pub) st.WithField("PublicKey", "The public key field is required.");
        if (!sec) st.WithField("SecretKey", "The secret key field is required.");
        return st;
      }
      who = accounts_.AuthenticateKeyPair(*pub, *sec);
      break;
    }
  }
  if (!who.ok()) return who.status();
  identity = std::move(who).value();
  call.identity = &identity;
  if (route.options.admin_only && !identity.principal.is_admin) {
    return core::PermissionDenied("this operation needs an admin credential");
  }
  if (!route.options.needs_workspace) return core::Status::Ok();

  std::optional<std::string_view> named;
  if (!face.workspace_header.empty()) named = req.headers.Get(face.workspace_header);
  if (!named && face.workspace_header_required) {
    return core::InvalidArgument("missing " + face.workspace_header + " header")
        .WithField(face.workspace_header, "is required");
  }
  auto ws = accounts_.ResolveWorkspace(identity, named);
  if (!ws.ok()) return ws.status();
  call.workspace = std::move(ws).value();
  return core::Status::Ok();
}

void Dispatcher::Dispatch(Request request, Respond respond) {
  auto started = std::chrono::steady_clock::now();
  if (request.request_id.empty()) request.request_id = NextRequestId();
  std::string query;
  core::Status target_ok = SplitTarget(request.target, &request.path, &request.query);
  if (!target_ok.ok()) request.path = request.target.substr(0, request.target.find('?'));
  Router::Match match;
  if (target_ok.ok()) match = router_.Find(request.method, request.path, &request);
  // Both point into the router (which is not changed while serving) or at constants.
  std::string_view label = match.route ? std::string_view(match.route->pattern) : "unmatched";
  std::string_view method =
      match.route ? std::string_view(match.route->method) : UnmatchedMethodLabel(request.method);
  metrics_.in_flight++;
  // Every response passes here: metrics, request id header.
  auto finish = [this, label, method, started, respond = std::move(respond),
                 id = request.request_id](Response r) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_.ObserveRequest(label, method, r.status, secs);
    metrics_.in_flight--;
    r.headers.Add("X-Request-Id", id);
    respond(std::move(r));
  };
  const Face* face = match.route ? match.route->face : router_.FaceFor(request.path);
  auto fail = [&](const core::Status& st) {
    finish(face && face->render_error ? face->render_error(st, request)
                                      : NativeError(st, request));
  };
  if (!target_ok.ok()) return fail(target_ok);
  if (!match.route) {
    if (match.path_matched) {
      core::Status st = core::InvalidArgument("method " + request.method + " not allowed here");
      Response r = face && face->render_error ? face->render_error(st, request)
                                              : NativeError(st, request);
      r.status = 405;
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      r.headers.Add("Allow", allow);
      return finish(std::move(r));
    }
    return fail(core::NotFound("no such endpoint: " + request.method + " " + request.path));
  }
  Call call{request, std::move(match.params), nullptr, std::nullopt, face};
  engine::Identity identity;
  if (!match.route->options.public_route) {
    // The client id of a failed attempt: the PublicKey (bearer secrets name no client).
    std::string client;
    if (auto pub = request.headers.Get("PublicKey")) client = std::string(pub->substr(0, 128));
    if (auth_limiter_) {
      if (auto wait = auth_limiter_->RetryAfter(client, request.remote_address)) {
        core::Status st = TooManyAuthFailures(*wait);
        Response r =
            face && face->render_error ? face->render_error(st, request) : NativeError(st, request);
        r.status = 429;
        r.headers.Add("Retry-After", std::to_string(*wait));
        return finish(std::move(r));
      }
    }
    core::Status st = Authenticate(*match.route, request, call, identity);
    if (!st.ok()) {
      // Only presented credentials count: a request without any guesses nothing.
      bool presented = request.headers.Get("Authorization") || request.headers.Get("PublicKey") ||
                       request.headers.Get("SecretKey");
      if (auth_limiter_ && st.code() == core::Code::kUnauthenticated && presented) {
        auth_limiter_->RecordFailure(client, request.remote_address);
      }
      return fail(st);
    }
  }
  match.route->handler(call, std::move(finish));
}

}  // namespace rivulet::http

#ifndef RIVULET_HTTP_ROUTER_H_
#define RIVULET_HTTP_ROUTER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "engine/accounts.h"
#include "http/message.h"

namespace rivulet::http {

// How a face authenticates every request, before any handler runs.
enum class AuthScheme {
  kNone,
  kBearer,       // OAuth access token or API key (Leat, native)
  kOAuthBearer,  // OAuth access token only (Contactflow)
  kKeyPair,      // PublicKey + SecretKey headers (AllsTechnology)
  kAny,          // kKeyPair when a PublicKey header is present, else kBearer (native)
};

// One public API face: its prefix, authentication, how a request names its workspace, and
// the single place where its errors become its own envelope.
struct Face {
  std::string name;    // metric label, e.g. "native"
  std::string prefix;  // e.g. "/v1"; unknown paths under it get this face's 404
  AuthScheme auth = AuthScheme::kBearer;
  // Header naming the workspace uuid (Contactflow "Node"). Empty, or absent when not
  // required: the principal's only workspace.
  std::string workspace_header;
  bool workspace_header_required = false;
  std::function<Response(const core::Status&, const Request&)> render_error;
};

// What a handler is given. Valid only during the handler call: an asynchronous handler
// copies what it needs.
struct Call {
  const Request& request;
  std::map<std::string, std::string> params;  // path parameters, percent-decoded
  const engine::Identity* identity = nullptr;
  std::optional<core::Workspace> workspace;
  const Face* face = nullptr;

  int64_t workspace_id() const { return workspace ? workspace->id : 0; }
  std::string_view Param(const std::string& name) const;
};

using Handler = std::function<void(const Call&, Respond)>;
// Adapts a synchronous handler.
Handler Sync(std::function<Response(const Call&)> fn);

struct RouteOptions {
  size_t max_body_bytes = 0;  // 0: the server default
  bool public_route = false;  // no authentication (token endpoint, health, tracking)
  bool needs_workspace = true;
  bool admin_only = false;
  // When set, the route matches only the requests it accepts, judged before authentication
  // (e.g. by which credential headers are present). This lets two faces share a path and
  // method, such as Leat's legacy GET /api/automations (Bearer) beside AllsTechnology's
  // (PublicKey/SecretKey): a guarded route that accepts the request wins over unguarded
  // routes of equal rank, and one that refuses it is skipped as if absent. Must be cheap and
  // thread-safe.
  std::function<bool(const Request&)> accepts = nullptr;
};

struct Route {
  const Face* face;
  std::string method;
  std::string pattern;  // "/v1/contacts/{ref}"
  std::vector<std::string> segments;
  Handler handler;
  RouteOptions options;
};

// Matches method + path to a route. Patterns are '/'-separated; "{name}" matches one
// non-empty segment. Each segment of the path is percent-decoded on its own, so an encoded
// '/' stays inside its parameter. Literal segments win over parameters. Not thread-safe to modify;
// safe to read concurrently once built.
class Router {
 public:
  void Add(const Face* face, std::string method, std::string pattern, Handler handler,
           RouteOptions options = {});

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    bool path_matched = false;  // some route has this path, with another method
    std::vector<std::string> allowed_methods;  // when no route matched: those that have it
  };
  // With a request, guarded routes (RouteOptions::accepts) are judged by it; without one
  // they rank like unguarded routes (enough for the body limit, known before the headers are
  // handed over).
  Match Find(std::string_view method, std::string_view path,
             const Request* request = nullptr) const;

  // The face whose prefix owns path (longest prefix), or nullptr.
  const Face* FaceFor(std::string_view path) const;

  // Every registered route, in registration order; valid while the router lives. For tests
  // that check that every route is documented or covered.
  std::vector<const Route*> Routes() const;

 private:
  // Calls visit(route) for each route that may match a path of n segments whose first is
  // first: those with n segments whose first is that literal or a parameter, in the order
  // they were added.
  template <typename Visit>
  void ForEachCandidate(size_t n, std::string_view first, Visit&& visit) const;

  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<const Face*> faces_;
  // Routes without parameters, by the path they match as written ("/v1/events") and method:
  // a request for exactly that path needs no ranking. nullptr where ranking must decide (a
  // guarded route, or two routes for the same path and method).
  struct PathHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::vector<std::pair<std::string, const Route*>>, PathHash,
                     std::equal_to<>>
      literal_;
  // by_shape_[n][first literal segment, or "" for a parameter] = indexes into routes_.
  std::vector<std::map<std::string, std::vector<size_t>, std::less<>>> by_shape_;
};

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_ROUTER_H_

#include <strings.h>

#include <boost/json.hpp>

#include "api/leat/leat_api.h"
#include "api/leat/leat_error.h"
#include "api/leat/leat_json.h"
#include "http/body.h"

namespace rivulet::api::leat {
namespace json = boost::json;
using http::Call;
using http::Respond;
using http::Response;

const http::Face& LeatFace() {
  static const http::Face face{
      .name = "leat",
      .prefix = "/api/v3/oauth/clients",
      .auth = http::AuthScheme::kBearer,
      .workspace_header = "",
      .workspace_header_required = false,
      .render_error = LeatError,
  };
  return face;
}

namespace {

constexpr const char* kPrefix = "/api/v3/oauth/clients";
// The older Leat page's paths, shared with the AllsTechnology face (PublicKey/SecretKey).
constexpr const char* kLegacyPrefix = "/api";

// Leat clients send "Authorization: Bearer …"; AllsTechnology clients send PublicKey and
// SecretKey. A request with either key header is never Leat's.
bool IsLeatRequest(const http::Request& req) {
  if (req.headers.Get("PublicKey") || req.headers.Get("SecretKey")) return false;
  auto auth = req.headers.Get("Authorization");
  return auth && auth->size() >= 7 && strncasecmp(auth->data(), "Bearer ", 7) == 0;
}

Response LeatJson(int status, json::object body) {
  return Response::Json(status, json::serialize(body));
}

Response ListAutomations(Services& s, const Call& call) {
  json::array data;
  core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    store::AutomationFilter f;
    f.limit = 500;
    while (true) {
      RIVULET_ASSIGN_OR_RETURN(auto page, txn.ListAutomations(call.workspace_id(), f));
      for (const auto& a : page) {
        if (auto event = LeatEvent(a)) data.push_back(AutomationToLeat(a, *event));
      }
      if (page.size() < static_cast<size_t>(f.limit)) return core::Status::Ok();
      f.after_id = page.back().id;
    }
  });
  if (!st.ok()) return LeatError(st, call.request);
  return LeatJson(200, json::object{{"data", std::move(data)}, {"meta", json::array()}});
}

void StartRun(Services& s, const Call& call, Respond respond) {
  auto body = http::ParseBody(call.request, s.limits);
  if (!body.ok()) return respond(LeatError(body.status(), call.request));
  auto run = RunRequestFromJson(*body);
  if (!run.ok()) return respond(LeatError(run.status(), call.request));
  engine::EnrollOptions options;
  options.run_data_json = run->data_json;
  auto admit = [](const core::Automation& a) -> core::Status {
    if (IsRunnable(a)) return core::Status::Ok();
    return core::NotFound("only contact_updated automations can be run")
        .WithField(kAutomationField, "is not triggered by contact_updated");
  };
  http::Request meta;
  meta.request_id = call.request.request_id;
  s.automations.EnrollExisting(
      call.workspace_id(), run->automation_uuid, run->contact_uuid, std::move(options), admit,
      [meta = std::move(meta),
       respond = std::move(respond)](core::Result<engine::Automations::EnrollResult> r) {
        if (!r.ok()) return respond(LeatError(r.status(), meta));
        // The seed's shape, {"data":[],"meta":…}; meta names the run for callers that want it.
        respond(LeatJson(200, json::object{{"data", json::array()},
                                           {"meta", json::object{{"run_uuid", r->token->uuid}}}}));
      });
}

}  // namespace

void RegisterLeatApi(http::Router& router, Services& s) {
  const http::Face* face = &LeatFace();
  http::RouteOptions legacy{.accepts = IsLeatRequest};
  for (const auto& [prefix, options] :
       {std::pair{kPrefix, http::RouteOptions{}}, std::pair{kLegacyPrefix, legacy}}) {
    std::string base = std::string(prefix) + "/automations";
    router.Add(face, "GET", base,
               http::Sync([&s](const Call& call) { return ListAutomations(s, call); }), options);
    router.Add(
        face, "POST", base + "/runs",
        [&s](const Call& call, Respond respond) { StartRun(s, call, std::move(respond)); },
        options);
  }
}

}  // namespace rivulet::api::leat

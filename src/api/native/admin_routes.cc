#include <boost/json.hpp>
#include <charconv>

#include "api/json_input.h"
#include "api/native/native_api.h"
#include "api/native/respond.h"
#include "core/time_format.h"
#include "core/uuid.h"
#include "http/body.h"

namespace rivulet::api::native {
namespace json = boost::json;
using http::Call;
using http::Response;

namespace {

json::object WorkspaceToJson(const core::Workspace& w) {
  return json::object{{"uuid", w.uuid},
                      {"name", w.name},
                      {"active", w.active},
                      {"created_at", core::FormatIsoUtc(w.created_at, true)}};
}

json::object CredentialToJson(const core::Credential& c) {
  json::object o{{"id", c.id},
                 {"kind", core::CredentialKindName(c.kind)},
                 {"label", c.label},
                 {"created_at", core::FormatIsoUtc(c.created_at, true)}};
  if (c.kind == core::CredentialKind::kOAuthClient) o["client_id"] = std::to_string(c.id);
  if (c.kind == core::CredentialKind::kApiKey) o["key_prefix"] = c.public_id;
  if (c.kind == core::CredentialKind::kKeyPair) o["public_key"] = c.public_id;
  o["revoked_at"] = c.revoked_at ? json::value(core::FormatIsoUtc(*c.revoked_at, true))
                                 : json::value(nullptr);
  return o;
}

core::Result<core::Workspace> WorkspaceParam(Services& s, const Call& call) {
  std::string_view uuid = call.Param("uuid");
  if (!core::IsUuid(uuid)) return FieldError("uuid", "must be a uuid");
  core::Workspace ws;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(ws, txn.FindWorkspaceByUuid(core::NormalizeUuid(uuid)));
    return core::Status::Ok();
  }));
  return ws;
}

}  // namespace

// Workspace and credential management for admin principals. CLI commands call the same
// engine::Accounts operations.
void RegisterAdminRoutes(http::Router& router, Services& s) {
  const http::Face* face = &NativeFace();
  http::RouteOptions admin{.needs_workspace = false, .admin_only = true};

  router.Add(face, "GET", "/v1/workspaces", http::Sync([&s](const Call& call) -> Response {
    std::vector<core::Workspace> all;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(all, txn.ListWorkspaces());
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    json::array data;
    for (const auto& w : all) data.push_back(WorkspaceToJson(w));
    return JsonResponse(200, json::object{{"data", std::move(data)}});
  }), admin);

  router.Add(face, "POST", "/v1/workspaces", http::Sync([&s](const Call& call) -> Response {
    auto body = http::ParseBody(call.request, s.limits);
    if (!body.ok()) return ErrorResponse(body.status(), call.request);
    auto obj = AsObject(*body, "request body");
    if (!obj.ok()) return ErrorResponse(obj.status(), call.request);
    FieldReader r(**obj);
    if (auto st = r.OnlyKnown({"name", "uuid"}); !st.ok()) return ErrorResponse(st, call.request);
    auto name = r.String("name", 200, true);
    if (!name.ok()) return ErrorResponse(name.status(), call.request);
    auto uuid = r.String("uuid", 64);
    if (!uuid.ok()) return ErrorResponse(uuid.status(), call.request);
    auto ws = s.accounts.CreateWorkspace(**name, uuid->value_or(""));
    if (!ws.ok()) return ErrorResponse(ws.status(), call.request);
    return JsonResponse(201, json::object{{"workspace", WorkspaceToJson(*ws)}});
  }), admin);

  router.Add(face, "GET", "/v1/workspaces/{uuid}", http::Sync([&s](const Call& call) -> Response {
    auto ws = WorkspaceParam(s, call);
    if (!ws.ok()) return ErrorResponse(ws.status(), call.request);
    return JsonResponse(200, json::object{{"workspace", WorkspaceToJson(*ws)}});
  }), admin);

  router.Add(face, "GET", "/v1/workspaces/{uuid}/credentials",
             http::Sync([&s](const Call& call) -> Response {
               auto ws = WorkspaceParam(s, call);
               if (!ws.ok()) return ErrorResponse(ws.status(), call.request);
               std::vector<core::Credential> creds;
               core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
                 RIVULET_ASSIGN_OR_RETURN(creds, txn.ListCredentials(ws->id));
                 return core::Status::Ok();
               });
               if (!st.ok()) return ErrorResponse(st, call.request);
               json::array data;
               for (const auto& c : creds) data.push_back(CredentialToJson(c));
               return JsonResponse(200, json::object{{"data", std::move(data)}});
             }), admin);

  // {"kind":"oauth"|"apikey"|"keypair","label":"…"}: the secret is in this response only.
  router.Add(face, "POST", "/v1/workspaces/{uuid}/credentials",
             http::Sync([&s](const Call& call) -> Response {
               auto ws = WorkspaceParam(s, call);
               if (!ws.ok()) return ErrorResponse(ws.status(), call.request);
               auto body = http::ParseBody(call.request, s.limits);
               if (!body.ok()) return ErrorResponse(body.status(), call.request);
               auto obj = AsObject(*body, "request body");
               if (!obj.ok()) return ErrorResponse(obj.status(), call.request);
               FieldReader r(**obj);
               if (auto st = r.OnlyKnown({"kind", "label"}); !st.ok()) {
                 return ErrorResponse(st, call.request);
               }
               auto kind_name = r.String("kind", 16, true);
               if (!kind_name.ok()) return ErrorResponse(kind_name.status(), call.request);
               auto kind = core::ParseCredentialKind(**kind_name);
               if (!kind) {
                 return ErrorResponse(FieldError("kind", "must be oauth, apikey or keypair"),
                                      call.request);
               }
               auto label = r.String("label", 200);
               if (!label.ok()) return ErrorResponse(label.status(), call.request);
               auto issued = s.accounts.CreateCredential(ws->id, *kind, false, label->value_or(""));
               if (!issued.ok()) return ErrorResponse(issued.status(), call.request);
               json::object o = CredentialToJson(issued->credential);
               switch (*kind) {
                 case core::CredentialKind::kOAuthClient:
                   o["client_secret"] = issued->secret;
                   break;
                 case core::CredentialKind::kApiKey:
                   o["api_key"] = issued->secret;
                   break;
                 case core::CredentialKind::kKeyPair:
                   o["secret_key"] = issued->secret;
                   break;
               }
               return JsonResponse(201, json::object{{"credential", std::move(o)}});
             }), admin);

  router.Add(face, "DELETE", "/v1/credentials/{id}", http::Sync([&s](const Call& call) -> Response {
    int64_t id = 0;
    std::string_view text = call.Param("id");
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || p != text.data() + text.size() || id <= 0) {
      return ErrorResponse(FieldError("id", "must be a positive integer"), call.request);
    }
    core::Status st = s.accounts.RevokeCredential(id);
    if (!st.ok()) return ErrorResponse(st, call.request);
    return Response::NoContent();
  }), admin);
}

}  // namespace rivulet::api::native

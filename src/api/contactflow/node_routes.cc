// Nodes (workspaces) and the current user, which need no Node header.
#include <algorithm>

#include "api/contactflow/common.h"
#include "api/contactflow/node_json.h"
#include "api/contactflow/routes.h"
#include "core/uuid.h"

namespace rivulet::api::contactflow {

namespace {

// The workspace named by the path, if the principal may act on it: unknown → 404, someone
// else's → 403.
core::Result<core::Workspace> NodeFor(Services& s, const Call& call) {
  RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "nodeUuid"));
  core::Workspace ws;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(ws, txn.FindWorkspaceByUuid(uuid));
    return core::Status::Ok();
  }));
  const auto& mine = call.identity->principal.workspace_ids;
  if (!call.identity->principal.is_admin &&
      std::find(mine.begin(), mine.end(), ws.id) == mine.end()) {
    return core::PermissionDenied("this credential may not act on node " + ws.uuid);
  }
  return ws;
}

core::Status UpdateNode(Services& s, const Call& call, core::Workspace& ws) {
  RIVULET_ASSIGN_OR_RETURN(json::object body, ReadBody(call, s.limits));
  RIVULET_RETURN_IF_ERROR(ApplyNodeUpdate(body, ws));
  ws.updated_at = s.clock.Now();
  RIVULET_RETURN_IF_ERROR(
      s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.UpdateWorkspace(ws); }));
  s.accounts.ForgetCached();
  return core::Status::Ok();
}

}  // namespace

core::Result<std::vector<core::Workspace>> NodesOf(Services& s, const engine::Identity& who) {
  std::vector<core::Workspace> out;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    if (who.principal.is_admin) {
      RIVULET_ASSIGN_OR_RETURN(out, txn.ListWorkspaces());
      return core::Status::Ok();
    }
    for (int64_t id : who.principal.workspace_ids) {
      auto ws = txn.FindWorkspaceById(id);
      if (ws.ok()) out.push_back(std::move(ws).value());
    }
    return core::Status::Ok();
  }));
  return out;
}

void RegisterNodeRoutes(http::Router& router, Services& s) {
  AddSync(
      router, "GET", "/contactflow/nodes",
      [&s](const Call& call) -> core::Result<Response> {
        RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
        FieldReader r(q);
        RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"portfolioUuid", "workspaceUuid", "page", "size"}));
        RIVULET_ASSIGN_OR_RETURN(PageRequest page, ReadPage(r));
        RIVULET_ASSIGN_OR_RETURN(auto portfolio, r.String("portfolioUuid", 64));
        RIVULET_ASSIGN_OR_RETURN(auto workspace, r.String("workspaceUuid", 64));
        for (const auto* f : {&portfolio, &workspace}) {
          if (*f && !core::IsUuid(**f)) {
            return FieldError(f == &portfolio ? "portfolioUuid" : "workspaceUuid",
                              "must be a uuid");
          }
        }
        RIVULET_ASSIGN_OR_RETURN(auto nodes, NodesOf(s, *call.identity));
        json::array matching;
        for (const auto& ws : nodes) {
          if (!ws.active) continue;  // a disabled node is logically deleted
          json::object n = NodeToJson(ws);
          auto eq = [&](const char* key, const std::optional<std::string>& want) {
            if (!want) return true;
            auto* v = n.if_contains(key);
            return v && v->is_string() && v->as_string() == core::NormalizeUuid(*want);
          };
          if (!eq("portfolioUuid", portfolio) || !eq("workspaceUuid", workspace)) continue;
          matching.push_back(std::move(n));
        }
        int64_t total = static_cast<int64_t>(matching.size());
        json::array elements;
        for (int64_t i = page.page * page.size; i < total && i < (page.page + 1) * page.size; ++i) {
          elements.push_back(matching[i]);
        }
        return JsonResponse(200, PageJson(std::move(elements), total, page));
      },
      NoNode());

  AddSync(
      router, "POST", "/contactflow/nodes",
      [&s](const Call& call) -> core::Result<Response> {
        RIVULET_ASSIGN_OR_RETURN(json::object body, ReadBody(call, s.limits));
        core::Workspace ws;
        RIVULET_RETURN_IF_ERROR(NodeFromJson(body, ws));
        RIVULET_ASSIGN_OR_RETURN(ws,
                                 s.accounts.CreateWorkspaceFor(call.identity->principal.id, ws));
        return JsonResponse(201, NodeToJson(ws));
      },
      NoNode());

  AddSync(
      router, "GET", "/contactflow/nodes/{nodeUuid}",
      [&s](const Call& call) -> core::Result<Response> {
        RIVULET_ASSIGN_OR_RETURN(core::Workspace ws, NodeFor(s, call));
        return JsonResponse(200, NodeToJson(ws));
      },
      NoNode());

  AddSync(
      router, "DELETE", "/contactflow/nodes/{nodeUuid}",
      [&s](const Call& call) -> core::Result<Response> {
        RIVULET_ASSIGN_OR_RETURN(core::Workspace ws, NodeFor(s, call));
        RIVULET_RETURN_IF_ERROR(
            s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.DeleteWorkspace(ws.id); }));
        s.accounts.ForgetCached();
        return Response::NoContent();
      },
      NoNode());

  for (const char* method : {"PATCH", "PUT"}) {
    AddSync(
        router, method, "/contactflow/nodes/{nodeUuid}",
        [&s](const Call& call) -> core::Result<Response> {
          RIVULET_ASSIGN_OR_RETURN(core::Workspace ws, NodeFor(s, call));
          RIVULET_RETURN_IF_ERROR(UpdateNode(s, call, ws));
          return JsonResponse(200, NodeToJson(ws));
        },
        NoNode());
  }
}

}  // namespace rivulet::api::contactflow

// Feedbacks (per step and per automation) and node KPIs, from the engine's counters.
#include "api/contactflow/automation_json.h"
#include "api/contactflow/common.h"
#include "api/contactflow/node_json.h"
#include "api/contactflow/routes.h"

namespace rivulet::api::contactflow {

namespace {

json::object StepFeedback(const core::Step& step,
                          const std::vector<store::CounterValue>& counters) {
  return json::object{{"uuid", step.uuid},
                      {"type", StepKind(step.type)},
                      {"operation", core::StepTypeName(step.type)},
                      {"description", step.name},
                      {"feedbacks", CountersJson(counters, step.uuid)}};
}

}  // namespace

void RegisterFeedbackRoutes(http::Router& router, Services& s) {
  AddSync(router, "GET", "/contactflow/automations/{automationUuid}/steps/{stepUuid}/feedbacks",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "automationUuid"));
            RIVULET_ASSIGN_OR_RETURN(std::string step_uuid, UuidParam(call, "stepUuid"));
            json::object out;
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(core::Automation a,
                                       txn.FindAutomation(call.workspace_id(), uuid));
              const core::Step* step = a.FindStep(step_uuid);
              if (!step) return core::NotFound("step " + step_uuid + " is not in this automation");
              RIVULET_ASSIGN_OR_RETURN(auto counters, txn.ReadCounters(a.id));
              out = StepFeedback(*step, counters);
              return core::Status::Ok();
            }));
            return JsonResponse(200, out);
          });

  AddSync(router, "GET", "/contactflow/automations/{automationUuid}/feedbacks",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "automationUuid"));
            json::object out;
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(core::Automation a,
                                       txn.FindAutomation(call.workspace_id(), uuid));
              RIVULET_ASSIGN_OR_RETURN(auto counters, txn.ReadCounters(a.id));
              json::array steps;
              for (const auto& step : a.steps) steps.push_back(StepFeedback(step, counters));
              out = json::object{{"automationUuid", a.uuid},
                                 {"feedbacks", CountersJson(counters, "")},
                                 {"steps", std::move(steps)}};
              return core::Status::Ok();
            }));
            return JsonResponse(200, out);
          });

  // Every node of the user with its automations counted by status and its customers by
  // aggregated status.
  AddSync(
      router, "GET", "/contactflow/kpis/nodes",
      [&s](const Call& call) -> core::Result<Response> {
        RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
        FieldReader r(q);
        RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"page", "size"}));
        RIVULET_ASSIGN_OR_RETURN(PageRequest page, ReadPage(r));
        RIVULET_ASSIGN_OR_RETURN(auto all, NodesOf(s, *call.identity));
        std::vector<core::Workspace> nodes;
        for (auto& ws : all) {
          if (ws.active) nodes.push_back(std::move(ws));
        }
        int64_t total = static_cast<int64_t>(nodes.size());
        json::array elements;
        RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
          for (int64_t i = page.page * page.size; i < total && i < (page.page + 1) * page.size;
               ++i) {
            const core::Workspace& ws = nodes[i];
            json::object by_status;
            for (auto st : {core::AutomationStatus::kDraft, core::AutomationStatus::kCommitted,
                            core::AutomationStatus::kRunning, core::AutomationStatus::kPaused,
                            core::AutomationStatus::kToArchive, core::AutomationStatus::kArchived,
                            core::AutomationStatus::kError}) {
              by_status[core::AutomationStatusName(st)] = 0;
            }
            int64_t count = 0;
            store::AutomationFilter f;
            f.limit = 1000;
            while (true) {
              RIVULET_ASSIGN_OR_RETURN(auto batch, txn.ListAutomations(ws.id, f));
              for (const auto& a : batch) {
                json::value& n = by_status[core::AutomationStatusName(a.status)];
                n = (n.is_int64() ? n.as_int64() : 0) + 1;
                ++count;
              }
              if (batch.size() < static_cast<size_t>(f.limit)) break;
              f.after_id = batch.back().id;
            }
            json::object customers;
            for (const auto& [name, statuses] :
                 std::vector<std::pair<const char*, std::vector<core::TokenStatus>>>{
                     {"RUNNING", {core::TokenStatus::kActive}},
                     {"COMPLETED", {core::TokenStatus::kCompleted, core::TokenStatus::kExited}},
                     {"ERROR", {core::TokenStatus::kError}}}) {
              store::TokenFilter tf;
              tf.statuses = statuses;
              RIVULET_ASSIGN_OR_RETURN(int64_t n, txn.CountTokens(ws.id, tf));
              customers[name] = n;
            }
            json::object node = NodeToJson(ws);
            node["automations"] =
                json::object{{"total", count}, {"byStatus", std::move(by_status)}};
            node["customers"] = std::move(customers);
            elements.push_back(std::move(node));
          }
          return core::Status::Ok();
        }));
        return JsonResponse(200, PageJson(std::move(elements), total, page));
      },
      NoNode());
}

}  // namespace rivulet::api::contactflow

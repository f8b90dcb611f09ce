// Automations: list with filters, create, get, replace (PUT), status and name (PATCH),
// delete, categories. Every change goes through engine::Automations and its lifecycle.
#include "api/contactflow/automation_filter.h"
#include "api/contactflow/automation_json.h"
#include "api/contactflow/common.h"
#include "api/contactflow/routes.h"

namespace rivulet::api::contactflow {

namespace {

constexpr size_t kAutomationBodyBytes = 4 << 20;

core::Result<std::vector<store::CounterValue>> Counters(Services& s, int64_t automation_id) {
  std::vector<store::CounterValue> counters;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(counters, txn.ReadCounters(automation_id));
    return core::Status::Ok();
  }));
  return counters;
}

// Renders the automation (with its statistics) after a change committed.
engine::Callback<core::Automation> Reply(Services& s, const Call& call, Respond respond,
                                         int status) {
  return [&s, meta = Meta(call.request), respond = std::move(respond),
          status](core::Result<core::Automation> r) {
    if (!r.ok()) return respond(ErrorResponse(r.status(), meta));
    auto counters = r->id ? Counters(s, r->id) : std::vector<store::CounterValue>();
    if (!counters.ok()) return respond(ErrorResponse(counters.status(), meta));
    respond(JsonResponse(status, AutomationToJson(*r, *counters, false)));
  };
}

core::Result<bool> RemoveExpiredParam(Services& s, const Call& call) {
  RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
  FieldReader r(q);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"removeExpiredCustomers"}));
  RIVULET_ASSIGN_OR_RETURN(auto remove, r.Bool("removeExpiredCustomers"));
  return remove.value_or(false);
}

}  // namespace

void RegisterAutomationRoutes(http::Router& router, Services& s) {
  http::RouteOptions big;
  big.max_body_bytes = kAutomationBodyBytes;

  AddSync(router, "GET", "/contactflow/automations",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
            FieldReader r(q);
            RIVULET_RETURN_IF_ERROR(
                r.OnlyKnown({"name", "description", "status", "category", "startDateBefore",
                             "startDateAfter", "endDateBefore", "endDateAfter", "createdBefore",
                             "createdAfter", "style", "stepType", "hasTrigger", "page", "size"}));
            RIVULET_ASSIGN_OR_RETURN(AutomationQuery query, ReadAutomationQuery(r, false));
            RIVULET_ASSIGN_OR_RETURN(PageRequest page, ReadPage(r));
            RIVULET_ASSIGN_OR_RETURN(auto style, r.String("style", 32));
            bool compact = style && *style == "compact";
            json::array elements;
            int64_t total = 0;
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(auto all, FindAutomations(txn, call.workspace_id(), query));
              total = static_cast<int64_t>(all.size());
              for (int64_t i = page.page * page.size; i < total && i < (page.page + 1) * page.size;
                   ++i) {
                std::vector<store::CounterValue> counters;
                if (!compact) {
                  RIVULET_ASSIGN_OR_RETURN(counters, txn.ReadCounters(all[i].id));
                }
                elements.push_back(AutomationToJson(all[i], counters, compact));
              }
              return core::Status::Ok();
            }));
            return JsonResponse(200, PageJson(std::move(elements), total, page));
          });

  AddAsync(
      router, "POST", "/contactflow/automations",
      [&s](const Call& call, Respond respond) {
        http::Limits limits = s.limits;
        limits.max_body_bytes = kAutomationBodyBytes;
        auto body = ReadBody(call, limits);
        if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
        auto a = AutomationFromJson(*body);
        if (!a.ok()) return respond(ErrorResponse(a.status(), call.request));
        s.automations.Create(call.workspace_id(), std::move(a).value(),
                             Reply(s, call, std::move(respond), 201));
      },
      big);

  AddSync(router, "GET", "/contactflow/automations/categories",
          [&s](const Call& call) -> core::Result<Response> {
            // Deprecated twin of /definitions/categories: "Custom" is the only category.
            (void)s;
            (void)call;
            return JsonResponse(200, json::object{{"categories", json::array{"Custom"}}});
          });

  AddSync(router, "GET", "/contactflow/automations/{automationUuid}",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "automationUuid"));
            json::object out;
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(core::Automation a,
                                       txn.FindAutomation(call.workspace_id(), uuid));
              RIVULET_ASSIGN_OR_RETURN(auto counters, txn.ReadCounters(a.id));
              out = AutomationToJson(a, counters, false);
              return core::Status::Ok();
            }));
            return JsonResponse(200, out);
          });

  // PUT replaces the graph (DRAFT or PAUSED only: a running automation's steps are not
  // edited under its tokens); a status in the body then moves the automation through the
  // lifecycle as PATCH does.
  AddAsync(
      router, "PUT", "/contactflow/automations/{automationUuid}",
      [&s](const Call& call, Respond respond) {
        auto uuid = UuidParam(call, "automationUuid");
        if (!uuid.ok()) return respond(ErrorResponse(uuid.status(), call.request));
        auto remove = RemoveExpiredParam(s, call);
        if (!remove.ok()) return respond(ErrorResponse(remove.status(), call.request));
        http::Limits limits = s.limits;
        limits.max_body_bytes = kAutomationBodyBytes;
        auto body = ReadBody(call, limits);
        if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
        auto a = AutomationFromJson(*body);
        if (!a.ok()) return respond(ErrorResponse(a.status(), call.request));
        if (!a->uuid.empty() && a->uuid != *uuid) {
          return respond(
              ErrorResponse(FieldError("uuid", "does not match the path"), call.request));
        }
        std::optional<core::AutomationStatus> to;
        if (auto* st = body->if_contains("status"); st && st->is_string()) {
          to = core::ParseAutomationStatus(st->as_string());
        }
        int64_t ws = call.workspace_id();
        auto reply = Reply(s, call, std::move(respond), 200);
        s.automations.Replace(
            ws, *uuid, std::move(a).value(),
            [&s, ws, uuid = *uuid, to, remove = *remove, reply](core::Result<core::Automation> r) {
              if (!r.ok() || !to || *to == r->status) return reply(std::move(r));
              engine::Automations::StatusChange change;
              change.status = to;
              change.remove_expired_customers = remove;
              s.automations.ChangeStatus(ws, uuid, change, reply);
            });
      },
      big);

  AddAsync(router, "PATCH", "/contactflow/automations/{automationUuid}",
           [&s](const Call& call, Respond respond) {
             auto uuid = UuidParam(call, "automationUuid");
             if (!uuid.ok()) return respond(ErrorResponse(uuid.status(), call.request));
             auto remove = RemoveExpiredParam(s, call);
             if (!remove.ok()) return respond(ErrorResponse(remove.status(), call.request));
             auto body = ReadBody(call, s.limits);
             if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
             FieldReader r(*body);
             auto read = [&]() -> core::Result<engine::Automations::StatusChange> {
               RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"name", "status"}));
               RIVULET_ASSIGN_OR_RETURN(auto name, r.String("name", 200));
               RIVULET_ASSIGN_OR_RETURN(auto status, r.String("status", 32));
               engine::Automations::StatusChange change;
               if (status) {
                 change.status = core::ParseAutomationStatus(*status);
                 if (!change.status) return FieldError("status", "is not an automation status");
               }
               if (!name && !status) return core::InvalidArgument("give a name or a status");
               change.name = name;
               change.remove_expired_customers = *remove;
               return change;
             };
             auto change = read();
             if (!change.ok()) return respond(ErrorResponse(change.status(), call.request));
             s.automations.ChangeStatus(call.workspace_id(), *uuid, *change,
                                        Reply(s, call, std::move(respond), 200));
           });

  AddAsync(router, "DELETE", "/contactflow/automations/{automationUuid}",
           [&s](const Call& call, Respond respond) {
             auto uuid = UuidParam(call, "automationUuid");
             if (!uuid.ok()) return respond(ErrorResponse(uuid.status(), call.request));
             s.automations.Delete(
                 call.workspace_id(), *uuid,
                 [meta = Meta(call.request), respond = std::move(respond)](core::Result<bool> r) {
                   respond(r.ok() ? Response::NoContent() : ErrorResponse(r.status(), meta));
                 });
           });
}

}  // namespace rivulet::api::contactflow

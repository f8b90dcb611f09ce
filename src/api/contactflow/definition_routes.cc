// The current user, the node's available actions, definitions (trigger events, template
// contexts, customer fields, categories) and Send subscriptions (unsubscribe groups).
#include <set>

#include "api/contactflow/automation_filter.h"
#include "api/contactflow/common.h"
#include "api/contactflow/node_json.h"
#include "api/contactflow/routes.h"
#include "core/json_text.h"
#include "core/step_settings.h"

namespace rivulet::api::contactflow {

namespace {

core::Result<std::vector<core::Automation>> AllAutomations(Services& s, int64_t ws) {
  std::vector<core::Automation> all;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(all, FindAutomations(txn, ws, AutomationQuery{}));
    return core::Status::Ok();
  }));
  return all;
}

// The contact fields every template and condition can read as {{contact.…}}.
json::object CustomerFields() {
  return json::object{
      {"uuid", "string"},        {"email", "string"},         {"phone", "string"},
      {"external_id", "string"}, {"attributes", "object"},    {"tags", "array"},
      {"timezone", "string"},    {"created_at", "date-time"}, {"updated_at", "date-time"}};
}

}  // namespace

void RegisterDefinitionRoutes(http::Router& router, Services& s) {
  AddSync(
      router, "GET", "/contactflow/user",
      [&s](const Call& call) -> core::Result<Response> {
        const engine::Identity& who = *call.identity;
        RIVULET_ASSIGN_OR_RETURN(auto nodes, NodesOf(s, who));
        json::array node_list;
        for (const auto& ws : nodes) {
          if (ws.active) node_list.push_back(NodeToJson(ws));
        }
        json::object base{{"id", who.principal.id},
                          {"username", who.principal.name},
                          {"admin", who.principal.is_admin}};
        json::object extended{{"clientId", std::to_string(who.credential_id)},
                              {"created", Time(who.principal.created_at)},
                              {"nodes", std::move(node_list)}};
        return JsonResponse(
            200, json::object{{"base", std::move(base)}, {"extended", std::move(extended)}});
      },
      NoNode());

  // Message steps need their channel configured and enabled on the node; the others are
  // always available.
  AddSync(router, "GET", "/contactflow/actions", [&s](const Call& call) -> core::Result<Response> {
    std::vector<core::WorkspaceSetting> settings;
    RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(settings, txn.ListSettings(call.workspace_id()));
      return core::Status::Ok();
    }));
    bool smtp = false, sms = false;
    for (const auto& x : settings) {
      smtp = smtp || x.type == "SMTP";
      sms = sms || x.type == "SMS_GATEWAY";
    }
    json::object node = core::ParseJsonObject(call.workspace->settings_json);
    auto enabled = [&](const char* k) {
      auto* v = node.if_contains(k);
      return !v || !v->is_bool() || v->as_bool();
    };
    json::array out;
    if (smtp && enabled("emailActive")) out.push_back("CLAB_CAMPAIGN");
    if (sms && enabled("smsActive")) out.push_back("CLAB_CAMPAIGN_SMS");
    for (const char* op : {"WEBHOOK", "TAG", "WAIT", "FROM_LAST_STEP", "WAIT_AND_CHECK",
                           "WAIT_FOR_TRIGGER", "AB_TEST", "NO_ACTION", "ISSUE_CREDITS"}) {
      out.push_back(op);
    }
    return JsonResponse(200, out);
  });

  // Event types that can trigger automations: the contact events the engine emits, and
  // every type the node's automations trigger on or wait for; each with what its context
  // carries.
  AddSync(router, "GET", "/contactflow/definitions/trigger-events",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(auto all, AllAutomations(s, call.workspace_id()));
            std::set<std::string> types = {"contact_created", "contact_updated"};
            for (const auto& a : all) {
              for (const auto& t : a.triggers) types.insert(t.event_type);
              for (const auto& step : a.steps) {
                if (step.type != core::StepType::kWaitForTrigger) continue;
                auto settings = core::ParseStepSettings(step.type, step.config_json);
                if (!settings.ok()) continue;
                types.insert(std::get<core::WaitForTriggerSettings>(*settings).event_type);
              }
            }
            json::object out;
            for (const auto& t : types) {
              out[t] = json::object{{"attributes", json::object{{"type", "string"},
                                                                {"uuid", "string"},
                                                                {"data", "object"},
                                                                {"occurred_at", "integer"}}}};
            }
            return JsonResponse(200, out);
          });

  AddSync(router, "GET", "/contactflow/definitions/contexts",
          [](const Call&) -> core::Result<Response> {
            json::object out{{"contact", CustomerFields()},
                             {"event", json::object{{"type", "string"},
                                                    {"uuid", "string"},
                                                    {"data", "object"},
                                                    {"occurred_at", "integer"}}},
                             {"run", json::object{{"data", "object"}}},
                             {"token", json::object{{"uuid", "string"},
                                                    {"step_uuid", "string"},
                                                    {"entered_at", "integer"}}},
                             {"automation", json::object{{"uuid", "string"}, {"name", "string"}}},
                             {"messages", "object"}};
            return JsonResponse(200, out);
          });

  AddSync(router, "GET", "/contactflow/definitions/customers",
          [](const Call&) -> core::Result<Response> {
            return JsonResponse(200, json::object{{"userPk", "string"},
                                                  {"clabUuid", "string"},
                                                  {"attributes", "object"},
                                                  {"contact", CustomerFields()}});
          });

  AddSync(router, "GET", "/contactflow/definitions/categories",
          [](const Call&) -> core::Result<Response> {
            return JsonResponse(200, json::object{{"categories", json::array{"Custom"}}});
          });

  // Send subscriptions: the unsubscribe groups the node's automations use.
  AddSync(router, "GET", "/contactflow/send-subscriptions",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(auto all, AllAutomations(s, call.workspace_id()));
            std::set<std::string> groups;
            for (const auto& a : all) {
              if (!a.unsubscribe_group.empty()) groups.insert(a.unsubscribe_group);
            }
            json::array out;
            for (const auto& g : groups) out.push_back(json::object{{"id", g}, {"name", g}});
            return JsonResponse(200, json::object{{"subscriptions", std::move(out)}});
          });
}

}  // namespace rivulet::api::contactflow

#include <boost/json.hpp>

#include "api/json_input.h"
#include "api/native/automation_json.h"
#include "api/native/contact_json.h"
#include "api/native/native_api.h"
#include "api/native/paging.h"
#include "api/native/respond.h"
#include "core/uuid.h"
#include "http/body.h"

namespace rivulet::api::native {
namespace json = boost::json;
using http::Call;
using http::Respond;
using http::Response;

namespace {

constexpr size_t kAutomationBodyBytes = 4 << 20;

http::Request Meta(const Call& call) {
  http::Request meta;
  meta.request_id = call.request.request_id;
  return meta;
}

engine::Callback<core::Automation> ReplyAutomation(const Call& call, Respond respond, int status) {
  return [meta = Meta(call), respond = std::move(respond), status](
             core::Result<core::Automation> r) {
    if (!r.ok()) return respond(ErrorResponse(r.status(), meta));
    respond(JsonResponse(status, json::object{{"automation", AutomationToJson(*r)}}));
  };
}

core::Result<core::Automation> ParseAutomationBody(const Call& call, const http::Limits& base) {
  http::Limits limits = base;
  limits.max_body_bytes = kAutomationBodyBytes;
  RIVULET_ASSIGN_OR_RETURN(json::value body, http::ParseBody(call.request, limits));
  RIVULET_ASSIGN_OR_RETURN(const json::object* obj, AsObject(body, "request body"));
  return AutomationFromJson(*obj);
}

core::Result<core::Automation> LoadAutomation(Services& s, const Call& call) {
  std::string_view uuid = call.Param("uuid");
  if (!core::IsUuid(uuid)) return FieldError("uuid", "must be a uuid");
  core::Automation a;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(a, txn.FindAutomation(call.workspace_id(), core::NormalizeUuid(uuid)));
    return core::Status::Ok();
  }));
  return a;
}

}  // namespace

void RegisterAutomationRoutes(http::Router& router, Services& s) {
  const http::Face* face = &NativeFace();
  http::RouteOptions big{.max_body_bytes = kAutomationBodyBytes};

  router.Add(face, "POST", "/v1/automations", [&s](const Call& call, Respond respond) {
    auto a = ParseAutomationBody(call, s.limits);
    if (!a.ok()) return respond(ErrorResponse(a.status(), call.request));
    s.automations.Create(call.workspace_id(), std::move(a).value(),
                         ReplyAutomation(call, std::move(respond), 201));
  }, big);

  router.Add(face, "GET", "/v1/automations", http::Sync([&s](const Call& call) -> Response {
    auto q = http::ParseQuery(call.request.query, s.limits);
    if (!q.ok()) return ErrorResponse(q.status(), call.request);
    FieldReader r(*q);
    if (auto st = r.OnlyKnown({"status", "limit", "cursor"}); !st.ok()) {
      return ErrorResponse(st, call.request);
    }
    store::AutomationFilter f;
    if (const json::value* st = r.Raw("status")) {
      std::vector<std::string> names;
      if (st->is_string()) names.emplace_back(st->as_string());
      if (st->is_array()) {
        for (const auto& v : st->as_array()) {
          if (v.is_string()) names.emplace_back(v.as_string());
        }
      }
      for (const auto& n : names) {
        auto parsed = core::ParseAutomationStatus(n);
        if (!parsed) return ErrorResponse(FieldError("status", "is not an automation status"), call.request);
        f.statuses.push_back(*parsed);
      }
    }
    auto paging = ReadPaging(r);
    if (!paging.ok()) return ErrorResponse(paging.status(), call.request);
    f.limit = paging->limit;
    f.after_id = paging->after_id;
    std::vector<core::Automation> rows;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(rows, txn.ListAutomations(call.workspace_id(), f));
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return PageResponse(rows, *paging, AutomationToJson);
  }));

  router.Add(face, "GET", "/v1/automations/{uuid}", http::Sync([&s](const Call& call) -> Response {
    auto a = LoadAutomation(s, call);
    if (!a.ok()) return ErrorResponse(a.status(), call.request);
    return JsonResponse(200, json::object{{"automation", AutomationToJson(*a)}});
  }));

  router.Add(face, "PUT", "/v1/automations/{uuid}", [&s](const Call& call, Respond respond) {
    if (!core::IsUuid(call.Param("uuid"))) {
      return respond(ErrorResponse(FieldError("uuid", "must be a uuid"), call.request));
    }
    auto a = ParseAutomationBody(call, s.limits);
    if (!a.ok()) return respond(ErrorResponse(a.status(), call.request));
    s.automations.Replace(call.workspace_id(), core::NormalizeUuid(call.Param("uuid")),
                          std::move(a).value(), ReplyAutomation(call, std::move(respond), 200));
  }, big);

  router.Add(face, "DELETE", "/v1/automations/{uuid}", [&s](const Call& call, Respond respond) {
    if (!core::IsUuid(call.Param("uuid"))) {
      return respond(ErrorResponse(FieldError("uuid", "must be a uuid"), call.request));
    }
    s.automations.Delete(call.workspace_id(), core::NormalizeUuid(call.Param("uuid")),
                         [meta = Meta(call), respond = std::move(respond)](core::Result<bool> r) {
                           respond(r.ok() ? Response::NoContent() : ErrorResponse(r.status(), meta));
                         });
  });

  // {"status":"RUNNING","remove_expired_customers":false,"name":"…"}
  router.Add(face, "POST", "/v1/automations/{uuid}/status", [&s](const Call& call, Respond respond) {
    if (!core::IsUuid(call.Param("uuid"))) {
      return respond(ErrorResponse(FieldError("uuid", "must be a uuid"), call.request));
    }
    auto body = http::ParseBody(call.request, s.limits);
    if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
    auto obj = AsObject(*body, "request body");
    if (!obj.ok()) return respond(ErrorResponse(obj.status(), call.request));
    FieldReader r(**obj);
    if (auto st = r.OnlyKnown({"status", "remove_expired_customers", "name"}); !st.ok()) {
      return respond(ErrorResponse(st, call.request));
    }
    auto status = r.String("status", 32);
    auto remove = r.Bool("remove_expired_customers");
    auto name = r.String("name", 200);
    for (const core::Status* st : {&status.status(), &remove.status(), &name.status()}) {
      if (!st->ok()) return respond(ErrorResponse(*st, call.request));
    }
    engine::Automations::StatusChange change;
    if (*status) {
      change.status = core::ParseAutomationStatus(**status);
      if (!change.status) {
        return respond(ErrorResponse(FieldError("status", "is not an automation status"), call.request));
      }
    }
    change.name = *name;
    change.remove_expired_customers = remove->value_or(false);
    s.automations.ChangeStatus(call.workspace_id(), core::NormalizeUuid(call.Param("uuid")), change,
                               ReplyAutomation(call, std::move(respond), 200));
  });

  router.Add(face, "GET", "/v1/automations/{uuid}/statistics",
             http::Sync([&s](const Call& call) -> Response {
               auto a = LoadAutomation(s, call);
               if (!a.ok()) return ErrorResponse(a.status(), call.request);
               std::vector<store::CounterValue> counters;
               core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
                 RIVULET_ASSIGN_OR_RETURN(counters, txn.ReadCounters(a->id));
                 return core::Status::Ok();
               });
               if (!st.ok()) return ErrorResponse(st, call.request);
               return JsonResponse(200, StatisticsToJson(counters));
             }));

  // Enrollment: {"contact":{identifiers}, "data":{run data}} → 201 {"token":{…}}.
  router.Add(face, "POST", "/v1/automations/{uuid}/tokens", [&s](const Call& call, Respond respond) {
    if (!core::IsUuid(call.Param("uuid"))) {
      return respond(ErrorResponse(FieldError("uuid", "must be a uuid"), call.request));
    }
    auto body = http::ParseBody(call.request, s.limits);
    if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
    auto obj = AsObject(*body, "request body");
    if (!obj.ok()) return respond(ErrorResponse(obj.status(), call.request));
    FieldReader r(**obj);
    if (auto st = r.OnlyKnown({"contact", "data"}); !st.ok()) {
      return respond(ErrorResponse(st, call.request));
    }
    const json::value* c = r.Raw("contact");
    if (!c || !c->is_object()) {
      return respond(ErrorResponse(FieldError("contact", "is required: an object of identifiers"), call.request));
    }
    FieldReader cr(c->as_object(), "contact");
    if (auto st = cr.OnlyKnown({"uuid", "email", "phone", "external_id"}); !st.ok()) {
      return respond(ErrorResponse(st, call.request));
    }
    auto contact = ParseContactInput(c->as_object(), "contact");
    if (!contact.ok()) return respond(ErrorResponse(contact.status(), call.request));
    if (!contact->HasIdentifier()) {
      return respond(ErrorResponse(FieldError("contact", "needs an identifier"), call.request));
    }
    engine::EnrollOptions options;
    if (const json::value* d = r.Raw("data"); d && !d->is_null()) {
      std::string text = json::serialize(*d);
      if (text.size() > 64 * 1024) {
        return respond(ErrorResponse(FieldError("data", "must be at most 65536 bytes"), call.request));
      }
      options.run_data_json = text;
    }
    std::string automation_uuid = core::NormalizeUuid(call.Param("uuid"));
    s.automations.Enroll(
        call.workspace_id(), automation_uuid, std::move(contact).value(), options,
        [meta = Meta(call), respond = std::move(respond), automation_uuid](
            core::Result<engine::Automations::EnrollResult> r) {
          if (!r.ok()) return respond(ErrorResponse(r.status(), meta));
          respond(JsonResponse(
              201, json::object{{"token", TokenToJson(*r->token, automation_uuid, r->contact_uuid)}}));
        });
  });

  router.Add(face, "GET", "/v1/tokens/{uuid}", http::Sync([&s](const Call& call) -> Response {
    std::string_view uuid = call.Param("uuid");
    if (!core::IsUuid(uuid)) return ErrorResponse(FieldError("uuid", "must be a uuid"), call.request);
    json::object out;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(core::Token t, txn.FindToken(call.workspace_id(), core::NormalizeUuid(uuid)));
      RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomationById(t.automation_id));
      RIVULET_ASSIGN_OR_RETURN(core::Contact c, txn.FindContactById(call.workspace_id(), t.contact_id));
      out = TokenToJson(t, a.uuid, c.uuid);
      json::array messages;
      RIVULET_ASSIGN_OR_RETURN(auto sent, txn.MessagesOfToken(t.id));
      for (const auto& m : sent) {
        messages.push_back(json::object{{"uuid", m.uuid},
                                        {"step_uuid", m.step_uuid},
                                        {"channel", m.channel},
                                        {"status", m.status},
                                        {"attempts", m.attempts},
                                        {"last_error", m.last_error}});
      }
      out["messages"] = std::move(messages);
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return JsonResponse(200, json::object{{"token", std::move(out)}});
  }));
}

}  // namespace rivulet::api::native

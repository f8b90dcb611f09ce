// /api/automations…: list, create, duplicate, details, pause, set-live, delete, bulk-delete.
#include <boost/json.hpp>
#include <charconv>

#include "api/allstech/allstech_api.h"
#include "api/allstech/automation_model.h"
#include "api/allstech/lookup.h"
#include "api/allstech/respond.h"
#include "api/allstech/validator.h"
#include "core/condition.h"
#include "core/json_text.h"
#include "core/uuid.h"

namespace rivulet::api::allstech {
namespace json = boost::json;
using http::Call;
using http::Respond;
using http::Response;

namespace {

constexpr const char* kSequence = "allstech_schedule";

// "contacts_3" → ("contacts_", 3); "segments_25" → ("segments_", 25).
bool ParseTarget(const std::string& text, std::string* table, int64_t* id) {
  for (const char* prefix : {"contacts_", "segments_"}) {
    std::string_view p(prefix);
    if (text.rfind(p, 0) != 0) continue;
    std::string_view digits = std::string_view(text).substr(p.size());
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *id);
    if (ec != std::errc() || end != digits.data() + digits.size() || *id < 1) return false;
    *table = prefix;
    return true;
  }
  return false;
}

// An engine refusal shown as the face's plain message (field details are step uuids, which
// mean nothing to this face's users).
core::Status Plain(const core::Status& st) {
  if (st.ok() || st.fields().empty()) return st;
  return core::Status(core::Code::kFailedPrecondition, st.message());
}

// Replies with message on success, the face's error otherwise.
engine::Callback<core::Automation> Reply(const Call& call, Respond respond, json::value message) {
  return [meta = Meta(call), respond = std::move(respond),
          message = std::move(message)](core::Result<core::Automation> r) {
    if (!r.ok()) return respond(Failed(Plain(r.status()), meta));
    respond(Success(message));
  };
}

// Runs fn on the automation the query's utr names, or answers the error.
template <typename Fn>
void WithAutomation(Services& s, const Call& call, Respond& respond, Fn fn) {
  auto query = QueryOf(call, s.limits);
  if (!query.ok()) return respond(Failed(query.status(), call.request));
  auto utr = RequiredUtr(*query);
  if (!utr.ok()) return respond(Failed(utr.status(), call.request));
  auto found = FindByUtr(s, call.workspace_id(), *utr);
  if (!found.ok()) return respond(Failed(found.status(), call.request));
  fn(std::move(found).value());
}

core::Result<std::vector<store::CounterValue>> Counters(Services& s, int64_t automation_id) {
  std::vector<store::CounterValue> out;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(out, txn.ReadCounters(automation_id));
    return core::Status::Ok();
  }));
  return out;
}

// Validates the create form into a canonical automation (DRAFT, no steps yet).
core::Result<core::Automation> AutomationFromForm(Services& s, int64_t ws,
                                                  const json::object& body) {
  Validator v(body);
  auto type = v.In("type", true, {"welcome", "custom"});
  auto target = v.String("automation_for", false, 64);
  auto name = v.String("automation_name", true, 200);
  auto group = v.Integer("unsubscribe_group_id", false, 1);
  std::string table;
  int64_t target_id = 0;
  if (target && !ParseTarget(*target, &table, &target_id)) {
    v.Fail("automation_for", "The automation for format is invalid.");
  }
  RIVULET_RETURN_IF_ERROR(v.status());

  core::Automation a;
  a.name = *name;
  a.category = "AllsTechnology";
  // A mail series reaches each contact of its target once.
  a.unique_token = true;
  a.allow_reentry = false;
  FaceFields fields;
  fields.automation_type = *type == "welcome" ? 0 : 1;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    if (target_id) {
      auto audience = txn.FindAudience(ws, target_id);
      auto kind = table == "contacts_" ? core::Audience::Kind::kContactType
                                       : core::Audience::Kind::kSegment;
      if (!audience.ok() || audience->kind != kind) {
        v.Fail("automation_for", "The selected automation for is invalid.");
      } else {
        a.audience_id = target_id;
        fields.automation_for = target_id;
        fields.automation_for_table = table;
        // exit_criteria 1: a contact leaves the series when it leaves the target.
        a.exit_condition_json = json::serialize(
            json::object{{"not", core::ParseJsonOr(audience->condition_json, json::object())}});
      }
    }
    if (group) {
      if (!txn.FindUnsubscribeGroup(ws, *group).ok()) {
        v.Fail("unsubscribe_group_id", "The selected unsubscribe group id is invalid.");
      } else {
        a.unsubscribe_group = std::to_string(*group);
      }
    }
    return core::Status::Ok();
  }));
  RIVULET_RETURN_IF_ERROR(v.status());
  a.face_data_json = WriteFaceFields("{}", fields);
  return a;
}

// A copy of found as a new draft: same settings and schedules (new ids, utrs and steps).
core::Result<core::Automation> Duplicate(Services& s, const Found& found, core::Millis now) {
  core::Automation copy = found.automation;
  copy.id = 0;
  copy.uuid.clear();
  copy.status = core::AutomationStatus::kDraft;
  FaceFields fields = found.fields;
  fields.live_at.reset();
  RIVULET_RETURN_IF_ERROR(s.store.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
    for (auto& sc : fields.schedules) {
      RIVULET_ASSIGN_OR_RETURN(sc.id, txn.NextSequenceValue(kSequence));
      sc.utr = core::NewUuidV7(now);
      sc.created_at = sc.updated_at = now;
      sc.wait_step.clear();
      sc.email_step.clear();
    }
    return core::Status::Ok();
  }));
  BuildSteps(copy, fields, now);
  copy.face_data_json = WriteFaceFields(found.automation.face_data_json, fields);
  return copy;
}

}  // namespace

void RegisterAutomationRoutes(http::Router& router, Services& s) {
  const http::Face* face = &AllsTechFace();

  router.Add(face, "GET", "/api/automations", http::Sync([&s](const Call& call) -> Response {
               json::array list;
               core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
                 RIVULET_ASSIGN_OR_RETURN(auto all, ListLive(txn, call.workspace_id()));
                 for (const auto& f : all) {
                   RIVULET_ASSIGN_OR_RETURN(auto counters, txn.ReadCounters(f.automation.id));
                   list.push_back(AutomationJson(f.automation, f.fields, counters, true));
                 }
                 return core::Status::Ok();
               });
               if (!st.ok()) return Failed(st, call.request);
               if (list.empty()) return Failed(core::NotFound("Record Not Found"), call.request);
               return Success(json::object{{"automations", std::move(list)}});
             }));

  router.Add(face, "POST", "/api/automations/create", [&s](const Call& call, Respond respond) {
    auto body = BodyOf(call, s.limits);
    if (!body.ok()) return respond(Failed(body.status(), call.request));
    auto a = AutomationFromForm(s, call.workspace_id(), *body);
    if (!a.ok()) return respond(Failed(a.status(), call.request));
    s.automations.Create(call.workspace_id(), std::move(a).value(),
                         [meta = Meta(call), respond](core::Result<core::Automation> r) {
                           if (!r.ok()) return respond(Failed(r.status(), meta));
                           respond(Success(json::object{{"utr", r->uuid}}));
                         });
  });

  router.Add(face, "GET", "/api/automations/duplicate", [&s](const Call& call, Respond respond) {
    WithAutomation(s, call, respond, [&](Found found) {
      auto copy = Duplicate(s, found, s.clock.Now());
      if (!copy.ok()) return respond(Failed(copy.status(), call.request));
      s.automations.Create(call.workspace_id(), std::move(copy).value(),
                           [meta = Meta(call), respond](core::Result<core::Automation> r) {
                             if (!r.ok()) return respond(Failed(r.status(), meta));
                             respond(Success(json::object{{"utr", r->uuid}}));
                           });
    });
  });

  router.Add(face, "GET", "/api/automations/details", [&s](const Call& call, Respond respond) {
    WithAutomation(s, call, respond, [&](Found found) {
      auto counters = Counters(s, found.automation.id);
      if (!counters.ok()) return respond(Failed(counters.status(), call.request));
      respond(Success(json::object{
          {"automation", AutomationJson(found.automation, found.fields, *counters, false)}}));
    });
  });

  router.Add(face, "GET", "/api/automations/pause", [&s](const Call& call, Respond respond) {
    WithAutomation(s, call, respond, [&](Found found) {
      if (found.automation.status != core::AutomationStatus::kRunning) {
        return respond(
            Failed(core::FailedPrecondition("Only live automation can be paused"), call.request));
      }
      engine::Automations::StatusChange change;
      change.status = core::AutomationStatus::kPaused;
      s.automations.ChangeStatus(call.workspace_id(), found.automation.uuid, change,
                                 Reply(call, respond, "Automation Paused Successfully"));
    });
  });

  router.Add(face, "GET", "/api/automations/set-live", [&s](const Call& call, Respond respond) {
    WithAutomation(s, call, respond, [&](Found found) {
      const core::Automation& a = found.automation;
      if (a.unsubscribe_group.empty()) {
        return respond(
            Failed(core::FailedPrecondition("Unsubscribe group require to live automation"),
                   call.request));
      }
      if (found.fields.schedules.empty()) {
        return respond(
            Failed(core::FailedPrecondition("At least one schedule require to live automation"),
                   call.request));
      }
      const char* done = "Automation has been set live";
      if (a.status == core::AutomationStatus::kRunning) return respond(Success(done));
      found.fields.live_at = s.clock.Now();
      engine::Automations::StatusChange go_live;
      go_live.status = core::AutomationStatus::kRunning;
      go_live.face_data_json = WriteFaceFields(a.face_data_json, found.fields);
      if (a.status != core::AutomationStatus::kDraft) {
        return s.automations.ChangeStatus(call.workspace_id(), a.uuid, go_live,
                                          Reply(call, respond, done));
      }
      // A draft is committed (validated) first, then run.
      engine::Automations::StatusChange commit;
      commit.status = core::AutomationStatus::kCommitted;
      s.automations.ChangeStatus(
          call.workspace_id(), a.uuid, commit,
          [&s, ws = call.workspace_id(), uuid = a.uuid, go_live, meta = Meta(call), respond,
           done](core::Result<core::Automation> r) {
            if (!r.ok()) return respond(Failed(Plain(r.status()), meta));
            s.automations.ChangeStatus(ws, uuid, go_live,
                                       [meta, respond, done](core::Result<core::Automation> r2) {
                                         if (!r2.ok())
                                           return respond(Failed(Plain(r2.status()), meta));
                                         respond(Success(done));
                                       });
          });
    });
  });

  router.Add(face, "DELETE", "/api/automations/delete", [&s](const Call& call, Respond respond) {
    WithAutomation(s, call, respond, [&](Found found) {
      // A soft delete: the automation stops (a live one is paused) and disappears from this
      // face; its history stays.
      found.fields.deleted_at = s.clock.Now();
      engine::Automations::StatusChange change;
      if (found.automation.status == core::AutomationStatus::kRunning) {
        change.status = core::AutomationStatus::kPaused;
      }
      change.face_data_json = WriteFaceFields(found.automation.face_data_json, found.fields);
      s.automations.ChangeStatus(call.workspace_id(), found.automation.uuid, change,
                                 Reply(call, respond, "Deleted Successfully"));
    });
  });

  router.Add(face, "POST", "/api/automations/bulk-delete",
             http::Sync([&s](const Call& call) -> Response {
               auto body = BodyOf(call, s.limits);
               if (!body.ok()) return Failed(body.status(), call.request);
               Validator v(*body);
               auto ids = v.IntegerArray("strIds", true, 1000);
               if (!v.status().ok()) return Failed(v.status(), call.request);
               int64_t ws = call.workspace_id();
               core::Millis now = s.clock.Now();
               // All or nothing: one unknown id fails the whole request and changes nothing.
               core::Status st = s.store.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
                 for (int64_t id : *ids) {
                   auto a = txn.FindAutomationById(id);
                   if (!a.ok() && a.status().code() != core::Code::kNotFound) return a.status();
                   if (!a.ok() || a->workspace_id != ws) return core::NotFound(kRecordNotFound);
                   FaceFields f = ReadFaceFields(*a);
                   if (f.deleted_at) return core::NotFound(kRecordNotFound);
                   f.deleted_at = now;
                   if (a->status == core::AutomationStatus::kRunning)
                     a->status = core::AutomationStatus::kPaused;
                   a->face_data_json = WriteFaceFields(a->face_data_json, f);
                   a->updated_at = now;
                   RIVULET_RETURN_IF_ERROR(txn.UpdateAutomation(*a));
                 }
                 return core::Status::Ok();
               });
               if (!st.ok()) return Failed(st, call.request);
               return Success("Deleted Successfully");
             }));
}

}  // namespace rivulet::api::allstech

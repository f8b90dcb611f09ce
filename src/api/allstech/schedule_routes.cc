// /api/automations/schedule…: an automation's e-mail schedules (wait + e-mail step pairs).
#include <algorithm>
#include <boost/json.hpp>
#include <functional>

#include "api/allstech/allstech_api.h"
#include "api/allstech/automation_model.h"
#include "api/allstech/lookup.h"
#include "api/allstech/respond.h"
#include "api/allstech/validator.h"
#include "core/template.h"
#include "core/uuid.h"

namespace rivulet::api::allstech {
namespace json = boost::json;
using http::Call;
using http::Respond;
using http::Response;

namespace {

constexpr const char* kSequence = "allstech_schedule";
constexpr size_t kTemplateBytes = 1 << 20;
constexpr int64_t kMaxDays = 3650;

core::Status NotWhileLive(const core::Automation& a) {
  if (core::IsGraphEditable(a.status)) return core::Status::Ok();
  return core::FailedPrecondition("Pause the automation before changing its schedules");
}

// Validates the schedule form against the workspace; fills s (without id and steps).
core::Result<Found> ReadScheduleForm(Services& s, int64_t ws, const json::object& body,
                                     Schedule& sc) {
  Validator v(body);
  auto utr = v.String("utr", true, 64);
  auto sender_id = v.Integer("sender_id", true, 1);
  auto subject = v.String("subject", true, 998);
  auto period = v.Integer("waiting_period", true, 1, kMaxDays * 24);
  auto type = v.In("waiting_type", true, {"instantly", "days", "hours"});
  auto template_id = v.Integer("template_id", true, 1);
  auto preview = v.String("preview_img", true, 255);
  auto tjson = v.String("template_json", false, kTemplateBytes);
  auto thtml = v.String("template_html", false, kTemplateBytes);
  if (type && *type == "days" && period && *period > kMaxDays) {
    v.Fail("waiting_period", "The waiting period must be between 1 and 3650.");
  }
  if (subject && !core::Template::Parse(*subject).ok()) {
    v.Fail("subject", "The subject is not a valid template.");
  }
  if (thtml && !core::Template::Parse(*thtml).ok()) {
    v.Fail("template_html", "The template html is not a valid template.");
  }
  RIVULET_RETURN_IF_ERROR(v.status());
  core::Result<Found> found = core::NotFound(kRecordNotFound);
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    found = FindByUtr(txn, ws, *utr);
    auto sender = SenderById(txn, ws, *sender_id);
    if (sender.ok()) {
      sc.sender_uuid = sender->uuid;
    } else {
      v.Fail("sender_id", "The selected sender id is invalid.");
    }
    auto tmpl = TemplateById(txn, ws, *template_id);
    if (tmpl.ok() && tmpl->kind == "email") {
      sc.template_uuid = tmpl->uuid;
    } else {
      v.Fail("template_id", "The selected template id is invalid.");
    }
    return core::Status::Ok();
  }));
  if (!found.ok()) return found.status();
  RIVULET_RETURN_IF_ERROR(v.status());
  sc.sender_id = *sender_id;
  sc.subject = *subject;
  sc.waiting_period = *period;
  sc.waiting_type = *type;
  sc.template_id = *template_id;
  sc.preview_img = *preview;
  sc.template_json = tjson.value_or("");
  sc.template_html = thtml.value_or("");
  return found;
}

// Changes the automation's schedules with change(txn, schedules) and rebuilds its steps, in
// one engine edit (one transaction, so concurrent changes do not lose each other).
void EditSchedules(Services& s, const Call& call, const std::string& automation_uuid,
                   std::function<core::Status(store::WriteTxn&, std::vector<Schedule>&)> change,
                   const char* message, Respond respond) {
  core::Millis now = s.clock.Now();
  s.automations.Edit(
      call.workspace_id(), automation_uuid,
      [change = std::move(change), now](store::WriteTxn& txn, core::Automation& a) {
        FaceFields fields = ReadFaceFields(a);
        if (fields.deleted_at) return core::NotFound(kRecordNotFound);
        RIVULET_RETURN_IF_ERROR(change(txn, fields.schedules));
        BuildSteps(a, fields, now);
        a.face_data_json = WriteFaceFields(a.face_data_json, fields);
        return core::Status::Ok();
      },
      [meta = Meta(call), respond, message](core::Result<core::Automation> r) {
        if (!r.ok()) return respond(Failed(r.status(), meta));
        respond(Success(message));
      });
}

}  // namespace

void RegisterScheduleRoutes(http::Router& router, Services& s) {
  const http::Face* face = &AllsTechFace();
  http::RouteOptions big{.max_body_bytes = 4 * kTemplateBytes};

  router.Add(face, "GET", "/api/automations/schedule",
             http::Sync([&s](const Call& call) -> Response {
               auto query = QueryOf(call, s.limits);
               if (!query.ok()) return Failed(query.status(), call.request);
               auto utr = RequiredUtr(*query);
               if (!utr.ok()) return Failed(utr.status(), call.request);
               auto found = FindByUtr(s, call.workspace_id(), *utr);
               if (!found.ok()) return Failed(found.status(), call.request);
               std::string base = s.journeys.config().public_base_url;
               json::array list;
               for (const auto& sc : found->fields.schedules) {
                 list.push_back(ScheduleJson(found->automation, sc, base));
               }
               return Success(json::object{{"automation_schedules", std::move(list)}});
             }));

  router.Add(
      face, "POST", "/api/automations/schedule/create",
      [&s](const Call& call, Respond respond) {
        http::Limits limits = s.limits;
        limits.max_body_bytes = 4 * kTemplateBytes;
        auto body = BodyOf(call, limits);
        if (!body.ok()) return respond(Failed(body.status(), call.request));
        Schedule sc;
        auto found = ReadScheduleForm(s, call.workspace_id(), *body, sc);
        if (!found.ok()) return respond(Failed(found.status(), call.request));
        if (auto st = NotWhileLive(found->automation); !st.ok()) {
          return respond(Failed(st, call.request));
        }
        core::Millis now = s.clock.Now();
        sc.utr = core::NewUuidV7(now);
        sc.created_at = sc.updated_at = now;
        EditSchedules(
            s, call, found->automation.uuid,
            [sc](store::WriteTxn& txn, std::vector<Schedule>& list) mutable -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(sc.id, txn.NextSequenceValue(kSequence));
              list.push_back(sc);
              return core::Status::Ok();
            },
            "Schedule Added", std::move(respond));
      },
      big);

  router.Add(
      face, "DELETE", "/api/automations/schedule/delete", [&s](const Call& call, Respond respond) {
        auto query = QueryOf(call, s.limits);
        if (!query.ok()) return respond(Failed(query.status(), call.request));
        auto utr = RequiredUtr(*query);
        if (!utr.ok()) return respond(Failed(utr.status(), call.request));
        // The schedule's automation: the one whose face fields hold this schedule utr.
        std::optional<Found> owner;
        core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
          RIVULET_ASSIGN_OR_RETURN(auto all, ListLive(txn, call.workspace_id()));
          for (auto& f : all) {
            bool holds = std::any_of(f.fields.schedules.begin(), f.fields.schedules.end(),
                                     [&](const Schedule& sc) { return sc.utr == *utr; });
            if (holds) {
              owner = std::move(f);
              break;
            }
          }
          return core::Status::Ok();
        });
        if (!st.ok()) return respond(Failed(st, call.request));
        if (!owner) return respond(Failed(core::NotFound(kRecordNotFound), call.request));
        if (auto live = NotWhileLive(owner->automation); !live.ok()) {
          return respond(Failed(live, call.request));
        }
        EditSchedules(
            s, call, owner->automation.uuid,
            [utr = *utr](store::WriteTxn&, std::vector<Schedule>& list) -> core::Status {
              if (std::erase_if(list, [&](const Schedule& sc) { return sc.utr == utr; }) == 0) {
                return core::NotFound(kRecordNotFound);
              }
              return core::Status::Ok();
            },
            "Deleted Successfully", std::move(respond));
      });
}

}  // namespace rivulet::api::allstech

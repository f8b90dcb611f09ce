#include "api/allstech/automation_model.h"

#include <boost/json.hpp>

#include "core/json_text.h"
#include "core/time_format.h"
#include "core/uuid.h"
#include "engine/journeys.h"

namespace rivulet::api::allstech {
namespace json = boost::json;

namespace {

constexpr const char* kKey = "allstech";

int64_t IntOr(const json::object& o, const char* k, int64_t fallback) {
  const json::value* v = o.if_contains(k);
  return v && v->is_int64() ? v->as_int64() : fallback;
}
std::string StrOr(const json::object& o, const char* k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::optional<core::Millis> OptTime(const json::object& o, const char* k) {
  const json::value* v = o.if_contains(k);
  if (v && v->is_int64()) return v->as_int64();
  return std::nullopt;
}
json::value OptTimeJson(const std::optional<core::Millis>& t) {
  return t ? json::value(*t) : json::value(nullptr);
}

json::object ScheduleToStored(const Schedule& s) {
  return json::object{{"id", s.id},
                      {"utr", s.utr},
                      {"sender_id", s.sender_id},
                      {"sender_uuid", s.sender_uuid},
                      {"subject", s.subject},
                      {"waiting_period", s.waiting_period},
                      {"waiting_type", s.waiting_type},
                      {"template_id", s.template_id},
                      {"template_uuid", s.template_uuid},
                      {"preview_img", s.preview_img},
                      {"template_json", s.template_json},
                      {"template_html", s.template_html},
                      {"created_at", s.created_at},
                      {"updated_at", s.updated_at},
                      {"wait_step", s.wait_step},
                      {"email_step", s.email_step}};
}

Schedule ScheduleFromStored(const json::object& o) {
  Schedule s;
  s.id = IntOr(o, "id", 0);
  s.utr = StrOr(o, "utr");
  s.sender_id = IntOr(o, "sender_id", 0);
  s.sender_uuid = StrOr(o, "sender_uuid");
  s.subject = StrOr(o, "subject");
  s.waiting_period = IntOr(o, "waiting_period", 1);
  s.waiting_type = StrOr(o, "waiting_type");
  s.template_id = IntOr(o, "template_id", 0);
  s.template_uuid = StrOr(o, "template_uuid");
  s.preview_img = StrOr(o, "preview_img");
  s.template_json = StrOr(o, "template_json");
  s.template_html = StrOr(o, "template_html");
  s.created_at = IntOr(o, "created_at", 0);
  s.updated_at = IntOr(o, "updated_at", 0);
  s.wait_step = StrOr(o, "wait_step");
  s.email_step = StrOr(o, "email_step");
  return s;
}

int64_t Counter(const std::vector<store::CounterValue>& counters, const char* name) {
  for (const auto& c : counters) {
    if (c.step_uuid.empty() && c.name == name) return c.value;
  }
  return 0;
}

json::value NullIfEmpty(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

}  // namespace

std::string LaravelTimestamp(core::Millis t) {
  std::string iso = core::FormatIsoUtc(t, /*with_millis=*/true);  // …:SS.mmmZ
  return iso.substr(0, iso.size() - 1) + "000Z";
}

std::string LaravelDateTime(core::Millis t) {
  std::string iso = core::FormatIsoUtc(t);  // YYYY-MM-DDTHH:MM:SSZ
  iso[10] = ' ';
  return iso.substr(0, iso.size() - 1);
}

FaceFields ReadFaceFields(const core::Automation& a) {
  FaceFields f;
  json::object data = core::ParseJsonObject(a.face_data_json);
  const json::value* mine = data.if_contains(kKey);
  if (!mine || !mine->is_object()) return f;
  const json::object& o = mine->as_object();
  f.automation_for_table = StrOr(o, "automation_for_table");
  f.automation_for = IntOr(o, "automation_for", 0);
  f.exit_criteria = IntOr(o, "exit_criteria", 1);
  f.automation_type = IntOr(o, "automation_type", 0);
  f.live_at = OptTime(o, "live_at");
  f.deleted_at = OptTime(o, "deleted_at");
  if (const json::value* ss = o.if_contains("schedules"); ss && ss->is_array()) {
    for (const auto& s : ss->as_array()) {
      if (s.is_object()) f.schedules.push_back(ScheduleFromStored(s.as_object()));
    }
  }
  return f;
}

std::string WriteFaceFields(const std::string& face_data_json, const FaceFields& f) {
  json::object data = core::ParseJsonObject(face_data_json);
  json::array schedules;
  for (const auto& s : f.schedules) schedules.push_back(ScheduleToStored(s));
  data[kKey] = json::object{{"automation_for_table", f.automation_for_table},
                            {"automation_for", f.automation_for},
                            {"exit_criteria", f.exit_criteria},
                            {"automation_type", f.automation_type},
                            {"live_at", OptTimeJson(f.live_at)},
                            {"deleted_at", OptTimeJson(f.deleted_at)},
                            {"schedules", std::move(schedules)}};
  return json::serialize(data);
}

int64_t WaitSeconds(const Schedule& s) {
  if (s.waiting_type == "hours") return s.waiting_period * 3600;
  if (s.waiting_type == "days") return s.waiting_period * 86400;
  return 0;  // instantly
}

void BuildSteps(core::Automation& a, FaceFields& f, core::Millis now) {
  a.steps.clear();
  a.connections.clear();
  std::string previous;
  for (auto& s : f.schedules) {
    if (s.wait_step.empty()) s.wait_step = core::NewUuidV7(now);
    if (s.email_step.empty()) s.email_step = core::NewUuidV7(now);
    core::Step wait{s.wait_step, core::StepType::kWait, "Wait before: " + s.subject,
                    json::serialize(json::object{{"delay_seconds", WaitSeconds(s)}})};
    json::object email{{"sender_uuid", s.sender_uuid}, {"subject", s.subject}};
    if (!s.template_html.empty()) {
      email["html"] = s.template_html;
    } else {
      email["template_uuid"] = s.template_uuid;
    }
    core::Step mail{s.email_step, core::StepType::kEmail, s.subject, json::serialize(email)};
    if (!previous.empty()) a.connections.push_back({previous, wait.uuid});
    a.connections.push_back({wait.uuid, mail.uuid});
    previous = mail.uuid;
    a.steps.push_back(std::move(wait));
    a.steps.push_back(std::move(mail));
  }
}

json::object AutomationJson(const core::Automation& a, const FaceFields& f,
                            const std::vector<store::CounterValue>& counters,
                            bool with_schedule_count) {
  namespace c = engine::counter;
  json::object o{
      {"id", a.id},
      {"user_id", a.workspace_id},
      {"automation_for", f.automation_for ? json::value(f.automation_for) : json::value(nullptr)},
      {"automation_for_table", NullIfEmpty(f.automation_for_table)},
      {"automation_name", a.name},
      {"exit_criteria", f.exit_criteria},
      {"unsubscribe_group_id", NullIfEmpty(a.unsubscribe_group)},
      {"automation_type", f.automation_type},
      {"utr", a.uuid},
      {"status", a.status == core::AutomationStatus::kRunning ? 1 : 0},
      {"live_at", f.live_at ? json::value(LaravelDateTime(*f.live_at)) : json::value(nullptr)},
      {"total_triggered", Counter(counters, c::kEntered)},
      {"total_delivered", Counter(counters, c::kDelivered)},
      {"total_unique_opens", Counter(counters, c::kUniqueOpens)},
      {"total_opens", Counter(counters, c::kOpens)},
      {"total_bounces", Counter(counters, c::kBounces)},
      {"total_unsubscribe", Counter(counters, c::kUnsubscribes)},
      {"deleted_at",
       f.deleted_at ? json::value(LaravelTimestamp(*f.deleted_at)) : json::value(nullptr)},
      {"created_at", LaravelTimestamp(a.created_at)},
      {"updated_at", LaravelTimestamp(a.updated_at)},
  };
  if (with_schedule_count) {
    o["automation_schedule_count"] = static_cast<int64_t>(f.schedules.size());
  }
  return o;
}

json::object ScheduleJson(const core::Automation& a, const Schedule& s,
                          const std::string& public_base_url) {
  return json::object{
      {"id", s.id},
      {"user_id", a.workspace_id},
      {"automation_id", a.id},
      {"sender_id", s.sender_id},
      {"subject", s.subject},
      {"waiting_period", s.waiting_period},
      {"waiting_type", s.waiting_type},
      {"utr", s.utr},
      {"template_id", s.template_id},
      {"preview_img", s.preview_img},
      {"template_json", NullIfEmpty(s.template_json)},
      {"template_html", NullIfEmpty(s.template_html)},
      {"created_at", LaravelTimestamp(s.created_at)},
      {"updated_at", LaravelTimestamp(s.updated_at)},
      {"design_url", public_base_url + "/user/automations/schedule/email/design/" + s.utr},
      {"image", public_base_url + "/assets/sample_template/" + s.preview_img},
  };
}

}  // namespace rivulet::api::allstech

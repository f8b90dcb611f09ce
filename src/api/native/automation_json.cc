#include "api/native/automation_json.h"

#include <boost/json.hpp>

#include "api/json_input.h"
#include "core/time_format.h"
#include "core/uuid.h"
#include "engine/timezones.h"
#include "core/json_text.h"

namespace rivulet::api::native {
namespace json = boost::json;

namespace {

json::value OptTime(const std::optional<core::Millis>& t) {
  return t ? json::value(core::FormatIsoUtc(*t, true)) : json::value(nullptr);
}

core::Status ReadTime(const FieldReader& r, std::string_view key,
                      std::optional<core::Millis>& out) {
  RIVULET_ASSIGN_OR_RETURN(auto text, r.String(key, 64));
  if (!text) return core::Status::Ok();
  auto t = core::ParseIsoTime(*text);
  if (!t.ok()) return FieldError(r.Path(key), "must be an ISO-8601 date-time");
  out = *t;
  return core::Status::Ok();
}

}  // namespace

core::Result<core::Automation> AutomationFromJson(const json::object& doc) {
  FieldReader r(doc);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown(
      {"uuid", "name", "description", "category", "author", "status", "timezone", "start_date",
       "end_date", "triggers", "unique_token", "allow_reentry", "exit_condition",
       "unsubscribe_group", "audience_id", "steps", "connections", "created_at", "updated_at", "statistics"}));
  core::Automation a;
  RIVULET_ASSIGN_OR_RETURN(auto uuid, r.String("uuid", 64));
  if (uuid) {
    if (!core::IsUuid(*uuid)) return FieldError("uuid", "must be a uuid");
    a.uuid = core::NormalizeUuid(*uuid);
  }
  RIVULET_ASSIGN_OR_RETURN(auto name, r.String("name", 200, /*required=*/true));
  a.name = *name;
  RIVULET_ASSIGN_OR_RETURN(auto description, r.String("description", 4000));
  a.description = description.value_or("");
  RIVULET_ASSIGN_OR_RETURN(auto category, r.String("category", 100));
  a.category = category.value_or("Custom");
  RIVULET_ASSIGN_OR_RETURN(auto author, r.String("author", 200));
  a.author = author.value_or("");
  RIVULET_ASSIGN_OR_RETURN(auto tz, r.String("timezone", 64));
  a.timezone = tz.value_or("UTC");
  if (!engine::IsKnownTimezone(a.timezone)) {
    return FieldError("timezone", "is not a known IANA time zone");
  }
  RIVULET_RETURN_IF_ERROR(ReadTime(r, "start_date", a.start_date));
  RIVULET_RETURN_IF_ERROR(ReadTime(r, "end_date", a.end_date));
  RIVULET_ASSIGN_OR_RETURN(auto unique, r.Bool("unique_token"));
  a.unique_token = unique.value_or(false);
  RIVULET_ASSIGN_OR_RETURN(auto reentry, r.Bool("allow_reentry"));
  a.allow_reentry = reentry.value_or(true);
  RIVULET_ASSIGN_OR_RETURN(auto exit, r.ObjectJson("exit_condition", 64 * 1024));
  a.exit_condition_json = exit.value_or("");
  RIVULET_ASSIGN_OR_RETURN(auto group, r.String("unsubscribe_group", 64));
  a.unsubscribe_group = group.value_or("");
  RIVULET_ASSIGN_OR_RETURN(auto audience, r.Int("audience_id"));
  if (audience && *audience < 1) return FieldError("audience_id", "must be a positive integer");
  a.audience_id = audience.value_or(0);

  if (const json::value* ts = r.Raw("triggers"); ts && !ts->is_null()) {
    if (!ts->is_array() || ts->as_array().size() > 20) {
      return FieldError("triggers", "must be an array of at most 20 triggers");
    }
    for (size_t i = 0; i < ts->as_array().size(); ++i) {
      std::string path = "triggers[" + std::to_string(i) + "]";
      const json::value& t = ts->as_array()[i];
      if (!t.is_object()) return FieldError(path, "must be an object");
      FieldReader tr(t.as_object(), path);
      RIVULET_RETURN_IF_ERROR(tr.OnlyKnown({"event_type", "condition"}));
      RIVULET_ASSIGN_OR_RETURN(auto type, tr.String("event_type", 64, true));
      RIVULET_ASSIGN_OR_RETURN(auto cond, tr.ObjectJson("condition", 64 * 1024));
      a.triggers.push_back({*type, cond.value_or("")});
    }
  }
  if (const json::value* ss = r.Raw("steps"); ss && !ss->is_null()) {
    if (!ss->is_array() || ss->as_array().size() > 500) {
      return FieldError("steps", "must be an array of at most 500 steps");
    }
    for (size_t i = 0; i < ss->as_array().size(); ++i) {
      std::string path = "steps[" + std::to_string(i) + "]";
      const json::value& s = ss->as_array()[i];
      if (!s.is_object()) return FieldError(path, "must be an object");
      FieldReader sr(s.as_object(), path);
      RIVULET_RETURN_IF_ERROR(sr.OnlyKnown({"uuid", "type", "name", "settings"}));
      core::Step step;
      RIVULET_ASSIGN_OR_RETURN(auto su, sr.String("uuid", 64));
      if (su && !core::IsUuid(*su)) return FieldError(path + ".uuid", "must be a uuid");
      step.uuid = su ? core::NormalizeUuid(*su) : core::NewUuidV7(core::SystemClock::Get().Now());
      RIVULET_ASSIGN_OR_RETURN(auto type, sr.String("type", 32, true));
      auto parsed = core::ParseStepType(*type);
      if (!parsed) return FieldError(path + ".type", "is not a step type");
      step.type = *parsed;
      RIVULET_ASSIGN_OR_RETURN(auto sname, sr.String("name", 200));
      step.name = sname.value_or("");
      RIVULET_ASSIGN_OR_RETURN(auto settings, sr.ObjectJson("settings", 512 * 1024));
      step.config_json = settings.value_or("{}");
      a.steps.push_back(std::move(step));
    }
  }
  if (const json::value* cs = r.Raw("connections"); cs && !cs->is_null()) {
    if (!cs->is_array() || cs->as_array().size() > 2000) {
      return FieldError("connections", "must be an array of at most 2000 connections");
    }
    for (size_t i = 0; i < cs->as_array().size(); ++i) {
      std::string path = "connections[" + std::to_string(i) + "]";
      const json::value& c = cs->as_array()[i];
      if (!c.is_object()) return FieldError(path, "must be an object");
      FieldReader cr(c.as_object(), path);
      RIVULET_RETURN_IF_ERROR(cr.OnlyKnown({"from", "to", "branch"}));
      RIVULET_ASSIGN_OR_RETURN(auto from, cr.String("from", 64, true));
      RIVULET_ASSIGN_OR_RETURN(auto to, cr.String("to", 64, true));
      RIVULET_ASSIGN_OR_RETURN(auto branch, cr.String("branch", 64));
      a.connections.push_back({core::NormalizeUuid(*from), core::NormalizeUuid(*to),
                               branch.value_or(std::string(core::kBranchDefault))});
    }
  }
  return a;
}

json::object AutomationToJson(const core::Automation& a) {
  json::array triggers, steps, connections;
  for (const auto& t : a.triggers) {
    triggers.push_back(json::object{{"event_type", t.event_type},
                                    {"condition", core::ParseJsonOr(t.condition_json, nullptr)}});
  }
  for (const auto& s : a.steps) {
    steps.push_back(json::object{{"uuid", s.uuid},
                                 {"type", core::StepTypeName(s.type)},
                                 {"name", s.name},
                                 {"settings", core::ParseJsonOr(s.config_json, json::object())}});
  }
  for (const auto& c : a.connections) {
    connections.push_back(json::object{{"from", c.from_step}, {"to", c.to_step}, {"branch", c.branch}});
  }
  return json::object{
      // An automation not stored yet has no uuid: null, so that the document parses again.
      {"uuid", a.uuid.empty() ? json::value(nullptr) : json::value(a.uuid)},
      {"name", a.name},
      {"description", a.description},
      {"category", a.category},
      {"author", a.author},
      {"status", core::AutomationStatusName(a.status)},
      {"timezone", a.timezone},
      {"start_date", OptTime(a.start_date)},
      {"end_date", OptTime(a.end_date)},
      {"triggers", std::move(triggers)},
      {"unique_token", a.unique_token},
      {"allow_reentry", a.allow_reentry},
      {"exit_condition", core::ParseJsonOr(a.exit_condition_json, nullptr)},
      {"unsubscribe_group", a.unsubscribe_group},
      {"audience_id", a.audience_id ? json::value(a.audience_id) : json::value(nullptr)},
      {"steps", std::move(steps)},
      {"connections", std::move(connections)},
      {"created_at", core::FormatIsoUtc(a.created_at, true)},
      {"updated_at", core::FormatIsoUtc(a.updated_at, true)},
  };
}

json::object StatisticsToJson(const std::vector<store::CounterValue>& counters) {
  json::object automation, steps;
  for (const auto& c : counters) {
    if (c.step_uuid.empty()) {
      automation[c.name] = c.value;
    } else {
      json::value& step = steps[c.step_uuid];
      if (!step.is_object()) step = json::object();
      step.as_object()[c.name] = c.value;
    }
  }
  return json::object{{"automation", std::move(automation)}, {"steps", std::move(steps)}};
}

json::object TokenToJson(const core::Token& t, const std::string& automation_uuid,
                         const std::string& contact_uuid) {
  return json::object{
      {"uuid", t.uuid},
      {"automation_uuid", automation_uuid},
      {"contact_uuid", contact_uuid},
      {"status", core::TokenStatusName(t.status)},
      {"step_uuid", t.step_uuid},
      {"phase", core::StepPhaseName(t.phase)},
      {"wake_at", OptTime(t.wake_at)},
      {"run_data", core::ParseJsonOr(t.run_data_json, json::object())},
      {"entered_at", core::FormatIsoUtc(t.entered_at, true)},
      {"step_entered_at", core::FormatIsoUtc(t.step_entered_at, true)},
      {"error_message", t.error_message.empty() ? json::value(nullptr) : json::value(t.error_message)},
      {"error_at", OptTime(t.error_at)},
  };
}

}  // namespace rivulet::api::native

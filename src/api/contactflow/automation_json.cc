#include "api/contactflow/automation_json.h"

#include "api/json_input.h"
#include "core/json_text.h"
#include "core/time_format.h"
#include "core/uuid.h"
#include "engine/timezones.h"

namespace rivulet::api::contactflow {
namespace json = boost::json;

namespace {

core::Status ReadTime(const FieldReader& r, std::string_view key,
                      std::optional<core::Millis>& out) {
  RIVULET_ASSIGN_OR_RETURN(auto text, r.String(key, 64));
  if (!text) return core::Status::Ok();
  auto t = core::ParseIsoTime(*text);
  if (!t.ok()) return FieldError(r.Path(key), "must be an ISO-8601 date-time");
  out = *t;
  return core::Status::Ok();
}

json::value OptTime(const std::optional<core::Millis>& t) {
  return t ? json::value(core::FormatIsoUtc(*t)) : json::value(nullptr);
}

core::Status ReadTriggers(const FieldReader& r, core::Automation& a) {
  const json::value* ts = r.Raw("triggerEvents");
  if (!ts || ts->is_null()) return core::Status::Ok();
  if (!ts->is_array() || ts->as_array().size() > 20) {
    return FieldError("triggerEvents", "must be an array of at most 20 trigger events");
  }
  for (size_t i = 0; i < ts->as_array().size(); ++i) {
    std::string path = "triggerEvents[" + std::to_string(i) + "]";
    const json::value& t = ts->as_array()[i];
    if (!t.is_object()) return FieldError(path, "must be an object");
    FieldReader tr(t.as_object(), path);
    RIVULET_RETURN_IF_ERROR(tr.OnlyKnown({"eventType", "condition"}));
    RIVULET_ASSIGN_OR_RETURN(auto type, tr.String("eventType", 64, true));
    RIVULET_ASSIGN_OR_RETURN(auto cond, tr.ObjectJson("condition", 64 * 1024));
    a.triggers.push_back({*type, cond.value_or("")});
  }
  return core::Status::Ok();
}

core::Status ReadSteps(const FieldReader& r, core::Automation& a) {
  const json::value* ss = r.Raw("steps");
  if (!ss || ss->is_null()) return core::Status::Ok();
  if (!ss->is_array() || ss->as_array().size() > 500) {
    return FieldError("steps", "must be an array of at most 500 steps");
  }
  for (size_t i = 0; i < ss->as_array().size(); ++i) {
    std::string path = "steps[" + std::to_string(i) + "]";
    const json::value& v = ss->as_array()[i];
    if (!v.is_object()) return FieldError(path, "must be an object");
    FieldReader sr(v.as_object(), path);
    RIVULET_RETURN_IF_ERROR(sr.OnlyKnown({"uuid", "type", "operation", "description", "settings"}));
    core::Step step;
    RIVULET_ASSIGN_OR_RETURN(auto uuid, sr.String("uuid", 64));
    if (uuid && !core::IsUuid(*uuid)) return FieldError(path + ".uuid", "must be a uuid");
    step.uuid = uuid ? core::NormalizeUuid(*uuid) : core::NewUuidV7(core::SystemClock::Get().Now());
    RIVULET_ASSIGN_OR_RETURN(auto op, sr.String("operation", 32, true));
    auto parsed = core::ParseStepType(*op);
    if (!parsed) return FieldError(path + ".operation", "is not a step operation");
    step.type = *parsed;
    RIVULET_ASSIGN_OR_RETURN(auto kind, sr.String("type", 16));
    if (kind && *kind != StepKind(step.type)) {
      return FieldError(path + ".type",
                        std::string("must be ") + StepKind(step.type) + " for " + *op);
    }
    RIVULET_ASSIGN_OR_RETURN(auto description, sr.String("description", 200));
    step.name = description.value_or("");
    const json::value* settings = sr.Raw("settings");
    if (settings && !settings->is_null() && !settings->is_object()) {
      return FieldError(path + ".settings", "must be an object");
    }
    RIVULET_ASSIGN_OR_RETURN(auto config, sr.ObjectJson("settings", 512 * 1024));
    step.config_json = config.value_or("{}");
    for (const auto& other : a.steps) {
      if (other.uuid == step.uuid) return FieldError(path + ".uuid", "is used by another step");
    }
    a.steps.push_back(std::move(step));
  }
  return core::Status::Ok();
}

core::Status ReadConnections(const FieldReader& r, core::Automation& a) {
  const json::value* cs = r.Raw("connections");
  if (!cs || cs->is_null()) return core::Status::Ok();
  if (!cs->is_array() || cs->as_array().size() > 2000) {
    return FieldError("connections", "must be an array of at most 2000 connections");
  }
  for (size_t i = 0; i < cs->as_array().size(); ++i) {
    std::string path = "connections[" + std::to_string(i) + "]";
    const json::value& c = cs->as_array()[i];
    if (!c.is_object()) return FieldError(path, "must be an object");
    FieldReader cr(c.as_object(), path);
    RIVULET_RETURN_IF_ERROR(cr.OnlyKnown({"fromStepUuid", "toStepUuid", "branch"}));
    RIVULET_ASSIGN_OR_RETURN(auto from, cr.String("fromStepUuid", 64, true));
    RIVULET_ASSIGN_OR_RETURN(auto to, cr.String("toStepUuid", 64, true));
    if (!core::IsUuid(*from)) return FieldError(path + ".fromStepUuid", "must be a uuid");
    if (!core::IsUuid(*to)) return FieldError(path + ".toStepUuid", "must be a uuid");
    RIVULET_ASSIGN_OR_RETURN(auto branch, cr.String("branch", 64));
    a.connections.push_back({core::NormalizeUuid(*from), core::NormalizeUuid(*to),
                             branch.value_or(std::string(core::kBranchDefault))});
  }
  return core::Status::Ok();
}

}  // namespace

const char* StepKind(core::StepType t) {
  using T = core::StepType;
  switch (t) {
    case T::kWait:
    case T::kFromLastStep:
      return "WAIT";
    case T::kWaitAndCheck:
    case T::kAbTest:
      return "CONDITION";
    case T::kWaitForTrigger:
      return "TRIGGER";
    default:
      return "ACTION";
  }
}

core::Result<core::Automation> AutomationFromJson(const json::object& body) {
  FieldReader r(body);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown(
      {"uuid", "name", "category", "author", "startDate", "timezone", "status", "created",
       "createdBy", "description", "endDate", "uniqueToken", "removeActionPrimary",
       "sourceDescription", "triggerEvents", "steps", "connections", "statistics"}));
  core::Automation a;
  RIVULET_ASSIGN_OR_RETURN(auto uuid, r.String("uuid", 64));
  if (uuid) {
    if (!core::IsUuid(*uuid)) return FieldError("uuid", "must be a uuid");
    a.uuid = core::NormalizeUuid(*uuid);
  }
  RIVULET_ASSIGN_OR_RETURN(auto name, r.String("name", 200, true));
  a.name = *name;
  RIVULET_ASSIGN_OR_RETURN(auto category, r.String("category", 100));
  if (category && *category != "Custom") return FieldError("category", "must be Custom");
  RIVULET_ASSIGN_OR_RETURN(auto author, r.String("author", 200));
  a.author = author.value_or("");
  RIVULET_ASSIGN_OR_RETURN(auto tz, r.String("timezone", 64));
  a.timezone = tz.value_or("UTC");
  if (!engine::IsKnownTimezone(a.timezone)) {
    return FieldError("timezone", "is not a known IANA time zone");
  }
  RIVULET_ASSIGN_OR_RETURN(auto status, r.String("status", 32));
  if (status && !core::ParseAutomationStatus(*status)) {
    return FieldError("status", "is not an automation status");
  }
  RIVULET_RETURN_IF_ERROR(ReadTime(r, "startDate", a.start_date));
  RIVULET_RETURN_IF_ERROR(ReadTime(r, "endDate", a.end_date));
  if (a.start_date && a.end_date && *a.end_date < *a.start_date) {
    return FieldError("endDate", "must not be before startDate");
  }
  std::optional<core::Millis> created;
  RIVULET_RETURN_IF_ERROR(ReadTime(r, "created", created));
  RIVULET_ASSIGN_OR_RETURN(auto created_by, r.String("createdBy", 200));
  RIVULET_ASSIGN_OR_RETURN(auto description, r.String("description", 4000));
  a.description = description.value_or("");
  RIVULET_ASSIGN_OR_RETURN(auto unique, r.Bool("uniqueToken"));
  a.unique_token = unique.value_or(false);
  RIVULET_ASSIGN_OR_RETURN(auto primary, r.Bool("removeActionPrimary"));
  a.remove_action_primary = primary.value_or(false);
  RIVULET_ASSIGN_OR_RETURN(auto source, r.String("sourceDescription", 4000));
  a.source_description = source.value_or("");
  const json::value* stats = r.Raw("statistics");
  if (stats && !stats->is_null() && !stats->is_object()) {
    return FieldError("statistics", "must be an object");
  }
  a.face_data_json = json::serialize(json::object{{"createdBy", created_by.value_or("")}});
  RIVULET_RETURN_IF_ERROR(ReadTriggers(r, a));
  RIVULET_RETURN_IF_ERROR(ReadSteps(r, a));
  RIVULET_RETURN_IF_ERROR(ReadConnections(r, a));
  return a;
}

json::object StepToJson(const core::Step& s) {
  return json::object{{"uuid", s.uuid},
                      {"type", StepKind(s.type)},
                      {"operation", core::StepTypeName(s.type)},
                      {"description", s.name},
                      {"settings", core::ParseJsonOr(s.config_json, json::object())}};
}

const std::vector<std::string>& CounterNames() {
  static const std::vector<std::string> kNames = {
      "entered",   "completed",     "exited",  "errors",      "sent",
      "delivered", "skipped",       "failed",  "opens",       "unique_opens",
      "clicks",    "unique_clicks", "bounces", "unsubscribes"};
  return kNames;
}

std::string CamelCase(const std::string& snake) {
  std::string out;
  bool up = false;
  for (char c : snake) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

json::object CountersJson(const std::vector<store::CounterValue>& counters,
                          const std::string& step_uuid) {
  json::object out;
  for (const auto& name : CounterNames()) out[CamelCase(name)] = 0;
  for (const auto& c : counters) {
    if (c.step_uuid == step_uuid) out[CamelCase(c.name)] = c.value;
  }
  return out;
}

json::object AutomationToJson(const core::Automation& a,
                              const std::vector<store::CounterValue>& counters, bool compact) {
  json::object face = core::ParseJsonObject(a.face_data_json);
  json::value created_by = face.contains("createdBy") ? face["createdBy"] : json::value("");
  json::object out{
      {"uuid", a.uuid},
      {"name", a.name},
      {"category", a.category.empty() ? "Custom" : a.category},
      {"author", a.author},
      {"startDate", OptTime(a.start_date)},
      {"timezone", a.timezone},
      {"status", core::AutomationStatusName(a.status)},
      {"created", core::FormatIsoUtc(a.created_at)},
      {"createdBy", created_by},
      {"description", a.description},
      {"endDate", OptTime(a.end_date)},
      {"uniqueToken", a.unique_token},
      {"removeActionPrimary", a.remove_action_primary},
      {"sourceDescription", a.source_description},
  };
  if (compact) return out;
  json::array triggers, steps, connections;
  for (const auto& t : a.triggers) {
    triggers.push_back(json::object{{"eventType", t.event_type},
                                    {"condition", core::ParseJsonOr(t.condition_json, nullptr)}});
  }
  for (const auto& s : a.steps) steps.push_back(StepToJson(s));
  for (const auto& c : a.connections) {
    connections.push_back(json::object{
        {"fromStepUuid", c.from_step}, {"toStepUuid", c.to_step}, {"branch", c.branch}});
  }
  out["triggerEvents"] = std::move(triggers);
  out["steps"] = std::move(steps);
  out["connections"] = std::move(connections);
  out["statistics"] = CountersJson(counters, "");
  return out;
}

}  // namespace rivulet::api::contactflow

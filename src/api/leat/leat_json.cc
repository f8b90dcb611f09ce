#include "api/leat/leat_json.h"

#include <algorithm>
#include <boost/json.hpp>

#include "core/time_format.h"
#include "core/uuid.h"

namespace rivulet::api::leat {
namespace json = boost::json;

bool IsLeatEventType(std::string_view type) {
  return std::find(kLeatEventTypes.begin(), kLeatEventTypes.end(), type) != kLeatEventTypes.end();
}

std::optional<std::string> LeatEvent(const core::Automation& a) {
  for (const auto& t : a.triggers) {
    if (IsLeatEventType(t.event_type)) return t.event_type;
  }
  return std::nullopt;
}

bool IsRunnable(const core::Automation& a) {
  return std::any_of(a.triggers.begin(), a.triggers.end(),
                     [](const core::Trigger& t) { return t.event_type == kRunnableEvent; });
}

json::object AutomationToLeat(const core::Automation& a, const std::string& event) {
  return json::object{
      {"uuid", a.uuid},
      {"name", a.name},
      {"event", event},
      {"status", a.status == core::AutomationStatus::kRunning ? "active" : "inactive"},
      {"created_at", core::FormatIsoOffset(a.created_at)},
      {"updated_at", core::FormatIsoOffset(a.updated_at)},
  };
}

namespace {

// Reads a required uuid field; records a Laravel-style message on failure.
std::string ReadUuid(const json::object& body, std::string_view key, std::string_view label,
                     core::Status& problems) {
  const json::value* v = body.if_contains(key);
  auto fail = [&](std::string message) {
    problems.WithField(std::string(key), std::move(message));
    return std::string();
  };
  if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) {
    return fail("The " + std::string(label) + " field is required.");
  }
  if (!v->is_string()) return fail("The " + std::string(label) + " must be a string.");
  std::string_view s = v->as_string();
  if (!core::IsUuid(s)) return fail("The " + std::string(label) + " must be a valid UUID.");
  return core::NormalizeUuid(s);
}

}  // namespace

core::Result<RunRequest> RunRequestFromJson(const json::value& body) {
  static const json::object kEmpty;
  const json::object& obj = body.is_object() ? body.as_object() : kEmpty;
  core::Status problems = core::InvalidArgument("Invalid input.");
  RunRequest out;
  out.contact_uuid = ReadUuid(obj, "contact_uuid", "contact uuid", problems);
  out.automation_uuid = ReadUuid(obj, "automation_uuid", "automation uuid", problems);
  if (const json::value* d = obj.if_contains("data");
      d && !d->is_null() && !(d->is_string() && d->as_string().empty())) {
    if (!d->is_object() && !d->is_array()) {
      problems.WithField("data", "The data must be an array.");
    } else {
      std::string text = json::serialize(*d);
      if (text.size() > kMaxRunDataBytes) {
        problems.WithField("data", "The data must not be greater than " +
                                       std::to_string(kMaxRunDataBytes / 1024) + " kilobytes.");
      } else {
        out.data_json = std::move(text);
      }
    }
  }
  if (!problems.fields().empty()) return problems;
  return out;
}

}  // namespace rivulet::api::leat

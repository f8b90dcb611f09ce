#ifndef RIVULET_CORE_STEP_SETTINGS_H_
#define RIVULET_CORE_STEP_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/automation.h"
#include "core/status.h"

// The typed settings of each step type, parsed from a step's config_json. Validation and
// the engine read steps only through these.
namespace rivulet::core {

// When a wait ends: after a delay, or at the next local time of day (optionally on given
// ISO weekdays, 1 = Monday) in the contact's or the automation's time zone, or a named one.
struct WaitSettings {
  int64_t delay_seconds = 0;
  std::optional<int> at_minute_of_day;  // "at": "HH:MM"
  std::vector<int> weekdays;            // empty: any day
  std::string timezone = "contact";     // "contact", "automation" or an IANA name
};

struct EmailSettings {
  std::string sender_uuid;  // a workspace sender; or the inline fields below
  std::string from_name;
  std::string from_address;
  std::string reply_to;
  std::string template_uuid;  // a workspace template; or the inline templates below
  std::string subject;
  std::string html;
  std::string text;
};

struct SmsSettings {
  std::string text;
};

struct WebhookSettings {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // A JSON template (values are escaped for JSON strings); empty: the default JSON of
  // contact, token, event and run data.
  std::string body;
};

struct TagSettings {
  std::vector<std::string> add;
  std::vector<std::string> remove;
  std::string set_attributes_json;  // an object merged into the contact's attributes
};

struct CheckSettings {
  WaitSettings wait;
  std::string condition_json;
};

struct WaitForTriggerSettings {
  std::string event_type;
  std::string condition_json;  // empty: any event of that type
  int64_t timeout_seconds = 0;
};

struct AbVariant {
  std::string name;
  int weight = 0;
};
struct AbTestSettings {
  std::vector<AbVariant> variants;
};

struct IssueCreditsSettings {
  int64_t credits = 0;
};

struct NoSettings {};

using StepSettings =
    std::variant<NoSettings, WaitSettings, EmailSettings, SmsSettings, WebhookSettings,
                 TagSettings, CheckSettings, WaitForTriggerSettings, AbTestSettings,
                 IssueCreditsSettings>;

// Parses and checks a step's settings (types, ranges, required fields). Conditions and
// templates are checked for syntax by ValidateAutomation, not here.
Result<StepSettings> ParseStepSettings(StepType type, std::string_view config_json);

// The branches a step of this type may have (AB tests: one per variant).
std::vector<std::string> AllowedBranches(StepType type, const StepSettings& settings);
// The branches that must be connected for the step to be valid (none: missing ones end
// the token's journey, except that a missing AB variant is an error).
bool BranchRequired(StepType type, std::string_view branch);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_STEP_SETTINGS_H_

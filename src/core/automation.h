#ifndef RIVULET_CORE_AUTOMATION_H_
#define RIVULET_CORE_AUTOMATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

// Automations (journeys): a graph of steps joined by connections, in the canonical form the
// engine runs. Faces map their own documents onto this one.
namespace rivulet::core {

// Lifecycle, in Contactflow's names: DRAFT → COMMITTED → RUNNING ⇄ PAUSED → TO_ARCHIVE →
// ARCHIVED, plus ERROR and TO_DELETE.
enum class AutomationStatus { kDraft, kCommitted, kRunning, kPaused, kToArchive, kArchived,
                              kError, kToDelete };
const char* AutomationStatusName(AutomationStatus s);
std::optional<AutomationStatus> ParseAutomationStatus(std::string_view name);
// Whether the lifecycle allows from → to. Staying in the same status is allowed.
bool IsLegalTransition(AutomationStatus from, AutomationStatus to);
// Only DRAFT and PAUSED automations may have their graph replaced.
bool IsGraphEditable(AutomationStatus s);

enum class StepType {
  kEmail,           // CLAB_CAMPAIGN
  kSms,             // CLAB_CAMPAIGN_SMS
  kWebhook,         // WEBHOOK
  kTag,             // TAG
  kWait,            // WAIT
  kFromLastStep,    // FROM_LAST_STEP (a wait measured from entering the step)
  kWaitAndCheck,    // WAIT_AND_CHECK
  kWaitForTrigger,  // WAIT_FOR_TRIGGER
  kAbTest,          // AB_TEST
  kNoAction,        // NO_ACTION
  kIssueCredits,    // ISSUE_CREDITS
};
const char* StepTypeName(StepType t);
std::optional<StepType> ParseStepType(std::string_view name);
bool IsWaitStep(StepType t);     // steps that put the token to sleep
bool IsMessageStep(StepType t);  // steps that produce an outbox message

// Branch names a connection can follow.
inline constexpr std::string_view kBranchDefault = "default";
inline constexpr std::string_view kBranchYes = "yes";
inline constexpr std::string_view kBranchNo = "no";
inline constexpr std::string_view kBranchTriggered = "triggered";
inline constexpr std::string_view kBranchTimeout = "timeout";
inline constexpr std::string_view kBranchError = "error";
// AB variants use "variant:<name>".

struct Step {
  std::string uuid;
  StepType type = StepType::kNoAction;
  std::string name;
  std::string config_json = "{}";  // type-specific settings, see automation_document.cc
};

struct Connection {
  std::string from_step;
  std::string to_step;
  std::string branch = std::string(kBranchDefault);
};

struct Trigger {
  std::string event_type;
  std::string condition_json;  // empty: any event of that type
};

struct Automation {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string uuid;
  std::string name;
  std::string description;
  std::string category = "Custom";
  std::string author;
  AutomationStatus status = AutomationStatus::kDraft;
  std::string timezone = "UTC";
  std::optional<Millis> start_date;
  std::optional<Millis> end_date;
  std::vector<Trigger> triggers;
  bool unique_token = false;        // a contact enters at most once, ever
  bool allow_reentry = true;        // a contact may enter again once its previous run ended
  std::string exit_condition_json;  // when true for a token's context, the token exits
  std::string unsubscribe_group;
  // The workspace audience (core::Audience id) whose contacts are enrolled when the
  // automation goes RUNNING and when they join it later; 0: none.
  int64_t audience_id = 0;
  bool remove_action_primary = false;
  std::string source_description;
  std::vector<Step> steps;
  std::vector<Connection> connections;
  std::string face_data_json = "{}";  // fields only one face knows, kept verbatim
  Millis created_at = 0;
  Millis updated_at = 0;

  const Step* FindStep(std::string_view uuid) const;
  // The step with no incoming connection, if there is exactly one.
  const Step* EntryStep() const;
  // The step a branch of `from` leads to, or nullptr (the token completes).
  const Step* Next(std::string_view from, std::string_view branch) const;
};

// One validation problem, attached to a step (or to the automation when step is empty).
struct ValidationProblem {
  std::string step;
  std::string message;
};

// Everything wrong with the automation's graph and step settings, in step order; empty when
// it may run: one entry, every step reachable, branches that fit each step type, AB weights
// summing to 100, conditions and templates that parse, no cycle without a wait.
std::vector<ValidationProblem> ValidateAutomation(const Automation& a);

// The storage encoding of triggers, steps and connections (one JSON text), shared by the
// store backends. Not a wire format: faces have their own.
std::string EncodeAutomationGraph(const Automation& a);
Status DecodeAutomationGraph(std::string_view text, Automation& a);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_AUTOMATION_H_

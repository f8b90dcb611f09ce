#ifndef RIVULET_API_CONTACTFLOW_AUTOMATION_FILTER_H_
#define RIVULET_API_CONTACTFLOW_AUTOMATION_FILTER_H_

#include <optional>
#include <string>
#include <vector>

#include "api/json_input.h"
#include "core/automation.h"
#include "store/store.h"

// The automation filters of "Get all automations" and the CSV report.
namespace rivulet::api::contactflow {

struct AutomationQuery {
  std::optional<std::string> uuid;         // reports only
  std::optional<std::string> name;         // case-insensitive substring
  std::optional<std::string> description;  // case-insensitive substring
  std::vector<core::AutomationStatus> statuses;
  std::vector<std::string> categories;
  std::optional<core::Millis> start_before, start_after, end_before, end_after;
  std::optional<core::Millis> created_before, created_after;
  std::optional<core::StepType> step_type;  // has a step of this operation
  bool has_trigger = false;                 // true: only automations with trigger events
};

// Reads the filters from a query; with_uuid accepts automationUuid too.
core::Result<AutomationQuery> ReadAutomationQuery(const FieldReader& q, bool with_uuid);
bool Matches(const AutomationQuery& q, const core::Automation& a);
// Every automation of the workspace that matches, oldest first.
core::Result<std::vector<core::Automation>> FindAutomations(store::ReadTxn& txn,
                                                            int64_t workspace_id,
                                                            const AutomationQuery& q);

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_AUTOMATION_FILTER_H_

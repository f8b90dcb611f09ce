#ifndef RIVULET_API_CONTACTFLOW_AUTOMATION_JSON_H_
#define RIVULET_API_CONTACTFLOW_AUTOMATION_JSON_H_

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "core/automation.h"
#include "core/journey.h"
#include "store/store.h"

// The Contactflow wire form of the canonical automation:
//   Automation  {uuid, name, category, author, startDate, timezone, status, created,
//                createdBy, description, endDate, uniqueToken, removeActionPrimary,
//                sourceDescription, triggerEvents, steps, connections, statistics}
//   TriggerEvent {eventType, condition}
//   Step        {uuid, type (ACTION | WAIT | CONDITION | TRIGGER), operation (the step type:
//                CLAB_CAMPAIGN, CLAB_CAMPAIGN_SMS, WEBHOOK, TAG, WAIT, FROM_LAST_STEP,
//                WAIT_AND_CHECK, WAIT_FOR_TRIGGER, AB_TEST, NO_ACTION, ISSUE_CREDITS),
//                description, settings (the engine's step settings, verbatim)}
//   Connection  {fromStepUuid, toStepUuid, branch (default, yes, no, triggered, timeout,
//                error, variant:<name>)}
//   AutomationStatistics {entered, completed, exited, errors, sent, delivered, skipped,
//                failed, opens, uniqueOpens, clicks, uniqueClicks, bounces, unsubscribes}
namespace rivulet::api::contactflow {

// Reads an Automation body. status, created and statistics are read-only and ignored
// (status changes go through PATCH or the status field of PUT, see automation_routes.cc).
core::Result<core::Automation> AutomationFromJson(const boost::json::object& body);

// compact: only uuid, name, category, status, description, dates and createdBy.
boost::json::object AutomationToJson(const core::Automation& a,
                                     const std::vector<store::CounterValue>& counters,
                                     bool compact);

// The step's Contactflow type: ACTION, WAIT, CONDITION or TRIGGER.
const char* StepKind(core::StepType t);
boost::json::object StepToJson(const core::Step& s);
// Counters of one step ("" for the automation) as camelCase feedback fields, zeros included.
boost::json::object CountersJson(const std::vector<store::CounterValue>& counters,
                                 const std::string& step_uuid);
// The counter names, in report column order (engine names).
const std::vector<std::string>& CounterNames();
std::string CamelCase(const std::string& snake);

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_AUTOMATION_JSON_H_

#ifndef RIVULET_API_CONTACTFLOW_TOKEN_JSON_H_
#define RIVULET_API_CONTACTFLOW_TOKEN_JSON_H_

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>

#include "api/json_input.h"
#include "core/automation.h"
#include "core/journey.h"
#include "core/model.h"
#include "store/store.h"

// Token {uuid, userPk, clabUuid, recipient, attributes, automationUuid, automationName,
// stepUuid, stepOperation, stepType, stepDescription, enterStepDate, enterAutomationDate,
// status, automationStatus, errorDate, errorMessage}. status: HELD (in a batch not closed
// yet), READY (due to run its step), WAITING, SENDING (its message is being delivered),
// COMPLETED, EXITED, ERROR.
namespace rivulet::api::contactflow {

const char* TokenStatusFor(const core::Token& t);

boost::json::object TokenToJson(const core::Token& t, const core::Contact& c,
                                const core::Automation& a, bool compact);

// The search filters shared by "Search current customers" and the ZIP report.
struct TokenQuery {
  std::optional<std::string> automation_uuid, step_uuid, clab_uuid, recipient;
  std::optional<std::string> aggregated_status;  // RUNNING, COMPLETED, ERROR
};
core::Result<TokenQuery> ReadTokenQuery(const FieldReader& q);
// Resolves the query to a store filter. False when it can match nothing (an unknown
// customer or recipient); NotFound for an automation that is not the node's.
core::Result<bool> ResolveTokenQuery(store::ReadTxn& txn, int64_t workspace_id, const TokenQuery& q,
                                     store::TokenFilter& f);

// Looks up automations once per id while rendering many tokens.
class AutomationCache {
 public:
  explicit AutomationCache(store::ReadTxn& txn) : txn_(txn) {}
  core::Result<const core::Automation*> Get(int64_t id);

 private:
  store::ReadTxn& txn_;
  std::map<int64_t, core::Automation> by_id_;
};

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_TOKEN_JSON_H_

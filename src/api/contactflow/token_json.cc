#include "api/contactflow/token_json.h"

#include "api/contactflow/automation_json.h"
#include "core/contact_rules.h"
#include "core/json_text.h"
#include "core/time_format.h"
#include "core/uuid.h"

namespace rivulet::api::contactflow {
namespace json = boost::json;

namespace {
json::value OptTime(const std::optional<core::Millis>& t) {
  return t ? json::value(core::FormatIsoUtc(*t)) : json::value(nullptr);
}
}  // namespace

const char* TokenStatusFor(const core::Token& t) {
  switch (t.status) {
    case core::TokenStatus::kCompleted:
      return "COMPLETED";
    case core::TokenStatus::kExited:
      return "EXITED";
    case core::TokenStatus::kError:
      return "ERROR";
    case core::TokenStatus::kActive:
      break;
  }
  switch (t.phase) {
    case core::StepPhase::kEnter:
      return t.wake_at ? "READY" : "HELD";
    case core::StepPhase::kWaiting:
      return "WAITING";
    case core::StepPhase::kDelivery:
      return "SENDING";
  }
  return "READY";
}

json::object TokenToJson(const core::Token& t, const core::Contact& c, const core::Automation& a,
                         bool compact) {
  json::object out{{"uuid", t.uuid}, {"clabUuid", c.uuid}};
  if (c.external_id) out["userPk"] = *c.external_id;
  if (c.email) out["recipient"] = *c.email;
  out["automationUuid"] = a.uuid;
  out["stepUuid"] = t.step_uuid;
  out["status"] = TokenStatusFor(t);
  if (compact) return out;
  json::object attrs = core::ParseJsonObject(t.run_data_json);
  if (attrs.empty()) attrs = core::ParseJsonObject(c.attributes_json);
  out["attributes"] = std::move(attrs);
  out["automationName"] = a.name;
  const core::Step* step = a.FindStep(t.step_uuid);
  out["stepOperation"] = step ? json::value(core::StepTypeName(step->type)) : json::value(nullptr);
  out["stepType"] = step ? json::value(StepKind(step->type)) : json::value(nullptr);
  out["stepDescription"] = step ? json::value(step->name) : json::value(nullptr);
  out["enterStepDate"] = core::FormatIsoUtc(t.step_entered_at);
  out["enterAutomationDate"] = core::FormatIsoUtc(t.entered_at);
  out["automationStatus"] = core::AutomationStatusName(a.status);
  out["errorDate"] = OptTime(t.error_at);
  out["errorMessage"] =
      t.error_message.empty() ? json::value(nullptr) : json::value(t.error_message);
  return out;
}

core::Result<TokenQuery> ReadTokenQuery(const FieldReader& r) {
  TokenQuery q;
  auto uuid = [&](const char* key, std::optional<std::string>& out) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(out, r.String(key, 64));
    if (out) {
      if (!core::IsUuid(*out)) return FieldError(key, "must be a uuid");
      out = core::NormalizeUuid(*out);
    }
    return core::Status::Ok();
  };
  RIVULET_RETURN_IF_ERROR(uuid("automationUuid", q.automation_uuid));
  RIVULET_RETURN_IF_ERROR(uuid("stepUuid", q.step_uuid));
  RIVULET_RETURN_IF_ERROR(uuid("clabUuid", q.clab_uuid));
  RIVULET_ASSIGN_OR_RETURN(q.recipient, r.String("recipient", 320));
  if (q.recipient) {
    auto n = core::NormalizeEmail(*q.recipient);
    if (!n.ok()) return FieldError("recipient", "is not an e-mail address");
    q.recipient = *n;
  }
  RIVULET_ASSIGN_OR_RETURN(q.aggregated_status, r.String("aggregatedStatus", 16));
  if (q.aggregated_status && *q.aggregated_status != "RUNNING" &&
      *q.aggregated_status != "COMPLETED" && *q.aggregated_status != "ERROR") {
    return FieldError("aggregatedStatus", "must be RUNNING, COMPLETED or ERROR");
  }
  return q;
}

core::Result<bool> ResolveTokenQuery(store::ReadTxn& txn, int64_t ws, const TokenQuery& q,
                                     store::TokenFilter& f) {
  if (q.automation_uuid) {
    RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomation(ws, *q.automation_uuid));
    f.automation_id = a.id;
  }
  f.step_uuid = q.step_uuid;
  std::optional<int64_t> contact_id;
  for (const auto& [kind, value] : {std::pair{core::ContactRef::Kind::kUuid, q.clab_uuid},
                                    std::pair{core::ContactRef::Kind::kEmail, q.recipient}}) {
    if (!value) continue;
    auto c = txn.FindContact(ws, {kind, *value});
    if (!c.ok()) {
      if (c.status().code() == core::Code::kNotFound) return false;
      return c.status();
    }
    if (contact_id && *contact_id != c->id) return false;
    contact_id = c->id;
  }
  f.contact_id = contact_id;
  if (q.aggregated_status) {
    if (*q.aggregated_status == "RUNNING") f.statuses = {core::TokenStatus::kActive};
    if (*q.aggregated_status == "COMPLETED") {
      f.statuses = {core::TokenStatus::kCompleted, core::TokenStatus::kExited};
    }
    if (*q.aggregated_status == "ERROR") f.statuses = {core::TokenStatus::kError};
  }
  return true;
}

core::Result<const core::Automation*> AutomationCache::Get(int64_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn_.FindAutomationById(id));
    if (by_id_.size() > 1000) by_id_.clear();
    it = by_id_.emplace(id, std::move(a)).first;
  }
  return &it->second;
}

}  // namespace rivulet::api::contactflow

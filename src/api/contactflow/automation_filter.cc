#include "api/contactflow/automation_filter.h"

#include <algorithm>
#include <boost/json.hpp>

#include "api/contactflow/common.h"
#include "core/uuid.h"

namespace rivulet::api::contactflow {

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
bool Contains(std::string_view hay, const std::optional<std::string>& needle) {
  return !needle || Lower(hay).find(Lower(*needle)) != std::string::npos;
}
}  // namespace

core::Result<AutomationQuery> ReadAutomationQuery(const FieldReader& r, bool with_uuid) {
  AutomationQuery q;
  if (with_uuid) {
    RIVULET_ASSIGN_OR_RETURN(q.uuid, r.String("automationUuid", 64));
    if (q.uuid) {
      if (!core::IsUuid(*q.uuid)) return FieldError("automationUuid", "must be a uuid");
      q.uuid = core::NormalizeUuid(*q.uuid);
    }
  }
  RIVULET_ASSIGN_OR_RETURN(q.name, r.String("name", 200));
  RIVULET_ASSIGN_OR_RETURN(q.description, r.String("description", 400));
  RIVULET_ASSIGN_OR_RETURN(auto statuses, ListParam(r, "status"));
  for (const auto& st : statuses) {
    auto parsed = core::ParseAutomationStatus(st);
    if (!parsed) return FieldError("status", st + " is not an automation status");
    q.statuses.push_back(*parsed);
  }
  RIVULET_ASSIGN_OR_RETURN(q.categories, ListParam(r, "category"));
  for (const auto& c : q.categories) {
    if (c != "Custom") return FieldError("category", "must be Custom");
  }
  RIVULET_ASSIGN_OR_RETURN(q.start_before, TimeParam(r, "startDateBefore"));
  RIVULET_ASSIGN_OR_RETURN(q.start_after, TimeParam(r, "startDateAfter"));
  RIVULET_ASSIGN_OR_RETURN(q.end_before, TimeParam(r, "endDateBefore"));
  RIVULET_ASSIGN_OR_RETURN(q.end_after, TimeParam(r, "endDateAfter"));
  RIVULET_ASSIGN_OR_RETURN(q.created_before, TimeParam(r, "createdBefore"));
  RIVULET_ASSIGN_OR_RETURN(q.created_after, TimeParam(r, "createdAfter"));
  RIVULET_ASSIGN_OR_RETURN(auto step_type, r.String("stepType", 32));
  if (step_type) {
    q.step_type = core::ParseStepType(*step_type);
    if (!q.step_type) return FieldError("stepType", "is not a step operation");
  }
  RIVULET_ASSIGN_OR_RETURN(auto has_trigger, r.Bool("hasTrigger"));
  q.has_trigger = has_trigger.value_or(false);
  return q;
}

bool Matches(const AutomationQuery& q, const core::Automation& a) {
  if (q.uuid && a.uuid != *q.uuid) return false;
  if (!Contains(a.name, q.name) || !Contains(a.description, q.description)) return false;
  if (!q.statuses.empty() &&
      std::find(q.statuses.begin(), q.statuses.end(), a.status) == q.statuses.end()) {
    return false;
  }
  std::string category = a.category.empty() ? "Custom" : a.category;
  if (!q.categories.empty() &&
      std::find(q.categories.begin(), q.categories.end(), category) == q.categories.end()) {
    return false;
  }
  // A bound on a date the automation does not have excludes it.
  auto before = [](const std::optional<core::Millis>& t, const std::optional<core::Millis>& b) {
    return !b || (t && *t <= *b);
  };
  auto after = [](const std::optional<core::Millis>& t, const std::optional<core::Millis>& b) {
    return !b || (t && *t >= *b);
  };
  if (!before(a.start_date, q.start_before) || !after(a.start_date, q.start_after)) return false;
  if (!before(a.end_date, q.end_before) || !after(a.end_date, q.end_after)) return false;
  if (!before(a.created_at, q.created_before) || !after(a.created_at, q.created_after)) {
    return false;
  }
  if (q.step_type && std::none_of(a.steps.begin(), a.steps.end(),
                                  [&](const core::Step& s) { return s.type == *q.step_type; })) {
    return false;
  }
  if (q.has_trigger && a.triggers.empty()) return false;
  return true;
}

core::Result<std::vector<core::Automation>> FindAutomations(store::ReadTxn& txn, int64_t ws,
                                                            const AutomationQuery& q) {
  std::vector<core::Automation> out;
  store::AutomationFilter f;
  f.statuses = q.statuses;
  f.limit = 1000;
  while (true) {
    RIVULET_ASSIGN_OR_RETURN(auto batch, txn.ListAutomations(ws, f));
    for (auto& a : batch) {
      if (Matches(q, a)) out.push_back(std::move(a));
    }
    if (batch.size() < static_cast<size_t>(f.limit)) break;
    f.after_id = batch.back().id;
  }
  return out;
}

}  // namespace rivulet::api::contactflow

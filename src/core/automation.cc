#include "core/automation.h"

#include <algorithm>
#include <array>
#include <utility>

namespace rivulet::core {
namespace {

constexpr std::array<std::pair<AutomationStatus, const char*>, 8> kStatusNames = {{
    {AutomationStatus::kDraft, "DRAFT"},
    {AutomationStatus::kCommitted, "COMMITTED"},
    {AutomationStatus::kRunning, "RUNNING"},
    {AutomationStatus::kPaused, "PAUSED"},
    {AutomationStatus::kToArchive, "TO_ARCHIVE"},
    {AutomationStatus::kArchived, "ARCHIVED"},
    {AutomationStatus::kError, "ERROR"},
    {AutomationStatus::kToDelete, "TO_DELETE"},
}};

constexpr std::array<std::pair<StepType, const char*>, 11> kStepNames = {{
    {StepType::kEmail, "CLAB_CAMPAIGN"},
    {StepType::kSms, "CLAB_CAMPAIGN_SMS"},
    {StepType::kWebhook, "WEBHOOK"},
    {StepType::kTag, "TAG"},
    {StepType::kWait, "WAIT"},
    {StepType::kFromLastStep, "FROM_LAST_STEP"},
    {StepType::kWaitAndCheck, "WAIT_AND_CHECK"},
    {StepType::kWaitForTrigger, "WAIT_FOR_TRIGGER"},
    {StepType::kAbTest, "AB_TEST"},
    {StepType::kNoAction, "NO_ACTION"},
    {StepType::kIssueCredits, "ISSUE_CREDITS"},
}};

}  // namespace

const char* AutomationStatusName(AutomationStatus s) {
  for (const auto& [v, n] : kStatusNames) {
    if (v == s) return n;
  }
  return "DRAFT";
}

std::optional<AutomationStatus> ParseAutomationStatus(std::string_view name) {
  for (const auto& [v, n] : kStatusNames) {
    if (name == n) return v;
  }
  return std::nullopt;
}

bool IsLegalTransition(AutomationStatus from, AutomationStatus to) {
  using S = AutomationStatus;
  if (from == to) return true;
  switch (from) {
    case S::kDraft: return to == S::kCommitted || to == S::kToDelete;
    case S::kCommitted: return to == S::kRunning || to == S::kDraft || to == S::kToDelete;
    case S::kRunning: return to == S::kPaused || to == S::kToArchive || to == S::kError;
    case S::kPaused:
      return to == S::kRunning || to == S::kToArchive || to == S::kDraft || to == S::kToDelete;
    case S::kToArchive: return to == S::kArchived;
    case S::kArchived: return to == S::kToDelete;
    case S::kError: return to == S::kPaused || to == S::kDraft || to == S::kToArchive ||
                           to == S::kToDelete;
    case S::kToDelete: return false;
  }
  return false;
}

bool IsGraphEditable(AutomationStatus s) {
  return s == AutomationStatus::kDraft || s == AutomationStatus::kPaused;
}

const char* StepTypeName(StepType t) {
  for (const auto& [v, n] : kStepNames) {
    if (v == t) return n;
  }
  return "NO_ACTION";
}

std::optional<StepType> ParseStepType(std::string_view name) {
  for (const auto& [v, n] : kStepNames) {
    if (name == n) return v;
  }
  return std::nullopt;
}

bool IsWaitStep(StepType t) {
  return t == StepType::kWait || t == StepType::kFromLastStep || t == StepType::kWaitAndCheck ||
         t == StepType::kWaitForTrigger;
}

bool IsMessageStep(StepType t) {
  return t == StepType::kEmail || t == StepType::kSms || t == StepType::kWebhook;
}

const Step* Automation::FindStep(std::string_view id) const {
  for (const auto& s : steps) {
    if (s.uuid == id) return &s;
  }
  return nullptr;
}

const Step* Automation::EntryStep() const {
  const Step* entry = nullptr;
  for (const auto& s : steps) {
    bool has_incoming = std::any_of(connections.begin(), connections.end(),
                                    [&](const Connection& c) { return c.to_step == s.uuid; });
    if (has_incoming) continue;
    if (entry) return nullptr;
    entry = &s;
  }
  return entry;
}

const Step* Automation::Next(std::string_view from, std::string_view branch) const {
  for (const auto& c : connections) {
    if (c.from_step == from && c.branch == branch) return FindStep(c.to_step);
  }
  return nullptr;
}

}  // namespace rivulet::core

#include "core/journey.h"

namespace rivulet::core {

const char* TokenStatusName(TokenStatus s) {
  switch (s) {
    case TokenStatus::kActive: return "ACTIVE";
    case TokenStatus::kCompleted: return "COMPLETED";
    case TokenStatus::kError: return "ERROR";
    case TokenStatus::kExited: return "EXITED";
  }
  return "ACTIVE";
}

std::optional<TokenStatus> ParseTokenStatus(std::string_view s) {
  for (auto t : {TokenStatus::kActive, TokenStatus::kCompleted, TokenStatus::kError,
                 TokenStatus::kExited}) {
    if (s == TokenStatusName(t)) return t;
  }
  return std::nullopt;
}

const char* StepPhaseName(StepPhase p) {
  switch (p) {
    case StepPhase::kEnter: return "enter";
    case StepPhase::kWaiting: return "waiting";
    case StepPhase::kDelivery: return "delivery";
  }
  return "enter";
}

std::optional<StepPhase> ParseStepPhase(std::string_view s) {
  for (auto p : {StepPhase::kEnter, StepPhase::kWaiting, StepPhase::kDelivery}) {
    if (s == StepPhaseName(p)) return p;
  }
  return std::nullopt;
}

const char* BatchStatusName(BatchStatus s) {
  switch (s) {
    case BatchStatus::kOpen: return "OPEN";
    case BatchStatus::kClosed: return "CLOSED";
    case BatchStatus::kEnabled: return "ENABLED";
    case BatchStatus::kEnabledOkNotifying: return "ENABLED_OK_NOTIFYING";
    case BatchStatus::kEnabledErrorNotifying: return "ENABLED_ERROR_NOTIFYING";
    case BatchStatus::kEnabledOkNotified: return "ENABLED_OK_NOTIFIED";
    case BatchStatus::kEnabledOkNotNotified: return "ENABLED_OK_NOT_NOTIFIED";
    case BatchStatus::kEnabledErrorNotified: return "ENABLED_ERROR_NOTIFIED";
    case BatchStatus::kEnabledErrorNotNotified: return "ENABLED_ERROR_NOT_NOTIFIED";
  }
  return "OPEN";
}

std::optional<BatchStatus> ParseBatchStatus(std::string_view s) {
  for (int i = 0; i <= static_cast<int>(BatchStatus::kEnabledErrorNotNotified); ++i) {
    auto b = static_cast<BatchStatus>(i);
    if (s == BatchStatusName(b)) return b;
  }
  return std::nullopt;
}

}  // namespace rivulet::core

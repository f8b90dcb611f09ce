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

}  // namespace rivulet::core

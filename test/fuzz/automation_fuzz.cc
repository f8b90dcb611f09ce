// Fuzzes the automation validator (core::ValidateAutomation) and the step-settings parsers on
// documents that map (api::native::AutomationFromJson), and the storage encoding of the graph:
// whatever validates or not, nothing crashes, and Encode/Decode round-trips.
#include <boost/json.hpp>

#include "api/native/automation_json.h"
#include "core/automation.h"
#include "core/step_settings.h"
#include "fuzz/fuzz_util.h"

using namespace rivulet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  auto body = fuzz::JsonBody(text);
  if (!body || !body->is_object()) return 0;
  auto a = api::native::AutomationFromJson(body->as_object());
  if (!a.ok()) return 0;
  auto problems = core::ValidateAutomation(*a);
  for (const auto& p : problems) {
    if (p.message.empty()) fuzz::Fail("a validation problem without a message", text);
  }
  for (const auto& s : a->steps) (void)core::ParseStepSettings(s.type, s.config_json);
  (void)a->EntryStep();

  std::string encoded = core::EncodeAutomationGraph(*a);
  core::Automation decoded = *a;  // the fields outside the graph stay
  decoded.triggers.clear();
  decoded.steps.clear();
  decoded.connections.clear();
  core::Status st = core::DecodeAutomationGraph(encoded, decoded);
  if (!st.ok()) fuzz::Fail("an encoded graph does not decode", st.ToString() + "\n" + encoded);
  if (core::EncodeAutomationGraph(decoded) != encoded) {
    fuzz::Fail("the graph encoding does not round-trip", encoded);
  }
  if (core::ValidateAutomation(decoded).size() != problems.size()) {
    fuzz::Fail("a decoded graph validates differently", encoded);
  }
  return 0;
}

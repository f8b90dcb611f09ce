// Fuzzes the fast path of POST /v1/events (api/native/event_body_scan.h) against the
// general reading: whatever ScanCommonEvent accepts, http::ParseBody and ParseEventInput
// accept too, with the same result.
#include <boost/json.hpp>

#include "api/native/contact_json.h"
#include "api/native/event_body_scan.h"
#include "fuzz/fuzz_util.h"

using namespace rivulet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  auto fast = api::native::ScanCommonEvent(text, http::Limits{}.max_json_depth);
  if (!fast) return 0;
  auto body = fuzz::JsonBody(text);
  if (!body || !body->is_object()) fuzz::Fail("the fast path read a body ParseBody rejects", text);
  auto general = api::native::ParseEventInput(body->as_object());
  if (!general.ok()) fuzz::Fail("the fast path read an event ParseEventInput rejects", text);
  const engine::EventInput& a = *fast;
  const engine::EventInput& b = *general;
  if (a.type != b.type || a.data_json != b.data_json || a.occurred_at != b.occurred_at ||
      a.idempotency_key != b.idempotency_key || a.contact.uuid != b.contact.uuid ||
      a.contact.email != b.contact.email || a.contact.phone != b.contact.phone ||
      a.contact.external_id != b.contact.external_id ||
      a.contact.attributes_json != b.contact.attributes_json || a.contact.tags != b.contact.tags ||
      a.contact.add_tags != b.contact.add_tags || a.contact.remove_tags != b.contact.remove_tags ||
      a.contact.timezone != b.contact.timezone) {
    fuzz::Fail(
        "the fast path read an event differently",
        std::string(text) + "\nfast data: " + a.data_json + "\ngeneral data: " + b.data_json);
  }
  return 0;
}

// Fuzzes the condition compiler and evaluator (core::Condition): any JSON either fails to
// parse with a Status or evaluates without crashing, and its canonical form parses back to an
// equal condition.
#include <boost/json.hpp>

#include "core/condition.h"
#include "fuzz/fuzz_util.h"

using namespace rivulet;

namespace {

const boost::json::object& Context() {
  static const boost::json::object ctx = boost::json::parse(R"({
    "contact": {"first_name": "Ada", "tags": ["vip"], "attributes": {"plan": "gold", "credits": 50,
                "birthday": "1990-05-10", "score": 1.5e300, "neg": -9223372036854775808}},
    "event": {"type": "order_paid", "data": {"total": 42, "items": [{"sku": "a"}], "at": 1700000000000,
              "when": "2024-06-01T10:00:00+02:00", "big": 18446744073709551615, "flag": false}},
    "run": {"data": {"coupon": "X1"}},
    "messages": {"s1": {"opened": true, "clicked": false}}
  })")
                                             .as_object();
  return ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  auto json = fuzz::JsonBody(text);
  if (!json) return 0;
  auto c = core::Condition::Parse(*json);
  if (!c.ok()) {
    if (c.status().fields().empty()) fuzz::Fail("a condition error without a field path", text);
    return 0;
  }
  for (core::Millis now :
       {core::Millis{0}, core::Millis{1'717'236'000'000}, core::Millis{253'402'300'799'000}}) {
    (void)c->Evaluate(Context(), now);
  }
  (void)c->Fields();
  boost::json::value canonical = c->ToJson();
  auto again = core::Condition::Parse(canonical);
  if (!again.ok()) fuzz::Fail("canonical form does not parse", boost::json::serialize(canonical));
  if (!(*again == *c)) fuzz::Fail("canonical form parses to another condition", text);
  if (again->Evaluate(Context(), 1'717'236'000'000) != c->Evaluate(Context(), 1'717'236'000'000)) {
    fuzz::Fail("canonical form evaluates differently", text);
  }
  return 0;
}

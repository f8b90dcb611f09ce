// The event acknowledgement is written as text on the hot path (decision 27); it must stay
// the same document as the event's JSON form without its data.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "api/native/contact_json.h"

namespace rivulet::api::native {
namespace {

core::Event SampleEvent() {
  core::Event e;
  e.uuid = "01a20d2f-bb4f-7fe7-bec4-1a85f4eaaa43";
  e.contact_uuid = "01a20d2f-bb4f-7d13-9199-0cb94b894c3d";
  e.type = "order_paid";
  e.data_json = R"({"total":12.5})";
  e.occurred_at = 1'700'000'000'123;
  e.received_at = 1'700'000'000'456;
  return e;
}

// EventToJson without data and received_at, plus "duplicate".
boost::json::object ExpectedAck(const core::Event& e, bool duplicate) {
  boost::json::object o = EventToJson(e);
  o.erase("data");
  o.erase("received_at");
  o["duplicate"] = duplicate;
  return o;
}

TEST(EventAckTest, IsTheEventsJsonWithoutItsData) {
  core::Event e = SampleEvent();
  for (bool duplicate : {false, true}) {
    std::string text;
    AppendEventAckJson(text, e, duplicate);
    EXPECT_EQ(boost::json::parse(text), boost::json::value(ExpectedAck(e, duplicate))) << text;
  }
  // A key with characters JSON must escape, and one that is absent (null).
  e.idempotency_key = "k\"\\\n\x01é";
  std::string text;
  AppendEventAckJson(text, e, false);
  EXPECT_EQ(boost::json::parse(text), boost::json::value(ExpectedAck(e, false))) << text;
  e.idempotency_key.reset();
  text.clear();
  AppendEventAckJson(text, e, false);
  EXPECT_TRUE(boost::json::parse(text).as_object().at("idempotency_key").is_null());
}

}  // namespace
}  // namespace rivulet::api::native

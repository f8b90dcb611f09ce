// The native automation document: what AutomationToJson writes, AutomationFromJson reads back.
// Regression tests for inputs found by test/fuzz/json_mapping_fuzz.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/native/automation_json.h"

namespace rivulet::api::native {
namespace {
namespace json = boost::json;

// Found by json_mapping_fuzz: a document without a uuid was written back with "uuid": "",
// which AutomationFromJson rejects ("uuid must be a uuid").
TEST(NativeAutomationJsonTest, DocumentWithoutUuidRoundTrips) {
  auto a = AutomationFromJson(json::parse(R"({"name":"no uuid yet",
      "triggers":[{"event_type":"contact_updated"}],
      "steps":[{"uuid":"0190a6f5-0a11-7c3d-8e2f-00000000c202","type":"ISSUE_CREDITS",
                "settings":{"credits":50}}]})")
                                  .as_object());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  json::object doc = AutomationToJson(*a);
  EXPECT_TRUE(doc.at("uuid").is_null());
  auto back = AutomationFromJson(doc);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << json::serialize(doc);
  EXPECT_EQ(AutomationToJson(*back), doc);
}

TEST(NativeAutomationJsonTest, DocumentWithUuidKeepsIt) {
  auto a = AutomationFromJson(
      json::parse(R"({"uuid":"0190A6F5-0A11-7C3D-8E2F-00000000C002","name":"x"})").as_object());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(AutomationToJson(*a).at("uuid"), "0190a6f5-0a11-7c3d-8e2f-00000000c002");
}

}  // namespace
}  // namespace rivulet::api::native

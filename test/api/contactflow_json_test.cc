// The Contactflow wire mapping of automations, customers and batch notifications.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/contactflow/automation_json.h"
#include "api/contactflow/batch_notifier.h"
#include "api/contactflow/customer_json.h"

namespace rivulet::api::contactflow {
namespace {
namespace json = boost::json;

json::object Obj(std::string_view text) { return json::parse(text).as_object(); }

// The field path of an InvalidArgument, or "" when it has none.
std::string Path(const core::Status& st) {
  return st.fields().empty() ? "" : st.fields().begin()->first;
}

TEST(ContactflowAutomationJsonTest, ReadsTheVendorFieldsIntoTheCanonicalAutomation) {
  auto a = AutomationFromJson(Obj(R"({
    "name": "Welcome", "category": "Custom", "author": "me", "timezone": "Europe/Rome",
    "startDate": "2030-01-01T00:00:00Z", "uniqueToken": true, "removeActionPrimary": true,
    "sourceDescription": "form", "createdBy": "ops", "status": "RUNNING",
    "triggerEvents": [{"eventType": "signup", "condition": {"==": [1, 1]}}],
    "steps": [{"uuid": "0190a0a0-0000-7000-8000-000000000001", "type": "ACTION",
               "operation": "TAG", "description": "tag it", "settings": {"add": ["x"]}},
              {"uuid": "0190a0a0-0000-7000-8000-000000000002", "operation": "NO_ACTION"}],
    "connections": [{"fromStepUuid": "0190A0A0-0000-7000-8000-000000000001",
                     "toStepUuid": "0190a0a0-0000-7000-8000-000000000002"}],
    "statistics": {"entered": 5}})"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->name, "Welcome");
  EXPECT_EQ(a->status, core::AutomationStatus::kDraft);  // status is read-only here
  EXPECT_TRUE(a->unique_token);
  EXPECT_TRUE(a->remove_action_primary);
  EXPECT_EQ(a->source_description, "form");
  ASSERT_EQ(a->triggers.size(), 1u);
  EXPECT_EQ(a->triggers[0].event_type, "signup");
  ASSERT_EQ(a->steps.size(), 2u);
  EXPECT_EQ(a->steps[0].type, core::StepType::kTag);
  EXPECT_EQ(a->steps[0].name, "tag it");
  ASSERT_EQ(a->connections.size(), 1u);
  EXPECT_EQ(a->connections[0].from_step, "0190a0a0-0000-7000-8000-000000000001");
  EXPECT_EQ(a->connections[0].branch, "default");

  json::object out =
      AutomationToJson(*a, {{"", "entered", 3}, {a->steps[0].uuid, "sent", 1}}, false);
  EXPECT_EQ(out["statistics"].as_object()["entered"], 3);
  EXPECT_EQ(out["statistics"].as_object()["uniqueOpens"], 0);
  EXPECT_EQ(out["createdBy"], "ops");
  EXPECT_EQ(out["steps"].as_array()[0].as_object()["operation"], "TAG");
  EXPECT_EQ(out["steps"].as_array()[0].as_object()["type"], "ACTION");
  json::object compact = AutomationToJson(*a, {}, true);
  EXPECT_FALSE(compact.contains("steps"));
  EXPECT_FALSE(compact.contains("statistics"));
}

TEST(ContactflowAutomationJsonTest, ErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* path;
  } cases[] = {
      {R"({"description": "no name"})", "name"},
      {R"({"name": "x", "category": "Other"})", "category"},
      {R"({"name": "x", "timezone": "Mars/Base"})", "timezone"},
      {R"({"name": "x", "status": "ASLEEP"})", "status"},
      {R"({"name": "x", "startDate": "soon"})", "startDate"},
      {R"({"name": "x", "startDate": "2030-01-02", "endDate": "2030-01-01"})", "endDate"},
      {R"({"name": "x", "steps": [{"operation": "FLY"}]})", "steps[0].operation"},
      {R"({"name": "x", "steps": [{"operation": "TAG", "type": "WAIT"}]})", "steps[0].type"},
      {R"({"name": "x", "steps": [{"operation": "TAG", "uuid": "1"}]})", "steps[0].uuid"},
      {R"({"name": "x", "connections": [{"fromStepUuid": "a", "toStepUuid": "b"}]})",
       "connections[0].fromStepUuid"},
      {R"({"name": "x", "triggerEvents": [{"condition": {}}]})", "triggerEvents[0].eventType"},
      {R"({"name": "x", "extra": 1})", "extra"},
  };
  for (const auto& c : cases) {
    auto a = AutomationFromJson(Obj(c.body));
    ASSERT_FALSE(a.ok()) << c.body;
    EXPECT_EQ(a.status().code(), core::Code::kInvalidArgument) << c.body;
    EXPECT_EQ(Path(a.status()), c.path) << c.body;
  }
}

TEST(ContactflowAutomationJsonTest, StepKinds) {
  EXPECT_STREQ(StepKind(core::StepType::kEmail), "ACTION");
  EXPECT_STREQ(StepKind(core::StepType::kFromLastStep), "WAIT");
  EXPECT_STREQ(StepKind(core::StepType::kAbTest), "CONDITION");
  EXPECT_STREQ(StepKind(core::StepType::kWaitForTrigger), "TRIGGER");
  EXPECT_EQ(CamelCase("unique_opens"), "uniqueOpens");
}

TEST(ContactflowCustomerJsonTest, IdentifiersComeFromUserPkClabUuidAndAttributes) {
  const std::string automation = "0190a0a0-0000-7000-8000-0000000000aa";
  auto c =
      CustomerFromJson(Obj(R"({"userPk": "42", "clabUuid": "0190A0A0-0000-7000-8000-000000000001",
                                    "attributes": {"email": "Ann@Example.COM", "mobilePhone": "+39 333 1234567",
                                                   "firstName": "Ann"}})"),
                       "", automation);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->contact.external_id, "42");
  EXPECT_EQ(c->contact.uuid, "0190a0a0-0000-7000-8000-000000000001");
  EXPECT_EQ(c->contact.email, "ann@example.com");
  EXPECT_TRUE(c->contact.phone.has_value());
  EXPECT_EQ(json::parse(c->run_data_json).as_object()["firstName"], "Ann");

  auto none =
      CustomerFromJson(Obj(R"({"attributes": {"firstName": "x"}})"), "customers[2]", automation);
  EXPECT_EQ(Path(none.status()), "customers[2]");
  auto wrong = CustomerFromJson(
      Obj(R"({"userPk": "1", "automationUuid": "0190a0a0-0000-7000-8000-0000000000bb"})"), "",
      automation);
  EXPECT_EQ(Path(wrong.status()), "automationUuid");
  auto bad_mail = CustomerFromJson(Obj(R"({"attributes": {"email": "nope"}})"), "", automation);
  EXPECT_EQ(Path(bad_mail.status()), "attributes.email");
}

TEST(ContactflowBatchNotificationTest, WebhookOrEmailOnly) {
  auto hook = ReadNotification(json::parse(R"({"type": "WEBHOOK", "url": "https://x.test/done"})"));
  ASSERT_TRUE(hook.ok()) << hook.status().ToString();
  EXPECT_EQ(json::parse(*hook).as_object()["url"], "https://x.test/done");
  auto mail = ReadNotification(json::parse(R"({"type": "EMAIL", "recipient": "Ops@X.test"})"));
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(json::parse(*mail).as_object()["recipient"], "ops@x.test");
  EXPECT_EQ(Path(ReadNotification(json::parse(R"({"type": "FAX"})")).status()),
            "notification.type");
  EXPECT_EQ(
      Path(ReadNotification(json::parse(R"({"type": "WEBHOOK", "url": "ftp://x"})")).status()),
      "notification.url");
  EXPECT_EQ(Path(ReadNotification(json::parse(R"({"type": "EMAIL"})")).status()),
            "notification.recipient");
  EXPECT_FALSE(ReadNotification(json::parse("[]")).ok());
}

}  // namespace
}  // namespace rivulet::api::contactflow

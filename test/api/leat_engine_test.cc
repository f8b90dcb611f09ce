// The engine behaviour the Leat face relies on: every Leat event type triggers automations,
// ISSUE_CREDITS emits credit_reception_created, and runs start only for an existing contact
// and automation of the workspace (Automations::EnrollExisting), with run data in templates.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "api/leat/leat_json.h"
#include "core/contact_rules.h"
#include "engine/engine_fixture.h"

namespace rivulet::api::leat {
namespace {

namespace json = boost::json;
using core::Code;
using Enrolled = engine::Automations::EnrollResult;

class LeatEngineTest : public testing::JourneyFixture {
 protected:
  core::Result<Enrolled> Run(const std::string& automation_uuid, const std::string& contact_uuid,
                             const std::string& data_json = "{}",
                             engine::Automations::Admission admit = nullptr) {
    engine::EnrollOptions options;
    options.run_data_json = data_json;
    return testing::Await<Enrolled>([&](engine::Callback<Enrolled> done) {
      automations_->EnrollExisting(ws_, automation_uuid, contact_uuid, options, admit,
                                   std::move(done));
    });
  }

  std::vector<std::string> Subjects() {
    std::vector<std::string> out;
    for (const auto& s : email_.sent()) out.push_back(s.message.subject);
    return out;
  }
};

TEST_F(LeatEngineTest, EveryLeatEventTypeTriggersItsAutomation) {
  for (auto type : kLeatEventTypes) {
    EXPECT_TRUE(core::IsValidEventType(type)) << type;
    Launch(R"({"trigger": ")" + std::string(type) +
           R"(", "steps": [{"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
           EmailConfig("{{event.type}} {{event.data.n}}", "<p>x</p>") + "}]}");
  }
  core::Contact c = NewContact("events@example.com");
  Pump();
  email_.Clear();  // creating the contact ran the contact_created automation already
  int n = 0;
  for (auto type : kLeatEventTypes) {
    SendEvent(c, std::string(type), R"({"n":)" + std::to_string(++n) + "}");
  }
  Pump();
  std::multiset<std::string> got;
  for (const auto& s : Subjects()) got.insert(s);
  std::multiset<std::string> want;
  n = 0;
  for (auto type : kLeatEventTypes) want.insert(std::string(type) + " " + std::to_string(++n));
  EXPECT_EQ(got, want);
}

// The seed's "Send email on birthday" and "Send mail on first credit reception": a run with
// data sends the birthday mail and issues credits, whose credit_reception_created event sends
// the first-credit mail once per contact.
TEST_F(LeatEngineTest, RunDataReachesTemplatesAndIssuedCreditsTriggerCreditReception) {
  testing::Flow birthday = Launch(R"({"trigger": "contact_updated", "steps": [
          {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                                  EmailConfig("Happy birthday",
                                              "<p>coupon {{run.data.coupon}} age {{run.data.age}} "
                                              "first {{run.data.list.0}}</p>") +
                                  R"(},
          {"id": "credits", "type": "ISSUE_CREDITS", "config": {"credits": 50}}]})");
  testing::Flow first = Launch(
      R"({"trigger": "credit_reception_created", "unique_token": true,
      "steps": [{"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
      EmailConfig("First credits", "<p>{{event.data.credits}} / {{event.data.balance}}</p>") +
      "}]}");
  core::Contact c = NewContact("birthday@example.com");

  auto r = Run(birthday.uuid(), c.uuid, R"({"coupon":"BDAY-10","age":"30","list":["x","y"]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->token.has_value());
  EXPECT_EQ(r->contact_uuid, c.uuid);
  EXPECT_EQ(json::parse(r->token->run_data_json),
            json::parse(R"({"coupon":"BDAY-10","age":"30","list":["x","y"]})"));
  Pump();

  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 2u) << ::testing::PrintToString(Subjects());
  EXPECT_EQ(sent[0].message.subject, "Happy birthday");
  EXPECT_NE(sent[0].message.html.find("coupon BDAY-10 age 30 first x"), std::string::npos)
      << sent[0].message.html;
  EXPECT_EQ(sent[1].message.subject, "First credits");
  EXPECT_NE(sent[1].message.html.find("50 / 50"), std::string::npos) << sent[1].message.html;
  EXPECT_EQ(json::parse(Reload(c).attributes_json).at("credits"), 50);

  // A second birthday: credits again, but the first-credit mail only once.
  ASSERT_TRUE(Run(birthday.uuid(), c.uuid).ok());
  Pump();
  EXPECT_EQ(Subjects(),
            (std::vector<std::string>{"Happy birthday", "First credits", "Happy birthday"}));
  EXPECT_EQ(json::parse(Reload(c).attributes_json).at("credits"), 100);
  int receptions = 0;
  for (const auto& e : EventsOf(c)) receptions += e.type == "credit_reception_created";
  EXPECT_EQ(receptions, 2);
  EXPECT_EQ(Tokens(first).size(), 1u);
}

TEST_F(LeatEngineTest, RunNeedsAContactAndAnAutomationOfThisWorkspace) {
  testing::Flow f = Launch(R"({"trigger": "contact_updated",
      "steps": [{"id": "tag", "type": "TAG", "config": {"add": ["ran"]}}]})");
  core::Contact c = NewContact("mine@example.com");

  auto no_contact = Run(f.uuid(), "0190a6f5-0a11-7c3d-8e2f-0000000000ff");
  ASSERT_FALSE(no_contact.ok());
  EXPECT_EQ(no_contact.status().code(), Code::kNotFound);
  EXPECT_TRUE(no_contact.status().fields().count("contact"));

  auto no_automation = Run("0190a6f5-0a11-7c3d-8e2f-0000000000fe", c.uuid);
  ASSERT_FALSE(no_automation.ok());
  EXPECT_EQ(no_automation.status().code(), Code::kNotFound);
  EXPECT_TRUE(no_automation.status().fields().count("automation"));

  // Another workspace's contact and automation are not found either.
  int64_t mine = ws_;
  auto other = accounts_->CreateWorkspace("other");
  ASSERT_TRUE(other.ok());
  ws_ = other->id;
  testing::Flow theirs = Launch(R"({"trigger": "contact_updated",
      "steps": [{"id": "tag", "type": "TAG", "config": {"add": ["ran"]}}]})");
  core::Contact their_contact = NewContact("theirs@example.com");
  ws_ = mine;
  auto cross_contact = Run(f.uuid(), their_contact.uuid);
  ASSERT_FALSE(cross_contact.ok());
  EXPECT_TRUE(cross_contact.status().fields().count("contact"));
  auto cross_automation = Run(theirs.uuid(), c.uuid);
  ASSERT_FALSE(cross_automation.ok());
  EXPECT_TRUE(cross_automation.status().fields().count("automation"));

  // A refusal by the caller changes nothing.
  auto refused = Run(f.uuid(), c.uuid, "{}", [](const core::Automation& a) {
    return IsRunnable(a) && a.name == "nope"
               ? core::Status::Ok()
               : core::NotFound("refused").WithField("automation", "x");
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "refused");
  EXPECT_TRUE(Tokens(f).empty());
  EXPECT_TRUE(Tokens(theirs).empty());

  // A DRAFT automation takes no runs.
  testing::Flow draft = Create(R"({"trigger": "contact_updated",
      "steps": [{"id": "tag", "type": "TAG", "config": {"add": ["ran"]}}]})");
  auto r = Run(draft.uuid(), c.uuid);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);

  ASSERT_TRUE(Run(f.uuid(), c.uuid).ok());
  Pump();
  EXPECT_EQ(TagsOf(Reload(c)), std::vector<std::string>{"ran"});
}

}  // namespace
}  // namespace rivulet::api::leat

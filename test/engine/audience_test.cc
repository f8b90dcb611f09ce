// Automation audiences: a RUNNING automation enrolls its contact type's or segment's
// contacts, and later joiners, honouring uniqueToken.
#include "core/audience.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/engine_fixture.h"

namespace rivulet::engine {
namespace {

using core::AutomationStatus;
using testing::Flow;

class AudienceTest : public testing::JourneyFixture {
 protected:
  int64_t AddAudience(core::Audience::Kind kind, const std::string& condition_json,
                      int64_t ws = 0) {
    core::Audience a;
    a.workspace_id = ws ? ws : ws_;
    a.kind = kind;
    a.name = "audience";
    a.condition_json = condition_json;
    core::Status st =
        store_->WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertAudience(a); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return a.id;
  }
  int64_t AddContactType(const std::string& tag) {
    return AddAudience(core::Audience::Kind::kContactType, core::ContactTypeCondition(tag));
  }

  // A one-hour wait, so that enrolled tokens stay ACTIVE.
  static constexpr const char* kSeries =
      R"({"unique_token": true, "steps": [{"id": "wait", "type": "WAIT",
          "config": {"delay_seconds": 3600}}]})";

  core::Contact Tagged(const std::string& email, std::vector<std::string> tags) {
    engine::ContactInput in;
    in.email = email;
    in.tags = std::move(tags);
    return NewContact(std::move(in));
  }
};

TEST_F(AudienceTest, GoingRunningEnrollsEveryMatchingContactOnce) {
  core::Contact vip1 = Tagged("v1@example.com", {"vip"});
  core::Contact vip2 = Tagged("v2@example.com", {"vip", "other"});
  core::Contact plain = Tagged("p@example.com", {"other"});
  int64_t type = AddContactType("vip");
  Flow f = Launch(kSeries, [&](core::Automation& a) { a.audience_id = type; });
  EXPECT_EQ(Tokens(f, vip1.id).size(), 1u);
  EXPECT_EQ(Tokens(f, vip2.id).size(), 1u);
  EXPECT_TRUE(Tokens(f, plain.id).empty());
  EXPECT_EQ(Counter(f, "", counter::kEntered), 2);

  // Pausing and resuming does not enroll them again (uniqueToken).
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kPaused).ok());
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kRunning).ok());
  EXPECT_EQ(Tokens(f).size(), 2u);
}

TEST_F(AudienceTest, ContactsWhoJoinLaterAreEnrolled) {
  int64_t type = AddContactType("vip");
  Flow f = Launch(kSeries, [&](core::Automation& a) { a.audience_id = type; });
  EXPECT_TRUE(Tokens(f).empty());

  core::Contact joined_at_creation = Tagged("new@example.com", {"vip"});
  EXPECT_EQ(Tokens(f, joined_at_creation.id).size(), 1u);

  core::Contact later = Tagged("later@example.com", {});
  EXPECT_TRUE(Tokens(f, later.id).empty());
  engine::ContactInput add;
  add.add_tags = {"vip"};
  UpdateContact(later, add);
  EXPECT_EQ(Tokens(f, later.id).size(), 1u);

  // Another change while a member: still one journey.
  engine::ContactInput attrs;
  attrs.attributes_json = R"({"plan":"pro"})";
  UpdateContact(later, attrs);
  EXPECT_EQ(Tokens(f, later.id).size(), 1u);
}

TEST_F(AudienceTest, SegmentIsAConditionOverTheContact) {
  int64_t segment = AddAudience(core::Audience::Kind::kSegment,
                                R"({"field":"contact.plan","op":"eq","value":"pro"})");
  core::Contact pro = NewContact("pro@example.com", R"({"plan":"pro"})");
  core::Contact free = NewContact("free@example.com", R"({"plan":"free"})");
  Flow f = Create(kSeries, [&](core::Automation& a) { a.audience_id = segment; });
  // A draft enrolls nobody, not even contacts created meanwhile.
  core::Contact pro2 = NewContact("pro2@example.com", R"({"plan":"pro"})");
  EXPECT_TRUE(Tokens(f).empty());
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kCommitted).ok());
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kRunning).ok());
  EXPECT_EQ(Tokens(f, pro.id).size(), 1u);
  EXPECT_EQ(Tokens(f, pro2.id).size(), 1u);
  EXPECT_TRUE(Tokens(f, free.id).empty());
}

TEST_F(AudienceTest, AnotherWorkspacesAudienceCannotBeUsed) {
  auto other = accounts_->CreateWorkspace("other");
  ASSERT_TRUE(other.ok());
  int64_t foreign =
      AddAudience(core::Audience::Kind::kContactType, core::ContactTypeCondition("vip"), other->id);
  Flow f = Create(kSeries, [&](core::Automation& a) { a.audience_id = foreign; });
  auto r = SetStatus(f, AutomationStatus::kCommitted);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("audience"), std::string::npos) << r.status().ToString();
}

TEST_F(AudienceTest, AudienceSurvivesStorage) {
  int64_t type = AddContactType("vip");
  Flow f = Create(kSeries, [&](core::Automation& a) { a.audience_id = type; });
  EXPECT_EQ(Reload(f).audience_id, type);
}

}  // namespace
}  // namespace rivulet::engine

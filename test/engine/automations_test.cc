#include "engine/automations.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/engine_fixture.h"

namespace rivulet::engine {
namespace {

using core::AutomationStatus;
using core::Code;
using core::StepPhase;
using core::TokenStatus;
using testing::Flow;
using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::kSecond;

class AutomationsTest : public testing::JourneyFixture {
 protected:
  // WAIT (seconds) → TAG "done".
  Flow LaunchWait(int64_t seconds, const std::function<void(core::Automation&)>& tweak = {},
                  const std::string& extra = "") {
    return Launch(R"({)" + extra + R"("steps": [
        {"id": "wait", "type": "WAIT", "config": {"delay_seconds": )" +
                      std::to_string(seconds) + R"(}},
        {"id": "done", "type": "TAG", "config": {"add": ["done"]}}]})",
                  tweak);
  }

  Result<core::Automation> Replace(const Flow& f, const core::Automation& a) {
    return testing::Await<core::Automation>([&](Callback<core::Automation> done) {
      automations_->Replace(ws_, f.uuid(), a, std::move(done));
    });
  }
};

// ---------------------------------------------------------------------------------------
// Lifecycle

TEST_F(AutomationsTest, StatusFollowsTheLegalLifecycle) {
  Flow f = Create(R"({"steps": [{"id": "noop", "type": "NO_ACTION"}]})");
  EXPECT_EQ(f.automation.status, AutomationStatus::kDraft);
  for (auto to :
       {AutomationStatus::kCommitted, AutomationStatus::kRunning, AutomationStatus::kPaused,
        AutomationStatus::kRunning, AutomationStatus::kPaused, AutomationStatus::kToArchive}) {
    auto r = SetStatus(f, to);
    ASSERT_TRUE(r.ok()) << core::AutomationStatusName(to) << ": " << r.status().ToString();
  }
  // TO_ARCHIVE ends in ARCHIVED.
  EXPECT_EQ(Reload(f).status, AutomationStatus::kArchived);
  auto again = SetStatus(f, AutomationStatus::kArchived);  // staying put is allowed
  EXPECT_TRUE(again.ok()) << again.status().ToString();

  Flow back = Create(R"({"steps": [{"id": "noop", "type": "NO_ACTION"}]})");
  ASSERT_TRUE(SetStatus(back, AutomationStatus::kCommitted).ok());
  ASSERT_TRUE(SetStatus(back, AutomationStatus::kDraft).ok());
  EXPECT_EQ(Reload(back).status, AutomationStatus::kDraft);
}

TEST_F(AutomationsTest, IllegalTransitionsAreRefused) {
  struct Case {
    std::vector<AutomationStatus> path;  // legal steps first
    AutomationStatus illegal;
  };
  const std::vector<Case> cases = {
      {{}, AutomationStatus::kRunning},
      {{}, AutomationStatus::kPaused},
      {{}, AutomationStatus::kArchived},
      {{AutomationStatus::kCommitted}, AutomationStatus::kPaused},
      {{AutomationStatus::kCommitted, AutomationStatus::kRunning}, AutomationStatus::kDraft},
      {{AutomationStatus::kCommitted, AutomationStatus::kRunning}, AutomationStatus::kCommitted},
      {{AutomationStatus::kCommitted, AutomationStatus::kRunning, AutomationStatus::kToArchive},
       AutomationStatus::kRunning},
  };
  for (const auto& c : cases) {
    Flow f = Create(R"({"steps": [{"id": "noop", "type": "NO_ACTION"}]})");
    for (auto s : c.path) ASSERT_TRUE(SetStatus(f, s).ok());
    AutomationStatus before = Reload(f).status;
    auto r = SetStatus(f, c.illegal);
    ASSERT_FALSE(r.ok()) << core::AutomationStatusName(before) << " -> "
                         << core::AutomationStatusName(c.illegal);
    EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
    EXPECT_EQ(r.status().fields().count("status"), 1u);
    EXPECT_EQ(Reload(f).status, before);
  }
}

TEST_F(AutomationsTest, CommitListsValidationProblemsByStep) {
  Flow f = Create(R"({"steps": [
      {"id": "start", "type": "NO_ACTION"},
      {"id": "ab", "type": "AB_TEST", "config": {"variants": [
        {"name": "A", "weight": 60}, {"name": "B", "weight": 30}]}},
      {"id": "a", "type": "TAG", "config": {"add": ["a"]}},
      {"id": "b", "type": "CLAB_CAMPAIGN", "config": {"from_address": "news@shop.example",
        "subject": "Hi", "html": "{{#unclosed}} never closed"}},
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": {"sender_uuid": "0190c0de-0000-7000-8000-000000000000",
        "subject": "Hi", "html": "<p>x</p>"}},
      {"id": "x", "type": "WAIT", "config": {"delay_seconds": 60}},
      {"id": "y", "type": "NO_ACTION"}],
      "connections": [["start", "ab"], ["ab", "a", "variant:A"], ["ab", "b", "variant:B"],
                      ["a", "mail", "yes"], ["x", "y"], ["y", "x"]]})");
  auto r = SetStatus(f, AutomationStatus::kCommitted);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  const auto& fields = r.status().fields();
  auto field = [&](const std::string& step) -> std::string {
    auto it = fields.find("steps." + f.step(step));
    return it == fields.end() ? "" : it->second;
  };
  EXPECT_NE(field("ab").find("AB weights sum to 90"), std::string::npos) << field("ab");
  EXPECT_NE(field("a").find("branch 'yes' does not fit a TAG step"), std::string::npos)
      << field("a");
  EXPECT_NE(field("b").find("html"), std::string::npos) << field("b");
  EXPECT_NE(field("mail").find("sender 0190c0de-0000-7000-8000-000000000000 does not exist"),
            std::string::npos)
      << field("mail");
  EXPECT_NE(field("x").find("not reachable"), std::string::npos) << field("x");
  EXPECT_NE(field("y").find("not reachable"), std::string::npos) << field("y");
  EXPECT_EQ(field("start"), "");
  EXPECT_EQ(Reload(f).status, AutomationStatus::kDraft);

  // RUNNING cannot be reached around it either.
  auto run = SetStatus(f, AutomationStatus::kRunning);
  EXPECT_FALSE(run.ok());
  EXPECT_EQ(Reload(f).status, AutomationStatus::kDraft);
}

TEST_F(AutomationsTest, ReplaceIsRefusedWhileRunningAndAllowedWhenPaused) {
  Flow f = LaunchWait(3600);
  core::Contact c = NewContact("replace@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();

  core::Automation v2 = Reload(f);
  v2.name = "version 2";
  for (auto& s : v2.steps) {
    if (s.uuid == f.step("done")) s.config_json = R"({"add": ["done-v2"]})";
  }
  auto refused = Replace(f, v2);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Reload(f).name, "journey");

  ASSERT_TRUE(SetStatus(f, AutomationStatus::kPaused).ok());
  auto replaced = Replace(f, v2);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(replaced->status, AutomationStatus::kPaused);
  EXPECT_EQ(replaced->uuid, f.uuid());
  EXPECT_EQ(Reload(f).name, "version 2");

  // The waiting token keeps its step and runs the new graph after the resume.
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kRunning).ok());
  AdvanceAndPump(kHour);
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"done-v2"}));
}

TEST_F(AutomationsTest, PauseFreezesTokensUntilResume) {
  Flow f = LaunchWait(60);
  core::Contact early = NewContact("early@example.com");
  core::Token t = MustEnroll(f, early);
  Pump();
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kPaused).ok());

  // Due waits do not run while PAUSED, and new tokens wait at the entry.
  AdvanceAndPump(10 * kMinute);
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kActive);
  EXPECT_EQ(t.phase, StepPhase::kWaiting);
  EXPECT_EQ(t.step_uuid, f.step("wait"));
  EXPECT_TRUE(TagsOf(Reload(early)).empty());
  core::Contact late = NewContact("late@example.com");
  core::Token u = MustEnroll(f, late);
  Pump();
  u = Reload(u);
  EXPECT_EQ(u.phase, StepPhase::kEnter);
  EXPECT_EQ(u.step_uuid, f.step("wait"));

  // Resumed without removeExpiredCustomers: overdue waits run now.
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kRunning, /*remove_expired_customers=*/false).ok());
  Pump();
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(early)), (std::vector<std::string>{"done"}));
  u = Reload(u);
  EXPECT_EQ(u.phase, StepPhase::kWaiting);
  EXPECT_EQ(u.wake_at, clock_.Now() + 60 * kSecond);
  AdvanceAndPump(60 * kSecond);
  EXPECT_EQ(Reload(u).status, TokenStatus::kCompleted);
  EXPECT_EQ(Counter(f, "", counter::kExited), 0);
}

TEST_F(AutomationsTest, ResumeWithRemoveExpiredCustomersExitsTokensWhoseWaitRanOut) {
  Flow f = LaunchWait(60);
  core::Contact a = NewContact("expired@example.com");
  core::Contact b = NewContact("pending@example.com");
  core::Contact c = NewContact("entered-while-paused@example.com");
  core::Token ta = MustEnroll(f, a);  // wakes at +60 s
  Pump();
  clock_.Advance(30 * kSecond);
  core::Token tb = MustEnroll(f, b);  // wakes at +90 s
  Pump();
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kPaused).ok());
  clock_.Advance(45 * kSecond);  // +75 s: a's wait ran out during the pause, b's did not
  core::Token tc = MustEnroll(f, c);

  ASSERT_TRUE(SetStatus(f, AutomationStatus::kRunning, /*remove_expired_customers=*/true).ok());
  ta = Reload(ta);
  EXPECT_EQ(ta.status, TokenStatus::kExited);
  EXPECT_FALSE(ta.wake_at.has_value());
  EXPECT_EQ(Reload(tb).status, TokenStatus::kActive);
  EXPECT_EQ(Counter(f, "", counter::kExited), 1);

  Pump();
  EXPECT_EQ(Reload(tb).phase, StepPhase::kWaiting);
  EXPECT_EQ(Reload(tc).phase, StepPhase::kWaiting);  // never started waiting: not expired
  AdvanceAndPump(15 * kSecond);
  EXPECT_EQ(Reload(tb).status, TokenStatus::kCompleted);
  AdvanceAndPump(60 * kSecond);
  EXPECT_EQ(Reload(tc).status, TokenStatus::kCompleted);
  EXPECT_EQ(Reload(ta).status, TokenStatus::kExited);
  EXPECT_TRUE(TagsOf(Reload(a)).empty());
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 2);
}

TEST_F(AutomationsTest, RemoveExpiredCustomersKeepsTokensWhoseTriggerArrivedDuringThePause) {
  Flow f = Launch(R"({"steps": [
      {"id": "wait", "type": "WAIT_FOR_TRIGGER",
       "config": {"event_type": "purchase", "timeout_seconds": 3600}},
      {"id": "bought", "type": "TAG", "config": {"add": ["bought"]}},
      {"id": "timeout", "type": "TAG", "config": {"add": ["timed-out"]}}],
      "connections": [["wait", "bought", "triggered"], ["wait", "timeout", "timeout"]]})");
  core::Contact c = NewContact("paused-buyer@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kPaused).ok());
  AdvanceAndPump(10 * kMinute);
  SendEvent(c, "purchase");  // the awaited event arrives while paused; its wait did not run out
  AdvanceAndPump(kMinute);

  ASSERT_TRUE(SetStatus(f, AutomationStatus::kRunning, /*remove_expired_customers=*/true).ok());
  Pump();
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kCompleted) << core::TokenStatusName(t.status);
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"bought"}));
  EXPECT_EQ(Counter(f, "", counter::kExited), 0);
}

TEST_F(AutomationsTest, CommittedAutomationHoldsTokensUntilRunning) {
  Flow f = Create(R"({"steps": [{"id": "tag", "type": "TAG", "config": {"add": ["ran"]}}]})");
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kCommitted).ok());
  core::Contact c = NewContact("committed@example.com");
  core::Token t = MustEnroll(f, c);
  AdvanceAndPump(kHour);
  EXPECT_EQ(Reload(t).phase, StepPhase::kEnter);
  EXPECT_TRUE(TagsOf(Reload(c)).empty());
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kRunning).ok());
  Pump();
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"ran"}));
}

TEST_F(AutomationsTest, DeliveryFinishingWhilePausedMovesTheTokenOnlyAfterResume) {
  Flow f = Launch(R"({"steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Paused", "<p>x</p>") + R"(},
      {"id": "done", "type": "TAG", "config": {"add": ["done"]}}]})");
  core::Contact c = NewContact("pdel@example.com");
  core::Token t = MustEnroll(f, c);
  ASSERT_TRUE(scheduler_->RunDueNow().ok());
  ASSERT_TRUE(SetStatus(f, AutomationStatus::kPaused).ok());
  Pump();
  EXPECT_EQ(email_.sent().size(), 1u);
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kActive);
  EXPECT_EQ(t.step_uuid, f.step("mail"));
  EXPECT_TRUE(TagsOf(Reload(c)).empty());

  ASSERT_TRUE(SetStatus(f, AutomationStatus::kRunning).ok());
  Pump();
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"done"}));
  EXPECT_EQ(email_.sent().size(), 1u);
}

TEST_F(AutomationsTest, ArchiveExitsActiveTokens) {
  Flow f = Launch(R"({"trigger": "signup", "steps": [
      {"id": "wait", "type": "WAIT", "config": {"delay_seconds": 3600}},
      {"id": "done", "type": "TAG", "config": {"add": ["done"]}}]})");
  core::Contact finished = NewContact("finished@example.com");
  core::Token tf = MustEnroll(f, finished);
  Pump();
  AdvanceAndPump(kHour);
  ASSERT_EQ(Reload(tf).status, TokenStatus::kCompleted);
  core::Contact w1 = NewContact("w1@example.com");
  core::Contact w2 = NewContact("w2@example.com");
  core::Token t1 = MustEnroll(f, w1);
  core::Token t2 = MustEnroll(f, w2);
  Pump();

  auto archived = SetStatus(f, AutomationStatus::kToArchive);
  ASSERT_TRUE(archived.ok()) << archived.status().ToString();
  EXPECT_EQ(archived->status, AutomationStatus::kArchived);
  EXPECT_EQ(Reload(f).status, AutomationStatus::kArchived);
  for (const auto& t : {t1, t2}) {
    core::Token now = Reload(t);
    EXPECT_EQ(now.status, TokenStatus::kExited);
    EXPECT_FALSE(now.wake_at.has_value());
  }
  EXPECT_EQ(Reload(tf).status, TokenStatus::kCompleted);
  EXPECT_EQ(Counter(f, "", counter::kExited), 2);

  // Nothing runs or enters any more.
  AdvanceAndPump(kDay);
  EXPECT_TRUE(TagsOf(Reload(w1)).empty());
  auto refused = Enroll(f, NewContact("new@example.com"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  SendEvent(w1, "signup");
  EXPECT_EQ(Tokens(f).size(), 3u);
}

TEST_F(AutomationsTest, ExitConditionExitsATokenAtItsNextStep) {
  Flow f = LaunchWait(3600, {}, R"("exit_condition": {"field": "contact.tags", "op": "contains",
      "value": "unsubscribed-all"}, )");
  core::Contact quitter = NewContact("quit@example.com");
  core::Contact stayer = NewContact("stay@example.com");
  core::Token tq = MustEnroll(f, quitter);
  core::Token ts = MustEnroll(f, stayer);
  Pump();
  ContactInput tag;
  tag.add_tags = {"unsubscribed-all"};
  UpdateContact(quitter, tag);
  Pump();
  EXPECT_EQ(Reload(tq).status, TokenStatus::kActive);  // only checked when a step starts

  AdvanceAndPump(kHour);
  tq = Reload(tq);
  EXPECT_EQ(tq.status, TokenStatus::kExited);
  EXPECT_EQ(tq.step_uuid, f.step("done"));
  EXPECT_EQ(TagsOf(Reload(quitter)), (std::vector<std::string>{"unsubscribed-all"}));
  EXPECT_EQ(Reload(ts).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(stayer)), (std::vector<std::string>{"done"}));
  EXPECT_EQ(Counter(f, "", counter::kExited), 1);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 1);
}

// ---------------------------------------------------------------------------------------
// Enrollment

TEST_F(AutomationsTest, EnrollByApiRendersRunData) {
  Flow f = Launch(R"({"steps": [{"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Your coupon {{run.data.coupon}}",
                              "<p>Use {{run.data.coupon}} before {{run.data.until}}</p>") +
                  "}]}");
  // The contact is created from its identifiers when absent.
  ContactInput in;
  in.email = "api@example.com";
  EnrollOptions options;
  options.run_data_json = R"({"coupon": "SAVE10", "until": "<Friday>"})";
  auto t = EnrollInput(f, in, options);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Json(t->run_data_json), Json(options.run_data_json));
  EXPECT_EQ(t->status, TokenStatus::kActive);
  EXPECT_EQ(t->wake_at, clock_.Now());
  Pump();

  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.to_address, "api@example.com");
  EXPECT_EQ(sent[0].message.subject, "Your coupon SAVE10");
  EXPECT_EQ(sent[0].message.html.rfind("<p>Use SAVE10 before &lt;Friday&gt;</p>", 0), 0u)
      << sent[0].message.html;
  EXPECT_EQ(Reload(*t).status, TokenStatus::kCompleted);

  // A uuid alone must name an existing contact.
  ContactInput unknown;
  unknown.uuid = "0190c0de-0000-7000-8000-00000000abcd";
  auto missing = EnrollInput(f, unknown);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

TEST_F(AutomationsTest, EnrollDoesNotReachContactsOfAnotherWorkspace) {
  Flow f = Launch(R"({"steps": [{"id": "noop", "type": "NO_ACTION"}]})");
  auto other = accounts_->CreateWorkspace("other");
  ASSERT_TRUE(other.ok());
  int64_t main_ws = ws_;
  ws_ = other->id;
  core::Contact stranger = NewContact("stranger@example.com");
  ws_ = main_ws;
  auto r = Enroll(f, stranger);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_TRUE(Tokens(f).empty());
}

TEST_F(AutomationsTest, EnrollIsRefusedForDraftAutomations) {
  Flow f = Create(R"({"steps": [{"id": "noop", "type": "NO_ACTION"}]})");
  auto r = Enroll(f, NewContact("draft@example.com"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
  EXPECT_TRUE(Tokens(f).empty());
}

TEST_F(AutomationsTest, UniqueTokenRefusesASecondEnrollmentEvenAfterCompletion) {
  Flow f = Launch(R"({"unique_token": true, "trigger": "visit",
      "steps": [{"id": "tag", "type": "TAG", "config": {"add": ["seen"]}}]})");
  core::Contact c = NewContact("unique@example.com");
  core::Token first = MustEnroll(f, c);
  Pump();
  ASSERT_EQ(Reload(first).status, TokenStatus::kCompleted);

  auto again = Enroll(f, c);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  SendEvent(c, "visit");  // a trigger is discarded the same way
  Pump();
  EXPECT_EQ(Tokens(f, c.id).size(), 1u);
  EXPECT_EQ(Counter(f, "", counter::kEntered), 1);

  // Other contacts still enter.
  core::Contact other = NewContact("unique2@example.com");
  SendEvent(other, "visit");
  EXPECT_EQ(Tokens(f, other.id).size(), 1u);
}

TEST_F(AutomationsTest, NoReentryRefusesWhileActiveAndAllowsAfterCompletion) {
  Flow f = LaunchWait(60, [](core::Automation& a) { a.allow_reentry = false; });
  core::Contact c = NewContact("reentry@example.com");
  core::Token first = MustEnroll(f, c);
  Pump();
  auto during = Enroll(f, c);
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.status().code(), Code::kFailedPrecondition);

  AdvanceAndPump(60 * kSecond);
  ASSERT_EQ(Reload(first).status, TokenStatus::kCompleted);
  auto after = Enroll(f, c);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_NE(after->uuid, first.uuid);
  EXPECT_EQ(Tokens(f, c.id).size(), 2u);
}

TEST_F(AutomationsTest, ReentryIsAllowedByDefaultEvenWhileActive) {
  Flow f = LaunchWait(60);
  core::Contact c = NewContact("again@example.com");
  MustEnroll(f, c);
  auto second = Enroll(f, c);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Tokens(f, c.id).size(), 2u);
}

TEST_F(AutomationsTest, TokensWaitForAFutureStartDate) {
  core::Millis start = clock_.Now() + kHour;
  Flow f = Launch(R"({"steps": [{"id": "tag", "type": "TAG", "config": {"add": ["started"]}}]})",
                  [&](core::Automation& a) { a.start_date = start; });
  core::Contact c = NewContact("start@example.com");
  core::Token t = MustEnroll(f, c);
  EXPECT_EQ(t.wake_at, start);
  Pump();
  t = Reload(t);
  EXPECT_EQ(t.phase, StepPhase::kEnter);
  EXPECT_EQ(t.status, TokenStatus::kActive);
  EXPECT_TRUE(TagsOf(Reload(c)).empty());

  AdvanceAndPump(kHour - 1);
  EXPECT_TRUE(TagsOf(Reload(c)).empty());
  AdvanceAndPump(1);
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"started"}));
}

TEST_F(AutomationsTest, AnEndedAutomationTakesNoOneAndWaitingTokensExitWhenTheyWake) {
  core::Millis end = clock_.Now() + kHour;
  Flow f = LaunchWait(
      2 * 3600, [&](core::Automation& a) { a.end_date = end; }, R"("trigger": "signup", )");
  core::Contact c = NewContact("ending@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();
  EXPECT_EQ(Reload(t).phase, StepPhase::kWaiting);

  AdvanceAndPump(kHour + 1);  // past the end date
  auto refused = Enroll(f, NewContact("toolate@example.com"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  SendEvent(NewContact("toolate2@example.com"), "signup");
  EXPECT_EQ(Tokens(f).size(), 1u);
  EXPECT_EQ(Reload(t).status, TokenStatus::kActive);  // asleep until its wait ends

  AdvanceAndPump(kHour);
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kExited);
  EXPECT_TRUE(TagsOf(Reload(c)).empty());
  EXPECT_EQ(Counter(f, "", counter::kExited), 1);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 0);
}

}  // namespace
}  // namespace rivulet::engine

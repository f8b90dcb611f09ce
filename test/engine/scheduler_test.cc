#include "engine/scheduler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/engine_fixture.h"

namespace rivulet::engine {
namespace {

using core::StepPhase;
using core::TokenStatus;
using testing::Flow;
using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::kSecond;

// 2024-03-30T09:00:00Z: 10:00 in Rome, the day before summer time starts (03-31 02:00 CET).
constexpr core::Millis kBeforeSpringForward = 1'711'789'200'000;
// 2024-10-26T08:00:00Z: 10:00 in Rome, the day before summer time ends (10-27 03:00 CEST).
constexpr core::Millis kBeforeFallBack = 1'729'929'600'000;

class SchedulerTest : public testing::JourneyFixture {
 protected:
  // WAIT (config) → TAG "done".
  Flow LaunchWait(const std::string& wait_config, const std::string& extra = "") {
    return Launch(R"({)" + extra + R"("steps": [
        {"id": "wait", "type": "WAIT", "config": )" +
                  wait_config + R"(},
        {"id": "done", "type": "TAG", "config": {"add": ["done"]}}]})");
  }
};

TEST_F(SchedulerTest, WaitIsDueExactlyAtItsTimeToTheMillisecond) {
  Flow f = LaunchWait(R"({"delay_seconds": 90})");
  core::Contact c = NewContact("wait@example.com");
  core::Token t = MustEnroll(f, c);
  core::Millis start = clock_.Now();
  Pump();
  t = Reload(t);
  EXPECT_EQ(t.step_uuid, f.step("wait"));
  EXPECT_EQ(t.phase, StepPhase::kWaiting);
  EXPECT_EQ(t.wake_at, start + 90 * kSecond);

  AdvanceAndPump(90 * kSecond - 1);
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kActive);
  EXPECT_EQ(t.phase, StepPhase::kWaiting);
  EXPECT_TRUE(TagsOf(Reload(c)).empty());

  AdvanceAndPump(1);
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(t.step_uuid, f.step("done"));
  EXPECT_FALSE(t.wake_at.has_value());
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"done"}));
  EXPECT_EQ(Counter(f, "wait", counter::kCompleted), 1);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 1);
}

TEST_F(SchedulerTest, FromLastStepWaitsFromEnteringTheStep) {
  Flow f = Launch(R"({"steps": [
      {"id": "first", "type": "WAIT", "config": {"delay_seconds": 60}},
      {"id": "then", "type": "FROM_LAST_STEP", "config": {"delay_seconds": 30}},
      {"id": "done", "type": "TAG", "config": {"add": ["done"]}}]})");
  core::Token t = MustEnroll(f, NewContact("fls@example.com"));
  core::Millis start = clock_.Now();
  Pump();
  AdvanceAndPump(60 * kSecond);
  t = Reload(t);
  EXPECT_EQ(t.step_uuid, f.step("then"));
  EXPECT_EQ(t.wake_at, start + 90 * kSecond);
  AdvanceAndPump(30 * kSecond);
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
}

TEST_F(SchedulerTest, WaitAtLocalTimeUsesTheContactsZoneOrTheAutomations) {
  // 2024-06-01T10:00Z is 12:00 in Rome, 06:00 in New York and 19:00 in Tokyo.
  Flow f = LaunchWait(R"({"at": "09:00"})", R"("timezone": "Asia/Tokyo", )");
  core::Token rome =
      MustEnroll(f, NewContact("rome@example.com", "{}", std::nullopt, std::string("Europe/Rome")));
  core::Token ny = MustEnroll(
      f, NewContact("ny@example.com", "{}", std::nullopt, std::string("America/New_York")));
  core::Token tokyo = MustEnroll(f, NewContact("tokyo@example.com"));  // no zone: automation's
  Pump();
  EXPECT_EQ(Reload(rome).wake_at, 1'717'311'600'000);   // 2024-06-02T07:00Z = 09:00 CEST
  EXPECT_EQ(Reload(ny).wake_at, 1'717'246'800'000);     // 2024-06-01T13:00Z = 09:00 EDT today
  EXPECT_EQ(Reload(tokyo).wake_at, 1'717'286'400'000);  // 2024-06-02T00:00Z = 09:00 JST
}

TEST_F(SchedulerTest, WaitAtLocalTimeCrossesTheSpringDstBoundary) {
  clock_.Set(kBeforeSpringForward);
  Flow f = LaunchWait(R"({"at": "09:00"})");
  core::Contact c = NewContact("dst@example.com", "{}", std::nullopt, std::string("Europe/Rome"));
  core::Token t = MustEnroll(f, c);
  Pump();
  // 2024-03-31 09:00 CEST = 07:00Z: 22 hours later, not 23.
  constexpr core::Millis kNineInRome = 1'711'868'400'000;
  t = Reload(t);
  EXPECT_EQ(t.wake_at, kNineInRome);
  EXPECT_EQ(*t.wake_at - kBeforeSpringForward, 22 * kHour);
  clock_.Set(kNineInRome - 1);
  Pump();
  EXPECT_EQ(Reload(t).status, TokenStatus::kActive);
  clock_.Set(kNineInRome);
  Pump();
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"done"}));
}

TEST_F(SchedulerTest, WaitAtLocalTimeCrossesTheAutumnDstBoundary) {
  clock_.Set(kBeforeFallBack);
  Flow f = LaunchWait(R"({"at": "09:00"})");
  core::Token t =
      MustEnroll(f, NewContact("fall@example.com", "{}", std::nullopt, std::string("Europe/Rome")));
  Pump();
  // 2024-10-27 09:00 CET = 08:00Z: 24 hours later, one more than the wall clock shows.
  EXPECT_EQ(Reload(t).wake_at, kBeforeFallBack + 24 * kHour);
}

TEST_F(SchedulerTest, WaitAtATimeInTheSpringGapMovesForwardByTheGap) {
  clock_.Set(kBeforeSpringForward);
  Flow f = LaunchWait(R"({"at": "02:30"})");
  core::Token t =
      MustEnroll(f, NewContact("gap@example.com", "{}", std::nullopt, std::string("Europe/Rome")));
  Pump();
  // 02:30 does not exist on 2024-03-31 in Rome; the clock jumps from 02:00 to 03:00, so the
  // wait ends at 03:30 CEST = 01:30Z.
  EXPECT_EQ(Reload(t).wake_at, 1'711'848'600'000);
}

TEST_F(SchedulerTest, WaitAtAnAmbiguousAutumnTimeTakesTheFirstOccurrence) {
  clock_.Set(kBeforeFallBack);
  Flow f = LaunchWait(R"({"at": "02:30"})");
  core::Token t = MustEnroll(
      f, NewContact("twice@example.com", "{}", std::nullopt, std::string("Europe/Rome")));
  Pump();
  // 2024-10-27 02:30 happens twice in Rome; the first is 02:30 CEST = 00:30Z.
  EXPECT_EQ(Reload(t).wake_at, 1'729'989'000'000);
}

TEST_F(SchedulerTest, WaitAtLocalTimeOnGivenWeekdays) {
  // Saturday 2024-06-01 10:00Z; only Mondays and Wednesdays at 09:00 UTC.
  Flow f = LaunchWait(R"({"at": "09:00", "weekdays": [1, 3], "timezone": "UTC"})");
  core::Token t = MustEnroll(f, NewContact("weekday@example.com"));
  Pump();
  EXPECT_EQ(Reload(t).wake_at, 1'717'405'200'000);  // Monday 2024-06-03T09:00Z
}

TEST_F(SchedulerTest, TokenWaitingAcrossARestartCompletesWhenDue) {
  Flow f = Launch(R"({"steps": [
      {"id": "wait", "type": "WAIT", "config": {"delay_seconds": 3600}},
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("After the wait", "<p>later</p>") + R"(}]})");
  Flow instant = Launch(R"({"steps": [{"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                        EmailConfig("Queued before restart", "<p>now</p>") + R"(}]})");
  core::Contact c = NewContact("restart@example.com");
  core::Token waiting = MustEnroll(f, c);
  core::Token queued = MustEnroll(instant, c);
  ASSERT_TRUE(scheduler_->RunDueNow().ok());  // one waits, the other's message is queued
  EXPECT_EQ(Reload(waiting).phase, StepPhase::kWaiting);
  EXPECT_EQ(Messages(queued).at(0).status, "pending");
  EXPECT_TRUE(email_.sent().empty());

  Restart();
  Pump();  // the queued message goes out once after the restart
  ASSERT_EQ(email_.sent().size(), 1u);
  EXPECT_EQ(email_.sent()[0].message.subject, "Queued before restart");
  EXPECT_EQ(Reload(queued).status, TokenStatus::kCompleted);
  EXPECT_EQ(Reload(waiting).status, TokenStatus::kActive);

  AdvanceAndPump(kHour - 1);
  EXPECT_EQ(email_.sent().size(), 1u);
  Restart();
  AdvanceAndPump(1);
  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].message.subject, "After the wait");
  waiting = Reload(waiting);
  EXPECT_EQ(waiting.status, TokenStatus::kCompleted);
  EXPECT_EQ(Messages(waiting).size(), 1u);
  EXPECT_EQ(Counter(f, "", counter::kEntered), 1);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kSent), 1);

  // Nothing repeats after yet another restart.
  Restart();
  AdvanceAndPump(kDay);
  EXPECT_EQ(email_.sent().size(), 2u);
}

TEST_F(SchedulerTest, RunDueNowAdvancesMoreTokensThanOneBatch) {
  scheduler_options_.batch = 4;
  Restart();
  Flow f = LaunchWait(R"({"delay_seconds": 60})");
  std::vector<core::Token> tokens;
  for (int i = 0; i < 10; ++i) {
    tokens.push_back(MustEnroll(f, NewContact("batch" + std::to_string(i) + "@example.com")));
  }
  auto ran = scheduler_->RunDueNow();
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(*ran, 10);
  for (const auto& t : tokens) EXPECT_EQ(Reload(t).phase, StepPhase::kWaiting);
  uint64_t transitions = scheduler_->transitions();
  EXPECT_EQ(transitions, 10u);

  clock_.Advance(60 * kSecond);
  ran = scheduler_->RunDueNow();
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 10);
  for (const auto& t : tokens) EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  ran = scheduler_->RunDueNow();
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 0);
}

TEST_F(SchedulerTest, BatchesInFlightAtOnceAdvanceEachTokenOnce) {
  // Three batches of at most 4 in flight over 10 due tokens: each token is advanced once,
  // and RunDueNow returns when a batch came back short.
  scheduler_options_.batch = 4;
  scheduler_options_.lanes = 3;
  Restart();
  Flow f = LaunchWait(R"({"delay_seconds": 60})");
  std::vector<core::Contact> contacts;
  std::vector<core::Token> tokens;
  for (int i = 0; i < 10; ++i) {
    contacts.push_back(NewContact("lane" + std::to_string(i) + "@example.com"));
    tokens.push_back(MustEnroll(f, contacts.back()));
  }
  auto ran = scheduler_->RunDueNow();
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(*ran, 10);
  EXPECT_EQ(scheduler_->transitions(), 10u);
  for (const auto& t : tokens) EXPECT_EQ(Reload(t).phase, StepPhase::kWaiting);

  clock_.Advance(60 * kSecond);
  ran = scheduler_->RunDueNow();
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 10);
  for (const auto& t : tokens) EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  for (const auto& c : contacts) EXPECT_EQ(Reload(c).tags_json, R"(["done"])");
}

TEST_F(SchedulerTest, DeliveryWorkersAreWokenWhenStepsQueueMessages) {
  Flow f = Launch(R"({"steps": [{"id": "hook", "type": "WEBHOOK",
      "config": {"url": "https://hooks.test/wake"}}]})");
  MustEnroll(f, NewContact("wake@example.com"));
  int before = delivery_wakes_.load();
  ASSERT_TRUE(scheduler_->RunDueNow().ok());
  EXPECT_EQ(delivery_wakes_.load(), before + 1);
  ASSERT_TRUE(outbox_->DeliverDueNow().ok());
  EXPECT_EQ(http_.sent().size(), 1u);
}

TEST_F(SchedulerTest, DeliveryThatStartsAWaitTellsTheScheduler) {
  Flow f = Launch(R"({"steps": [
      {"id": "hook", "type": "WEBHOOK", "config": {"url": "https://hooks.test/then-wait"}},
      {"id": "wait", "type": "WAIT", "config": {"delay_seconds": 60}}]})");
  MustEnroll(f, NewContact("then-wait@example.com"));
  ASSERT_TRUE(scheduler_->RunDueNow().ok());
  {
    std::lock_guard lock(hooks_mu_);
    scheduler_wakes_.clear();
  }
  ASSERT_TRUE(outbox_->DeliverDueNow().ok());
  std::lock_guard lock(hooks_mu_);
  EXPECT_EQ(scheduler_wakes_, (std::vector<core::Millis>{clock_.Now() + 60 * kSecond}));
}

TEST_F(SchedulerTest, ResumingAnAutomationWakesTheScheduler) {
  Flow f = LaunchWait(R"({"delay_seconds": 60})");
  ASSERT_TRUE(SetStatus(f, core::AutomationStatus::kPaused).ok());
  {
    std::lock_guard lock(hooks_mu_);
    scheduler_wakes_.clear();
  }
  ASSERT_TRUE(SetStatus(f, core::AutomationStatus::kRunning).ok());
  std::lock_guard lock(hooks_mu_);
  EXPECT_EQ(scheduler_wakes_, (std::vector<core::Millis>{clock_.Now()}));
}

TEST_F(SchedulerTest, NextWakeAtIsTheEarliestWaitOfRunningAutomations) {
  Flow f = LaunchWait(R"({"delay_seconds": 600})");
  Flow g = LaunchWait(R"({"delay_seconds": 60})");
  MustEnroll(f, NewContact("n1@example.com"));
  MustEnroll(g, NewContact("n2@example.com"));
  core::Millis start = clock_.Now();
  Pump();
  auto next = [&] {
    std::optional<core::Millis> out;
    EXPECT_TRUE(store_
                    ->Read([&](store::ReadTxn& txn) -> Status {
                      RIVULET_ASSIGN_OR_RETURN(out, txn.NextWakeAt());
                      return Status::Ok();
                    })
                    .ok());
    return out;
  };
  EXPECT_EQ(next(), start + 60 * kSecond);
  ASSERT_TRUE(SetStatus(g, core::AutomationStatus::kPaused).ok());
  EXPECT_EQ(next(), start + 600 * kSecond);  // a paused automation's timers do not count
}

}  // namespace
}  // namespace rivulet::engine

// The outbox with a sender that reports outcomes the way a concurrent one does: out of
// order and several at a time. Each outcome must reach its own message and token.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/engine_fixture.h"

namespace rivulet::engine {
namespace {

using core::TokenStatus;
using delivery::Outcome;
using FakeHttp = testing::FakeHttpSender;
using testing::Flow;
using testing::kMinute;

class OutboxBatchTest : public testing::JourneyFixture {};

TEST_F(OutboxBatchTest, OutcomesReportedOutOfOrderInGroupsReachTheirOwnMessages) {
  http_.ReportOutOfOrder(3);
  const std::string url = "https://hooks.test/many";
  // The 2nd request gets a retryable 503; the 5th and 8th fail for good.
  http_.Script(url,
               {Outcome::Delivered(200), Outcome::Retryable(503, "busy"), Outcome::Delivered(200),
                Outcome::Delivered(200), Outcome::Permanent(404, "gone"), Outcome::Delivered(200),
                Outcome::Delivered(200), Outcome::Permanent(410, "gone for good"),
                Outcome::Delivered(200), Outcome::Delivered(200)});
  Flow f = Launch(R"({"steps": [
      {"id": "hook", "type": "WEBHOOK", "config": {"url": "https://hooks.test/many"}},
      {"id": "done", "type": "TAG", "config": {"add": ["hooked"]}}]})");
  std::vector<core::Token> tokens;
  for (int i = 0; i < 10; ++i) {
    tokens.push_back(MustEnroll(f, NewContact("c" + std::to_string(i) + "@example.com")));
  }
  ASSERT_TRUE(scheduler_->RunDueNow().ok());
  auto claimed = outbox_->DeliverDueNow();  // one batch: all ten sent, then reported
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(*claimed, 10);

  std::vector<delivery::HttpRequest> sent = http_.sent();
  ASSERT_EQ(sent.size(), 10u);
  auto position = [&](const std::string& key) {
    for (size_t k = 0; k < sent.size(); ++k) {
      if (FakeHttp::Header(sent[k], "Idempotency-Key") == key) return static_cast<int>(k);
    }
    return -1;
  };
  std::vector<bool> seen(10, false);
  for (const core::Token& enrolled : tokens) {
    core::Token t = Reload(enrolled);
    auto messages = Messages(t);
    ASSERT_EQ(messages.size(), 1u);
    const core::OutboxMessage& m = messages[0];
    int k = position(m.idempotency_key);
    ASSERT_GE(k, 0) << "message never sent";
    EXPECT_FALSE(seen[k]);
    seen[k] = true;
    EXPECT_EQ(m.attempts, 1) << k;
    if (k == 1) {
      EXPECT_EQ(m.status, "pending");
      EXPECT_NE(m.last_error.find("503"), std::string::npos) << m.last_error;
      EXPECT_GT(m.next_attempt_at, clock_.Now());
      EXPECT_EQ(t.status, TokenStatus::kActive);
      EXPECT_EQ(t.step_uuid, f.step("hook"));
    } else if (k == 4 || k == 7) {
      EXPECT_EQ(m.status, "failed") << k;
      EXPECT_NE(m.last_error.find(k == 4 ? "404" : "410"), std::string::npos) << m.last_error;
      EXPECT_EQ(t.status, TokenStatus::kError) << k;
    } else {
      EXPECT_EQ(m.status, "sent") << k;
      EXPECT_TRUE(m.last_error.empty()) << m.last_error;
      EXPECT_EQ(t.status, TokenStatus::kCompleted) << k;
      EXPECT_EQ(t.step_uuid, f.step("done"));
    }
  }
  EXPECT_EQ(Counter(f, "hook", counter::kDelivered), 7);
  EXPECT_EQ(Counter(f, "hook", counter::kFailed), 2);
  EXPECT_EQ(outbox_->delivered(), 7u);
  EXPECT_EQ(outbox_->failed(), 2u);
  EXPECT_EQ(outbox_->retried(), 1u);

  // The retry goes out later with the same idempotency key, and then the token moves on.
  AdvanceAndPump(kMinute);
  sent = http_.sent();
  ASSERT_EQ(sent.size(), 11u);
  EXPECT_EQ(FakeHttp::Header(sent[10], "Idempotency-Key"),
            FakeHttp::Header(sent[1], "Idempotency-Key"));
  EXPECT_EQ(Counter(f, "hook", counter::kDelivered), 8);
}

}  // namespace
}  // namespace rivulet::engine

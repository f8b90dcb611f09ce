#include "engine/batches.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "engine/engine_fixture.h"

namespace rivulet::engine {
namespace {

using core::BatchSource;
using core::BatchStatus;
using testing::Flow;
using testing::kSecond;

class BatchesTest : public testing::JourneyFixture {
 protected:
  void SetUp() override {
    JourneyFixture::SetUp();
    batches_ = std::make_unique<Batches>(*store_, clock_, *journeys_, &hooks_);
  }

  Flow LaunchTag() {
    return Launch(R"({"steps": [{"id": "tag", "type": "TAG", "config": {"add": ["in"]}}]})");
  }

  BatchPacket Packet(BatchPacket::Kind kind, const std::string& source,
                     std::vector<std::string> external_ids, const std::string& notification = "") {
    BatchPacket p;
    p.kind = kind;
    p.source_uuid = source;
    p.label = "import";
    p.notification_json = notification;
    for (auto& id : external_ids) {
      ContactInput in;
      in.external_id = id;
      p.customers.push_back(in);
      p.run_data_json.push_back("{}");
    }
    return p;
  }

  Result<BatchSource> Add(const Flow& f, BatchPacket p) {
    return testing::Await<BatchSource>([&](Callback<BatchSource> done) {
      batches_->AddPacket(ws_, f.uuid(), std::move(p), std::move(done));
    });
  }

  Result<bool> DeleteOpen(const Flow& f, const std::string& source) {
    return testing::Await<bool>(
        [&](Callback<bool> done) { batches_->DeleteOpen(ws_, f.uuid(), source, std::move(done)); });
  }

  // Expands every staged packet, as the BatchExpander does in the background.
  int Expand() {
    auto n = batches_->ExpandStagedNow();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }

  BatchSource Source(const Flow& f) {
    BatchSource src;
    Status read = store_->Read([&](store::ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(src, txn.FindBatchSource(ws_, f.automation.id, source_));
      return Status::Ok();
    });
    EXPECT_TRUE(read.ok()) << read.ToString();
    return src;
  }

  std::unique_ptr<Batches> batches_;
  const std::string source_ = "0190a0a0-0000-7000-8000-000000000001";
};

TEST_F(BatchesTest, CustomersStartOnlyWhenTheLastPacketCloses) {
  Flow f = LaunchTag();
  auto first = Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a", "b"}));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, BatchStatus::kOpen);
  EXPECT_EQ(first->received, 2);
  EXPECT_EQ(first->accepted, 0);  // staged: no token yet
  EXPECT_TRUE(Tokens(f).empty());
  EXPECT_EQ(Expand(), 1);
  auto middle = Add(f, Packet(BatchPacket::Kind::kMiddle, source_, {"c"}));
  ASSERT_TRUE(middle.ok()) << middle.status().ToString();
  EXPECT_EQ(middle->received, 3);
  EXPECT_EQ(middle->accepted, 2);
  EXPECT_EQ(Expand(), 1);
  EXPECT_EQ(Source(f).accepted, 3);

  // However long the batch stays open, its tokens do not run.
  AdvanceAndPump(3600 * kSecond);
  auto held = Tokens(f);
  ASSERT_EQ(held.size(), 3u);
  for (const auto& t : held) {
    EXPECT_EQ(t.status, core::TokenStatus::kActive);
    EXPECT_FALSE(t.wake_at.has_value());
    EXPECT_EQ(t.source_uuid, source_);
  }
  EXPECT_EQ(Counter(f, "", "entered"), 3);

  auto last = Add(f, Packet(BatchPacket::Kind::kLast, source_, {"d"}));
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->status, BatchStatus::kClosed);
  EXPECT_EQ(last->packets, 3);
  EXPECT_TRUE(last->closed_at.has_value());
  // Closed, but nothing starts before the LAST packet is expanded too.
  AdvanceAndPump(60 * kSecond);
  EXPECT_EQ(Counter(f, "", "completed"), 0);
  EXPECT_EQ(Expand(), 1);
  EXPECT_EQ(Source(f).status, BatchStatus::kEnabled);
  EXPECT_EQ(Source(f).accepted, 4);
  Pump();
  auto done = Tokens(f);
  ASSERT_EQ(done.size(), 4u);
  for (const auto& t : done) EXPECT_EQ(t.status, core::TokenStatus::kCompleted);
  EXPECT_EQ(Counter(f, "", "completed"), 4);
}

TEST_F(BatchesTest, PacketsOutOfOrderAreRefusedAndChangeNothing) {
  Flow f = LaunchTag();
  auto middle = Add(f, Packet(BatchPacket::Kind::kMiddle, source_, {"a"}));
  EXPECT_EQ(middle.status().code(), core::Code::kNotFound);
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a"})).ok());
  auto again = Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"b"}));
  EXPECT_EQ(again.status().code(), core::Code::kAlreadyExists);
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kLast, source_, {})).ok());
  auto late = Add(f, Packet(BatchPacket::Kind::kMiddle, source_, {"c"}));
  EXPECT_EQ(late.status().code(), core::Code::kFailedPrecondition);
  auto del = DeleteOpen(f, source_);
  EXPECT_EQ(del.status().code(), core::Code::kFailedPrecondition);
  EXPECT_EQ(Expand(), 2);
  EXPECT_EQ(Tokens(f).size(), 1u);
  EXPECT_EQ(Source(f).received, 1);
}

TEST_F(BatchesTest, DraftAutomationTakesNoBatch) {
  Flow f = Create(R"({"steps": [{"id": "noop", "type": "NO_ACTION"}]})");
  auto r = Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a"}));
  EXPECT_EQ(r.status().code(), core::Code::kFailedPrecondition);
  EXPECT_TRUE(Tokens(f).empty());
}

TEST_F(BatchesTest, DeletingAnOpenBatchRemovesItsTokensAndCounts) {
  Flow f = LaunchTag();
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a", "b", "c"})).ok());
  EXPECT_EQ(Expand(), 1);
  // A packet still staged goes with the source too.
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kMiddle, source_, {"d"})).ok());
  EXPECT_EQ(Tokens(f).size(), 3u);
  EXPECT_EQ(Counter(f, "", "entered"), 3);
  auto del = DeleteOpen(f, source_);
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  EXPECT_EQ(Expand(), 0);
  EXPECT_TRUE(Tokens(f).empty());
  EXPECT_EQ(Counter(f, "", "entered"), 0);
  EXPECT_EQ(Counter(f, "tag", "entered"), 0);
  // The source uuid is free again.
  EXPECT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a"})).ok());
}

TEST_F(BatchesTest, RefusedCustomersMakeAnErrorBatchAndNotificationIsRecorded) {
  Flow f = Launch(R"({"unique_token": true, "steps": [{"id": "noop", "type": "NO_ACTION"}]})");
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a", "a", "b"},
                            R"({"type":"WEBHOOK","url":"http://x"})"))
                  .ok());
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kLast, source_, {})).ok());
  EXPECT_EQ(Expand(), 2);
  BatchSource last = Source(f);
  EXPECT_EQ(last.status, BatchStatus::kEnabledErrorNotifying);
  EXPECT_EQ(last.received, 3);
  EXPECT_EQ(last.accepted, 2);
  EXPECT_EQ(last.rejected, 1);
  EXPECT_NE(last.last_error.find("customers[1]"), std::string::npos) << last.last_error;
  auto recorded = testing::Await<BatchSource>([&](Callback<BatchSource> done) {
    batches_->RecordNotification(ws_, f.automation.id, source_, false, "HTTP 500", std::move(done));
  });
  ASSERT_TRUE(recorded.ok()) << recorded.status().ToString();
  EXPECT_EQ(recorded->status, BatchStatus::kEnabledErrorNotNotified);
  // Only a notifying source records an outcome.
  auto twice = testing::Await<BatchSource>([&](Callback<BatchSource> done) {
    batches_->RecordNotification(ws_, f.automation.id, source_, true, "", std::move(done));
  });
  EXPECT_EQ(twice.status().code(), core::Code::kFailedPrecondition);
}

TEST_F(BatchesTest, NotificationIsAnOutboxMessageThatSurvivesACrash) {
  Flow f = LaunchTag();
  const std::string url = "http://hooks.test/batch-done";
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a", "b"},
                            R"({"type":"WEBHOOK","url":")" + url + R"("})"))
                  .ok());
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kLast, source_, {"c"})).ok());
  EXPECT_EQ(Expand(), 2);
  EXPECT_EQ(Source(f).status, BatchStatus::kEnabledOkNotifying);
  // The process claims the message and dies before recording the outcome.
  std::vector<core::OutboxMessage> claimed;
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](store::WriteTxn& txn) -> Status {
                    RIVULET_ASSIGN_OR_RETURN(
                        claimed, txn.ClaimOutbox(clock_.Now(), 10, clock_.Now() + 60 * kSecond));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].token_id, 0);
  EXPECT_EQ(BatchNotificationSource(claimed[0]), source_);
  batches_.reset();
  Restart();
  batches_ = std::make_unique<Batches>(*store_, clock_, *journeys_, &hooks_);
  Pump();
  EXPECT_TRUE(http_.SentTo(url).empty());  // still leased to the dead process
  AdvanceAndPump(120 * kSecond);
  auto sent = http_.SentTo(url);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(testing::FakeHttpSender::Header(sent[0], "Idempotency-Key"),
            claimed[0].idempotency_key);
  auto body = boost::json::parse(sent[0].body).as_object();
  EXPECT_EQ(body["sourceUuid"].as_string(), source_);
  EXPECT_EQ(body["result"].as_string(), "OK");
  EXPECT_EQ(body["customers"].as_int64(), 3);
  BatchSource src;
  ASSERT_TRUE(store_
                  ->Read([&](store::ReadTxn& txn) -> Status {
                    RIVULET_ASSIGN_OR_RETURN(src,
                                             txn.FindBatchSource(ws_, f.automation.id, source_));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(src.status, BatchStatus::kEnabledOkNotified);
  // No counters of the automation move for it, and nothing is sent again.
  EXPECT_EQ(Counter(f, "", "sent"), 0);
  AdvanceAndPump(3600 * kSecond);
  EXPECT_EQ(http_.SentTo(url).size(), 1u);
}

// The packet skips the event reactions only when nothing in the workspace reacts to
// contact_created; here something does, so the batch's new contacts enter it too.
TEST_F(BatchesTest, NewContactsStillStartContactCreatedAutomations) {
  Flow welcome = Launch(R"({"trigger": "contact_created", "steps": [
      {"id": "hello", "type": "TAG", "config": {"add": ["welcomed"]}}]})");
  Flow f = LaunchTag();
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a", "b"})).ok());
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kLast, source_, {"c"})).ok());
  EXPECT_EQ(Expand(), 2);
  Pump();
  EXPECT_EQ(Tokens(welcome).size(), 3u);
  EXPECT_EQ(Tokens(f).size(), 3u);
  EXPECT_EQ(Counter(welcome, "", "completed"), 3);
}

TEST_F(BatchesTest, StagedPacketsAndHeldTokensSurviveARestart) {
  Flow f = LaunchTag();
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a", "b"})).ok());
  EXPECT_EQ(Expand(), 1);
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kMiddle, source_, {"c"})).ok());
  // The process dies with one packet expanded and one staged.
  batches_.reset();
  Restart();
  batches_ = std::make_unique<Batches>(*store_, clock_, *journeys_, &hooks_);
  AdvanceAndPump(60 * kSecond);
  EXPECT_EQ(Tokens(f).size(), 2u);
  EXPECT_EQ(Expand(), 1);
  EXPECT_EQ(Tokens(f).size(), 3u);
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kLast, source_, {})).ok());
  EXPECT_EQ(Expand(), 1);
  Pump();
  auto done = Tokens(f);
  ASSERT_EQ(done.size(), 3u);
  for (const auto& t : done) EXPECT_EQ(t.status, core::TokenStatus::kCompleted);
}

// A big packet goes in chunks (here of 1,000 customers), one transaction each; a restart
// between two chunks carries on from where the last commit left off.
TEST_F(BatchesTest, ABigPacketIsExpandedInChunksThatSurviveARestart) {
  Flow f = LaunchTag();
  std::vector<std::string> ids;
  for (int i = 0; i < 2500; ++i) ids.push_back("big-" + std::to_string(i));
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, ids)).ok());
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kLast, source_, {})).ok());
  batches_ = std::make_unique<Batches>(*store_, clock_, *journeys_, &hooks_, 1000);
  auto one = testing::Await<bool>([&](Callback<bool> done) { batches_->ExpandNext(done); });
  ASSERT_TRUE(one.ok() && *one) << one.status().ToString();
  EXPECT_EQ(Source(f).accepted, 1000);
  EXPECT_EQ(Tokens(f).size(), 1000u);
  batches_.reset();
  Restart();
  batches_ = std::make_unique<Batches>(*store_, clock_, *journeys_, &hooks_, 1000);
  EXPECT_EQ(Expand(), 3);  // the other two chunks, then the LAST packet
  BatchSource src = Source(f);
  EXPECT_EQ(src.status, BatchStatus::kEnabled);
  EXPECT_EQ((std::pair{src.received, src.accepted}), (std::pair<int64_t, int64_t>{2500, 2500}));
  auto tokens = Tokens(f);
  std::set<int64_t> contacts;
  for (const auto& t : tokens) contacts.insert(t.contact_id);
  EXPECT_EQ(tokens.size(), 2500u);
  EXPECT_EQ(contacts.size(), 2500u);
  EXPECT_EQ(Counter(f, "", "entered"), 2500);
}

TEST_F(BatchesTest, AnAutomationArchivedBeforeExpansionRejectsThePacket) {
  Flow f = LaunchTag();
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a", "b"},
                            R"({"type":"WEBHOOK","url":"http://x"})"))
                  .ok());
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kLast, source_, {"c"})).ok());
  ASSERT_TRUE(SetStatus(f, core::AutomationStatus::kToArchive).ok());
  EXPECT_EQ(Expand(), 2);
  EXPECT_TRUE(Tokens(f).empty());
  BatchSource src = Source(f);
  EXPECT_EQ(src.status, BatchStatus::kEnabledErrorNotifying);
  EXPECT_EQ(src.rejected, 3);
  EXPECT_NE(src.last_error.find("takes no customers"), std::string::npos) << src.last_error;
}

// A packet that fails to expand for a lasting reason is rejected whole; the packets behind it
// are not held up.
TEST_F(BatchesTest, AnUnreadablePacketIsRejectedAndTheNextOnesGoOn) {
  Flow f = LaunchTag();
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kFirst, source_, {"a", "b"})).ok());
  ASSERT_TRUE(store_
                  ->WriteAndWait([](store::WriteTxn& txn) -> Status {
                    RIVULET_ASSIGN_OR_RETURN(auto staged, txn.ClaimStagedPacket());
                    if (!staged) return core::Internal("nothing staged");
                    RIVULET_RETURN_IF_ERROR(txn.DeleteStagedPacket(staged->id));
                    staged->payload = "{not json";
                    return txn.InsertStagedPacket(*staged);
                  })
                  .ok());
  ASSERT_TRUE(Add(f, Packet(BatchPacket::Kind::kLast, source_, {"c"})).ok());
  EXPECT_EQ(Expand(), 2);
  BatchSource src = Source(f);
  EXPECT_EQ(src.status, BatchStatus::kEnabled);
  EXPECT_EQ((std::pair{src.accepted, src.rejected}), (std::pair<int64_t, int64_t>{1, 2}));
  EXPECT_NE(src.last_error.find("cannot be expanded"), std::string::npos) << src.last_error;
  Pump();
  auto done = Tokens(f);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].status, core::TokenStatus::kCompleted);
}

}  // namespace
}  // namespace rivulet::engine

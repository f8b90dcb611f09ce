// The SQLite writer remembers which automations an event type starts and whether any token
// waits for it (decision 0028). The conformance tests (StoreJourneysTest) cover the writer's
// own changes and rollbacks; these cover the memo itself and changes committed by another
// connection, which the writer notices only through PRAGMA data_version.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/uuid.h"
#include "store/sqlite/event_route_memo.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite_test_util.h"
#include "store/store.h"

namespace rivulet::store {
namespace {

using core::Status;
using sqlite::EventRouteMemo;
using testing::TempDir;
using Ids = std::vector<int64_t>;

constexpr core::Millis kT0 = 1'700'000'000'000;

TEST(EventRouteMemoUnitTest, KeysTriggersByWorkspaceAndType) {
  EventRouteMemo memo;
  memo.PutTriggered(1, "signup", {7});
  ASSERT_NE(memo.Triggered(1, "signup"), nullptr);
  EXPECT_EQ(*memo.Triggered(1, "signup"), Ids{7});
  EXPECT_EQ(memo.Triggered(2, "signup"), nullptr);   // another workspace
  EXPECT_EQ(memo.Triggered(1, "signup2"), nullptr);  // another type
  EXPECT_EQ(memo.Triggered(11, "signup"), nullptr);  // "11:signup" is not "1:1signup"
  memo.PutWaitedFor("clicked", false);
  EXPECT_EQ(memo.WaitedFor("clicked"), false);
  memo.ForgetTriggers();
  EXPECT_EQ(memo.Triggered(1, "signup"), nullptr);
  EXPECT_EQ(memo.WaitedFor("clicked"), false);  // tokens are not automations
  memo.Clear();
  EXPECT_EQ(memo.WaitedFor("clicked"), std::nullopt);
}

TEST(EventRouteMemoUnitTest, StaysBounded) {
  EventRouteMemo memo;
  for (size_t i = 0; i <= EventRouteMemo::kMaxEntries; ++i) {
    memo.PutTriggered(1, "t" + std::to_string(i), {});
    memo.PutWaitedFor("t" + std::to_string(i), false);
  }
  EXPECT_LE(memo.size(), 2 * EventRouteMemo::kMaxEntries);
  std::string last = "t" + std::to_string(EventRouteMemo::kMaxEntries);
  EXPECT_NE(memo.Triggered(1, last), nullptr);
  EXPECT_EQ(memo.WaitedFor(last), false);
}

class SqliteEventRouteMemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenMigrated(path_);
    ASSERT_NE(store_, nullptr);
    core::Workspace ws = testing::NewWorkspace("w", kT0);
    core::Contact c;
    automation_.uuid = core::NewUuidV7(kT0);
    automation_.name = "a";
    automation_.status = core::AutomationStatus::kRunning;
    automation_.triggers.push_back({"signup", ""});
    automation_.created_at = automation_.updated_at = kT0;
    token_.uuid = core::NewUuidV7(kT0);
    token_.step_uuid = "s1";
    token_.phase = core::StepPhase::kWaiting;
    token_.entered_at = token_.step_entered_at = token_.updated_at = kT0;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
      RIVULET_RETURN_IF_ERROR(txn.InsertWorkspace(ws));
      c.workspace_id = automation_.workspace_id = token_.workspace_id = ws.id;
      c.uuid = core::NewUuidV7(kT0);
      c.email = "j@example.com";
      c.created_at = c.updated_at = kT0;
      RIVULET_RETURN_IF_ERROR(txn.InsertContact(c));
      RIVULET_RETURN_IF_ERROR(txn.InsertAutomation(automation_));
      token_.automation_id = automation_.id;
      token_.contact_id = c.id;
      return txn.InsertToken(token_);  // waits for nothing
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    ws_ = ws.id;
    // The writer now remembers that "signup" starts the automation and nobody waits for
    // "clicked".
    ASSERT_EQ(WriterTriggered("signup"), Ids{automation_.id});
    ASSERT_TRUE(WriterWaiting("clicked").empty());
  }

  Ids WriterTriggered(const std::string& type) {
    Ids ids;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(ids, txn.AutomationsTriggeredBy(ws_, type));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ids;
  }

  Ids WriterWaiting(const std::string& type) {
    Ids ids;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(auto tokens, txn.TokensWaitingFor(token_.contact_id, type));
      for (const auto& t : tokens) ids.push_back(t.id);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ids;
  }

  TempDir dir_;
  std::string path_ = dir_.File("routes.db");
  std::unique_ptr<sqlite::SqliteStore> store_;
  int64_t ws_ = 0;
  core::Automation automation_;
  core::Token token_;
};

TEST_F(SqliteEventRouteMemoTest, AnAutomationPausedByAnotherConnectionIsSeenByTheNextGroup) {
  testing::RawExec(path_, "UPDATE automations SET status = 'PAUSED' WHERE id = " +
                              std::to_string(automation_.id));
  EXPECT_TRUE(WriterTriggered("signup").empty());
}

TEST_F(SqliteEventRouteMemoTest, ATokenMadeToWaitByAnotherConnectionIsSeenByTheNextGroup) {
  testing::RawExec(
      path_, "UPDATE tokens SET waiting_event = 'clicked' WHERE id = " + std::to_string(token_.id));
  EXPECT_EQ(WriterWaiting("clicked"), Ids{token_.id});
}

TEST_F(SqliteEventRouteMemoTest, ATokenTheWriterMakesWaitIsSeenAtOnce) {
  core::Token waiting = token_;
  waiting.waiting_event = "clicked";
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateToken(waiting); }).ok());
  EXPECT_EQ(WriterWaiting("clicked"), Ids{token_.id});
}

TEST_F(SqliteEventRouteMemoTest, ErasingTheWorkspaceForgetsItsTriggers) {
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteWorkspace(ws_); }).ok());
  EXPECT_TRUE(WriterTriggered("signup").empty());
}

}  // namespace
}  // namespace rivulet::store

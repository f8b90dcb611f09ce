#include "store/sqlite/wal_sync.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/status_printers.h"
#include "store/sqlite_test_util.h"

namespace rivulet::store::sqlite {
namespace {

using testing::TempDir;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

TEST(WalSyncTest, SyncsTheDatabaseFileWhenThereIsNoWal) {
  TempDir dir;
  WriteFile(dir.File("db"), "data");
  WalSync sync(dir.File("db"));
  EXPECT_TRUE(sync.Sync().ok());
}

TEST(WalSyncTest, FollowsAWalFileThatWasReplaced) {
  TempDir dir;
  WriteFile(dir.File("db"), "data");
  WriteFile(dir.File("db-wal"), "frames");
  WalSync sync(dir.File("db"));
  ASSERT_TRUE(sync.Sync().ok());
  std::filesystem::remove(dir.File("db-wal"));
  WriteFile(dir.File("db-wal"), "new frames");  // a new inode
  EXPECT_TRUE(sync.Sync().ok());
  std::filesystem::remove(dir.File("db-wal"));
  EXPECT_TRUE(sync.Sync().ok());  // back to the database file
}

TEST(WalSyncTest, ReportsAMissingDatabaseAsRetryableUnavailable) {
  TempDir dir;
  WalSync sync(dir.File("missing.db"));
  core::Status st = sync.Sync();
  EXPECT_EQ(st.code(), core::Code::kUnavailable);
  EXPECT_TRUE(st.retryable());
  EXPECT_NE(st.message().find("missing.db"), std::string::npos);
}

// FULL: every acknowledged group commit was synced by WalSync (COMMIT itself runs with
// NORMAL); one sync may cover several group commits.
TEST(WalSyncTest, FullStoreSyncsBeforeAcknowledgingCommits) {
  TempDir dir;
  auto store =
      testing::OpenMigrated(dir.File("full.db"), [](SqliteOptions& o) { o.synchronous = "FULL"; });
  ASSERT_NE(store, nullptr);
  uint64_t before = store->Stats().syncs;
  ASSERT_TRUE(store->WriteAndWait([](WriteTxn&) { return core::Status::Ok(); }).ok());
  StoreStats after = store->Stats();
  EXPECT_GT(after.syncs, before);
  EXPECT_LE(after.syncs, after.commits);
}

TEST(WalSyncTest, NormalStoreNeverSyncsAfterCommit) {
  TempDir dir;
  auto store = testing::OpenMigrated(dir.File("normal.db"),
                                     [](SqliteOptions& o) { o.synchronous = "NORMAL"; });
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](WriteTxn&) { return core::Status::Ok(); }).ok());
  EXPECT_GT(store->Stats().commits, 0u);
  EXPECT_EQ(store->Stats().syncs, 0u);
}

}  // namespace
}  // namespace rivulet::store::sqlite

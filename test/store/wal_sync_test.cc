#include "store/sqlite/wal_sync.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

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

// The file's pages that are dirty in the page cache, from cachestat(2) (Linux 6.5 and later);
// -1 where the kernel has no cachestat.
int64_t DirtyPages(const std::string& path) {
  struct Range {
    uint64_t off, len;
  } range{0, 0};  // len 0: to the end of the file
  struct Stat {
    uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
  } stat{};
  constexpr long kCachestat = 451;  // the same number on every architecture
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long rc = ::syscall(kCachestat, fd, &range, &stat, 0);
  ::close(fd);
  return rc == 0 ? static_cast<int64_t>(stat.nr_dirty) : -1;
}

// What the writer calls after a commit: the WAL's pages leave the dirty state at once (they
// are written, or being written), without waiting for the disk. Without it they would stay
// dirty until the kernel's own write-back, tens of seconds later.
TEST(WalSyncTest, StartWritebackSendsTheWalsDirtyPagesToTheDisk) {
  TempDir dir;
  WriteFile(dir.File("db"), "data");
  WalSync sync(dir.File("db"));
  WriteFile(dir.File("db-wal"), "header");
  ASSERT_TRUE(sync.Sync().ok());  // opens the WAL
  {
    std::ofstream out(dir.File("db-wal"), std::ios::app);
    out << std::string(64 * 1024, 'f');  // a commit's frames
  }
  int64_t before = DirtyPages(dir.File("db-wal"));
  if (before < 0) GTEST_SKIP() << "this kernel has no cachestat(2)";
  if (before == 0) GTEST_SKIP() << "this file system keeps no dirty pages (tmpfs?)";
  sync.StartWriteback();
  EXPECT_EQ(DirtyPages(dir.File("db-wal")), 0) << before << " dirty pages before";
}

// StartWriteback is called by the writer while the completion thread syncs, and the WAL may
// be replaced meanwhile: neither call fails or blocks the other, whichever file is current.
TEST(WalSyncTest, StartsWritebackWhileAnotherThreadSyncsAReplacedWal) {
  TempDir dir;
  WriteFile(dir.File("db"), "data");
  WalSync sync(dir.File("db"));
  sync.StartWriteback();  // before the first Sync: nothing open yet, nothing to do
  std::atomic<bool> done{false};
  std::thread writer([&] {
    while (!done) sync.StartWriteback();
  });
  int failures = 0;
  for (int i = 0; i < 200; ++i) {
    std::filesystem::remove(dir.File("db-wal"));  // then no WAL, or a new one (a new inode)
    if (i % 3 != 0) WriteFile(dir.File("db-wal"), "frames " + std::to_string(i));
    if (!sync.Sync().ok()) ++failures;
  }
  done = true;
  writer.join();
  EXPECT_EQ(failures, 0);
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

// While a group commit is being synced, the next group stays open and takes the jobs that
// arrive: each commit is then synced on its own, and there are far fewer commits than jobs.
TEST(WalSyncTest, FullStoreKeepsTheNextGroupOpenWhileTheLastOneSyncs) {
  TempDir dir;
  auto store =
      testing::OpenMigrated(dir.File("full.db"), [](SqliteOptions& o) { o.synchronous = "FULL"; });
  ASSERT_NE(store, nullptr);
  StoreStats before = store->Stats();
  constexpr int kThreads = 8, kJobsEach = 100;
  std::vector<std::thread> writers;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < kJobsEach; ++i) {
        if (!store->WriteAndWait([](WriteTxn&) { return core::Status::Ok(); }).ok()) ++failed;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(failed, 0);
  StoreStats after = store->Stats();
  uint64_t commits = after.commits - before.commits, syncs = after.syncs - before.syncs;
  EXPECT_EQ(after.committed_jobs - before.committed_jobs, uint64_t{kThreads * kJobsEach});
  EXPECT_EQ(commits, syncs) << "a group was committed while the one before was still syncing";
  EXPECT_LT(commits, uint64_t{kThreads * kJobsEach});
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

// The WAL batching VFS (decision 0029) writes a commit's frames in one call. These tests
// check what it must never change: a commit is in the file before anyone can see it, the
// file ends up as the default VFS would leave it, and a failed write fails the commit.
#include "store/sqlite/wal_batching_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "core/status_printers.h"
#include "store/sqlite/connection.h"
#include "store/sqlite_test_util.h"

namespace rivulet::store::sqlite {
namespace {

using testing::TempDir;

// A connection through the default VFS, as another process would read the file.
class PlainConnection {
 public:
  explicit PlainConnection(const std::string& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, "unix"), SQLITE_OK);
  }
  ~PlainConnection() { sqlite3_close(db_); }
  int64_t Scalar(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    std::string v;
    if (sqlite3_step(st) == SQLITE_ROW)
      v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::unique_ptr<Connection> OpenWithTable(const std::string& path) {
  auto conn = Connection::Open(path, "NORMAL");
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return nullptr;
  EXPECT_TRUE((*conn)->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)").ok());
  return std::move(conn).value();
}

// Inserts rows [from, to) of 3 KB each: about one page per row.
core::Status InsertRows(Connection& conn, int from, int to) {
  return conn.ExecScript("WITH RECURSIVE n(i) AS (SELECT " + std::to_string(from) +
                         " UNION ALL SELECT i + 1 FROM n WHERE i + 1 < " + std::to_string(to) +
                         ") INSERT INTO t SELECT i, randomblob(3000) FROM n");
}

TEST(WalBatchingVfsTest, ACommitReachesTheWalInOneWriteBeforeOthersSeeIt) {
  TempDir dir;
  auto conn = OpenWithTable(dir.File("db"));
  ASSERT_NE(conn, nullptr);
  PlainConnection plain(dir.File("db"));
  ASSERT_EQ(plain.Scalar("SELECT COUNT(*) FROM t"), 0);

  WalBatchingStats before = GetWalBatchingStats();
  ASSERT_TRUE(conn->ExecScript("BEGIN").ok());
  ASSERT_TRUE(InsertRows(*conn, 0, 20).ok());
  ASSERT_TRUE(conn->ExecScript("COMMIT").ok());
  WalBatchingStats after = GetWalBatchingStats();

  // Some twenty frames, two writes each, reached the file in one write (two at most: the
  // default VFS takes under 128 KiB a call).
  EXPECT_GE(after.writes_requested - before.writes_requested, 40u);
  EXPECT_GE(after.writes_issued - before.writes_issued, 1u);
  EXPECT_LE(after.writes_issued - before.writes_issued, 2u);
  // Another connection, reading the WAL through its own file descriptor, sees every row.
  EXPECT_EQ(plain.Scalar("SELECT COUNT(*) FROM t"), 20);
  EXPECT_EQ(plain.Scalar("SELECT SUM(length(v)) FROM t"), 20 * 3000);
  EXPECT_EQ(plain.Text("PRAGMA integrity_check"), "ok");
}

TEST(WalBatchingVfsTest, ARolledBackSpillLeavesTheFileAsTheDefaultVfsWould) {
  TempDir dir;
  {
    auto conn = OpenWithTable(dir.File("db"));
    ASSERT_NE(conn, nullptr);
    // A cache of a few pages makes SQLite spill uncommitted frames to the WAL mid-transaction
    // and read them back.
    ASSERT_TRUE(conn->ExecScript("PRAGMA cache_size=4").ok());
    ASSERT_TRUE(conn->ExecScript("BEGIN; DELETE FROM t;").ok());
    ASSERT_TRUE(InsertRows(*conn, 0, 200).ok());
    ASSERT_TRUE(conn->ExecScript("UPDATE t SET v = zeroblob(10) WHERE id % 2 = 0").ok());
    ASSERT_TRUE(conn->ExecScript("ROLLBACK").ok());
    // The next transaction writes over the rolled-back frames.
    ASSERT_TRUE(conn->ExecScript("BEGIN").ok());
    ASSERT_TRUE(InsertRows(*conn, 1000, 1050).ok());
    ASSERT_TRUE(conn->ExecScript("UPDATE t SET v = zeroblob(7) WHERE id < 1010").ok());
    ASSERT_TRUE(conn->ExecScript("COMMIT").ok());
    PlainConnection plain(dir.File("db"));
    EXPECT_EQ(plain.Scalar("SELECT COUNT(*) FROM t"), 50);
    EXPECT_EQ(plain.Scalar("SELECT SUM(length(v)) FROM t"), 10 * 7 + 40 * 3000);
  }
  // Closed: a new process would recover the database from the file alone.
  PlainConnection reopened(dir.File("db"));
  EXPECT_EQ(reopened.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(reopened.Scalar("SELECT COUNT(*) FROM t"), 50);
  EXPECT_EQ(reopened.Scalar("SELECT MIN(id) FROM t"), 1000);
}

// What another file descriptor (another process) reads from the file right now.
std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string FrameHeader(uint32_t page, uint32_t db_size_after_commit) {
  std::string h(24, '\0');
  for (int i = 0; i < 4; ++i) {
    h[i] = static_cast<char>(page >> (24 - 8 * i));
    h[4 + i] = static_cast<char>(db_size_after_commit >> (24 - 8 * i));
  }
  return h;
}

// Drives the VFS directly with the calls SQLite makes on a WAL file.
TEST(WalBatchingVfsTest, KeepsFramesUntilACommitAndWritesEverythingInOrder) {
  TempDir dir;
  std::ofstream(dir.File("db")).close();  // SQLite gives a WAL its database's permissions
  const std::string path = dir.File("db-wal");
  sqlite3_vfs* vfs = sqlite3_vfs_find(WalBatchingVfsName());
  ASSERT_NE(vfs, nullptr);
  std::unique_ptr<char[]> mem(new char[vfs->szOsFile]());
  auto* file = reinterpret_cast<sqlite3_file*>(mem.get());
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_WAL;
  ASSERT_EQ(vfs->xOpen(vfs, path.c_str(), file, flags, nullptr), SQLITE_OK);
  auto write = [&](const std::string& bytes, sqlite3_int64 at) {
    return file->pMethods->xWrite(file, bytes.data(), static_cast<int>(bytes.size()), at);
  };
  const std::string page_a(512, 'a'), page_b(512, 'b'), page_c(512, 'c');
  ASSERT_EQ(write(std::string(32, 'H'), 0), SQLITE_OK);  // the WAL header
  ASSERT_EQ(write(FrameHeader(1, 0), 32), SQLITE_OK);
  ASSERT_EQ(write(page_a, 56), SQLITE_OK);
  EXPECT_EQ(ReadFile(path), "");  // no commit yet: kept in memory
  // The frame is written again in place (SQLite does this within a transaction), then a
  // commit frame follows.
  ASSERT_EQ(write(page_b, 56), SQLITE_OK);
  ASSERT_EQ(write(FrameHeader(2, 2), 568), SQLITE_OK);
  EXPECT_EQ(ReadFile(path).size(), 568u);  // the run before the rewrite, then the rewrite
  ASSERT_EQ(write(page_c, 592), SQLITE_OK);
  // The commit frame's page: everything is in the file when the call returns.
  std::string expected =
      std::string(32, 'H') + FrameHeader(1, 0) + page_b + FrameHeader(2, 2) + page_c;
  EXPECT_EQ(ReadFile(path), expected);
  // An uncommitted frame after it, then a read: the read sees it, and so does the file.
  ASSERT_EQ(write(FrameHeader(3, 0), 1104), SQLITE_OK);
  ASSERT_EQ(write(page_a, 1128), SQLITE_OK);
  EXPECT_EQ(ReadFile(path).size(), expected.size());
  std::string back(512, '\0');
  ASSERT_EQ(file->pMethods->xRead(file, back.data(), 512, 1128), SQLITE_OK);
  EXPECT_EQ(back, page_a);
  expected += FrameHeader(3, 0) + page_a;
  EXPECT_EQ(ReadFile(path), expected);
  // A commit frame written in one call (header and page) is written out at once.
  ASSERT_EQ(write(FrameHeader(4, 4) + page_b, 1640), SQLITE_OK);
  expected += FrameHeader(4, 4) + page_b;
  EXPECT_EQ(ReadFile(path), expected);
  // A frame left pending reaches the file when it is closed.
  ASSERT_EQ(write(FrameHeader(5, 0), 2176), SQLITE_OK);
  ASSERT_EQ(write(page_c, 2200), SQLITE_OK);
  EXPECT_EQ(ReadFile(path).size(), expected.size());
  EXPECT_EQ(file->pMethods->xClose(file), SQLITE_OK);
  EXPECT_EQ(ReadFile(path), expected + FrameHeader(5, 0) + page_c);
}

// The file size limit makes write() fail with EFBIG: a real failed write, no mock.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  void (*old_handler_)(int) = nullptr;
};

off_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

TEST(WalBatchingVfsTest, AWriteThatFailsFailsTheCommitAndChangesNothing) {
  TempDir dir;
  auto conn = OpenWithTable(dir.File("db"));
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(InsertRows(*conn, 0, 5).ok());
  PlainConnection plain(dir.File("db"));
  ASSERT_EQ(plain.Scalar("SELECT COUNT(*) FROM t"), 5);
  off_t wal = FileSize(dir.File("db-wal"));
  ASSERT_GT(wal, 0);
  {
    // Room for a few more frames, not for the twenty this commit writes.
    FileSizeLimit limit(static_cast<rlim_t>(wal) + 3 * 4120);
    ASSERT_TRUE(conn->ExecScript("BEGIN").ok());
    ASSERT_TRUE(InsertRows(*conn, 100, 120).ok());  // buffered: nothing written yet
    core::Status commit = conn->ExecScript("COMMIT");
    EXPECT_FALSE(commit.ok());
    if (conn->InTransaction()) {
      ASSERT_TRUE(conn->ExecScript("ROLLBACK").ok());
    }
  }
  EXPECT_EQ(plain.Scalar("SELECT COUNT(*) FROM t"), 5);
  // Without the limit the same connection commits again.
  ASSERT_TRUE(InsertRows(*conn, 100, 120).ok());
  EXPECT_EQ(plain.Scalar("SELECT COUNT(*) FROM t"), 25);
  EXPECT_EQ(plain.Text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace rivulet::store::sqlite

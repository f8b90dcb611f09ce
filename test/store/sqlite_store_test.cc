#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <future>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/uuid.h"
#include "store/migrations/migrations.h"
#include "store/sqlite/connection.h"
#include "store/sqlite_test_util.h"
#include "store/store.h"

namespace rivulet::store {
namespace {

using core::Code;
using core::Status;
using testing::OpenMigrated;
using testing::TempDir;

// SQLite-only behaviour; what every backend must do is in store_conformance_test.cc.

TEST(SqliteMigrationsTest, VersionsAreDenseAndIncreasingFromOne) {
  const auto& all = SqliteMigrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(all[i].name.empty());
    EXPECT_FALSE(all[i].sql.empty());
  }
}

TEST(SqliteStoreOpenTest, DatabaseFilesAreCreatedOwnerOnly) {
  TempDir dir;
  std::string path = dir.File("private.db");
  auto s = OpenMigrated(path);
  ASSERT_NE(s, nullptr);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << std::oct << (st.st_mode & 0777);
  // SQLite gives the WAL the main file's permissions; it must not be wider either.
  if (::stat((path + "-wal").c_str(), &st) == 0) {
    EXPECT_EQ(st.st_mode & 0077, 0u) << std::oct << (st.st_mode & 0777);
  }
}

TEST(SqliteStoreOpenTest, UnknownSynchronousModeIsRejected) {
  TempDir dir;
  sqlite::SqliteOptions options;
  options.path = dir.File("x.db");
  options.synchronous = "OFF";
  auto s = sqlite::SqliteStore::Open(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
}

TEST(SqliteStoreOpenTest, OpeningInAMissingDirectoryFails) {
  TempDir dir;
  sqlite::SqliteOptions options;
  options.path = dir.File("no/such/dir/x.db");
  auto s = sqlite::SqliteStore::Open(options);
  EXPECT_FALSE(s.ok());
}

TEST(SqliteConnectionTest, ErrorCodesMapToStatusCodes) {
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CONSTRAINT_UNIQUE, "x").code(),
            Code::kAlreadyExists);
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CONSTRAINT_PRIMARYKEY, "x").code(),
            Code::kAlreadyExists);
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CONSTRAINT_FOREIGNKEY, "x").code(),
            Code::kFailedPrecondition);
  Status busy = sqlite::SqliteError(nullptr, SQLITE_BUSY, "x");
  EXPECT_EQ(busy.code(), Code::kUnavailable);
  EXPECT_TRUE(busy.retryable());
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_IOERR_WRITE, "x").code(), Code::kUnavailable);
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CORRUPT, "x").code(), Code::kInternal);
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CORRUPT, "what").message().rfind("what: ", 0), 0u);
}

}  // namespace
}  // namespace rivulet::store

#ifndef RIVULET_TEST_STORE_SQLITE_TEST_UTIL_H_
#define RIVULET_TEST_STORE_SQLITE_TEST_UTIL_H_

// Shared helpers for tests that need a real SQLite store on a private temporary file.

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/status_printers.h"
#include "core/uuid.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace rivulet::testing {

// A fresh directory under $RIVULET_TEST_TMP (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* env = std::getenv("RIVULET_TEST_TMP");
    std::string base = env && *env ? env : "/tmp";
    std::error_code ec;
    std::filesystem::create_directories(base, ec);
    std::string templ = base + "/rivulet-test-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    char* made = ::mkdtemp(buf.data());
    if (made == nullptr) {
      ADD_FAILURE() << "mkdtemp failed under " << base;
      path_ = "/nonexistent-rivulet-test-dir";
    } else {
      path_ = made;
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::unique_ptr<store::sqlite::SqliteStore> OpenSqlite(
    const std::string& path, std::function<void(store::sqlite::SqliteOptions&)> tweak = {}) {
  spdlog::set_level(spdlog::level::warn);  // keep migration chatter out of test output
  store::sqlite::SqliteOptions options;
  options.path = path;
  // Durability against power loss is not under test; NORMAL keeps the suite fast.
  options.synchronous = "NORMAL";
  if (tweak) tweak(options);
  auto opened = store::sqlite::SqliteStore::Open(options);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  return std::move(opened).value();
}

// Opens and migrates; fails the test (and returns nullptr) on error.
inline std::unique_ptr<store::sqlite::SqliteStore> OpenMigrated(
    const std::string& path, std::function<void(store::sqlite::SqliteOptions&)> tweak = {}) {
  auto s = OpenSqlite(path, std::move(tweak));
  if (!s) return nullptr;
  auto v = s->Migrate();
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (!v.ok()) return nullptr;
  return s;
}

// Every byte of the database, its WAL and its rollback journal, concatenated.
inline std::string ReadDatabaseBytes(const std::string& db_path) {
  std::string all;
  for (const char* suffix : {"", "-wal", "-journal", "-shm"}) {
    std::ifstream in(db_path + suffix, std::ios::binary);
    if (!in) continue;
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return all;
}

// A workspace named `name`, created at `at`; id 0 until inserted.
inline core::Workspace NewWorkspace(const std::string& name, core::Millis at) {
  core::Workspace ws;
  ws.uuid = core::NewUuidV7(at);
  ws.name = name;
  ws.created_at = ws.updated_at = at;
  return ws;
}

// Runs SQL on the file through a separate raw connection (for setting up odd states).
inline void RawExec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

// Runs one integer-valued query through a separate raw connection.
inline int64_t RawQueryInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path;
    sqlite3_close(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  int64_t out = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    out = sqlite3_column_int64(st, 0);
  } else {
    ADD_FAILURE() << "query failed: " << sql << ": " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// Waits for a callback-style operation: call(cb) must invoke cb exactly once.
template <typename T>
core::Result<T> Await(const std::function<void(std::function<void(core::Result<T>)>)>& call) {
  auto promise = std::make_shared<std::promise<core::Result<T>>>();
  auto future = promise->get_future();
  call([promise](core::Result<T> r) { promise->set_value(std::move(r)); });
  return future.get();
}

// Holds every writer thread of the store inside a write job until Open() is called, so that
// jobs submitted meanwhile are queued and end up in the same group commit.
class WriterGate {
 public:
  explicit WriterGate(store::Store& s) : done_(std::make_shared<std::promise<core::Status>>()) {
    auto release = release_.get_future().share();
    done_future_ = done_->get_future();
    for (uint64_t i = 0; i < s.Stats().writers; ++i) {
      auto entered = std::make_shared<std::promise<void>>();
      auto entered_f = entered->get_future();
      // The first gate job reports the result; the others only hold their writers.
      std::shared_ptr<std::promise<core::Status>> done = i == 0 ? done_ : nullptr;
      s.Write(
          [entered, release](store::WriteTxn&) {
            entered->set_value();
            release.wait();
            return core::Status::Ok();
          },
          [done](core::Status st) {
            if (done) done->set_value(std::move(st));
          });
      entered_f.wait();  // a writer is now busy with this job; the next gate takes another
    }
  }
  ~WriterGate() {
    if (!opened_) Open();
  }
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;

  void Open() {
    opened_ = true;
    release_.set_value();
  }
  // The gate job's own result, after Open().
  core::Status Wait() { return done_future_.get(); }

 private:
  bool opened_ = false;
  std::promise<void> release_;
  std::shared_ptr<std::promise<core::Status>> done_;
  std::future<core::Status> done_future_;
};

}  // namespace rivulet::testing

#endif  // RIVULET_TEST_STORE_SQLITE_TEST_UTIL_H_

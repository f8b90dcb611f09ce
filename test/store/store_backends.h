#ifndef RIVULET_TEST_STORE_STORE_BACKENDS_H_
#define RIVULET_TEST_STORE_STORE_BACKENDS_H_

// One database of one backend kind ("sqlite", "sqlite_indexed" or "postgres") for tests that must
// hold for every Store implementation. SQLite: a file in a private temporary directory. PostgreSQL:
// a fresh database in the throw-away cluster of test/support/postgres_cluster.h.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "core/model.h"
#include "core/uuid.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite_test_util.h"
#include "store/store.h"
#include "support/postgres_cluster.h"

namespace rivulet::testing {

// Options every backend has.
struct StoreKnobs {
  size_t max_batch = 1024;
  size_t max_queue = 100'000;
};

class TestBackend {
 public:
  virtual ~TestBackend() = default;
  // A backend of `kind` with a fresh, empty database; nullptr with *skip set when the kind
  // cannot run here (PostgreSQL not installed).
  static std::unique_ptr<TestBackend> Make(const std::string& kind, std::string* skip);

  // Opens a store on this backend's database (the same one every time), not migrated.
  virtual core::Result<std::unique_ptr<store::Store>> Open(const StoreKnobs& knobs = {}) = 0;
  // Runs SQL / one integer query through a separate raw connection.
  virtual void Exec(const std::string& sql) = 0;
  virtual int64_t QueryInt(const std::string& sql) = 0;

  // Opens and migrates; fails the test (and returns nullptr) on error.
  std::unique_ptr<store::Store> OpenMigrated(const StoreKnobs& knobs = {}) {
    auto s = Open(knobs);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    auto v = (*s)->Migrate();
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (!v.ok()) return nullptr;
    return std::move(s).value();
  }
};

class SqliteBackend final : public TestBackend {
 public:
  // contact_index_lag: the store's; 0 puts every event in contact_events at its commit,
  // the default leaves a small test's events to the scan of the newest ones.
  explicit SqliteBackend(
      int64_t contact_index_lag = store::sqlite::SqliteOptions{}.contact_index_lag)
      : contact_index_lag_(contact_index_lag) {}
  core::Result<std::unique_ptr<store::Store>> Open(const StoreKnobs& knobs) override {
    spdlog::set_level(spdlog::level::warn);
    store::sqlite::SqliteOptions o;
    o.path = path_;
    o.synchronous = "NORMAL";  // durability against power loss is not under test
    o.max_batch = knobs.max_batch;
    o.max_queue = knobs.max_queue;
    o.contact_index_lag = contact_index_lag_;
    RIVULET_ASSIGN_OR_RETURN(auto s, store::sqlite::SqliteStore::Open(o));
    return std::unique_ptr<store::Store>(std::move(s));
  }
  void Exec(const std::string& sql) override { RawExec(path_, sql); }
  int64_t QueryInt(const std::string& sql) override { return RawQueryInt(path_, sql); }

 private:
  const int64_t contact_index_lag_;
  TempDir dir_;
  std::string path_ = dir_.File("rivulet.db");
};

class PostgresBackend final : public TestBackend {
 public:
  explicit PostgresBackend(std::string url) : url_(std::move(url)) {}
  core::Result<std::unique_ptr<store::Store>> Open(const StoreKnobs& knobs) override {
    spdlog::set_level(spdlog::level::warn);
    store::postgres::PgOptions o;
    o.url = url_;
    o.max_batch = knobs.max_batch;
    o.max_queue = knobs.max_queue;
    RIVULET_ASSIGN_OR_RETURN(auto s, store::postgres::PgStore::Open(o));
    return std::unique_ptr<store::Store>(std::move(s));
  }
  void Exec(const std::string& sql) override {
    auto st = test_support::PgExec(url_, sql);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  int64_t QueryInt(const std::string& sql) override {
    auto v = test_support::PgQueryInt(url_, sql);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : -1;
  }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
};

inline std::unique_ptr<TestBackend> TestBackend::Make(const std::string& kind, std::string* skip) {
  if (kind == "sqlite") return std::make_unique<SqliteBackend>();
  if (kind == "sqlite_indexed") return std::make_unique<SqliteBackend>(/*contact_index_lag=*/0);
  auto* cluster = test_support::PostgresCluster::Shared(skip);
  if (!cluster) return nullptr;
  auto url = cluster->CreateDatabase();
  if (!url.ok()) {
    *skip = url.status().ToString();
    return nullptr;
  }
  return std::make_unique<PostgresBackend>(*url);
}

// An event of `type` for the contact, occurring and received at `at`; id 0 until inserted.
inline core::Event NewEvent(int64_t ws, int64_t contact_id, std::string type, core::Millis at,
                            std::optional<std::string> idempotency_key = std::nullopt) {
  core::Event e;
  e.workspace_id = ws;
  e.uuid = core::NewUuidV7(at);
  e.contact_id = contact_id;
  e.type = std::move(type);
  e.occurred_at = e.received_at = at;
  e.idempotency_key = std::move(idempotency_key);
  return e;
}

// For INSTANTIATE_TEST_SUITE_P(…, ::testing::Values("sqlite", "postgres"), BackendName).
// "sqlite_indexed" is SQLite with every event in contact_events at once.
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace rivulet::testing

#endif  // RIVULET_TEST_STORE_STORE_BACKENDS_H_

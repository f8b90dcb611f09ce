// Event ingestion through the engine and the SQLite store, without HTTP: how fast group
// commit can make events durable, next to SQLite's raw batched-insert ceiling on this disk.
//
// Usage: store_ingest_bench [events=200000] [in_flight=64] [synchronous=FULL | postgres://URL]
// (RIVULET_BENCH_PG_ROW_BY_ROW=1: PostgreSQL store without multi-row event INSERTs;
// RIVULET_BENCH_PG_WRITERS=N: its number of writer connections; RIVULET_BENCH_PG_GATHER=N:
// the jobs a writer waits for while another is busy, 0 for none.)
// With a PostgreSQL URL the store is PostgreSQL and the ceiling is PostgreSQL's own batched
// insert (multi-row VALUES, 1,000 rows a statement, 10,000 a transaction) on that server.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "engine/accounts.h"
#include "engine/events.h"
#include "sqlite_ceiling.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using namespace rivulet;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Raw ceiling on PostgreSQL: multi-row INSERTs of the same rows, 10,000 per transaction.
double PgInsertCeiling(const std::string& url, int rows) {
  PGconn* c = PQconnectdb(url.c_str());
  auto exec = [&](const std::string& sql) { PQclear(PQexec(c, sql.c_str())); };
  std::string table = "ceiling_" + std::to_string(::getpid());
  exec("CREATE TABLE " + table + " (id BIGSERIAL PRIMARY KEY, k TEXT, payload TEXT)");
  std::string payload(380, 'x');
  auto start = Clock::now();
  for (int i = 0; i < rows; i += 10'000) {
    exec("BEGIN");
    for (int j = i; j < i + 10'000 && j < rows; j += 1'000) {
      std::string sql = "INSERT INTO " + table + " (k, payload) VALUES ";
      for (int r = j; r < j + 1'000 && r < rows; ++r) {
        sql += (r == j ? "('key-" : ",('key-") + std::to_string(r) + "','" + payload + "')";
      }
      exec(sql);
    }
    exec("COMMIT");
  }
  double secs = Seconds(start);
  exec("DROP TABLE " + table);
  PQfinish(c);
  return rows / secs;
}

// CPU time all cores spent busy since boot (user, nice, system, irq, softirq, steal), in
// clock ticks: the whole machine's, so the database server's share is counted too.
long long MachineBusyTicks() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  long long v[8] = {0};
  stat >> cpu;
  for (long long& x : v) stat >> x;
  return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];  // not idle (3) or iowait (4)
}

}  // namespace

int main(int argc, char** argv) {
  int total = argc > 1 ? std::atoi(argv[1]) : 200'000;
  int in_flight = argc > 2 ? std::atoi(argv[2]) : 64;
  auto dir = std::filesystem::temp_directory_path() /
             ("rivulet-store-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  std::string mode = argc > 3 ? argv[3] : "FULL";
  bool pg = store::postgres::IsPostgresUrl(mode);
  double ceiling = pg ? PgInsertCeiling(mode, total)
                      : bench::SqliteInsertCeiling((dir / "raw.db").string(), total);

  std::unique_ptr<store::Store> opened_store;
  if (pg) {
    store::postgres::PgOptions options;
    options.url = mode;
    // RIVULET_BENCH_PG_ROW_BY_ROW=1: one INSERT per event, for comparison.
    const char* row_by_row = std::getenv("RIVULET_BENCH_PG_ROW_BY_ROW");
    options.batch_events = !(row_by_row && std::string(row_by_row) == "1");
    // RIVULET_BENCH_PG_WRITERS=N: writer connections (default: the store's, 2).
    if (const char* w = std::getenv("RIVULET_BENCH_PG_WRITERS")) options.writers = std::stoul(w);
    // RIVULET_BENCH_PG_GATHER=N: jobs a writer waits for while another is busy (0: none).
    if (const char* g = std::getenv("RIVULET_BENCH_PG_GATHER")) options.gather_jobs = std::stoul(g);
    std::printf("%-46s %12zu\n", "PostgreSQL writer connections", options.writers);
    std::printf("%-46s %12zu\n", "jobs a writer gathers while another is busy",
                options.gather_jobs);
    auto opened = store::postgres::PgStore::Open(options);
    if (opened.ok()) opened_store = std::move(opened).value();
  } else {
    store::sqlite::SqliteOptions options;
    options.path = (dir / "bench.db").string();
    options.synchronous = mode;
    auto opened = store::sqlite::SqliteStore::Open(options);
    if (opened.ok()) opened_store = std::move(opened).value();
  }
  if (!opened_store || !opened_store->Migrate().ok()) {
    std::fprintf(stderr, "cannot open store\n");
    return 1;
  }
  auto& store = *opened_store;
  std::string backend = pg ? "PostgreSQL" : "SQLite store, synchronous=" + mode;
  engine::Accounts accounts(store, core::SystemClock::Get());
  engine::Events events(store, core::SystemClock::Get());
  auto ws = accounts.CreateWorkspace("bench");

  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  std::atomic<int> failed{0};
  std::string note(150, 'x');
  auto start = Clock::now();
  const long long busy_before = MachineBusyTicks();
  for (int i = 0; i < total; ++i) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return outstanding < in_flight; });
      ++outstanding;
    }
    engine::EventInput in;
    in.type = "order_paid";
    in.contact.email = "bench-" + std::to_string(i % 1000) + "@example.com";
    in.data_json = "{\"order_id\":\"" + std::to_string(i) +
                   "\",\"total\":129.95,\"currency\":\"EUR\",\"note\":\"" + note + "\"}";
    std::vector<engine::EventInput> batch;
    batch.push_back(std::move(in));
    events.Ingest(ws->id, std::move(batch), [&](auto r) {
      if (!r.ok()) failed++;
      std::lock_guard lock(mu);
      --outstanding;
      cv.notify_one();
    });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return outstanding == 0; });
  }
  double secs = Seconds(start);
  const double busy_us = static_cast<double>(MachineBusyTicks() - busy_before) * 1e6 /
                         static_cast<double>(::sysconf(_SC_CLK_TCK));
  auto stats = store.Stats();
  std::printf("== Event ingestion through the engine and the %s (no HTTP)\n", backend.c_str());
  std::printf("%-44s %12.0f\n", "engine Events::Ingest, 1 event/call (ev/s)", total / secs);
  std::printf("%-44s %12.1f\n", "machine CPU per event, all processes (us)", busy_us / total);
  std::printf("%-44s %12llu (max %llu jobs)\n", "group commits", (unsigned long long)stats.commits,
              (unsigned long long)stats.max_batch);
  std::printf("%-44s %12.0f\n",
              pg ? "PostgreSQL raw batched insert ceiling (rows/s)"
                 : "SQLite raw batched insert ceiling (rows/s)",
              ceiling);
  std::printf("%-44s %12d\n", "failed", failed.load());
  std::filesystem::remove_all(dir);
  return failed.load() == 0 ? 0 : 1;
}

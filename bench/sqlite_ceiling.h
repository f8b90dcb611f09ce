#ifndef RIVULET_BENCH_SQLITE_CEILING_H_
#define RIVULET_BENCH_SQLITE_CEILING_H_

#include <sqlite3.h>

#include <chrono>
#include <string>

namespace rivulet::bench {

// SQLite's raw batched-insert ceiling on this disk, printed beside Rivulet's figures: one
// prepared INSERT of ~400-byte rows into a fresh WAL file at path, 10,000 rows per
// transaction, synchronous=FULL. Rows per second.
inline double SqliteInsertCeiling(const std::string& path, int rows) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, payload TEXT)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (k, payload) VALUES (?, ?)", -1, &st, nullptr);
  std::string payload(380, 'x');
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rows; i += 10'000) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int j = i; j < i + 10'000 && j < rows; ++j) {
      std::string k = std::string("key-").append(std::to_string(j));
      sqlite3_bind_text(st, 1, k.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, payload.c_str(), -1, SQLITE_STATIC);
      sqlite3_step(st);
      sqlite3_reset(st);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows / secs;
}

}  // namespace rivulet::bench

#endif  // RIVULET_BENCH_SQLITE_CEILING_H_

#ifndef RIVULET_STORE_SQLITE_CONNECTION_H_
#define RIVULET_STORE_SQLITE_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rivulet::store::sqlite {

// A prepared statement, reset on every Bind-from-scratch. Not thread-safe; owned by its
// Connection's cache.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Resets the statement and clears bindings; returns *this to chain binds.
  Statement& Reset();
  Statement& Bind(int index, int64_t v);
  Statement& Bind(int index, std::string_view v);  // copied
  Statement& Bind(int index, const std::string& v) { return Bind(index, std::string_view(v)); }
  Statement& Bind(int index, const char* v) { return Bind(index, std::string_view(v)); }
  // Not copied: v must stay valid until the statement has been stepped to completion.
  Statement& BindView(int index, std::string_view v);
  Statement& BindBlob(int index, std::string_view v);
  Statement& Bind(int index, const std::optional<std::string>& v);
  Statement& BindNull(int index);

  // Steps once. Returns true while a row is available, false when done; errors are
  // mapped to a Status (SQLITE_CONSTRAINT_UNIQUE -> AlreadyExists, BUSY -> Unavailable).
  core::Result<bool> Step();
  // Steps to completion, discarding rows.
  core::Status Exec();

  int64_t Int(int col) const;
  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  bool IsNull(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

// One SQLite connection with a prepared-statement cache. Not thread-safe: each thread
// uses its own connection.
class Connection {
 public:
  // Opens path (created with mode 0600 if missing), sets WAL and the given pragmas.
  static core::Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                        const std::string& synchronous);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text that may hold several statements and no parameters.
  core::Status ExecScript(std::string_view sql);
  // Runs one parameterless statement through the statement cache (BEGIN, SAVEPOINT, …).
  core::Status Exec(std::string_view sql);
  // The cached prepared statement for sql, reset and ready to bind.
  core::Result<Statement*> Prepare(std::string_view sql);
  int64_t LastInsertId() const;
  // True while a transaction is open (SQLite may end one by itself after an I/O error).
  bool InTransaction() const;
  int Changes() const;  // rows changed by the last statement
  // PRAGMA data_version: moves when another connection commits to the file (not when this
  // one does). Read inside a transaction, it is the value of that transaction's snapshot.
  core::Result<int64_t> DataVersion();
  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Keyed by SQL text; looked up by string_view without copying it.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// Maps an SQLite result code to a Status; `what` prefixes the message.
core::Status SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_CONNECTION_H_

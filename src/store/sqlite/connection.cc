#include "store/sqlite/connection.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <string>

#include "store/sqlite/wal_batching_vfs.h"
namespace rivulet::store::sqlite {

using core::Result;
using core::Status;

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return core::AlreadyExists(msg);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return core::Unavailable(msg);
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR) {
    return Status(core::Code::kUnavailable, msg, /*retryable=*/true);
  }
  if (primary == SQLITE_CONSTRAINT) return core::FailedPrecondition(msg);
  return core::Internal(msg);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

Statement& Statement::Bind(int index, int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindView(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view v) {
  sqlite3_bind_blob(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<std::string>& v) {
  if (v) return Bind(index, std::string_view(*v));
  return BindNull(index);
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // The extended code carries the UNIQUE distinction.
  sqlite3* db = sqlite3_db_handle(stmt_);
  Status st = SqliteError(db, sqlite3_extended_errcode(db), "sqlite step");
  sqlite3_reset(stmt_);
  return st;
}

Status Statement::Exec() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
  }
  sqlite3_reset(stmt_);
  return Status::Ok();
}

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::Text(int col) const {
  const auto* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), n) : std::string();
}

std::optional<std::string> Statement::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

std::optional<int64_t> Statement::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const std::string& synchronous) {
  // Create the file ourselves so it is private to the owner from the first byte.
  if (path != ":memory:" && access(path.c_str(), F_OK) != 0) {
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) return core::Unavailable("cannot create database file " + path);
    ::close(fd);
  }
  // SQLite's memory statistics take a global mutex on every allocation (~4 % of the writer's
  // instructions on batch enrollment); Rivulet never reads them. Must precede the library's
  // initialization, so it is done once, before the first connection.
  static std::once_flag no_memstatus;
  std::call_once(no_memstatus, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           WalBatchingVfsName());
  if (rc != SQLITE_OK) {
    Status st = SqliteError(db, rc, "open " + path);
    sqlite3_close(db);
    return st;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  std::string pragmas =
      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=" + synchronous +
      "; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;";
  RIVULET_RETURN_IF_ERROR(conn->ExecScript(pragmas));
  return conn;
}

Connection::~Connection() {
  cache_.clear();
  sqlite3_close(db_);
}

Status Connection::ExecScript(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return SqliteError(nullptr, sqlite3_extended_errcode(db_), "exec: " + msg);
  }
  return Status::Ok();
}

Status Connection::Exec(std::string_view sql) {
  RIVULET_ASSIGN_OR_RETURN(Statement * st, Prepare(sql));
  return st->Exec();
}

Result<Statement*> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return &it->second->Reset();
  std::string key(sql);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
  auto* raw = new Statement(stmt);
  cache_.emplace(std::move(key), std::unique_ptr<Statement>(raw));
  return raw;
}

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

int64_t Connection::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

int Connection::Changes() const { return sqlite3_changes(db_); }

Result<int64_t> Connection::DataVersion() {
  RIVULET_ASSIGN_OR_RETURN(Statement * st, Prepare("PRAGMA data_version"));
  RIVULET_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return core::Internal("PRAGMA data_version returned no row");
  int64_t version = st->Int(0);
  st->Reset();
  return version;
}

}  // namespace rivulet::store::sqlite

#ifndef RIVULET_STORE_POSTGRES_PG_CONNECTION_H_
#define RIVULET_STORE_POSTGRES_PG_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"

struct pg_conn;
struct pg_result;

namespace rivulet::store::postgres {

// Positional parameters ($1, $2, …) sent in text format; nullopt is SQL NULL.
class Params {
 public:
  Params& Add(int64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  Params& Add(int v) { return Add(int64_t{v}); }
  Params& Add(bool v) { return Add(int64_t{v ? 1 : 0}); }
  Params& Add(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
  }
  Params& Add(const std::string& v) { return Add(std::string_view(v)); }
  Params& Add(const char* v) { return Add(std::string_view(v)); }
  Params& Add(const std::optional<std::string>& v) {
    values_.push_back(v);
    return *this;
  }
  Params& Add(const std::optional<int64_t>& v) {
    if (v) return Add(*v);
    return Null();
  }
  Params& Null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  // Raw bytes, sent hex-encoded; the SQL side decodes with decode($n, 'hex').
  Params& AddHex(std::string_view bytes);
  // The statement is planned at each run, for these values and the tables as they are then,
  // instead of once per connection. For lookups whose right index PostgreSQL can only tell
  // from table statistics: a plan cached while a table is new and not yet analyzed can pick
  // an index that scans the whole workspace and keep it as the table grows.
  Params& PlanEachRun() {
    plan_each_run_ = true;
    return *this;
  }

  const std::vector<std::optional<std::string>>& values() const { return values_; }
  bool plan_each_run() const { return plan_each_run_; }

 private:
  std::vector<std::optional<std::string>> values_;
  bool plan_each_run_ = false;
};

// The rows of one statement's result, in text format. Move-only; frees the libpq result.
class Rows {
 public:
  explicit Rows(pg_result* res);
  ~Rows();
  Rows(Rows&& other) noexcept : res_(other.res_) { other.res_ = nullptr; }
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  int64_t affected() const;  // rows changed by INSERT/UPDATE/DELETE
  bool IsNull(int row, int col) const;
  int64_t Int(int row, int col) const;
  std::string Text(int row, int col) const;
  std::optional<std::string> OptText(int row, int col) const;
  std::optional<int64_t> OptInt(int row, int col) const;
  bool Bool(int row, int col) const;        // "t" / "1"
  std::string Hex(int row, int col) const;  // decodes a hex-encoded text column to bytes

 private:
  pg_result* res_;
};

// Appends v as one element of a PostgreSQL array literal in text form (after a ',' unless
// out is just "{"): NULL, or the value double-quoted with `"` and `\` escaped.
void AppendArrayElement(std::string& out, const std::optional<std::string>& v);

// A write whose rows are deferred and then written together (Connection::DeferRow): `sql`
// takes each column of a row as an array parameter (… FROM unnest($1::text[],
// $2::bigint[], …) AS v(…)); key_param is the column that identifies the row. Only the
// last deferred row per key is written, as running one statement per row in order would
// leave it. The forms' statements run one after another in order of first use, so rows of
// different forms must not depend on each other (they write different tables).
struct BulkForm {
  const char* sql;
  size_t key_param;
};

// Session settings every connection gets at open.
struct SessionOptions {
  int connect_timeout_seconds = 5;
  int statement_timeout_ms = 30'000;
  int idle_in_transaction_timeout_ms = 60'000;
  std::string application_name = "rivulet";
};

// One libpq connection with a prepared-statement cache keyed by SQL text. Not thread-safe:
// each thread uses its own connection (the store pools them).
class Connection {
 public:
  // Connects to url (a postgres:// URI or key=value string) and applies the session
  // options. Unreachable servers and bad credentials come back as Unavailable naming the
  // server (never the password).
  static core::Result<std::unique_ptr<Connection>> Open(const std::string& url,
                                                        const SessionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs parameterless SQL (may hold several statements).
  core::Status Exec(std::string_view sql);
  // Prepares sql once per connection, then executes it with params.
  core::Result<Rows> Query(std::string_view sql, const Params& params = {});
  // Runs the statements in order in one round trip (libpq pipeline mode), each prepared as
  // Query does; each sees the effects of those before it, as with separate Query calls.
  // Returns every statement's rows, or the first error (later statements do not run).
  // Outside a transaction block the statements run as one implicit transaction.
  core::Result<std::vector<Rows>> QueryPipelined(
      const std::vector<std::pair<std::string_view, Params>>& statements);
  // Queues one row of a write whose only outcome is success or failure. The queued rows of
  // each form become one statement, sent in the same round trip as the next statement this
  // connection runs (pipeline mode), so the writes cost no round trip of their own. With
  // expect_row, a form's statement that changes fewer rows than it was given fails with
  // NotFound("<expect_row> not found"). A deferred write's error is the error of that next
  // Query, Exec or QueryPipelined, which sends the queue first: nothing read afterwards can
  // miss a deferred change.
  void DeferRow(const BulkForm& form, Params row, const char* expect_row = nullptr);
  // Opens a transaction block (BEGIN, then SAVEPOINT `savepoint` when given) without a
  // round trip of its own: the statements lead the next pipeline, ahead of deferred rows.
  // Their errors, like a deferred row's, are the error of that next statement.
  void BeginLazily(const char* savepoint = nullptr);
  // Sends the queued rows now (one round trip; none when the queue is empty).
  core::Status SendDeferred();
  // Forgets the queued rows unsent, before a rollback would undo them anyway. A lazy BEGIN
  // stays: the transaction it opens is still the caller's to end.
  void DiscardDeferred() { deferred_.clear(); }
  size_t deferred() const { return deferred_.size(); }
  // Whether the connection is inside a transaction block that an error has aborted (only
  // ROLLBACK is accepted): after a failed pipeline that ends in COMMIT, a statement before
  // the COMMIT failed and nothing was committed.
  bool InFailedTransaction() const;
  // False once the server went away; the connection must then be replaced.
  bool ok() const;
  int socket() const;
  pg_conn* raw() { return conn_; }

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  core::Status ResultError(pg_result* res, std::string_view what);
  // The name of sql's prepared statement, preparing it on first use.
  core::Result<std::string> Prepared(std::string_view sql, size_t params);

  struct Deferred {
    const BulkForm* form;
    Params row;
    const char* expect_row;
  };
  // The deferred rows of one form as one statement's array parameters.
  struct BulkRows {
    const BulkForm* form;
    Params params;
    const char* expect_row;
    int64_t rows;
  };
  static std::vector<BulkRows> CoalesceBulk(const std::vector<Deferred>& deferred);
  // Runs the deferred rows' statements, then `statements`, in one pipeline; returns the
  // rows of `statements` only.
  core::Result<std::vector<Rows>> RunPipeline(
      const std::vector<std::pair<std::string_view, Params>>& statements);

  pg_conn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  std::vector<std::string> lead_;                          // BeginLazily's statements, not yet sent
  std::vector<Deferred> deferred_;
};

// Maps an SQLSTATE to a Status code: unique violation -> AlreadyExists, other integrity
// violations -> FailedPrecondition, serialization failure, deadlock, timeouts and lost
// connections -> Unavailable (retryable), anything else -> Internal.
core::Status PgError(std::string_view sqlstate, std::string message);

// True for the errors after which a job may simply run again (serialization failure,
// deadlock).
bool IsRetryableConflict(const core::Status& st);

// url with any password replaced by "***", for logs and error messages.
std::string RedactUrl(const std::string& url);

bool IsPostgresUrl(std::string_view s);

}  // namespace rivulet::store::postgres

#endif  // RIVULET_STORE_POSTGRES_PG_CONNECTION_H_

#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>

namespace rivulet::store::postgres {

using core::Result;
using core::Status;

namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

bool IsPostgresUrl(std::string_view s) {
  return s.rfind("postgres://", 0) == 0 || s.rfind("postgresql://", 0) == 0;
}

std::string RedactUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Status PgError(std::string_view sqlstate, std::string message) {
  std::string msg = Trim(std::move(message)) + " [" + std::string(sqlstate) + "]";
  if (sqlstate == "23505") return core::AlreadyExists(msg);
  if (sqlstate.substr(0, 2) == "23") return core::FailedPrecondition(msg);
  // 40001 serialization, 40P01 deadlock, 57014 statement timeout, 08xxx connection,
  // 57P0x server shutting down, 53xxx out of resources, 55P03 lock not available.
  if (sqlstate.substr(0, 2) == "40" || sqlstate == "57014" || sqlstate.substr(0, 2) == "08" ||
      sqlstate.substr(0, 3) == "57P" || sqlstate.substr(0, 2) == "53" || sqlstate == "55P03") {
    return core::Unavailable(msg);
  }
  return core::Internal(msg);
}

bool IsRetryableConflict(const Status& st) {
  return st.code() == core::Code::kUnavailable &&
         (st.message().find("[40001]") != std::string::npos ||
          st.message().find("[40P01]") != std::string::npos);
}

Params& Params::AddHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  values_.emplace_back(std::move(out));
  return *this;
}

Rows::Rows(pg_result* res) : res_(res) {}

Rows::~Rows() {
  if (res_) PQclear(res_);
}

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (res_) PQclear(res_);
    res_ = other.res_;
    other.res_ = nullptr;
  }
  return *this;
}

int Rows::size() const { return res_ ? PQntuples(res_) : 0; }

int64_t Rows::affected() const {
  const char* n = res_ ? PQcmdTuples(res_) : "";
  return *n ? std::strtoll(n, nullptr, 10) : 0;
}

bool Rows::IsNull(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }

int64_t Rows::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  return std::strtoll(PQgetvalue(res_, row, col), nullptr, 10);
}

std::string Rows::Text(int row, int col) const {
  return std::string(PQgetvalue(res_, row, col), PQgetlength(res_, row, col));
}

std::optional<std::string> Rows::OptText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

std::optional<int64_t> Rows::OptInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

bool Rows::Bool(int row, int col) const {
  const char* v = PQgetvalue(res_, row, col);
  return v[0] == 't' || v[0] == '1';
}

std::string Rows::Hex(int row, int col) const {
  std::string hex = Text(row, col);
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(HexValue(hex[i]) * 16 + HexValue(hex[i + 1])));
  }
  return out;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url,
                                                     const SessionOptions& options) {
  std::string timeout = std::to_string(options.connect_timeout_seconds);
  // Defaults first: values in the URL override them (expand_dbname).
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), options.application_name.c_str(), url.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return core::Unavailable("cannot allocate a PostgreSQL connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = Trim(PQerrorMessage(conn));
    PQfinish(conn);
    return core::Unavailable("cannot connect to PostgreSQL at " + RedactUrl(url) + ": " + msg);
  }
  // Server notices (e.g. "terminating connection") go to the log, not to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char* message) { spdlog::debug("postgres: {}", Trim(message)); },
      nullptr);
  std::unique_ptr<Connection> c(new Connection(conn));
  std::string set = "SET statement_timeout = " + std::to_string(options.statement_timeout_ms) +
                    "; SET idle_in_transaction_session_timeout = " +
                    std::to_string(options.idle_in_transaction_timeout_ms) +
                    "; SET client_min_messages = warning";
  RIVULET_RETURN_IF_ERROR(c->Exec(set));
  return c;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::ok() const { return PQstatus(conn_) == CONNECTION_OK; }

int Connection::socket() const { return PQsocket(conn_); }

Status Connection::ResultError(pg_result* res, std::string_view what) {
  if (res == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = Trim(PQerrorMessage(conn_));
    if (res) PQclear(res);
    return core::Unavailable(std::string(what) + ": database connection lost: " + msg);
  }
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  Status st =
      PgError(state ? state : "XX000", std::string(what) + ": " + PQresultErrorMessage(res));
  PQclear(res);
  return st;
}

void AppendArrayElement(std::string& out, const std::optional<std::string>& v) {
  if (out.size() > 1) out.push_back(',');
  if (!v) {
    out += "NULL";
    return;
  }
  out.push_back('"');
  for (char c : *v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

std::vector<Connection::BulkRows> Connection::CoalesceBulk(const std::vector<Deferred>& deferred) {
  std::vector<BulkRows> out;
  // Per form, in order of first use: the deferred index of each key's last row, in order of
  // the key's first use, and where each key sits in it.
  std::vector<std::vector<size_t>> order;
  std::vector<std::unordered_map<std::string, size_t>> position;
  for (size_t i = 0; i < deferred.size(); ++i) {
    const Deferred& d = deferred[i];
    size_t f = 0;
    while (f < out.size() && out[f].form != d.form) ++f;
    if (f == out.size()) {
      out.push_back(BulkRows{d.form, Params(), d.expect_row, 0});
      order.emplace_back();
      position.emplace_back();
    }
    const auto& key = d.row.values()[d.form->key_param];
    auto [it, fresh] = position[f].try_emplace(key.value_or(""), order[f].size());
    if (fresh) {
      order[f].push_back(i);
    } else {
      order[f][it->second] = i;  // the later row replaces the earlier one in its place
    }
  }
  for (size_t f = 0; f < out.size(); ++f) {
    const size_t columns = deferred[order[f].front()].row.values().size();
    for (size_t c = 0; c < columns; ++c) {
      std::string column = "{";
      for (size_t idx : order[f]) AppendArrayElement(column, deferred[idx].row.values()[c]);
      column.push_back('}');
      out[f].params.Add(column);
    }
    out[f].rows = static_cast<int64_t>(order[f].size());
  }
  return out;
}

void Connection::DeferRow(const BulkForm& form, Params row, const char* expect_row) {
  deferred_.push_back(Deferred{&form, std::move(row), expect_row});
}

void Connection::BeginLazily(const char* savepoint) {
  lead_.emplace_back("BEGIN");
  if (savepoint) lead_.push_back(std::string("SAVEPOINT ") + savepoint);
}

Status Connection::SendDeferred() {
  if (deferred_.empty() && lead_.empty()) return Status::Ok();
  return RunPipeline({}).status();
}

bool Connection::InFailedTransaction() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

Status Connection::Exec(std::string_view sql) {
  // Exec's simple-query protocol cannot join a pipeline: the queue goes first, on its own.
  RIVULET_RETURN_IF_ERROR(SendDeferred());
  std::string text(sql);
  pg_result* res = PQexec(conn_, text.c_str());
  ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return ResultError(res, "postgres exec");
  PQclear(res);
  return Status::Ok();
}

Result<std::string> Connection::Prepared(std::string_view sql, size_t params) {
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it != prepared_.end()) return it->second;
  std::string name = fmt::format("s{}", prepared_.size());
  pg_result* res = PQprepare(conn_, name.c_str(), key.c_str(), static_cast<int>(params), nullptr);
  if (res == nullptr || PQresultStatus(res) != PGRES_COMMAND_OK) {
    return ResultError(res, "postgres prepare");
  }
  PQclear(res);
  prepared_.emplace(std::move(key), name);
  return name;
}

namespace {
std::vector<const char*> Pointers(const Params& params) {
  const auto& vals = params.values();
  std::vector<const char*> ptrs(vals.size());
  for (size_t i = 0; i < vals.size(); ++i) ptrs[i] = vals[i] ? vals[i]->c_str() : nullptr;
  return ptrs;
}
}  // namespace

Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
  if (!deferred_.empty() || !lead_.empty()) {
    RIVULET_ASSIGN_OR_RETURN(std::vector<Rows> rows, RunPipeline({{sql, params}}));
    return std::move(rows.back());
  }
  std::vector<const char*> ptrs = Pointers(params);
  pg_result* res = nullptr;
  if (params.plan_each_run()) {
    const std::string text(sql);
    res = PQexecParams(conn_, text.c_str(), static_cast<int>(ptrs.size()), nullptr, ptrs.data(),
                       nullptr, nullptr, /*resultFormat=*/0);
  } else {
    RIVULET_ASSIGN_OR_RETURN(std::string name, Prepared(sql, params.values().size()));
    res = PQexecPrepared(conn_, name.c_str(), static_cast<int>(ptrs.size()), ptrs.data(), nullptr,
                         nullptr, /*resultFormat=*/0);
  }
  ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return ResultError(res, "postgres query");
  return Rows(res);
}

Result<std::vector<Rows>> Connection::QueryPipelined(
    const std::vector<std::pair<std::string_view, Params>>& statements) {
  return RunPipeline(statements);
}

Result<std::vector<Rows>> Connection::RunPipeline(
    const std::vector<std::pair<std::string_view, Params>>& statements) {
  std::vector<std::string> lead = std::move(lead_);
  lead_.clear();
  std::vector<BulkRows> bulks = CoalesceBulk(deferred_);
  deferred_.clear();
  // Every statement of the pipeline: the lazy BEGIN's, the deferred rows', then the given.
  const Params none;
  std::vector<std::pair<std::string_view, const Params*>> all;
  all.reserve(lead.size() + bulks.size() + statements.size());
  for (const auto& sql : lead) all.emplace_back(sql, &none);
  for (const auto& b : bulks) all.emplace_back(b.form->sql, &b.params);
  for (const auto& [sql, params] : statements) all.emplace_back(sql, &params);
  if (all.empty()) return std::vector<Rows>{};
  // Prepared statements' names; a statement planned at each run is sent as its text.
  std::vector<std::string> names;
  names.reserve(all.size());
  for (const auto& [sql, params] : all) {
    if (params->plan_each_run()) {
      names.emplace_back(sql);
      continue;
    }
    RIVULET_ASSIGN_OR_RETURN(std::string name, Prepared(sql, params->values().size()));
    names.push_back(std::move(name));
  }
  if (PQenterPipelineMode(conn_) != 1) return ResultError(nullptr, "postgres pipeline");
  bool sent = true;
  for (size_t i = 0; i < all.size() && sent; ++i) {
    std::vector<const char*> ptrs = Pointers(*all[i].second);
    const int n = static_cast<int>(ptrs.size());
    sent = (all[i].second->plan_each_run()
                ? PQsendQueryParams(conn_, names[i].c_str(), n, nullptr, ptrs.data(), nullptr,
                                    nullptr, /*resultFormat=*/0)
                : PQsendQueryPrepared(conn_, names[i].c_str(), n, ptrs.data(), nullptr, nullptr,
                                      /*resultFormat=*/0)) == 1;
  }
  sent = sent && PQpipelineSync(conn_) == 1;
  if (!sent) {
    (void)PQexitPipelineMode(conn_);
    return ResultError(nullptr, "postgres pipeline");
  }
  // One result (then NULL) per statement, then the sync's result; all must be read before
  // the connection leaves pipeline mode.
  std::vector<Rows> out;
  Status first_error;
  for (size_t i = 0; i < all.size(); ++i) {
    pg_result* res = PQgetResult(conn_);
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
      Rows rows(res);
      if (i >= lead.size() + bulks.size()) {
        out.push_back(std::move(rows));
      } else if (i >= lead.size()) {
        const BulkRows& b = bulks[i - lead.size()];
        if (b.expect_row && rows.affected() < b.rows && first_error.ok()) {
          first_error = core::NotFound(std::string(b.expect_row) + " not found");
        }
      }
    } else if (res == nullptr) {
      first_error = ResultError(nullptr, "postgres pipeline");
      break;
    } else if (first_error.ok()) {
      first_error = ResultError(res, "postgres query");
    } else {
      PQclear(res);
    }
    while (pg_result* extra = PQgetResult(conn_)) PQclear(extra);
  }
  while (pg_result* res = PQgetResult(conn_)) {
    bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
    PQclear(res);
    if (sync) break;
  }
  if (PQexitPipelineMode(conn_) != 1 && first_error.ok()) {
    first_error = ResultError(nullptr, "postgres pipeline");
  }
  if (!first_error.ok()) return first_error;
  return out;
}

}  // namespace rivulet::store::postgres

#include "store/postgres/pg_event_buffer.h"

#include <algorithm>
#include <optional>

namespace rivulet::store::postgres {

namespace {

// The columns of the events table as array literals, one element per row.
struct Columns {
  std::string id = "{", workspace_id = "{", uuid = "{", contact_id = "{", type = "{", data = "{",
              occurred_at = "{", received_at = "{", idempotency_key = "{";

  void Add(const core::Event& e) {
    AppendArrayElement(id, std::to_string(e.id));
    AppendArrayElement(workspace_id, std::to_string(e.workspace_id));
    AppendArrayElement(uuid, e.uuid);
    AppendArrayElement(contact_id, std::to_string(e.contact_id));
    AppendArrayElement(type, e.type);
    AppendArrayElement(data, e.data_json);
    AppendArrayElement(occurred_at, std::to_string(e.occurred_at));
    AppendArrayElement(received_at, std::to_string(e.received_at));
    AppendArrayElement(idempotency_key, e.idempotency_key);
  }

  Params Close() {
    Params p;
    for (std::string* s : {&id, &workspace_id, &uuid, &contact_id, &type, &data, &occurred_at,
                           &received_at, &idempotency_key}) {
      s->push_back('}');
      p.Add(*s);
    }
    return p;
  }
};

// One statement (so one prepared plan) for any number of rows: the columns travel as arrays.
constexpr const char* kInsertRows =
    "INSERT INTO events (id, workspace_id, uuid, contact_id, type, data, occurred_at, "
    "received_at, idempotency_key) SELECT * FROM unnest($1::bigint[], $2::bigint[], "
    "$3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[])";

std::string KeyOf(int64_t workspace_id, const std::string& key) {
  return std::to_string(workspace_id) + ":" + key;
}

}  // namespace

core::Result<int64_t> EventIdPool::Next(Connection& conn) {
  std::lock_guard lock(mu_);
  if (ids_.empty()) {
    // The sequence is looked up once per block, in the subquery (OFFSET 0 keeps PostgreSQL
    // from folding it into the outer query, which would look it up for every id: 2.6 µs
    // an id instead of 0.5).
    RIVULET_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT nextval(q.seq) FROM (SELECT pg_get_serial_sequence('events', 'id')"
                   "::regclass AS seq OFFSET 0) q, generate_series(1, $1)",
                   Params().Add(int64_t{kBlock})));
    for (int i = 0; i < rows.size(); ++i) ids_.push_back(rows.Int(i, 0));
    std::sort(ids_.rbegin(), ids_.rend());
    if (ids_.empty()) return core::Internal("the events sequence returned no ids");
  }
  int64_t id = ids_.back();
  ids_.pop_back();
  return id;
}

core::Status EventBuffer::Add(Connection& conn, core::Event& e) {
  RIVULET_ASSIGN_OR_RETURN(e.id, ids_->Next(conn));
  rows_.push_back(e);
  if (e.idempotency_key) keys_.insert(KeyOf(e.workspace_id, *e.idempotency_key));
  return core::Status::Ok();
}

bool EventBuffer::HasKey(int64_t workspace_id, const std::string& key) const {
  return keys_.count(KeyOf(workspace_id, key)) != 0;
}

void EventBuffer::IndexKeys() {
  keys_.clear();
  for (const auto& e : rows_) {
    if (e.idempotency_key) keys_.insert(KeyOf(e.workspace_id, *e.idempotency_key));
  }
}

std::vector<std::pair<std::string_view, Params>> EventBuffer::InsertStatements() const {
  std::vector<std::pair<std::string_view, Params>> out;
  for (size_t first = 0; first < rows_.size(); first += kRowsPerInsert) {
    Columns cols;
    size_t end = std::min(rows_.size(), first + kRowsPerInsert);
    for (size_t i = first; i < end; ++i) cols.Add(rows_[i]);
    out.emplace_back(kInsertRows, cols.Close());
  }
  return out;
}

core::Status EventBuffer::Flush(Connection& conn) {
  if (rows_.empty()) return core::Status::Ok();
  for (const auto& [sql, params] : InsertStatements()) {
    core::Status st = conn.Query(sql, params).status();
    if (!st.ok()) {
      failed_ = true;
      return st;
    }
  }
  // Released jobs' rows now live in this job's savepoint: keep them in case it rolls back.
  flushed_in_job_.insert(flushed_in_job_.end(), rows_.begin(),
                         rows_.begin() + static_cast<std::ptrdiff_t>(job_start_));
  rows_.clear();
  keys_.clear();
  job_start_ = 0;
  return core::Status::Ok();
}

void EventBuffer::BeginJob() {
  job_start_ = rows_.size();
  flushed_in_job_.clear();
}

void EventBuffer::ReleaseJob() { BeginJob(); }

void EventBuffer::RollbackJob() {
  rows_.resize(job_start_);
  rows_.insert(rows_.begin(), flushed_in_job_.begin(), flushed_in_job_.end());
  IndexKeys();
  BeginJob();
}

void EventBuffer::Reset() {
  rows_.clear();
  keys_.clear();
  flushed_in_job_.clear();
  job_start_ = 0;
  failed_ = false;
}

}  // namespace rivulet::store::postgres

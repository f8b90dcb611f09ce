#ifndef RIVULET_STORE_POSTGRES_PG_EVENT_BUFFER_H_
#define RIVULET_STORE_POSTGRES_PG_EVENT_BUFFER_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/model.h"
#include "store/postgres/pg_connection.h"

namespace rivulet::store::postgres {

// Event rows of one group commit, written as multi-row INSERTs instead of one statement
// each (events are the bulk of ingestion and the engine reads none of them back while it
// ingests). Used by the store's writer thread only.
//
// Ids come from a block of the events sequence reserved ahead (EventIdPool, like the
// sequence option CACHE 64: ids stay increasing within this process; across processes, as
// always, id order is not commit order), so InsertEvent still hands back the row's id at once.
//
// Deferring the INSERT defers its errors (a duplicate idempotency key, a missing contact)
// to the flush. The store therefore treats a failed flush by running the whole group
// commit again without the buffer, statement by statement, where each job sees its own
// error exactly as before (see PgStore::CommitBatch). Reads that could see buffered rows
// flush them first (PgTxn: ListEvents, deleting contacts or workspaces, a lookup of an
// idempotency key that is buffered).
//
// Each job runs inside a savepoint; Begin/Release/RollbackJob mirror it so that a job's
// rows vanish with its savepoint, and rows of earlier jobs flushed inside a job that then
// rolls back return to the buffer.
class EventIdPool;

class EventBuffer {
 public:
  static constexpr size_t kRowsPerInsert = 1000;

  explicit EventBuffer(EventIdPool* ids) : ids_(ids) {}

  // Buffers e, giving it the next reserved id (reserving a block when none is left).
  core::Status Add(Connection& conn, core::Event& e);
  // Whether a buffered row has this workspace and idempotency key.
  bool HasKey(int64_t workspace_id, const std::string& key) const;
  bool empty() const { return rows_.empty(); }
  // Writes every buffered row. On failure the rows stay buffered and failed() is set.
  core::Status Flush(Connection& conn);
  // The statements that write every buffered row, for a caller that sends them itself (the
  // group commit's last round trip, which handles their failure).
  std::vector<std::pair<std::string_view, Params>> InsertStatements() const;
  bool failed() const { return failed_; }

  void BeginJob();
  void ReleaseJob();
  void RollbackJob();
  // Forgets every row and the failure (a new group commit); reserved ids are kept.
  void Reset();

 private:
  void IndexKeys();  // rebuilds keys_ from rows_

  std::vector<core::Event> rows_;
  std::unordered_set<std::string> keys_;     // workspace id + idempotency key of rows_
  size_t job_start_ = 0;                     // rows_[0, job_start_) belong to released jobs
  std::vector<core::Event> flushed_in_job_;  // released jobs' rows flushed in this job
  EventIdPool* ids_;
  bool failed_ = false;
};

// Event ids reserved ahead from the events sequence, shared by the writers of a process, so
// that ids follow the order in which the process stored its events: an event stored after
// another was acknowledged gets the larger id, whichever writer stores it. Thread-safe.
class EventIdPool {
 public:
  static constexpr size_t kBlock = 64;  // ids reserved per round trip
  // The next id, reserving a block over conn when none is left.
  core::Result<int64_t> Next(Connection& conn);

 private:
  std::mutex mu_;
  std::vector<int64_t> ids_;  // reserved, unused ids, in descending order
};

}  // namespace rivulet::store::postgres

#endif  // RIVULET_STORE_POSTGRES_PG_EVENT_BUFFER_H_

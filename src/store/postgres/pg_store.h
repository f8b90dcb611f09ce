#ifndef RIVULET_STORE_POSTGRES_PG_STORE_H_
#define RIVULET_STORE_POSTGRES_PG_STORE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_txn.h"
#include "store/store.h"
#include "store/write_queue.h"

namespace rivulet::store::postgres {

struct PgOptions {
  std::string url;                       // postgres://user:password@host:port/db?…
  size_t max_batch = 1024;               // write jobs per group commit
  size_t max_queue = 100'000;            // queued jobs before Write fails fast (backpressure)
  size_t readers = 8;                    // pooled read connections
  size_t writers = 2;                    // writer connections, each with its own group commits
  SessionOptions session;                // statement_timeout, connect timeout, …
  int job_retries = 3;                   // reruns of a job hit by a deadlock/serialization error
  core::Millis reconnect_initial = 100;  // first back-off after losing the server
  core::Millis reconnect_max = 5'000;    // longest back-off
  bool listen = true;                    // LISTEN for other processes' work
  std::string owner;                     // lease owner id; "" makes host:pid:random
  bool batch_events = true;              // multi-row event INSERTs per group commit
  // A writer waking to fewer jobs while another writer is busy waits this long for this
  // many (WriteQueue::Gather); gather_jobs = 0 takes whatever is queued at once.
  size_t gather_jobs = 32;
  std::chrono::microseconds gather_wait{500};
};

// Store on a PostgreSQL 15 database, shared by any number of Rivulet processes.
//
// Like the SQLite store, writer threads apply queued writes in group commits (one
// transaction, a savepoint per job, `done` after COMMIT on a completion thread); readers use
// pooled connections. Unlike SQLite, PostgreSQL takes several writers at once, and a writer
// spends most of its time waiting for round trips: `writers` threads, each with its own
// connection, take group commits from one queue. Jobs queued one after the other may
// therefore commit in either order, as jobs of two processes always could; a caller that
// needs an order waits for the first job's `done`. Every statement is prepared once per connection.
// If the server goes away the writer fails the batch in flight with a retryable Unavailable,
// reconnects with exponential back-off and carries on; broken reader connections are dropped from
// the pool. Events inserted in a group commit are written together in multi-row INSERTs at its end
// (EventBuffer); if that fails, the group commit runs again statement by statement, so each
// job gets exactly the result it would have had.
//
// Several processes coordinate only through the database: due tokens are claimed with
// FOR UPDATE SKIP LOCKED inside the transaction that advances them, outbox messages under a
// lease (owner + expiry), and a commit that makes work due sends NOTIFY rivulet_work, which
// the other processes' listeners turn into a SetWorkListener callback.
// (Not on the Store interface: the SQLite store has one process and nothing to hear.)
class PgStore final : public Store {
 public:
  // Connects (without migrating). Fails with Unavailable naming the server if it cannot.
  static Result<std::unique_ptr<PgStore>> Open(PgOptions options);
  ~PgStore() override;  // drains queued writes, then stops the threads

  Result<int> Migrate() override;
  void Write(WriteFn fn, Done done) override;
  void Write(WriteFn fn, Done done, WriteHint hint) override;
  Status Read(const ReadFn& fn) override;
  StoreStats Stats() const override;
  // fn runs (on the listener thread) when another process committed work that may be due
  // now: tokens given a wake-up time, messages made pending. fn must be quick (wake a worker).
  void SetWorkListener(std::function<void()> fn);

  const std::string& owner() const { return options_.owner; }

 private:
  using Job = WriteQueue::Job;

  // One writer thread's state.
  struct Writer {
    Writer(size_t index, EventIdPool* ids) : index(index), events(ids) {}
    const size_t index;  // in logs
    std::unique_ptr<Connection> conn;
    core::Millis backoff = 0;
    int64_t counter_shard = 0;  // the counter rows this writer adds to
    EventBuffer events;
    GroupCache cache;  // one group commit's reads of seldom-changing state
    std::thread thread;
  };

  explicit PgStore(PgOptions options);
  void WriterLoop(Writer& w);
  void CompletionLoop();
  void ListenLoop();
  void Complete(std::vector<WriteQueue::Outcome> dones);
  // Tries the group commit first the quick way (buffered events, no savepoints), and again
  // more carefully when that way fails (TryCommitBatch).
  void CommitBatch(Writer& w, std::vector<Job>& batch);
  enum class Attempt {
    kCompleted,        // committed, or failed as a whole: every job's done was called
    kRerunIsolated,    // a job failed without a savepoint: rolled back, nothing completed
    kRerunUnbuffered,  // the buffered events could not be written: rolled back, likewise
  };
  // One attempt at the group commit, buffering events when `buffer_events`. With
  // `isolate`, each job runs inside its own savepoint, so a failed job is undone alone;
  // without, a job costs one round trip less, and the first failed job ends the attempt.
  Attempt TryCommitBatch(Writer& w, std::vector<Job>& batch, bool buffer_events, bool isolate);
  // Runs one job; its deferred writes are sent before it counts as done. With `isolate`,
  // inside the open savepoint `job`, rerunning it after a deadlock or serialization error,
  // and leaving the savepoint open for the next job unless `last`.
  Status RunJob(Writer& w, Job& job, TxnSignals& signals, EventBuffer* events, bool isolate,
                bool last);
  // Rolls back w's transaction, its deferred writes unsent.
  Status RollBack(Writer& w);
  // Makes sure w.conn is usable, reconnecting with back-off; false if it is not.
  bool EnsureWriter(Writer& w, Status* error);
  std::unique_ptr<Connection> AcquireReader(Status* error);
  void ReleaseReader(std::unique_ptr<Connection> conn);

  PgOptions options_;
  WriteQueue queue_;
  EventIdPool event_ids_;
  std::vector<std::unique_ptr<Writer>> writers_;

  std::mutex completion_mu_;
  std::condition_variable completion_cv_;
  std::deque<std::vector<WriteQueue::Outcome>> completions_;
  bool completion_stop_ = false;
  std::thread completer_;

  std::mutex listener_mu_;
  std::function<void()> on_work_;
  std::atomic<bool> listen_stop_{false};
  std::thread listener_;

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;

  std::atomic<uint64_t> commits_{0}, committed_jobs_{0}, failed_commits_{0}, max_batch_{0};
};

}  // namespace rivulet::store::postgres

#endif  // RIVULET_STORE_POSTGRES_PG_STORE_H_

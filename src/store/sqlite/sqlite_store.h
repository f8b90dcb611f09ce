#ifndef RIVULET_STORE_SQLITE_SQLITE_STORE_H_
#define RIVULET_STORE_SQLITE_SQLITE_STORE_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/contact_cache.h"
#include "store/sqlite/contact_event_backlog.h"
#include "store/sqlite/event_route_memo.h"
#include "store/sqlite/wal_sync.h"
#include "store/store.h"
#include "store/write_queue.h"

namespace rivulet::store::sqlite {

struct SqliteOptions {
  std::string path;                  // file path, created 0600 if missing
  std::string synchronous = "FULL";  // FULL: a commit survives power loss; NORMAL: app crash
  size_t max_batch = 1024;           // write jobs per group commit
  size_t max_queue = 100'000;        // queued jobs before Write fails fast (backpressure)
  size_t readers = 8;                // pooled read connections
  // WAL size (pages) that wakes the background checkpointer. 10,000 (~40 MB) rather than
  // SQLite's 1,000: pages written again before a checkpoint are copied to the database once,
  // which cut the server's CPU per ingested event by ~15 % (docs/benchmarks.md).
  int checkpoint_pages = 10000;
  // About how many new events stay out of the contact_events index before they are added in
  // sorted passes (decisions 0026, 0030). Listing or erasing a contact's events scans about
  // this many entries of events_ws_contact besides the index. 0: index every new event at
  // once (tests).
  int64_t contact_index_lag = 16384;
};

// Store on one SQLite file in WAL mode: one writer thread applies queued writes in group
// commits; readers use pooled connections and never block the writer; a checkpointer thread
// copies the WAL back into the database so the writer never pays for it. With FULL, a
// completion thread syncs the WAL (WalSync) before it reports a group commit done, while the
// writer already applies the next one.
class SqliteStore final : public Store {
 public:
  // Opens the database (without migrating). Fails if the file cannot be opened.
  static Result<std::unique_ptr<SqliteStore>> Open(SqliteOptions options);
  ~SqliteStore() override;  // drains queued writes, then stops the writer

  Result<int> Migrate() override;
  void Write(WriteFn fn, Done done) override;
  // Takes the hint's complete_on; SQLite finds the contacts without a round trip anyway.
  void Write(WriteFn fn, Done done, WriteHint hint) override;
  Status Read(const ReadFn& fn) override;
  StoreStats Stats() const override;

 private:
  using Job = WriteQueue::Job;

  explicit SqliteStore(SqliteOptions options);
  void WriterLoop();
  void CheckpointLoop();
  void CompletionLoop();
  using Dones = std::vector<WriteQueue::Outcome>;
  // Hands the batch's `done` calls to the completion thread, keeping the writer's critical
  // path free of the wake-ups (and, with FULL, the WAL sync) they wait for. committed: the
  // batch's transaction committed, so it must be durable before anyone hears of it.
  void Complete(Dones dones, bool committed);
  static int OnWalCommit(void* self, struct sqlite3* db, const char* name, int pages);
  void CommitBatch(std::vector<Job>& batch);
  // Catches contact_events up in the open group transaction when enough events are new.
  void IndexContactEvents();
  // Runs jobs in the open transaction and stores each outcome in results (sized to batch).
  // Without a job to skip, runs those from `from` on, stops at the first failure and returns
  // its index (kNoJob if none failed); with one, runs every job but `skip`, each isolated in
  // a savepoint, and returns kNoJob.
  static constexpr size_t kNoJob = static_cast<size_t>(-1);
  size_t RunJobs(std::vector<Job>& batch, std::vector<Status>& results, size_t skip, size_t from);
  std::unique_ptr<Connection> AcquireReader(Status* error);
  void ReleaseReader(std::unique_ptr<Connection> conn);

  const SqliteOptions options_;
  std::unique_ptr<Connection> writer_conn_;
  ContactEventBacklog backlog_;  // the writer's
  ContactCache contacts_;        // the writer's
  EventRouteMemo routes_;        // the writer's
  int64_t data_version_ = -1;    // the writer's PRAGMA data_version when its memos were last valid
  // The open transaction's changes are being undone (or were): the writer's memos may hold
  // what it wrote, so they are dropped and rebuilt from the database.
  void ForgetUncommitted() {
    backlog_.Invalidate();
    contacts_.Clear();
    routes_.Clear();
  }

  WriteQueue queue_;
  std::thread writer_;

  std::mutex completion_mu_;
  std::condition_variable completion_cv_;
  struct Completion {
    Dones dones;
    bool needs_sync = false;
  };
  std::deque<Completion> completions_;
  std::unique_ptr<WalSync> wal_sync_;  // FULL only; used by the completion thread
  // A committed group waits for its WAL sync or is being synced. Set with completions_
  // under completion_mu_; read by the writer to keep its next group open meanwhile.
  std::atomic<bool> sync_pending_{false};
  bool completion_stop_ = false;
  std::thread completer_;

  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool checkpoint_stop_ = false;
  std::thread checkpointer_;

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;

  std::atomic<uint64_t> commits_{0}, committed_jobs_{0}, failed_commits_{0}, max_batch_{0},
      syncs_{0}, sync_micros_{0};
};

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_SQLITE_STORE_H_

#include "store/sqlite/sqlite_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>

#include "core/clock.h"
#include "core/thread_name.h"
#include "store/migrations/migrations.h"
#include "store/sqlite/sqlite_txn.h"
#include "store/sqlite/wal_batching_vfs.h"

namespace rivulet::store::sqlite {

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(SqliteOptions options) {
  if (options.synchronous != "FULL" && options.synchronous != "NORMAL") {
    return core::InvalidArgument("sqlite synchronous must be FULL or NORMAL");
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(options)));
  // FULL durability comes from WalSync after COMMIT, so COMMIT itself need not sync.
  bool sync_after_commit =
      store->options_.synchronous == "FULL" && store->options_.path != ":memory:";
  if (sync_after_commit) store->wal_sync_ = std::make_unique<WalSync>(store->options_.path);
  RIVULET_ASSIGN_OR_RETURN(
      store->writer_conn_,
      Connection::Open(store->options_.path,
                       sync_after_commit ? "NORMAL" : store->options_.synchronous));
  RIVULET_RETURN_IF_ERROR(store->writer_conn_->ExecScript("PRAGMA wal_autocheckpoint=0"));
  sqlite3_wal_hook(store->writer_conn_->raw(), &SqliteStore::OnWalCommit, store.get());
  store->completer_ = std::thread([s = store.get()] { s->CompletionLoop(); });
  store->writer_ = std::thread([s = store.get()] { s->WriterLoop(); });
  store->checkpointer_ = std::thread([s = store.get()] { s->CheckpointLoop(); });
  return store;
}

SqliteStore::SqliteStore(SqliteOptions options)
    : options_(std::move(options)), queue_(options_.max_queue) {}

SqliteStore::~SqliteStore() {
  queue_.Stop();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(completion_mu_);
    completion_stop_ = true;
  }
  completion_cv_.notify_all();
  if (completer_.joinable()) completer_.join();
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

int SqliteStore::OnWalCommit(void* self, sqlite3*, const char*, int pages) {
  auto* store = static_cast<SqliteStore*>(self);
  if (pages >= store->options_.checkpoint_pages) {
    {
      std::lock_guard lock(store->checkpoint_mu_);
      store->checkpoint_due_ = true;
    }
    store->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteStore::CheckpointLoop() {
  core::NameThisThread("rivulet-ckpt");
  auto conn = Connection::Open(options_.path, options_.synchronous);
  if (!conn.ok()) {
    spdlog::error("checkpointer cannot open the database: {}", conn.status().ToString());
    return;
  }
  while (true) {
    {
      std::unique_lock lock(checkpoint_mu_);
      checkpoint_cv_.wait(lock, [this] { return checkpoint_due_ || checkpoint_stop_; });
      if (checkpoint_stop_) break;
      checkpoint_due_ = false;
    }
    // PASSIVE never blocks the writer or readers; what it cannot copy now waits for next time.
    int log_pages = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2((*conn)->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &log_pages, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("WAL checkpoint failed: {}", sqlite3_errstr(rc));
    }
  }
  // A final full checkpoint keeps the WAL small for the next start.
  sqlite3_wal_checkpoint_v2((*conn)->raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

Result<int> SqliteStore::Migrate() {
  int reached = 0;
  // Runs as a write job so it is serialized with every other write, on the writer's
  // connection, inside the group-commit transaction.
  Status st = WriteAndWait([this, &reached](WriteTxn&) -> Status {
    Connection& conn = *writer_conn_;
    RIVULET_RETURN_IF_ERROR(conn.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    RIVULET_ASSIGN_OR_RETURN(
        auto* cur, conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    RIVULET_ASSIGN_OR_RETURN(bool row, cur->Step());
    int current = row ? static_cast<int>(cur->Int(0)) : 0;
    cur->Reset();
    const auto& all = SqliteMigrations();
    if (current > all.back().version) {
      return core::FailedPrecondition("database schema version " + std::to_string(current) +
                                      " is newer than this binary supports (" +
                                      std::to_string(all.back().version) + ")");
    }
    for (const Migration& m : all) {
      if (m.version <= current) continue;
      RIVULET_RETURN_IF_ERROR(conn.ExecScript(m.sql));
      RIVULET_ASSIGN_OR_RETURN(
          auto* ins, conn.Prepare("INSERT INTO schema_migrations (version, name, applied_at) "
                                  "VALUES (?, ?, ?)"));
      ins->Bind(1, int64_t{m.version}).Bind(2, m.name).Bind(3, core::SystemClock::Get().Now());
      RIVULET_RETURN_IF_ERROR(ins->Exec());
      spdlog::info("applied migration {} ({})", m.version, m.name);
    }
    reached = all.back().version;
    ForgetUncommitted();  // a migration may have changed events and contacts (the writer's)
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return reached;
}

void SqliteStore::Write(WriteFn fn, Done done) { queue_.Push(std::move(fn), std::move(done)); }

void SqliteStore::Write(WriteFn fn, Done done, WriteHint hint) {
  queue_.Push(std::move(fn), std::move(done), WriteHint{.complete_on = hint.complete_on});
}

void SqliteStore::WriterLoop() {
  core::NameThisThread("rivulet-writer");
  std::vector<Job> batch;
  while (queue_.TakeBatch(batch, options_.max_batch)) CommitBatch(batch);
}

void SqliteStore::Complete(Dones dones, bool committed) {
  {
    std::lock_guard lock(completion_mu_);
    bool needs_sync = committed && wal_sync_ != nullptr;
    completions_.push_back(Completion{std::move(dones), needs_sync});
    if (needs_sync) sync_pending_ = true;
  }
  completion_cv_.notify_one();
}

void SqliteStore::CompletionLoop() {
  core::NameThisThread("rivulet-sync");
  std::deque<Completion> ready;
  while (true) {
    {
      std::unique_lock lock(completion_mu_);
      completion_cv_.wait(lock, [this] { return completion_stop_ || !completions_.empty(); });
      if (completions_.empty()) return;  // stopping and drained
      ready.swap(completions_);          // every group commit so far: one sync covers them all
    }
    bool needs_sync = false;
    for (const auto& c : ready) needs_sync = needs_sync || c.needs_sync;
    Status synced;
    if (needs_sync) {
      auto started = std::chrono::steady_clock::now();
      synced = wal_sync_->Sync();
      syncs_++;
      sync_micros_ += std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      if (!synced.ok()) spdlog::error("committed writes may not be durable: {}", synced.ToString());
    }
    // The writer may commit the group it kept open while this thread runs the callbacks.
    bool idle;
    {
      std::lock_guard lock(completion_mu_);
      idle = completions_.empty();
      if (idle) sync_pending_ = false;
    }
    if (idle) queue_.Recheck();
    for (auto& c : ready) {
      // A write that is committed but not durable is reported as failed (retryable).
      if (c.needs_sync && !synced.ok()) {
        for (auto& o : c.dones) {
          if (o.status.ok()) o.status = synced;
        }
      }
      WriteQueue::Deliver(std::move(c.dones));
    }
    ready.clear();
  }
}

// While its group is open, the writer is woken for every this many queued jobs rather than
// for each one: a wake-up costs the pushing thread a futex call and the writer a context
// switch, several microseconds each on a small VM.
constexpr size_t kWakeForJobs = 16;

size_t SqliteStore::RunJobs(std::vector<Job>& batch, std::vector<Status>& results, size_t skip,
                            size_t from) {
  SqliteTxn txn(*writer_conn_, &backlog_, &contacts_, &routes_);
  const bool isolate = skip != kNoJob;  // the second pass: each job under its own savepoint
  results.resize(batch.size());
  for (size_t i = isolate ? 0 : from; i < batch.size(); ++i) {
    if (i == skip) continue;  // failed in the first pass; its error stands
    if (isolate) {
      Status sp = writer_conn_->Exec("SAVEPOINT job");
      if (!sp.ok()) {
        results[i] = sp;
        continue;
      }
    }
    results[i] = batch[i].fn(txn);
    if (!isolate) {
      if (!results[i].ok()) return i;
      continue;
    }
    if (!results[i].ok()) {
      ForgetUncommitted();  // the job's events and contact changes, if any, are gone
      Status rb = writer_conn_->Exec("ROLLBACK TO job");
      if (!rb.ok()) spdlog::error("rollback to savepoint failed: {}", rb.ToString());
    }
    Status rel = writer_conn_->Exec("RELEASE job");
    if (!rel.ok() && results[i].ok()) results[i] = rel;
  }
  return kNoJob;
}

void SqliteStore::CommitBatch(std::vector<Job>& batch) {
  std::vector<Status> results;
  Dones dones;
  auto fail_all = [&](const Status& st) {
    ForgetUncommitted();
    for (auto& job : batch) dones.push_back(WriteQueue::OutcomeOf(job, st));
    failed_commits_++;
    Complete(std::move(dones), false);
  };
  Status begin = writer_conn_->Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) return fail_all(begin);
  // Another connection (a CLI command, say) may have committed since the last group: the
  // memos of contacts and event routes may then be stale.
  auto version = writer_conn_->DataVersion();
  if (!version.ok() || *version != data_version_) {
    contacts_.Clear();
    routes_.Clear();
  }
  data_version_ = version.ok() ? *version : -1;
  // First pass without savepoints: a savepoint makes SQLite copy every page a job touches
  // that an earlier job of the batch already changed, which costs more than the job itself.
  // When a job fails, the whole transaction is rolled back and run again with a savepoint
  // per job and without the failed one, so its partial changes never reach the commit.
  size_t failed = RunJobs(batch, results, kNoJob, 0);
  // While the previous group's WAL sync runs, committing this one would only make it wait
  // for the next sync. Keep the group open and add the jobs that arrive meanwhile: one
  // commit (and one write of each page it changes) instead of several.
  bool indexed = false;
  auto sync_pending = [this] { return sync_pending_.load(std::memory_order_acquire); };
  while (failed == kNoJob && wal_sync_ && batch.size() < options_.max_batch) {
    size_t from = batch.size();
    // Index a contact slot whose turn has come while the sync runs, rather than between the
    // sync and the commit, where the next sync waits for it.
    if (!indexed && sync_pending()) {
      IndexContactEvents();
      indexed = true;
    }
    if (queue_.TakeWhile(batch, options_.max_batch - from, kWakeForJobs, sync_pending) == 0) {
      break;
    }
    failed = RunJobs(batch, results, kNoJob, from);
  }
  if (failed != kNoJob) {
    ForgetUncommitted();  // the jobs before are rolled back and run again
    // After some errors (a full disk, say) SQLite has already rolled the transaction back.
    Status rb = writer_conn_->InTransaction() ? writer_conn_->Exec("ROLLBACK") : Status::Ok();
    if (rb.ok()) rb = writer_conn_->Exec("BEGIN IMMEDIATE");
    if (!rb.ok()) return fail_all(rb);
    RunJobs(batch, results, failed, 0);
    indexed = false;  // rolled back with the jobs
  }
  if (!indexed) IndexContactEvents();
  Status commit = writer_conn_->Exec("COMMIT");
  if (!commit.ok()) {
    spdlog::error("group commit of {} jobs failed: {}", batch.size(), commit.ToString());
    ForgetUncommitted();
    writer_conn_->Exec("ROLLBACK");
    return fail_all(Status(core::Code::kUnavailable, "database commit failed: " + commit.message(),
                           /*retryable=*/true));
  }
  // The group's WAL frames start for the disk now, while the completion thread wakes up.
  if (wal_sync_) wal_sync_->StartWriteback();
  commits_++;
  committed_jobs_ += batch.size();
  uint64_t prev = max_batch_.load();
  while (batch.size() > prev && !max_batch_.compare_exchange_weak(prev, batch.size())) {
  }
  for (size_t i = 0; i < batch.size(); ++i)
    dones.push_back(WriteQueue::OutcomeOf(batch[i], std::move(results[i])));
  Complete(std::move(dones), true);
}

void SqliteStore::IndexContactEvents() {
  // If it fails, the group commits without it and the next one tries again.
  SqliteTxn txn(*writer_conn_, &backlog_, &contacts_, &routes_);
  auto added = txn.IndexContactEvents(options_.contact_index_lag);
  if (!added.ok()) spdlog::warn("indexing events by contact failed: {}", added.status().ToString());
}

std::unique_ptr<Connection> SqliteStore::AcquireReader(Status* error) {
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      auto conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return conn;
    }
  }
  auto conn = Connection::Open(options_.path, options_.synchronous);
  if (!conn.ok()) {
    *error = conn.status();
    return nullptr;
  }
  return std::move(conn).value();
}

void SqliteStore::ReleaseReader(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(readers_mu_);
  if (idle_readers_.size() < options_.readers) idle_readers_.push_back(std::move(conn));
}

Status SqliteStore::Read(const ReadFn& fn) {
  Status error;
  auto conn = AcquireReader(&error);
  if (!conn) return error;
  RIVULET_RETURN_IF_ERROR(conn->Exec("BEGIN"));
  SqliteTxn txn(*conn);
  Status st = fn(txn);
  Status end = conn->Exec("COMMIT");
  if (end.ok()) {
    ReleaseReader(std::move(conn));
  }
  return st.ok() ? end : st;
}

StoreStats SqliteStore::Stats() const {
  StoreStats s;
  s.commits = commits_;
  s.committed_jobs = committed_jobs_;
  s.failed_commits = failed_commits_;
  s.max_batch = max_batch_;
  s.syncs = syncs_;
  s.sync_micros = sync_micros_.load();
  WalBatchingStats wal = GetWalBatchingStats();  // the process's, every SQLite store's
  s.wal_writes_requested = wal.writes_requested;
  s.wal_writes_issued = wal.writes_issued;
  s.queue_depth = queue_.size();
  return s;
}

}  // namespace rivulet::store::sqlite

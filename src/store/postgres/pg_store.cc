#include "store/postgres/pg_store.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <random>

#include "core/clock.h"
#include "core/thread_name.h"
#include "store/migrations/migrations.h"
#include "store/postgres/pg_rows.h"

namespace rivulet::store::postgres {

namespace {

constexpr const char* kChannel = "rivulet_work";
// Serializes `rivulet migrate` across processes starting at once (pg_advisory_xact_lock key).
constexpr int64_t kMigrationLock = 0x7269'7675'6c65'7401;

std::string DefaultOwner() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::random_device rd;
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(rd() % 100000);
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::Open(PgOptions options) {
  if (options.owner.empty()) options.owner = DefaultOwner();
  if (options.writers == 0) options.writers = 1;
  std::unique_ptr<PgStore> store(new PgStore(std::move(options)));
  // Bounded: at most 64 rows per counter however often processes restart; the writers of
  // one process take neighbouring shards, so that they never wait on each other's rows.
  std::random_device rd;
  const int64_t first_shard = static_cast<int64_t>(rd() % 64);
  for (size_t i = 0; i < store->options_.writers; ++i) {
    auto w = std::make_unique<Writer>(i, &store->event_ids_);
    RIVULET_ASSIGN_OR_RETURN(w->conn,
                             Connection::Open(store->options_.url, store->options_.session));
    w->counter_shard = (first_shard + static_cast<int64_t>(i)) % 64;
    store->writers_.push_back(std::move(w));
  }
  store->completer_ = std::thread([s = store.get()] { s->CompletionLoop(); });
  for (auto& w : store->writers_) {
    w->thread = std::thread([s = store.get(), w = w.get()] { s->WriterLoop(*w); });
  }
  if (store->options_.listen)
    store->listener_ = std::thread([s = store.get()] { s->ListenLoop(); });
  return store;
}

PgStore::PgStore(PgOptions options) : options_(std::move(options)), queue_(options_.max_queue) {}

PgStore::~PgStore() {
  queue_.Stop();
  for (auto& w : writers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  {
    std::lock_guard lock(completion_mu_);
    completion_stop_ = true;
  }
  completion_cv_.notify_all();
  if (completer_.joinable()) completer_.join();
  listen_stop_ = true;
  if (listener_.joinable()) listener_.join();
}

Result<int> PgStore::Migrate() {
  int reached = 0;
  // A write job like any other, so it is serialized with this process's writes; the
  // advisory lock serializes it with other processes migrating the same database.
  Status st = WriteAndWait([&reached](WriteTxn& txn) -> Status {
    Connection& conn = static_cast<PgTxn&>(txn).connection();
    RIVULET_RETURN_IF_ERROR(
        conn.Query("SELECT pg_advisory_xact_lock($1)", Params().Add(kMigrationLock)).status());
    RIVULET_RETURN_IF_ERROR(
        conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                  "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
    RIVULET_ASSIGN_OR_RETURN(
        int64_t current, One<int64_t>(
                             conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"),
                             [](const Rows& r, int i) { return r.Int(i, 0); }, "version"));
    const auto& all = PostgresMigrations();
    if (current > all.back().version) {
      return core::FailedPrecondition("database schema version " + std::to_string(current) +
                                      " is newer than this binary supports (" +
                                      std::to_string(all.back().version) + ")");
    }
    for (const Migration& m : all) {
      if (m.version <= current) continue;
      RIVULET_RETURN_IF_ERROR(conn.Exec(m.sql));
      RIVULET_RETURN_IF_ERROR(
          conn.Query(
                  "INSERT INTO schema_migrations (version, name, applied_at) "
                  "VALUES ($1, $2, $3)",
                  Params().Add(int64_t{m.version}).Add(m.name).Add(core::SystemClock::Get().Now()))
              .status());
      spdlog::info("applied migration {} ({})", m.version, m.name);
    }
    reached = all.back().version;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return reached;
}

void PgStore::Write(WriteFn fn, Done done) { Write(std::move(fn), std::move(done), {}); }

void PgStore::Write(WriteFn fn, Done done, WriteHint hint) {
  queue_.Push(std::move(fn), std::move(done), std::move(hint));
}

void PgStore::WriterLoop(Writer& w) {
  core::NameThisThread("rivulet-writer");
  std::vector<Job> batch;
  const WriteQueue::Gather gather{options_.gather_jobs, options_.gather_wait};
  while (queue_.TakeBatch(batch, options_.max_batch, gather)) {
    CommitBatch(w, batch);
    queue_.BatchDone();
  }
}

void PgStore::Complete(std::vector<WriteQueue::Outcome> dones) {
  {
    std::lock_guard lock(completion_mu_);
    completions_.push_back(std::move(dones));
  }
  completion_cv_.notify_one();
}

void PgStore::CompletionLoop() {
  core::NameThisThread("rivulet-sync");
  while (true) {
    std::vector<WriteQueue::Outcome> batch;
    {
      std::unique_lock lock(completion_mu_);
      completion_cv_.wait(lock, [this] { return completion_stop_ || !completions_.empty(); });
      if (completions_.empty()) return;  // stopping and drained
      batch = std::move(completions_.front());
      completions_.pop_front();
    }
    WriteQueue::Deliver(std::move(batch));
  }
}

bool PgStore::EnsureWriter(Writer& w, Status* error) {
  if (w.conn && w.conn->ok()) return true;
  if (w.backoff > 0) {
    // Sleep off the back-off, but never hold up shutdown for long.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(w.backoff);
    while (std::chrono::steady_clock::now() < until && !queue_.stopping()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  w.conn.reset();
  auto conn = Connection::Open(options_.url, options_.session);
  if (!conn.ok()) {
    w.backoff = std::min(options_.reconnect_max,
                         w.backoff == 0 ? options_.reconnect_initial : w.backoff * 2);
    spdlog::warn("database unavailable (writer {}), next attempt in {} ms: {}", w.index, w.backoff,
                 conn.status().message());
    *error = conn.status();
    return false;
  }
  if (w.backoff > 0) spdlog::info("reconnected to the database");
  w.backoff = 0;
  w.conn = std::move(conn).value();
  return true;
}

Status PgStore::RunJob(Writer& w, Job& job, TxnSignals& signals, EventBuffer* events, bool isolate,
                       bool last) {
  Connection& conn = *w.conn;
  Status result;
  for (int attempt = 0;; ++attempt) {
    if (events) events->BeginJob();
    TxnSignals job_signals;
    PgTxn txn(conn, /*for_write=*/true, w.counter_shard, options_.owner, &job_signals, events,
              &w.cache);
    result = job.fn(txn);
    if (result.ok()) {
      // The job's deferred writes go now, so that their errors are its own: with the RELEASE
      // of its savepoint (which fails if the job ignored a failed statement; the next job's
      // savepoint is opened in the same round trip), or on their own.
      if (!isolate) {
        result = conn.SendDeferred();
      } else {
        result = conn.Exec(last ? "RELEASE job" : "RELEASE job; SAVEPOINT job");
      }
      if (result.ok()) {
        if (events) events->ReleaseJob();
        signals.token_work |= job_signals.token_work;
        signals.outbox_work |= job_signals.outbox_work;
        return result;
      }
    }
    if (!isolate) return result;  // the caller rolls the group back and reruns it isolated
    if (events) events->RollbackJob();
    w.cache.Clear();  // it may hold what the undone job read after its own changes
    // Undoes the job; its savepoint stays, empty, for the next attempt or the next job.
    conn.DiscardDeferred();
    Status rb = conn.Exec("ROLLBACK TO job");
    if (!rb.ok()) return rb;                        // the connection is gone; the batch fails
    if (events && events->failed()) return result;  // the batch runs again unbuffered
    if (!IsRetryableConflict(result) || attempt >= options_.job_retries) return result;
  }
}

Status PgStore::RollBack(Writer& w) {
  w.conn->DiscardDeferred();
  return w.conn->Exec("ROLLBACK");
}

void PgStore::CommitBatch(Writer& w, std::vector<Job>& batch) {
  // Jobs seldom fail, so first without savepoints. After a failed job every job runs again,
  // each in its own savepoint, where the failure is that job's alone (jobs may run more than
  // once anyway: deadlocks rerun them).
  Attempt a = TryCommitBatch(w, batch, options_.batch_events, /*isolate=*/false);
  if (a == Attempt::kRerunIsolated && options_.batch_events) {
    a = TryCommitBatch(w, batch, /*buffer_events=*/true, /*isolate=*/true);
  }
  if (a == Attempt::kCompleted) return;
  if (a == Attempt::kRerunUnbuffered) {
    spdlog::debug(
        "buffered events of a group commit of {} jobs failed; running it again row by row",
        batch.size());
  }
  (void)TryCommitBatch(w, batch, /*buffer_events=*/false, /*isolate=*/true);
}

PgStore::Attempt PgStore::TryCommitBatch(Writer& w, std::vector<Job>& batch, bool buffer_events,
                                         bool isolate) {
  EventBuffer* events = buffer_events ? &w.events : nullptr;
  std::vector<WriteQueue::Outcome> dones;
  dones.reserve(batch.size());
  auto fail_all = [&](const Status& st) {
    failed_commits_++;
    for (auto& job : batch) dones.push_back(WriteQueue::OutcomeOf(job, st));
    Complete(std::move(dones));
    return Attempt::kCompleted;
  };
  Status error;
  if (!EnsureWriter(w, &error)) return fail_all(error);
  // Isolated, each job runs inside the savepoint `job` (RunJob); the first is opened with
  // the BEGIN, which travels with the group's first statement.
  w.conn->BeginLazily(isolate ? "job" : nullptr);
  if (events) events->Reset();
  w.cache.Clear();  // other processes may have changed automations and tokens since
  // The contacts the jobs will look up, in one query instead of one round trip each.
  std::vector<const WriteHint*> hints;
  for (const Job& job : batch) {
    if (!job.hint.empty()) hints.push_back(&job.hint);
  }
  if (!hints.empty()) {
    Status fetched = PgTxn(*w.conn, /*for_write=*/true, w.counter_shard, options_.owner, nullptr,
                           nullptr, &w.cache)
                         .PrefetchHinted(hints);
    if (!fetched.ok()) {
      (void)RollBack(w);
      return fail_all(fetched);
    }
  }

  std::vector<Status> results(batch.size());
  TxnSignals signals;
  bool job_failed = false;
  for (size_t i = 0; i < batch.size(); ++i) {
    results[i] = RunJob(w, batch[i], signals, events, isolate, /*last=*/i + 1 == batch.size());
    if (!w.conn->ok()) break;
    if (events && events->failed()) break;
    if (!isolate && !results[i].ok()) {
      job_failed = true;
      break;
    }
  }
  // A job that went on after a failed statement leaves the transaction aborted, and COMMIT
  // would quietly roll it back: the isolated rerun's RELEASE names that job.
  if (!isolate && w.conn->InFailedTransaction()) job_failed = true;
  // Nothing of the group is committed: it runs again, without the event buffer when that
  // failed, else in savepoints, where each job gets its own error.
  auto rerun = [&](bool unbuffered) -> std::optional<Attempt> {
    if (events) events->Reset();
    if (!RollBack(w).ok()) return std::nullopt;
    return unbuffered ? Attempt::kRerunUnbuffered : Attempt::kRerunIsolated;
  };
  if ((job_failed || (events && events->failed())) && w.conn->ok()) {
    if (auto again = rerun(events && events->failed())) return *again;
  }
  // One round trip ends the group: the writes still deferred, the buffered events, the
  // notification and the COMMIT.
  std::vector<std::pair<std::string_view, Params>> last;
  if (events) last = events->InsertStatements();
  if (signals.token_work || signals.outbox_work) {
    // Delivered at commit, to every listening process (ours ignores its own owner id).
    last.emplace_back("SELECT pg_notify($1, $2)", Params().Add(kChannel).Add(options_.owner));
  }
  last.emplace_back("COMMIT", Params());
  Status commit = w.conn->QueryPipelined(last).status();
  // A write before the COMMIT failed (the transaction is left aborted). The last attempt,
  // isolated and unbuffered, has no rerun left and fails as a failed COMMIT does.
  const bool buffered = events && !events->empty();
  if (!commit.ok() && w.conn->InFailedTransaction() && (buffered || !isolate)) {
    if (auto again = rerun(buffered)) return *again;
  }
  if (!commit.ok()) {
    spdlog::error("group commit of {} jobs failed: {}", batch.size(), commit.ToString());
    (void)RollBack(w);
    return fail_all(Status(core::Code::kUnavailable, "database commit failed: " + commit.message(),
                           /*retryable=*/true));
  }
  commits_++;
  committed_jobs_ += batch.size();
  uint64_t prev = max_batch_.load();
  while (batch.size() > prev && !max_batch_.compare_exchange_weak(prev, batch.size())) {
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    dones.push_back(WriteQueue::OutcomeOf(batch[i], std::move(results[i])));
  }
  Complete(std::move(dones));
  return Attempt::kCompleted;
}

std::unique_ptr<Connection> PgStore::AcquireReader(Status* error) {
  {
    std::lock_guard lock(readers_mu_);
    while (!idle_readers_.empty()) {
      auto conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      if (conn->ok()) return conn;
    }
  }
  auto conn = Connection::Open(options_.url, options_.session);
  if (!conn.ok()) {
    *error = conn.status();
    return nullptr;
  }
  return std::move(conn).value();
}

void PgStore::ReleaseReader(std::unique_ptr<Connection> conn) {
  if (!conn->ok()) return;
  std::lock_guard lock(readers_mu_);
  if (idle_readers_.size() < options_.readers) idle_readers_.push_back(std::move(conn));
}

Status PgStore::Read(const ReadFn& fn) {
  Status error;
  auto conn = AcquireReader(&error);
  if (!conn) return error;
  // One snapshot for the whole function, as the contract promises.
  Status begin = conn->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!begin.ok() && !conn->ok()) {
    // An idle connection cut while the server restarted fails only when used. Nothing has run
    // yet, so take a fresh one; the other idle ones were most likely cut too.
    {
      std::lock_guard lock(readers_mu_);
      idle_readers_.clear();
    }
    conn = AcquireReader(&error);
    if (!conn) return error;
    begin = conn->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  if (!begin.ok()) return begin;
  PgTxn txn(*conn, /*for_write=*/false);
  Status st = fn(txn);
  Status end = conn->Exec(st.ok() ? "COMMIT" : "ROLLBACK");
  if (end.ok()) ReleaseReader(std::move(conn));
  return st.ok() ? end : st;
}

StoreStats PgStore::Stats() const {
  StoreStats s;
  s.commits = commits_;
  s.committed_jobs = committed_jobs_;
  s.failed_commits = failed_commits_;
  s.max_batch = max_batch_;
  s.syncs = commits_;  // the server flushes its WAL once per COMMIT
  s.queue_depth = queue_.size();
  s.writers = writers_.size();
  return s;
}

void PgStore::SetWorkListener(std::function<void()> fn) {
  std::lock_guard lock(listener_mu_);
  on_work_ = std::move(fn);
}

void PgStore::ListenLoop() {
  core::NameThisThread("rivulet-listen");
  core::Millis backoff = 0;
  while (!listen_stop_) {
    if (backoff > 0) {
      for (core::Millis slept = 0; slept < backoff && !listen_stop_; slept += 20) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    auto opened = Connection::Open(options_.url, options_.session);
    if (!opened.ok() || !(*opened)->Exec(std::string("LISTEN ") + kChannel).ok()) {
      backoff =
          std::min(options_.reconnect_max, backoff == 0 ? options_.reconnect_initial : backoff * 2);
      continue;
    }
    backoff = 0;
    auto conn = std::move(opened).value();
    // Work committed while we were not listening: let the workers look once.
    {
      std::lock_guard lock(listener_mu_);
      if (on_work_) on_work_();
    }
    while (!listen_stop_ && conn->ok()) {
      pollfd pfd{conn->socket(), POLLIN, 0};
      int n = ::poll(&pfd, 1, 200);
      if (n < 0) continue;
      if (n == 0) continue;
      if (PQconsumeInput(conn->raw()) == 0) break;  // connection lost
      bool wake = false;
      while (PGnotify* note = PQnotifies(conn->raw())) {
        if (options_.owner != note->extra) wake = true;
        PQfreemem(note);
      }
      if (wake) {
        std::lock_guard lock(listener_mu_);
        if (on_work_) on_work_();
      }
    }
    if (!listen_stop_) {
      spdlog::warn("database listener lost its connection; reconnecting");
      backoff = options_.reconnect_initial;
    }
  }
}

}  // namespace rivulet::store::postgres

// The storage conformance suite: every test runs unchanged against each Store backend
// (SQLite file; PostgreSQL database in a throw-away cluster, see store_backends.h).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <latch>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/uuid.h"
#include "store/migrations/migrations.h"
#include "store/store.h"
#include "store/store_backends.h"

namespace rivulet::store {
namespace {

using core::Code;
using core::Contact;
using core::ContactRef;
using core::Event;
using core::Status;
using core::Workspace;
using testing::WriterGate;

constexpr core::Millis kT0 = 1'700'000'000'000;

// The migrations of the backend under test; the backends have the same versions.
const std::vector<Migration>& Migrations() { return SqliteMigrations(); }

class StoreConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string skip;
    backend_ = testing::TestBackend::Make(GetParam(), &skip);
    if (!backend_) {
      if (skip.find("unavailable:") != std::string::npos) GTEST_SKIP() << skip;
      FAIL() << "cannot set up " << GetParam() << ": " << skip;
    }
    store_ = backend_->OpenMigrated();
    ASSERT_NE(store_, nullptr);
  }

  // A second, independent database of the same backend.
  std::unique_ptr<testing::TestBackend> OtherBackend() {
    std::string skip;
    auto b = testing::TestBackend::Make(GetParam(), &skip);
    EXPECT_NE(b, nullptr) << skip;
    return b;
  }

  int64_t RawQueryInt(const std::string& sql) { return backend_->QueryInt(sql); }

  Workspace AddWorkspace(const std::string& name) {
    Workspace ws;
    ws.uuid = core::NewUuidV7(kT0);
    ws.name = name;
    ws.created_at = ws.updated_at = kT0;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertWorkspace(ws); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ws;
  }

  static Contact NewContact(int64_t ws, std::optional<std::string> email,
                            core::Millis updated_at = kT0) {
    Contact c;
    c.workspace_id = ws;
    c.uuid = core::NewUuidV7(updated_at);
    c.email = std::move(email);
    c.created_at = kT0;
    c.updated_at = updated_at;
    return c;
  }

  Contact AddContact(int64_t ws, std::optional<std::string> email, core::Millis updated_at = kT0,
                     std::string tags_json = "[]") {
    Contact c = NewContact(ws, std::move(email), updated_at);
    c.tags_json = std::move(tags_json);
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(c); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return c;
  }

  Event AddEvent(int64_t ws, int64_t contact_id, const std::string& type,
                 std::optional<std::string> key = std::nullopt) {
    Event e = testing::NewEvent(ws, contact_id, type, kT0, std::move(key));
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertEvent(e); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return e;
  }

  int64_t Count(int64_t ws) {
    int64_t n = -1;
    Status st = store_->Read([&](ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(n, txn.CountContacts(ws));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }

  std::vector<Contact> List(int64_t ws, const ContactFilter& f) {
    std::vector<Contact> out;
    Status st = store_->Read([&](ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.ListContacts(ws, f));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::vector<Event> Events(int64_t ws, const EventFilter& f = {}) {
    std::vector<Event> out;
    Status st = store_->Read([&](ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.ListEvents(ws, f));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  core::Result<Contact> Find(int64_t ws, ContactRef ref) {
    core::Result<Contact> out = core::Internal("unset");
    Status st = store_->Read([&](ReadTxn& txn) {
      out = txn.FindContact(ws, ref);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::unique_ptr<testing::TestBackend> backend_;
  std::unique_ptr<Store> store_;
};

// ---- Opening and migrating ----

TEST_P(StoreConformanceTest, MigrateIsIdempotentAndReturnsLatestVersion) {
  int latest = Migrations().back().version;
  auto again = store_->Migrate();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, latest);
  auto third = store_->Migrate();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, latest);
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(Migrations().size()));
  EXPECT_EQ(RawQueryInt("SELECT MAX(version) FROM schema_migrations"), latest);
}

TEST_P(StoreConformanceTest, NewerSchemaVersionMakesMigrateFail) {
  store_.reset();
  backend_->Exec(
      "INSERT INTO schema_migrations (version, name, applied_at) "
      "VALUES (999, 'from the future', 0)");
  auto s = backend_->Open();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto v = (*s)->Migrate();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(v.status().message().find("999"), std::string::npos) << v.status().message();
  // The failed Migrate changed nothing.
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(Migrations().size()) + 1);
}

TEST_P(StoreConformanceTest, RestartKeepsCommittedData) {
  store_.reset();
  Workspace ws;
  ws.uuid = core::NewUuidV7(kT0);
  ws.name = "Acme";
  ws.settings_json = R"({"portfolio":"x"})";
  ws.created_at = ws.updated_at = kT0;
  Contact c;
  {
    auto s = backend_->OpenMigrated();
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->WriteAndWait([&](WriteTxn& txn) { return txn.InsertWorkspace(ws); }).ok());
    c.workspace_id = ws.id;
    c.uuid = core::NewUuidV7(kT0);
    c.email = "kept@example.com";
    c.attributes_json = R"({"plan":"gold"})";
    c.created_at = c.updated_at = kT0;
    ASSERT_TRUE(s->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(c); }).ok());
  }  // destroys the store
  auto s = backend_->OpenMigrated();
  ASSERT_NE(s, nullptr);
  Status st = s->Read([&](ReadTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(Workspace w, txn.FindWorkspaceByUuid(ws.uuid));
    EXPECT_EQ(w.id, ws.id);
    EXPECT_EQ(w.name, "Acme");
    EXPECT_EQ(w.settings_json, ws.settings_json);
    RIVULET_ASSIGN_OR_RETURN(Contact got, txn.FindContactById(ws.id, c.id));
    EXPECT_EQ(got.uuid, c.uuid);
    EXPECT_EQ(got.email, c.email);
    EXPECT_EQ(got.attributes_json, c.attributes_json);
    EXPECT_FALSE(got.phone.has_value());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreConformanceTest, DestructorDrainsQueuedWrites) {
  store_.reset();
  int64_t ws_id = 0;
  constexpr int kJobs = 200;
  std::atomic<int> ok{0}, done{0};
  {
    auto s = backend_->OpenMigrated();
    ASSERT_NE(s, nullptr);
    Workspace ws;
    ws.uuid = core::NewUuidV7(kT0);
    ws.name = "w";
    ASSERT_TRUE(s->WriteAndWait([&](WriteTxn& txn) { return txn.InsertWorkspace(ws); }).ok());
    ws_id = ws.id;
    for (int i = 0; i < kJobs; ++i) {
      s->Write(
          [ws_id, i](WriteTxn& txn) {
            Contact c;
            c.workspace_id = ws_id;
            c.uuid = core::NewUuidV7(kT0 + i);
            return txn.InsertContact(c);
          },
          [&](Status st) {
            if (st.ok()) ok++;
            done++;
          });
    }
  }  // destroy right away: every queued job must still run and report
  EXPECT_EQ(done.load(), kJobs);
  EXPECT_EQ(ok.load(), kJobs);
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM contacts"), kJobs);
}

// ---- Writes and group commit ----

TEST_P(StoreConformanceTest, WriteDoneRunsAfterCommitAndDataIsVisibleToRead) {
  Workspace ws = AddWorkspace("w");
  Contact c = NewContact(ws.id, "visible@example.com");
  std::promise<std::pair<Status, int64_t>> seen;
  store_->Write([&](WriteTxn& txn) { return txn.InsertContact(c); },
                [&](Status st) {
                  // Read from a pooled reader connection: sees only committed data.
                  int64_t n = -1;
                  Status rs = store_->Read([&](ReadTxn& txn) -> Status {
                    RIVULET_ASSIGN_OR_RETURN(n, txn.CountContacts(ws.id));
                    return Status::Ok();
                  });
                  seen.set_value({st.ok() ? rs : st, n});
                });
  auto [st, n] = seen.get_future().get();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(n, 1);
  EXPECT_GT(c.id, 0);
  auto found = Find(ws.id, {ContactRef::Kind::kEmail, "visible@example.com"});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, c.id);
}

// An executor whose posted work runs when the test takes it.
class HeldExecutor : public core::Executor {
 public:
  void Post(std::function<void()> work) override {
    {
      std::lock_guard lock(mu_);
      posted_.push_back(std::move(work));
    }
    cv_.notify_all();
  }
  // Waits up to 10 s for posted work, and takes it.
  std::vector<std::function<void()>> Take() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [this] { return !posted_.empty(); });
    return std::exchange(posted_, {});
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::function<void()>> posted_;
};

TEST_P(StoreConformanceTest, DonesBoundToAnExecutorRunThereWithTheirJobsOutcome) {
  Workspace ws = AddWorkspace("w");
  Contact c = NewContact(ws.id, "bound@example.com");
  HeldExecutor executor;
  std::optional<Status> inserted, refused;
  std::thread::id inserted_on, refused_on;
  store_->Write([&](WriteTxn& txn) { return txn.InsertContact(c); },
                [&](Status st) {
                  inserted = st;
                  inserted_on = std::this_thread::get_id();
                },
                WriteHint{.complete_on = &executor});
  store_->Write([](WriteTxn&) { return core::InvalidArgument("refused"); },
                [&](Status st) {
                  refused = st;
                  refused_on = std::this_thread::get_id();
                },
                WriteHint{.complete_on = &executor});
  // Both are called only when the executor runs what was posted to it: here, on this thread.
  for (int posts = 0; posts < 2 && !(inserted && refused); ++posts) {
    auto work = executor.Take();
    ASSERT_FALSE(work.empty()) << "nothing was posted to the executor";
    EXPECT_FALSE(inserted && refused);
    for (auto& w : work) w();
  }
  ASSERT_TRUE(inserted.has_value());
  ASSERT_TRUE(refused.has_value());
  EXPECT_TRUE(inserted->ok()) << inserted->ToString();
  EXPECT_EQ(refused->code(), Code::kInvalidArgument);
  EXPECT_EQ(inserted_on, std::this_thread::get_id());
  EXPECT_EQ(refused_on, std::this_thread::get_id());
  EXPECT_EQ(Count(ws.id), 1);
}

TEST_P(StoreConformanceTest, ConcurrentWritersAllCommitInGroupedTransactions) {
  Workspace ws = AddWorkspace("w");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  StoreStats before = store_->Stats();
  std::atomic<int> ok{0}, failed{0};
  std::latch all_done(kThreads * kPerThread);
  {
    // Hold the writer so that the first jobs pile up; the rest arrive while it commits.
    WriterGate gate(*store_);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          std::string email = "t" + std::to_string(t) + "-" + std::to_string(i) + "@example.com";
          store_->Write(
              [&, email, t, i](WriteTxn& txn) {
                Contact c = NewContact(ws.id, email, kT0 + t * kPerThread + i);
                return txn.InsertContact(c);
              },
              [&](Status st) {
                (st.ok() ? ok : failed)++;
                all_done.count_down();
              });
          if (t == 0 && i == 10) gate.Open();
        }
      });
    }
    for (auto& th : threads) th.join();
    all_done.wait();
    EXPECT_TRUE(gate.Wait().ok());
  }
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(Count(ws.id), kThreads * kPerThread);
  StoreStats after = store_->Stats();
  uint64_t jobs = after.committed_jobs - before.committed_jobs;
  uint64_t commits = after.commits - before.commits;
  // + one gate job per writer
  EXPECT_EQ(jobs, static_cast<uint64_t>(kThreads * kPerThread) + before.writers);
  EXPECT_GT(after.max_batch, 1u);
  EXPECT_LT(commits, jobs);
  EXPECT_EQ(after.failed_commits, before.failed_commits);
  EXPECT_EQ(after.queue_depth, 0u);
}

TEST_P(StoreConformanceTest, ConcurrentWriteAndWaitCallersAllCommit) {
  Workspace ws = AddWorkspace("w");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = store_->WriteAndWait([&](WriteTxn& txn) {
          Contact c =
              NewContact(ws.id, "w" + std::to_string(t) + "." + std::to_string(i) + "@x.io");
          return txn.InsertContact(c);
        });
        if (!st.ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(ws.id), kThreads * kPerThread);
  StoreStats s = store_->Stats();
  EXPECT_LE(s.commits, s.committed_jobs);
}

TEST_P(StoreConformanceTest, FailedJobDoesNotUndoOthersInSameGroupCommit) {
  Workspace ws = AddWorkspace("w");
  StoreStats before = store_->Stats();
  std::promise<Status> a_done, b_done, c_done;
  {
    WriterGate gate(*store_);
    auto insert = [&](const std::string& email) {
      return [&, email](WriteTxn& txn) {
        Contact c = NewContact(ws.id, email);
        return txn.InsertContact(c);
      };
    };
    store_->Write(insert("a@example.com"), [&](Status st) { a_done.set_value(st); });
    store_->Write(
        [&](WriteTxn& txn) -> Status {
          Contact c = NewContact(ws.id, "b@example.com");
          RIVULET_RETURN_IF_ERROR(txn.InsertContact(c));
          return core::InvalidArgument("changed my mind");  // after writing a row
        },
        [&](Status st) { b_done.set_value(st); });
    store_->Write(insert("c@example.com"), [&](Status st) { c_done.set_value(st); });
    EXPECT_EQ(store_->Stats().queue_depth, 3u);
    gate.Open();
    EXPECT_TRUE(gate.Wait().ok());
  }
  Status a = a_done.get_future().get(), b = b_done.get_future().get(),
         c = c_done.get_future().get();
  EXPECT_TRUE(a.ok()) << a.ToString();
  EXPECT_EQ(b.code(), Code::kInvalidArgument);
  EXPECT_EQ(b.message(), "changed my mind");
  EXPECT_TRUE(c.ok()) << c.ToString();

  StoreStats after = store_->Stats();
  // Each writer's gate job, then a+b+c together.
  EXPECT_EQ(after.commits - before.commits, before.writers + 1);
  EXPECT_GE(after.max_batch, 3u);

  EXPECT_TRUE(Find(ws.id, {ContactRef::Kind::kEmail, "a@example.com"}).ok());
  EXPECT_EQ(Find(ws.id, {ContactRef::Kind::kEmail, "b@example.com"}).status().code(),
            Code::kNotFound);
  EXPECT_TRUE(Find(ws.id, {ContactRef::Kind::kEmail, "c@example.com"}).ok());
  EXPECT_EQ(Count(ws.id), 2);
}

TEST_P(StoreConformanceTest, SeveralFailedJobsInOneGroupCommitLeaveNoPartialRows) {
  Workspace ws = AddWorkspace("w");
  constexpr int kJobs = 7;
  std::vector<std::promise<Status>> done(kJobs);
  {
    WriterGate gate(*store_);
    for (int i = 0; i < kJobs; ++i) {
      store_->Write(
          [&, i](WriteTxn& txn) -> Status {
            Contact c = NewContact(ws.id, "job" + std::to_string(i) + "@example.com");
            RIVULET_RETURN_IF_ERROR(txn.InsertContact(c));
            if (i % 3 == 1) return core::InvalidArgument("job " + std::to_string(i) + " failed");
            return Status::Ok();
          },
          [&, i](Status st) { done[i].set_value(st); });
    }
  }
  for (int i = 0; i < kJobs; ++i) {
    Status st = done[i].get_future().get();
    std::string email = "job" + std::to_string(i) + "@example.com";
    if (i % 3 == 1) {
      EXPECT_EQ(st.message(), "job " + std::to_string(i) + " failed");
      EXPECT_EQ(Find(ws.id, {ContactRef::Kind::kEmail, email}).status().code(), Code::kNotFound);
    } else {
      EXPECT_TRUE(st.ok()) << i << ": " << st.ToString();
      EXPECT_TRUE(Find(ws.id, {ContactRef::Kind::kEmail, email}).ok()) << email;
    }
  }
  EXPECT_EQ(Count(ws.id), 5);  // jobs 1 and 4 failed
}

TEST_P(StoreConformanceTest, ConstraintFailureInOneJobLeavesTheBatchUsable) {
  Workspace ws = AddWorkspace("w");
  AddContact(ws.id, "taken@example.com");
  std::vector<std::promise<Status>> done(3);
  {
    WriterGate gate(*store_);
    for (int i = 0; i < 3; ++i) {
      std::string email = i == 1 ? "taken@example.com" : "new" + std::to_string(i) + "@example.com";
      store_->Write(
          [&, email](WriteTxn& txn) {
            Contact c = NewContact(ws.id, email);
            return txn.InsertContact(c);
          },
          [&, i](Status st) { done[i].set_value(st); });
    }
  }
  EXPECT_TRUE(done[0].get_future().get().ok());
  EXPECT_EQ(done[1].get_future().get().code(), Code::kAlreadyExists);
  EXPECT_TRUE(done[2].get_future().get().ok());
  EXPECT_EQ(Count(ws.id), 3);
}

TEST_P(StoreConformanceTest, FullQueueRejectsWritesImmediately) {
  auto other = OtherBackend();
  ASSERT_NE(other, nullptr);
  testing::StoreKnobs knobs;
  knobs.max_queue = 2;
  auto small = other->OpenMigrated(knobs);
  ASSERT_NE(small, nullptr);
  std::vector<std::promise<Status>> done(3);
  {
    WriterGate gate(*small);
    for (int i = 0; i < 3; ++i) {
      small->Write([](WriteTxn&) { return Status::Ok(); },
                   [&, i](Status st) { done[i].set_value(st); });
    }
    // The third was refused synchronously, before the writer moved on.
    auto third = done[2].get_future();
    ASSERT_EQ(third.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    Status st = third.get();
    EXPECT_EQ(st.code(), Code::kResourceExhausted);
    EXPECT_TRUE(st.retryable());
  }
  EXPECT_TRUE(done[0].get_future().get().ok());
  EXPECT_TRUE(done[1].get_future().get().ok());
}

TEST_P(StoreConformanceTest, MaxBatchBoundsJobsPerCommit) {
  auto other = OtherBackend();
  ASSERT_NE(other, nullptr);
  testing::StoreKnobs knobs;
  knobs.max_batch = 4;
  auto s = other->OpenMigrated(knobs);
  ASSERT_NE(s, nullptr);
  std::latch all(20);
  {
    WriterGate gate(*s);
    for (int i = 0; i < 20; ++i) {
      s->Write([](WriteTxn&) { return Status::Ok(); }, [&](Status) { all.count_down(); });
    }
  }
  all.wait();
  EXPECT_EQ(s->Stats().max_batch, 4u);
}

// ---- Constraints ----

TEST_P(StoreConformanceTest, UniqueViolationsMapToAlreadyExists) {
  Workspace ws = AddWorkspace("w");
  Workspace other = AddWorkspace("other");
  AddContact(ws.id, "dup@example.com");

  Contact again = NewContact(ws.id, "dup@example.com");
  Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(again); });
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();

  // The same e-mail is fine in another workspace: uniqueness is per workspace.
  Contact elsewhere = NewContact(other.id, "dup@example.com");
  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(elsewhere); });
  EXPECT_TRUE(st.ok()) << st.ToString();

  Workspace same_uuid;
  same_uuid.uuid = ws.uuid;
  same_uuid.name = "clone";
  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertWorkspace(same_uuid); });
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();

  Contact a = AddContact(ws.id, std::nullopt);
  Contact b = NewContact(ws.id, std::nullopt);
  b.phone = a.phone = "+123456789";
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateContact(a); }).ok());
  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(b); });
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();

  Contact c = AddContact(ws.id, "c@example.com");
  c.email = "dup@example.com";  // an update that collides is AlreadyExists too
  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateContact(c); });
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();
}

TEST_P(StoreConformanceTest, PrefetchedContactsStayCurrentThroughTheTransactionsWrites) {
  Workspace ws = AddWorkspace("w");
  Workspace other = AddWorkspace("other");
  Contact a = AddContact(ws.id, "a@example.com");
  Contact b = AddContact(ws.id, "b@example.com");
  Contact o = AddContact(other.id, "o@example.com");
  Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    RIVULET_RETURN_IF_ERROR(txn.PrefetchContacts({a.id, b.id, o.id, 999999}));
    // Workspace scoping still holds for prefetched contacts.
    EXPECT_EQ(txn.FindContactById(ws.id, o.id).status().code(), Code::kNotFound);
    RIVULET_ASSIGN_OR_RETURN(Contact got, txn.FindContactById(ws.id, a.id));
    got.tags_json = R"(["seen"])";
    got.attributes_json = R"({"n":1})";
    got.updated_at = kT0 + 5;
    RIVULET_RETURN_IF_ERROR(txn.UpdateContactData(got));
    RIVULET_ASSIGN_OR_RETURN(Contact again, txn.FindContactById(ws.id, a.id));
    EXPECT_EQ(again.tags_json, R"(["seen"])");
    EXPECT_EQ(again.attributes_json, R"({"n":1})");
    again.email = "a2@example.com";
    RIVULET_RETURN_IF_ERROR(txn.UpdateContact(again));
    RIVULET_ASSIGN_OR_RETURN(Contact renamed, txn.FindContactById(ws.id, a.id));
    EXPECT_EQ(renamed.email, "a2@example.com");
    RIVULET_RETURN_IF_ERROR(txn.DeleteContact(ws.id, b.id));
    EXPECT_EQ(txn.FindContactById(ws.id, b.id).status().code(), Code::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  // Data written for a contact that does not exist fails the job (a store may report it
  // only when the job's writes are sent), and nothing of the job stays.
  Status ghost = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(Contact got, txn.FindContactById(ws.id, a.id));
    got.tags_json = R"(["lost"])";
    RIVULET_RETURN_IF_ERROR(txn.UpdateContactData(got));
    Contact missing = got;
    missing.id = 999999;
    return txn.UpdateContactData(missing);
  });
  EXPECT_EQ(ghost.code(), Code::kNotFound) << ghost.ToString();
  Status rs = store_->Read([&](ReadTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(Contact found, txn.FindContactById(ws.id, a.id));
    EXPECT_EQ(found.tags_json, R"(["seen"])");
    EXPECT_EQ(found.email, "a2@example.com");
    EXPECT_EQ(txn.FindContactById(ws.id, b.id).status().code(), Code::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(rs.ok()) << rs.ToString();
}

TEST_P(StoreConformanceTest, HintedContactLookupsStayCurrentThroughTheTransactionsWrites) {
  using K = ContactRef::Kind;
  Workspace ws = AddWorkspace("w");
  Workspace other = AddWorkspace("other");
  Contact a = AddContact(ws.id, "a@example.com");
  Contact b = AddContact(ws.id, "b@example.com");
  AddContact(other.id, "o@example.com");
  Contact x = NewContact(ws.id, std::nullopt);
  x.external_id = R"(pk "1",\{2} x)";  // needs quoting in a PostgreSQL array literal
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(x); }).ok());
  WriteHint hint{ws.id,
                 {{K::kEmail, "a@example.com"},
                  {K::kEmail, "b@example.com"},
                  {K::kEmail, "o@example.com"},
                  {K::kEmail, "nobody@example.com"},
                  {K::kEmail, "a2@example.com"},
                  {K::kExternalId, *x.external_id},
                  {K::kUuid, a.uuid}}};
  std::promise<Status> committed;
  store_->Write(
      [&](WriteTxn& txn) -> Status {
        // A hint names identifiers, not access: another workspace's contact stays unseen.
        EXPECT_EQ(txn.FindContact(ws.id, {K::kEmail, "o@example.com"}).status().code(),
                  Code::kNotFound);
        EXPECT_EQ(txn.FindContact(ws.id, {K::kEmail, "nobody@example.com"}).status().code(),
                  Code::kNotFound);
        RIVULET_ASSIGN_OR_RETURN(Contact px,
                                 txn.FindContact(ws.id, {K::kExternalId, *x.external_id}));
        EXPECT_EQ(px.id, x.id);
        RIVULET_ASSIGN_OR_RETURN(Contact got, txn.FindContact(ws.id, {K::kEmail, "a@example.com"}));
        EXPECT_EQ(got.id, a.id);
        got.attributes_json = R"({"n":2})";
        got.updated_at = kT0 + 5;
        RIVULET_RETURN_IF_ERROR(txn.UpdateContactData(got));
        RIVULET_ASSIGN_OR_RETURN(Contact again, txn.FindContact(ws.id, {K::kUuid, a.uuid}));
        EXPECT_EQ(again.attributes_json, R"({"n":2})");
        again.email = "a2@example.com";
        RIVULET_RETURN_IF_ERROR(txn.UpdateContact(again));
        EXPECT_EQ(txn.FindContact(ws.id, {K::kEmail, "a@example.com"}).status().code(),
                  Code::kNotFound);
        RIVULET_ASSIGN_OR_RETURN(Contact renamed,
                                 txn.FindContact(ws.id, {K::kEmail, "a2@example.com"}));
        EXPECT_EQ(renamed.id, a.id);
        RIVULET_RETURN_IF_ERROR(txn.DeleteContact(ws.id, b.id));
        EXPECT_EQ(txn.FindContact(ws.id, {K::kEmail, "b@example.com"}).status().code(),
                  Code::kNotFound);
        // A hinted identifier that was free is found once a contact takes it.
        Contact n = NewContact(ws.id, "nobody@example.com");
        RIVULET_RETURN_IF_ERROR(txn.InsertContact(n));
        RIVULET_ASSIGN_OR_RETURN(Contact found_n,
                                 txn.FindContact(ws.id, {K::kEmail, "nobody@example.com"}));
        EXPECT_EQ(found_n.id, n.id);
        return Status::Ok();
      },
      [&](Status st) { committed.set_value(std::move(st)); }, hint);
  Status st = committed.get_future().get();
  ASSERT_TRUE(st.ok()) << st.ToString();
  Status rs = store_->Read([&](ReadTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(Contact found, txn.FindContactById(ws.id, a.id));
    EXPECT_EQ(found.attributes_json, R"({"n":2})");
    EXPECT_EQ(found.email, "a2@example.com");
    EXPECT_EQ(txn.FindContactById(ws.id, b.id).status().code(), Code::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(rs.ok()) << rs.ToString();
}

TEST_P(StoreConformanceTest, ContactsWithoutIdentifiersDoNotCollide) {
  Workspace ws = AddWorkspace("w");
  AddContact(ws.id, std::nullopt);
  AddContact(ws.id, std::nullopt);
  EXPECT_EQ(Count(ws.id), 2);
}

TEST_P(StoreConformanceTest, IdempotencyKeysAreUniquePerWorkspace) {
  Workspace ws = AddWorkspace("w");
  Workspace other = AddWorkspace("other");
  Contact c = AddContact(ws.id, "k@example.com");
  Contact oc = AddContact(other.id, "k@example.com");
  Event first = AddEvent(ws.id, c.id, "t", "key-1");
  AddEvent(other.id, oc.id, "t", "key-1");  // same key, other workspace: fine

  Event dup;
  dup.workspace_id = ws.id;
  dup.uuid = core::NewUuidV7(kT0);
  dup.contact_id = c.id;
  dup.type = "t";
  dup.idempotency_key = "key-1";
  Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertEvent(dup); });
  EXPECT_EQ(st.code(), Code::kAlreadyExists);

  Status rs = store_->Read([&](ReadTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(Event e, txn.FindEventByIdempotencyKey(ws.id, "key-1"));
    EXPECT_EQ(e.uuid, first.uuid);
    EXPECT_EQ(e.contact_uuid, c.uuid);
    EXPECT_EQ(txn.FindEventByIdempotencyKey(ws.id, "key-2").status().code(), Code::kNotFound);
    return Status::Ok();
  });
  EXPECT_TRUE(rs.ok()) << rs.ToString();
}

// ---- Events written in bulk (PostgreSQL buffers them per group commit) ----

TEST_P(StoreConformanceTest, ManyEventsInOneJobKeepTheirIdsTextAndOrder) {
  Workspace ws = AddWorkspace("w");
  Contact c = AddContact(ws.id, "bulk@example.com");
  const std::string odd = "q\"uo{te},\\back\\slash NULL \xC3\xA9\n\t'";
  constexpr int kEvents = 2'500;  // more than one multi-row statement
  std::vector<Event> in;
  Event found_in_job;
  std::vector<Event> listed_in_job;
  Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    in.clear();
    for (int i = 0; i < kEvents; ++i) {
      Event e;
      e.workspace_id = ws.id;
      e.uuid = core::NewUuidV7(kT0 + i);
      e.contact_id = c.id;
      e.type = i % 2 ? "t" : odd;
      e.data_json = R"({"i":)" + std::to_string(i) + R"(,"s":"a\"b"})";
      e.occurred_at = kT0 + i;
      e.received_at = kT0;
      if (i % 3 == 0) e.idempotency_key = "k" + std::to_string(i);
      if (i == 7) e.idempotency_key = odd;
      if (i == 11) e.idempotency_key = "";       // empty, not NULL
      if (i == 13) e.occurred_at = -86'400'000;  // before 1970
      RIVULET_RETURN_IF_ERROR(txn.InsertEvent(e));
      in.push_back(e);
    }
    // The job reads what it wrote.
    RIVULET_ASSIGN_OR_RETURN(found_in_job, txn.FindEventByIdempotencyKey(ws.id, "k300"));
    EventFilter f;
    f.limit = 10;
    RIVULET_ASSIGN_OR_RETURN(listed_in_job, txn.ListEvents(ws.id, f));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(in.size(), static_cast<size_t>(kEvents));
  for (size_t i = 1; i < in.size(); ++i) ASSERT_LT(in[i - 1].id, in[i].id) << i;
  EXPECT_EQ(found_in_job.id, in[300].id);
  ASSERT_EQ(listed_in_job.size(), 10u);
  EXPECT_EQ(listed_in_job[9].id, in[9].id);

  std::vector<Event> out;
  EventFilter f;
  f.limit = 1'000;
  while (true) {
    Status rs = store_->Read([&](ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(auto page, txn.ListEvents(ws.id, f));
      out.insert(out.end(), page.begin(), page.end());
      f.after_id = page.empty() ? f.after_id : page.back().id;
      return page.size() < 1'000u ? core::NotFound("done") : Status::Ok();
    });
    if (!rs.ok()) break;
  }
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].id, in[i].id);
    EXPECT_EQ(out[i].uuid, in[i].uuid);
    EXPECT_EQ(out[i].contact_uuid, c.uuid);
    EXPECT_EQ(out[i].type, in[i].type);
    EXPECT_EQ(out[i].data_json, in[i].data_json);
    EXPECT_EQ(out[i].occurred_at, in[i].occurred_at);
    EXPECT_EQ(out[i].idempotency_key, in[i].idempotency_key) << i;
  }
}

TEST_P(StoreConformanceTest, EventErrorsInAGroupCommitFailOnlyTheirJob) {
  Workspace ws = AddWorkspace("w");
  Contact c = AddContact(ws.id, "e@example.com");
  AddEvent(ws.id, c.id, "t", "stored-before");
  auto event = [&](std::optional<std::string> key, int64_t contact_id) {
    return testing::NewEvent(ws.id, contact_id, "t", kT0, std::move(key));
  };
  // Each job inserts its events; the statuses InsertEvent returned are kept.
  std::vector<std::vector<Event>> jobs = {
      {event("k1", c.id), event(std::nullopt, c.id)},
      {event("k1", c.id)},             // key used by the job before, same commit
      {event("stored-before", c.id)},  // key committed earlier
      {event("k2", c.id)},
      {event(std::nullopt, c.id + 999)},       // no such contact
      {event("k3", c.id), event("k3", c.id)},  // twice in one job
      {event(std::nullopt, c.id)},
  };
  std::vector<std::promise<Status>> done(jobs.size());
  std::vector<Status> first_error(jobs.size());
  {
    WriterGate gate(*store_);
    for (size_t j = 0; j < jobs.size(); ++j) {
      store_->Write(
          [&, j](WriteTxn& txn) -> Status {
            first_error[j] = Status::Ok();
            for (Event e : jobs[j]) {
              Status st = txn.InsertEvent(e);
              if (!st.ok()) {
                first_error[j] = st;
                return st;
              }
            }
            return Status::Ok();
          },
          [&, j](Status st) { done[j].set_value(st); });
    }
  }
  std::vector<Code> codes;
  for (auto& d : done) codes.push_back(d.get_future().get().code());
  EXPECT_EQ(codes,
            (std::vector<Code>{Code::kOk, Code::kAlreadyExists, Code::kAlreadyExists, Code::kOk,
                               Code::kFailedPrecondition, Code::kAlreadyExists, Code::kOk}));
  // The error came from InsertEvent itself, as the job saw it.
  for (size_t j : {1, 2, 4, 5}) EXPECT_EQ(first_error[j].code(), codes[j]) << j;
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM events"), 5);  // stored-before, 2, k2, 1
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM events WHERE idempotency_key = 'k1'"), 1);
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM events WHERE idempotency_key = 'k3'"), 0);
}

TEST_P(StoreConformanceTest, DeletingAWorkspaceDeletesItsEventsThroughItsContacts) {
  Workspace gone = AddWorkspace("gone");
  Workspace kept = AddWorkspace("kept");
  Contact a = AddContact(gone.id, "a@example.com");
  Contact b = AddContact(kept.id, "b@example.com");
  AddEvent(gone.id, a.id, "t");
  AddEvent(kept.id, b.id, "t");
  // An event buffered in the same transaction as the delete goes with it.
  Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    Event e = testing::NewEvent(gone.id, a.id, "t", kT0);
    RIVULET_RETURN_IF_ERROR(txn.InsertEvent(e));
    return txn.DeleteWorkspace(gone.id);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  const std::string events_of = "SELECT COUNT(*) FROM events WHERE workspace_id = ";
  EXPECT_EQ(RawQueryInt(events_of + std::to_string(gone.id)), 0);
  EXPECT_EQ(
      RawQueryInt("SELECT COUNT(*) FROM contacts WHERE workspace_id = " + std::to_string(gone.id)),
      0);
  EXPECT_EQ(RawQueryInt(events_of + std::to_string(kept.id)), 1);
}

TEST_P(StoreConformanceTest, AJobUndoneAfterReadingEventsKeepsEarlierJobsEvents) {
  Workspace ws = AddWorkspace("w");
  Contact c = AddContact(ws.id, "r@example.com");
  auto insert = [&](WriteTxn& txn, const std::string& type) {
    Event e = testing::NewEvent(ws.id, c.id, type, kT0);
    return txn.InsertEvent(e);
  };
  auto types = [&](ReadTxn& txn, std::vector<std::string>& out) -> Status {
    RIVULET_ASSIGN_OR_RETURN(auto all, txn.ListEvents(ws.id, EventFilter{}));
    out.clear();
    for (const auto& e : all) out.push_back(e.type);
    return Status::Ok();
  };
  std::promise<Status> d0, d1, d2;
  std::vector<std::string> seen1, seen2;
  {
    WriterGate gate(*store_);
    store_->Write([&](WriteTxn& txn) { return insert(txn, "first"); },
                  [&](Status st) { d0.set_value(st); });
    store_->Write(
        [&](WriteTxn& txn) -> Status {
          RIVULET_RETURN_IF_ERROR(insert(txn, "undone"));
          RIVULET_RETURN_IF_ERROR(types(txn, seen1));
          return core::InvalidArgument("changed my mind");
        },
        [&](Status st) { d1.set_value(st); });
    store_->Write(
        [&](WriteTxn& txn) -> Status {
          RIVULET_RETURN_IF_ERROR(insert(txn, "third"));
          return types(txn, seen2);
        },
        [&](Status st) { d2.set_value(st); });
  }
  EXPECT_TRUE(d0.get_future().get().ok());
  EXPECT_EQ(d1.get_future().get().code(), Code::kInvalidArgument);
  EXPECT_TRUE(d2.get_future().get().ok());
  EXPECT_EQ(seen1, (std::vector<std::string>{"first", "undone"}));
  EXPECT_EQ(seen2, (std::vector<std::string>{"first", "third"}));
  std::vector<std::string> after;
  ASSERT_TRUE(store_->Read([&](ReadTxn& txn) { return types(txn, after); }).ok());
  EXPECT_EQ(after, (std::vector<std::string>{"first", "third"}));
}

// ---- Reads ----

TEST_P(StoreConformanceTest, ReaderSeesAConsistentSnapshot) {
  Workspace ws = AddWorkspace("w");
  AddContact(ws.id, "one@example.com");
  Status st = store_->Read([&](ReadTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(int64_t before, txn.CountContacts(ws.id));
    // Another commit lands while this read transaction is open…
    Status w = store_->WriteAndWait([&](WriteTxn& wt) {
      Contact c = NewContact(ws.id, "two@example.com");
      return wt.InsertContact(c);
    });
    EXPECT_TRUE(w.ok()) << w.ToString();
    // …and stays invisible to it.
    RIVULET_ASSIGN_OR_RETURN(int64_t during, txn.CountContacts(ws.id));
    EXPECT_EQ(before, 1);
    EXPECT_EQ(during, before);
    EXPECT_EQ(txn.FindContact(ws.id, {ContactRef::Kind::kEmail, "two@example.com"}).status().code(),
              Code::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Count(ws.id), 2);
}

TEST_P(StoreConformanceTest, ReadReturnsTheFunctionsError) {
  Status st = store_->Read([](ReadTxn&) { return core::PermissionDenied("no"); });
  EXPECT_EQ(st.code(), Code::kPermissionDenied);
  // The reader connection is still usable afterwards.
  EXPECT_TRUE(store_->Read([](ReadTxn& txn) { return txn.ListWorkspaces().status(); }).ok());
}

TEST_P(StoreConformanceTest, ManyConcurrentReadersSucceed) {
  Workspace ws = AddWorkspace("w");
  AddContact(ws.id, "r@example.com");
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {  // more than the pool keeps
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        int64_t n = 0;
        Status st = store_->Read([&](ReadTxn& txn) -> Status {
          RIVULET_ASSIGN_OR_RETURN(n, txn.CountContacts(ws.id));
          return Status::Ok();
        });
        if (!st.ok() || n != 1) bad++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_P(StoreConformanceTest, ListContactsFiltersByEmailTagAndUpdatedAfter) {
  Workspace ws = AddWorkspace("w");
  Workspace other = AddWorkspace("other");
  Contact a = AddContact(ws.id, "a@example.com", kT0 + 10, R"(["vip","beta"])");
  Contact b = AddContact(ws.id, "b@example.com", kT0 + 20, R"(["beta"])");
  Contact c = AddContact(ws.id, "c@example.com", kT0 + 30, R"(["vipx"])");
  AddContact(other.id, "a@example.com", kT0 + 40, R"(["vip"])");

  ContactFilter by_email;
  by_email.email = "b@example.com";
  auto r = List(ws.id, by_email);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, b.id);

  ContactFilter by_tag;
  by_tag.tag = "vip";  // exact element match, not a substring ("vipx")
  r = List(ws.id, by_tag);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, a.id);

  by_tag.tag = "beta";
  r = List(ws.id, by_tag);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, a.id);
  EXPECT_EQ(r[1].id, b.id);

  ContactFilter recent;
  recent.updated_after = kT0 + 20;  // strictly after
  r = List(ws.id, recent);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, c.id);

  ContactFilter combined;
  combined.tag = "beta";
  combined.updated_after = kT0 + 10;
  r = List(ws.id, combined);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, b.id);

  ContactFilter none;
  none.email = "nobody@example.com";
  EXPECT_TRUE(List(ws.id, none).empty());

  // No filter: everything in this workspace only.
  r = List(ws.id, ContactFilter{});
  ASSERT_EQ(r.size(), 3u);
  for (const auto& x : r) EXPECT_EQ(x.workspace_id, ws.id);
}

TEST_P(StoreConformanceTest, ListContactsFiltersByPhoneAndExternalId) {
  Workspace ws = AddWorkspace("w");
  Contact a = NewContact(ws.id, std::nullopt);
  a.phone = "+31612345678";
  Contact b = NewContact(ws.id, std::nullopt);
  b.external_id = "crm-7";
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](WriteTxn& txn) -> Status {
                    RIVULET_RETURN_IF_ERROR(txn.InsertContact(a));
                    return txn.InsertContact(b);
                  })
                  .ok());
  ContactFilter f;
  f.phone = "+31612345678";
  auto r = List(ws.id, f);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, a.id);
  ContactFilter g;
  g.external_id = "crm-7";
  r = List(ws.id, g);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, b.id);
}

TEST_P(StoreConformanceTest, ListContactsPaginatesByKey) {
  Workspace ws = AddWorkspace("w");
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(AddContact(ws.id, "p" + std::to_string(i) + "@x.io").id);

  std::vector<int64_t> seen;
  ContactFilter f;
  f.limit = 3;
  int pages = 0;
  while (true) {
    auto page = List(ws.id, f);
    ASSERT_LE(page.size(), 3u);
    if (page.empty()) break;
    ++pages;
    for (const auto& c : page) seen.push_back(c.id);
    f.after_id = page.back().id;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);   // 3 + 3 + 1
  EXPECT_EQ(seen, ids);  // ascending id order, nothing skipped or repeated

  // A row inserted behind the cursor is not seen; one ahead of it is.
  ContactFilter mid;
  mid.after_id = ids[3];
  mid.limit = 100;
  int64_t late = AddContact(ws.id, "late@x.io").id;
  auto rest = List(ws.id, mid);
  ASSERT_EQ(rest.size(), 4u);
  EXPECT_EQ(rest.front().id, ids[4]);
  EXPECT_EQ(rest.back().id, late);
}

// ---- Deletes and isolation ----

TEST_P(StoreConformanceTest, DeleteContactRemovesItsEventsOnly) {
  Workspace ws = AddWorkspace("w");
  Contact gone = AddContact(ws.id, "gone@example.com");
  Contact kept = AddContact(ws.id, "kept@example.com");
  AddEvent(ws.id, gone.id, "a", "k1");
  AddEvent(ws.id, gone.id, "b");
  Event keep = AddEvent(ws.id, kept.id, "c");

  Status st =
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteContact(ws.id, gone.id); });
  ASSERT_TRUE(st.ok()) << st.ToString();

  auto events = Events(ws.id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].uuid, keep.uuid);
  EXPECT_EQ(Find(ws.id, {ContactRef::Kind::kUuid, gone.uuid}).status().code(), Code::kNotFound);
  EXPECT_TRUE(Find(ws.id, {ContactRef::Kind::kUuid, kept.uuid}).ok());
  EXPECT_EQ(
      RawQueryInt("SELECT COUNT(*) FROM events WHERE contact_id = " + std::to_string(gone.id)), 0);
  // The idempotency key of an erased event is free again.
  EXPECT_EQ(
      store_
          ->Read([&](ReadTxn& txn) { return txn.FindEventByIdempotencyKey(ws.id, "k1").status(); })
          .code(),
      Code::kNotFound);

  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteContact(ws.id, gone.id); });
  EXPECT_EQ(st.code(), Code::kNotFound);
}

TEST_P(StoreConformanceTest, WorkspaceIsolationOnLookupsAndChanges) {
  Workspace ws = AddWorkspace("mine");
  Workspace other = AddWorkspace("theirs");
  Contact c = AddContact(ws.id, "iso@example.com");
  c.phone = "+3161234567";
  c.external_id = "ext-1";
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateContact(c); }).ok());
  AddEvent(ws.id, c.id, "t", "iso-key");

  for (const ContactRef& ref : {ContactRef{ContactRef::Kind::kUuid, c.uuid},
                                ContactRef{ContactRef::Kind::kEmail, "iso@example.com"},
                                ContactRef{ContactRef::Kind::kPhone, "+3161234567"},
                                ContactRef{ContactRef::Kind::kExternalId, "ext-1"}}) {
    EXPECT_TRUE(Find(ws.id, ref).ok()) << ref.value;
    EXPECT_EQ(Find(other.id, ref).status().code(), Code::kNotFound) << ref.value;
  }
  Status st = store_->Read([&](ReadTxn& txn) -> Status {
    EXPECT_EQ(txn.FindContactById(other.id, c.id).status().code(), Code::kNotFound);
    EXPECT_EQ(txn.FindEventByIdempotencyKey(other.id, "iso-key").status().code(), Code::kNotFound);
    auto ev = txn.ListEvents(other.id, {});
    EXPECT_TRUE(ev.ok() && ev->empty());
    auto cnt = txn.CountContacts(other.id);
    EXPECT_TRUE(cnt.ok() && *cnt == 0);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());

  // Changes addressed through the wrong workspace touch nothing.
  Contact hijack = c;
  hijack.workspace_id = other.id;
  hijack.email = "stolen@example.com";
  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateContact(hijack); });
  EXPECT_EQ(st.code(), Code::kNotFound);
  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteContact(other.id, c.id); });
  EXPECT_EQ(st.code(), Code::kNotFound);
  auto still = Find(ws.id, {ContactRef::Kind::kUuid, c.uuid});
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->email, "iso@example.com");
  EXPECT_EQ(Events(ws.id).size(), 1u);
}

TEST_P(StoreConformanceTest, ListEventsFiltersByContactAndTypeAndPaginates) {
  Workspace ws = AddWorkspace("w");
  Contact a = AddContact(ws.id, "a@x.io");
  Contact b = AddContact(ws.id, "b@x.io");
  Event a1 = AddEvent(ws.id, a.id, "open");
  AddEvent(ws.id, b.id, "open");
  Event a2 = AddEvent(ws.id, a.id, "click");
  Event a3 = AddEvent(ws.id, a.id, "open");

  EventFilter by_contact;
  by_contact.contact_id = a.id;
  auto r = Events(ws.id, by_contact);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].uuid, a1.uuid);
  EXPECT_EQ(r[2].uuid, a3.uuid);
  EXPECT_EQ(r[0].contact_uuid, a.uuid);

  EventFilter by_type;
  by_type.type = "click";
  r = Events(ws.id, by_type);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].uuid, a2.uuid);

  EventFilter page;
  page.contact_id = a.id;
  page.after_id = a1.id;
  page.limit = 1;
  r = Events(ws.id, page);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].uuid, a2.uuid);
}

// ---- Credentials and tokens ----

TEST_P(StoreConformanceTest, AccessTokensExpireViaDeleteExpiredAccessTokens) {
  Workspace ws = AddWorkspace("w");
  core::Credential cred;
  cred.kind = core::CredentialKind::kOAuthClient;
  cred.public_id = "client";
  cred.secret_hash = core::NewUuidV7(kT0);
  Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    core::Principal p;
    p.name = "p";
    p.workspace_ids = {ws.id};
    RIVULET_RETURN_IF_ERROR(txn.InsertPrincipal(p));
    cred.principal_id = p.id;
    RIVULET_RETURN_IF_ERROR(txn.InsertCredential(cred));
    RIVULET_RETURN_IF_ERROR(txn.InsertAccessToken({"h-early", cred.id, 100}));
    RIVULET_RETURN_IF_ERROR(txn.InsertAccessToken({"h-edge", cred.id, 150}));
    return txn.InsertAccessToken({"h-late", cred.id, 200});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  st = store_->WriteAndWait([](WriteTxn& txn) { return txn.DeleteExpiredAccessTokens(150); });
  ASSERT_TRUE(st.ok());
  st = store_->Read([&](ReadTxn& txn) -> Status {
    EXPECT_EQ(txn.FindAccessToken("h-early").status().code(), Code::kNotFound);
    EXPECT_EQ(txn.FindAccessToken("h-edge").status().code(), Code::kNotFound);  // expires_at <= now
    RIVULET_ASSIGN_OR_RETURN(core::AccessToken t, txn.FindAccessToken("h-late"));
    EXPECT_EQ(t.credential_id, cred.id);
    EXPECT_EQ(t.expires_at, 200);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreConformanceTest, RevokingACredentialDropsItsAccessTokens) {
  core::Credential cred;
  cred.kind = core::CredentialKind::kOAuthClient;
  cred.public_id = "c1";
  cred.secret_hash = std::string("\x00\x01raw", 5);  // binary hashes survive the round trip
  Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    core::Principal p;
    p.name = "p";
    RIVULET_RETURN_IF_ERROR(txn.InsertPrincipal(p));
    cred.principal_id = p.id;
    RIVULET_RETURN_IF_ERROR(txn.InsertCredential(cred));
    return txn.InsertAccessToken({"tok", cred.id, kT0});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.RevokeCredential(cred.id, kT0 + 5); });
  ASSERT_TRUE(st.ok()) << st.ToString();
  // Revoking again keeps the first revocation time.
  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.RevokeCredential(cred.id, kT0 + 9); });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store_->Read([&](ReadTxn& txn) -> Status {
    EXPECT_EQ(txn.FindAccessToken("tok").status().code(), Code::kNotFound);
    RIVULET_ASSIGN_OR_RETURN(core::Credential c, txn.FindCredentialById(cred.id));
    EXPECT_EQ(c.revoked_at, kT0 + 5);
    EXPECT_EQ(c.secret_hash, cred.secret_hash);
    RIVULET_ASSIGN_OR_RETURN(core::Credential by_hash,
                             txn.FindCredentialBySecretHash(cred.kind, cred.secret_hash));
    EXPECT_EQ(by_hash.id, cred.id);
    EXPECT_EQ(txn.FindCredentialBySecretHash(core::CredentialKind::kApiKey, cred.secret_hash)
                  .status()
                  .code(),
              Code::kNotFound);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  st = store_->WriteAndWait([](WriteTxn& txn) { return txn.RevokeCredential(424242, kT0); });
  EXPECT_EQ(st.code(), Code::kNotFound);
}

TEST_P(StoreConformanceTest, PrincipalsCarryTheirWorkspaces) {
  Workspace w1 = AddWorkspace("one");
  Workspace w2 = AddWorkspace("two");
  Workspace w3 = AddWorkspace("three");
  core::Principal p;
  p.name = "multi";
  p.is_admin = true;
  p.workspace_ids = {w2.id, w1.id};
  Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    RIVULET_RETURN_IF_ERROR(txn.InsertPrincipal(p));
    RIVULET_RETURN_IF_ERROR(txn.GrantWorkspace(p.id, w3.id));
    return txn.GrantWorkspace(p.id, w1.id);  // granting twice is harmless
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store_->Read([&](ReadTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(core::Principal got, txn.FindPrincipal(p.id));
    EXPECT_EQ(got.name, "multi");
    EXPECT_TRUE(got.is_admin);
    EXPECT_EQ(got.workspace_ids, (std::vector<int64_t>{w1.id, w2.id, w3.id}));
    EXPECT_EQ(txn.FindPrincipal(p.id + 100).status().code(), Code::kNotFound);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreConformanceTest, GrantingAnUnknownWorkspaceFails) {
  core::Principal p;
  p.name = "p";
  p.workspace_ids = {9999};
  Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertPrincipal(p); });
  EXPECT_FALSE(st.ok());  // foreign keys are enforced
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM principals"), 0);
}

// ---- Automations, tokens, outbox, counters ----

class StoreJourneysTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ws_ = AddWorkspace("w");
    contact_ = AddContact(ws_.id, "j@example.com");
    running_ = AddAutomation(core::AutomationStatus::kRunning, "signup");
    paused_ = AddAutomation(core::AutomationStatus::kPaused, "other");
  }

  core::Automation AddAutomation(core::AutomationStatus status, const std::string& trigger) {
    core::Automation a;
    a.workspace_id = ws_.id;
    a.uuid = core::NewUuidV7(kT0);
    a.name = "a";
    a.status = status;
    a.triggers.push_back({trigger, ""});
    a.created_at = a.updated_at = kT0;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertAutomation(a); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return a;
  }

  core::Token AddToken(const core::Automation& a, std::optional<core::Millis> wake_at,
                       std::string waiting_event = "") {
    core::Token t;
    t.workspace_id = ws_.id;
    t.automation_id = a.id;
    t.uuid = core::NewUuidV7(kT0);
    t.contact_id = contact_.id;
    t.step_uuid = "s1";
    t.phase = core::StepPhase::kWaiting;
    t.wake_at = wake_at;
    t.waiting_event = std::move(waiting_event);
    t.entered_at = t.step_entered_at = t.updated_at = kT0;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertToken(t); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return t;
  }

  core::OutboxMessage AddMessage(const core::Token& t, core::Millis next_attempt_at) {
    core::OutboxMessage m;
    m.workspace_id = ws_.id;
    m.automation_id = t.automation_id;
    m.token_id = t.id;
    m.contact_id = t.contact_id;
    m.uuid = core::NewUuidV7(kT0);
    m.step_uuid = "s1";
    m.channel = "webhook";
    m.idempotency_key = m.uuid;
    m.payload_json = R"({"url":"http://x"})";
    m.next_attempt_at = next_attempt_at;
    m.created_at = kT0;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertOutboxMessage(m); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return m;
  }

  template <typename T>
  T ReadValue(const std::function<core::Result<T>(ReadTxn&)>& fn) {
    T out{};
    Status st = store_->Read([&](ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(out, fn(txn));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  template <typename T>
  T WriteValue(const std::function<core::Result<T>(WriteTxn&)>& fn) {
    T out{};
    Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(out, fn(txn));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  Workspace ws_;
  Contact contact_;
  core::Automation running_, paused_;
};

TEST_P(StoreJourneysTest, AutomationRoundTripsAndTriggersIndexOnlyRunningOnes) {
  auto found = ReadValue<core::Automation>(
      [&](ReadTxn& txn) { return txn.FindAutomation(ws_.id, running_.uuid); });
  EXPECT_EQ(found.id, running_.id);
  EXPECT_EQ(found.status, core::AutomationStatus::kRunning);
  ASSERT_EQ(found.triggers.size(), 1u);
  EXPECT_EQ(found.triggers[0].event_type, "signup");
  auto triggered = ReadValue<std::vector<int64_t>>(
      [&](ReadTxn& txn) { return txn.AutomationsTriggeredBy(ws_.id, "signup"); });
  EXPECT_EQ(triggered, std::vector<int64_t>{running_.id});
  EXPECT_TRUE(ReadValue<std::vector<int64_t>>([&](ReadTxn& txn) {
                return txn.AutomationsTriggeredBy(ws_.id, "other");
              }).empty());  // paused
  AutomationFilter f;
  f.statuses = {core::AutomationStatus::kPaused, core::AutomationStatus::kDraft};
  auto listed = ReadValue<std::vector<core::Automation>>(
      [&](ReadTxn& txn) { return txn.ListAutomations(ws_.id, f); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, paused_.id);
}

TEST_P(StoreJourneysTest, TriggerLookupsInOneGroupCommitFollowItsJobsChanges) {
  // The first job holds the writer until the others are queued, so that they share a group
  // commit (where a store may remember trigger lookups).
  std::promise<void> queued;
  std::shared_future<void> go = queued.get_future().share();
  using Ids = std::vector<int64_t>;
  Ids first, inside_failed, after_failed, after_resume;
  std::atomic<int> done{0};
  auto count = [&](Status) { done++; };
  store_->Write(
      [go](WriteTxn&) {
        go.wait();
        return Status::Ok();
      },
      count);
  store_->Write(
      [&](WriteTxn& txn) -> Status {
        RIVULET_ASSIGN_OR_RETURN(first, txn.AutomationsTriggeredBy(ws_.id, "signup"));
        return Status::Ok();
      },
      count);
  Status failed_job;
  store_->Write(
      [&](WriteTxn& txn) -> Status {
        core::Automation b;
        b.workspace_id = ws_.id;
        b.uuid = core::NewUuidV7(kT0 + 1);
        b.name = "undone";
        b.status = core::AutomationStatus::kRunning;
        b.triggers.push_back({"signup", ""});
        b.created_at = b.updated_at = kT0;
        RIVULET_RETURN_IF_ERROR(txn.InsertAutomation(b));
        RIVULET_ASSIGN_OR_RETURN(inside_failed, txn.AutomationsTriggeredBy(ws_.id, "signup"));
        return core::FailedPrecondition("undo");
      },
      [&](Status st) {
        failed_job = st;
        done++;
      });
  store_->Write(
      [&](WriteTxn& txn) -> Status {
        RIVULET_ASSIGN_OR_RETURN(after_failed, txn.AutomationsTriggeredBy(ws_.id, "signup"));
        return Status::Ok();
      },
      count);
  store_->Write(
      [&](WriteTxn& txn) -> Status {
        (void)txn.AutomationsTriggeredBy(ws_.id, "other");  // paused: none, maybe remembered
        core::Automation resumed = paused_;
        resumed.status = core::AutomationStatus::kRunning;
        RIVULET_RETURN_IF_ERROR(txn.UpdateAutomation(resumed));
        RIVULET_ASSIGN_OR_RETURN(after_resume, txn.AutomationsTriggeredBy(ws_.id, "other"));
        return Status::Ok();
      },
      count);
  queued.set_value();
  for (int i = 0; i < 500 && done.load() < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(done.load(), 5);
  EXPECT_EQ(failed_job.code(), Code::kFailedPrecondition);
  EXPECT_EQ(first, Ids{running_.id});
  EXPECT_EQ(inside_failed.size(), 2u);        // the job sees its own new automation
  EXPECT_EQ(after_failed, Ids{running_.id});  // but nobody sees it after its rollback
  EXPECT_EQ(after_resume, Ids{paused_.id});
}

TEST_P(StoreJourneysTest, AutomationsWithAnAudienceAreIndexedUnderTheAudienceKey) {
  // OnEvent finds the automations a contact may join through AutomationsTriggeredBy with
  // kAudienceTriggerKey; the index follows the audience through inserts and updates.
  const std::string key(core::kAudienceTriggerKey);
  core::Audience audience;
  audience.workspace_id = ws_.id;
  audience.kind = core::Audience::Kind::kContactType;
  audience.name = "Customers";
  audience.condition_json = core::ContactTypeCondition("vip");
  audience.created_at = audience.updated_at = kT0;
  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertAudience(audience); }).ok());

  core::Automation a;
  a.workspace_id = ws_.id;
  a.uuid = core::NewUuidV7(kT0);
  a.name = "welcome";
  a.status = core::AutomationStatus::kRunning;
  a.audience_id = audience.id;
  a.created_at = a.updated_at = kT0;
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertAutomation(a); }).ok());
  auto by_audience = [&] {
    return ReadValue<std::vector<int64_t>>(
        [&](ReadTxn& txn) { return txn.AutomationsTriggeredBy(ws_.id, key); });
  };
  EXPECT_EQ(by_audience(), std::vector<int64_t>{a.id});
  EXPECT_EQ(ReadValue<core::Automation>([&](ReadTxn& txn) {
              return txn.FindAutomationById(a.id);
            }).audience_id,
            audience.id);

  a.audience_id = 0;  // the audience removed: no longer found
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateAutomation(a); }).ok());
  EXPECT_TRUE(by_audience().empty());
  a.audience_id = audience.id;  // and back
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateAutomation(a); }).ok());
  EXPECT_EQ(by_audience(), std::vector<int64_t>{a.id});
  a.status = core::AutomationStatus::kPaused;  // only RUNNING automations are found
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateAutomation(a); }).ok());
  EXPECT_TRUE(by_audience().empty());
}

TEST_P(StoreJourneysTest, ClaimDueTokensTakesDueTokensOfRunningAutomationsOldestFirst) {
  core::Token late = AddToken(running_, kT0 + 500);
  core::Token early = AddToken(running_, kT0 + 100);
  AddToken(running_, kT0 + 5'000);        // not yet due
  AddToken(paused_, kT0);                 // frozen with its automation
  AddToken(running_, std::nullopt, "x");  // waits for an event only
  auto due = WriteValue<std::vector<core::Token>>(
      [&](WriteTxn& txn) { return txn.ClaimDueTokens(kT0 + 1'000, 10); });
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, early.id);
  EXPECT_EQ(due[1].id, late.id);
  EXPECT_EQ(ReadValue<std::optional<core::Millis>>([&](ReadTxn& txn) { return txn.NextWakeAt(); }),
            std::optional<core::Millis>(kT0 + 100));
  auto one = WriteValue<std::vector<core::Token>>(
      [&](WriteTxn& txn) { return txn.ClaimDueTokens(kT0 + 1'000, 1); });
  EXPECT_EQ(one.size(), 1u);
}

TEST_P(StoreJourneysTest, TokensRoundTripAndFilter) {
  core::Token t = AddToken(running_, kT0 + 100, "clicked");
  t.run_data_json = R"({"coupon":"X1"})";
  t.status = core::TokenStatus::kCompleted;
  t.error_at = kT0 + 7;
  t.wake_at.reset();
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateToken(t); }).ok());
  auto got = ReadValue<core::Token>([&](ReadTxn& txn) { return txn.FindToken(ws_.id, t.uuid); });
  EXPECT_EQ(got.id, t.id);
  EXPECT_EQ(got.run_data_json, t.run_data_json);
  EXPECT_EQ(got.status, core::TokenStatus::kCompleted);
  EXPECT_EQ(got.error_at, t.error_at);
  EXPECT_FALSE(got.wake_at.has_value());
  AddToken(running_, kT0);
  TokenFilter f;
  f.statuses = {core::TokenStatus::kCompleted};
  auto done =
      ReadValue<std::vector<core::Token>>([&](ReadTxn& txn) { return txn.ListTokens(ws_.id, f); });
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].id, t.id);
  f = TokenFilter();
  f.automation_id = running_.id;
  f.contact_id = contact_.id;
  EXPECT_EQ(ReadValue<std::vector<core::Token>>([&](ReadTxn& txn) {
              return txn.ListTokens(ws_.id, f);
            }).size(),
            2u);
  EXPECT_EQ(ReadValue<std::vector<core::Token>>(
                [&](ReadTxn& txn) { return txn.TokensOfContact(running_.id, contact_.id); })
                .front()
                .id,
            t.id + 1);  // newest first
  auto waiting = WriteValue<std::vector<core::Token>>(
      [&](WriteTxn& txn) { return txn.TokensWaitingFor(contact_.id, "clicked"); });
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].id, t.id);
  core::Token other;
  other.id = 999'999;
  EXPECT_EQ(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateToken(other); }).code(),
            Code::kNotFound);
}

TEST_P(StoreJourneysTest, ExitExpiredTokensSparesTriggeredOnes) {
  core::Token expired = AddToken(running_, kT0);
  core::Token triggered = AddToken(running_, kT0);
  triggered.step_data_json = R"({"triggered":true})";
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateToken(triggered); }).ok());
  AddToken(running_, kT0 + 10'000);  // still waiting
  auto n = WriteValue<int64_t>(
      [&](WriteTxn& txn) { return txn.ExitExpiredTokens(running_.id, kT0 + 1'000); });
  EXPECT_EQ(n, 1);
  auto got = ReadValue<core::Token>([&](ReadTxn& txn) { return txn.FindTokenById(expired.id); });
  EXPECT_EQ(got.status, core::TokenStatus::kExited);
  EXPECT_FALSE(got.wake_at.has_value());
}

TEST_P(StoreJourneysTest, ClaimOutboxLeasesMessagesAndTakesOverExpiredLeases) {
  core::Token t = AddToken(running_, std::nullopt);
  core::OutboxMessage due = AddMessage(t, kT0);
  AddMessage(t, kT0 + 60'000);  // later
  auto claimed = WriteValue<std::vector<core::OutboxMessage>>(
      [&](WriteTxn& txn) { return txn.ClaimOutbox(kT0 + 10, 10, kT0 + 1'000); });
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, due.id);
  EXPECT_EQ(claimed[0].status, "sending");
  EXPECT_EQ(claimed[0].lease_until, kT0 + 1'000);
  EXPECT_EQ(claimed[0].payload_json, due.payload_json);
  // Leased: nobody else gets it until the lease runs out, then it is taken over.
  EXPECT_TRUE(WriteValue<std::vector<core::OutboxMessage>>([&](WriteTxn& txn) {
                return txn.ClaimOutbox(kT0 + 20, 10, kT0 + 2'000);
              }).empty());
  EXPECT_EQ(ReadValue<std::optional<core::Millis>>(
                [&](ReadTxn& txn) { return txn.NextOutboxAttemptAt(); }),
            std::optional<core::Millis>(kT0 + 1'000));
  auto again = WriteValue<std::vector<core::OutboxMessage>>(
      [&](WriteTxn& txn) { return txn.ClaimOutbox(kT0 + 1'000, 10, kT0 + 3'000); });
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].lease_until, kT0 + 3'000);
  core::OutboxMessage sent = again[0];
  sent.status = "sent";
  sent.attempts = 1;
  sent.sent_at = kT0 + 1'001;
  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateOutboxMessage(sent); }).ok());
  auto got =
      ReadValue<core::OutboxMessage>([&](ReadTxn& txn) { return txn.FindOutboxMessage(due.uuid); });
  EXPECT_EQ(got.status, "sent");
  EXPECT_EQ(got.sent_at, sent.sent_at);
  EXPECT_EQ(ReadValue<std::vector<core::OutboxMessage>>([&](ReadTxn& txn) {
              return txn.MessagesOfToken(t.id);
            }).size(),
            2u);
  core::OutboxMessage dup = due;
  dup.uuid = core::NewUuidV7(kT0);
  EXPECT_EQ(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertOutboxMessage(dup); }).code(),
      Code::kAlreadyExists);  // same idempotency key
}

TEST_P(StoreJourneysTest, CountersAccumulateAcrossCommits) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_
                    ->WriteAndWait([&](WriteTxn& txn) {
                      return txn.AddCounters({{running_.id, "", "entered", 1},
                                              {running_.id, "s1", "sent", 2},
                                              {running_.id, "s1", "sent", 1},
                                              {running_.id, "s1", "zero", 0}});
                    })
                    .ok());
  }
  auto counters = ReadValue<std::vector<CounterValue>>(
      [&](ReadTxn& txn) { return txn.ReadCounters(running_.id); });
  ASSERT_EQ(counters.size(), 2u);
  EXPECT_EQ(counters[0].step_uuid, "");
  EXPECT_EQ(counters[0].name, "entered");
  EXPECT_EQ(counters[0].value, 3);
  EXPECT_EQ(counters[1].step_uuid, "s1");
  EXPECT_EQ(counters[1].value, 9);
}

TEST_P(StoreJourneysTest, DeletingAnAutomationRemovesItsTokensAndMessages) {
  core::Token t = AddToken(running_, kT0);
  AddMessage(t, kT0);
  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteAutomation(ws_.id, running_.id); })
          .ok());
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM tokens"), 0);
  EXPECT_EQ(RawQueryInt("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteAutomation(ws_.id, running_.id); })
          .code(),
      Code::kNotFound);
}

TEST_P(StoreJourneysTest, SecretsSendersTemplatesAndSettingsRoundTrip) {
  auto first =
      WriteValue<std::string>([&](WriteTxn& txn) { return txn.GetOrCreateSecret("link", "one"); });
  auto second =
      WriteValue<std::string>([&](WriteTxn& txn) { return txn.GetOrCreateSecret("link", "two"); });
  EXPECT_EQ(first, "one");
  EXPECT_EQ(second, "one");
  core::Sender s{0, ws_.id, core::NewUuidV7(kT0), "n", "From", "f@example.com", "", kT0};
  core::MessageTemplate t{0,   ws_.id, core::NewUuidV7(kT0), "t", "email", "Hi", "<p>x</p>", "x",
                          kT0, kT0};
  core::WorkspaceSetting set{0, ws_.id, core::NewUuidV7(kT0), "l", "c", "SMTP", "{}"};
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](WriteTxn& txn) -> Status {
                    RIVULET_RETURN_IF_ERROR(txn.InsertSender(s));
                    RIVULET_RETURN_IF_ERROR(txn.InsertTemplate(t));
                    return txn.InsertSetting(set);
                  })
                  .ok());
  t.subject = "Hello";
  set.value_json = R"({"host":"h"})";
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](WriteTxn& txn) -> Status {
                    RIVULET_RETURN_IF_ERROR(txn.UpdateTemplate(t));
                    return txn.UpdateSetting(set);
                  })
                  .ok());
  EXPECT_EQ(ReadValue<core::Sender>([&](ReadTxn& txn) {
              return txn.FindSender(ws_.id, s.uuid);
            }).from_address,
            "f@example.com");
  EXPECT_EQ(ReadValue<core::MessageTemplate>([&](ReadTxn& txn) {
              return txn.FindTemplate(ws_.id, t.uuid);
            }).subject,
            "Hello");
  EXPECT_EQ(ReadValue<core::WorkspaceSetting>([&](ReadTxn& txn) {
              return txn.FindSetting(ws_.id, set.uuid);
            }).value_json,
            set.value_json);
  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteSetting(ws_.id, set.id); }).ok());
  EXPECT_TRUE(ReadValue<std::vector<core::WorkspaceSetting>>([&](ReadTxn& txn) {
                return txn.ListSettings(ws_.id);
              }).empty());
}

TEST_P(StoreJourneysTest, BatchSourcesHoldAndReleaseTheirTokens) {
  core::BatchSource b;
  b.workspace_id = ws_.id;
  b.automation_id = running_.id;
  b.uuid = core::NewUuidV7(kT0);
  b.label = "first";
  b.created_at = b.updated_at = kT0;
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertBatchSource(b); }).ok());
  core::BatchSource dup = b;
  EXPECT_EQ(store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertBatchSource(dup); }).code(),
            Code::kAlreadyExists);
  b.packets = 2;
  b.accepted = 2;
  b.status = core::BatchStatus::kClosed;
  b.closed_at = kT0 + 5;
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateBatchSource(b); }).ok());
  auto got = ReadValue<core::BatchSource>(
      [&](ReadTxn& txn) { return txn.FindBatchSource(ws_.id, running_.id, b.uuid); });
  EXPECT_EQ(got.id, b.id);
  EXPECT_EQ(got.status, core::BatchStatus::kClosed);
  EXPECT_EQ(got.accepted, 2);
  EXPECT_EQ(got.closed_at, b.closed_at);

  // Held tokens: ACTIVE, at their entry, no wake-up time.
  for (int i = 0; i < 3; ++i) {
    core::Token t = AddToken(running_, std::nullopt);
    t.phase = core::StepPhase::kEnter;
    t.source_uuid = i < 2 ? b.uuid : "other";
    ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateToken(t); }).ok());
  }
  EXPECT_EQ(WriteValue<int64_t>([&](WriteTxn& txn) {
              return txn.ReleaseHeldTokens(running_.id, b.uuid, kT0 + 10);
            }),
            2);
  EXPECT_EQ(WriteValue<std::vector<core::Token>>([&](WriteTxn& txn) {
              return txn.ClaimDueTokens(kT0 + 10, 10);
            }).size(),
            2u);
  EXPECT_EQ(WriteValue<int64_t>(
                [&](WriteTxn& txn) { return txn.DeleteHeldTokens(running_.id, "other"); }),
            1);
  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteBatchSource(ws_.id, b.id); })
          .ok());
  EXPECT_EQ(ReadValue<int64_t>([&](ReadTxn& txn) -> core::Result<int64_t> {
              return txn.FindBatchSource(ws_.id, running_.id, b.uuid).status().code() ==
                             Code::kNotFound
                         ? 1
                         : 0;
            }),
            1);
}

TEST_P(StoreJourneysTest, StagedPacketsAreClaimedInOrderAndGoWithTheirSource) {
  std::vector<core::BatchSource> sources(2);
  for (auto& b : sources) {
    b.workspace_id = ws_.id;
    b.automation_id = running_.id;
    b.uuid = core::NewUuidV7(kT0);
    b.received = 7;
    b.packet_expanded = 3;
    b.created_at = b.updated_at = kT0;
    ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertBatchSource(b); }).ok());
  }
  sources[0].packet_expanded = 4;
  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateBatchSource(sources[0]); }).ok());
  auto found = ReadValue<core::BatchSource>(
      [&](ReadTxn& txn) { return txn.FindBatchSource(ws_.id, running_.id, sources[0].uuid); });
  EXPECT_EQ((std::pair{found.received, found.packet_expanded}),
            (std::pair<int64_t, int64_t>{7, 4}));
  EXPECT_EQ(ReadValue<core::BatchSource>([&](ReadTxn& txn) {
              return txn.FindBatchSource(ws_.id, running_.id, sources[1].uuid);
            }).packet_expanded,
            3);
  auto stage = [&](const core::BatchSource& b, bool last, const std::string& payload) {
    core::StagedPacket p;
    p.workspace_id = ws_.id;
    p.automation_id = running_.id;
    p.source_id = b.id;
    p.source_uuid = b.uuid;
    p.last = last;
    p.customers = static_cast<int64_t>(payload.size());
    p.payload = payload;
    p.created_at = kT0;
    EXPECT_TRUE(
        store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertStagedPacket(p); }).ok());
    return p.id;
  };
  int64_t a1 = stage(sources[0], false, "[1]");
  int64_t b1 = stage(sources[1], false, "[2]");
  int64_t a2 = stage(sources[0], true, "[3,4]");
  auto claim_and_delete = [&]() {
    return WriteValue<std::optional<core::StagedPacket>>(
        [&](WriteTxn& txn) -> core::Result<std::optional<core::StagedPacket>> {
          RIVULET_ASSIGN_OR_RETURN(auto p, txn.ClaimStagedPacket());
          if (p) RIVULET_RETURN_IF_ERROR(txn.DeleteStagedPacket(p->id));
          return p;
        });
  };
  auto first = claim_and_delete();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, a1);
  EXPECT_EQ(claim_and_delete()->id, b1);
  auto last = claim_and_delete();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->id, a2);
  EXPECT_TRUE(last->last);
  EXPECT_EQ((std::tuple{last->source_id, last->source_uuid, last->customers, last->payload}),
            (std::tuple{sources[0].id, sources[0].uuid, int64_t{5}, std::string("[3,4]")}));
  EXPECT_FALSE(claim_and_delete().has_value());
  // A source's packets go when it is deleted.
  stage(sources[1], true, "[5]");
  ASSERT_TRUE(store_
                  ->WriteAndWait(
                      [&](WriteTxn& txn) { return txn.DeleteBatchSource(ws_.id, sources[1].id); })
                  .ok());
  EXPECT_FALSE(claim_and_delete().has_value());
}

TEST_P(StoreJourneysTest, TokensCountAndPageByOffsetInTheRequestedOrder) {
  std::vector<core::Token> tokens;
  for (int i = 0; i < 5; ++i) {
    core::Token t = AddToken(running_, std::nullopt);
    t.step_uuid = std::string(1, static_cast<char>('e' - i));  // e, d, c, b, a
    ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateToken(t); }).ok());
    tokens.push_back(t);
  }
  TokenFilter f;
  f.automation_id = running_.id;
  f.order = TokenOrder::kStep;
  f.offset = 1;
  f.limit = 2;
  auto page =
      ReadValue<std::vector<core::Token>>([&](ReadTxn& txn) { return txn.ListTokens(ws_.id, f); });
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].step_uuid, "b");
  EXPECT_EQ(page[1].step_uuid, "c");
  EXPECT_EQ(ReadValue<int64_t>([&](ReadTxn& txn) { return txn.CountTokens(ws_.id, f); }), 5);
  f.statuses = {core::TokenStatus::kCompleted};
  EXPECT_EQ(ReadValue<int64_t>([&](ReadTxn& txn) { return txn.CountTokens(ws_.id, f); }), 0);
}

TEST_P(StoreJourneysTest, TokensOfADisabledWorkspaceAreNotDue) {
  AddToken(running_, kT0);
  ws_.active = false;
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateWorkspace(ws_); }).ok());
  EXPECT_TRUE(WriteValue<std::vector<core::Token>>([&](WriteTxn& txn) {
                return txn.ClaimDueTokens(kT0 + 10, 10);
              }).empty());
  EXPECT_FALSE(ReadValue<std::optional<core::Millis>>([&](ReadTxn& txn) {
                 return txn.NextWakeAt();
               }).has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values("sqlite", "sqlite_indexed", "postgres"),
                         testing::BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, StoreJourneysTest, ::testing::Values("sqlite", "postgres"),
                         testing::BackendName);

}  // namespace
}  // namespace rivulet::store

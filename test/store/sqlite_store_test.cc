#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <future>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/uuid.h"
#include "store/migrations/migrations.h"
#include "store/sqlite/connection.h"
#include "store/store.h"
#include "store/sqlite_test_util.h"

namespace rivulet::store {
namespace {

using core::Code;
using core::Contact;
using core::ContactRef;
using core::Event;
using core::Status;
using core::Workspace;
using testing::OpenMigrated;
using testing::TempDir;
using testing::WriterGate;

constexpr core::Millis kT0 = 1'700'000'000'000;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("rivulet.db");
    store_ = OpenMigrated(path_);
    ASSERT_NE(store_, nullptr);
  }

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
    Event e;
    e.workspace_id = ws;
    e.uuid = core::NewUuidV7(kT0);
    e.contact_id = contact_id;
    e.type = type;
    e.occurred_at = e.received_at = kT0;
    e.idempotency_key = std::move(key);
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

  TempDir dir_;
  std::string path_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

// ---- Opening and migrating ----

TEST_F(SqliteStoreTest, MigrateIsIdempotentAndReturnsLatestVersion) {
  int latest = SqliteMigrations().back().version;
  auto again = store_->Migrate();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, latest);
  auto third = store_->Migrate();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, latest);
  EXPECT_EQ(testing::RawQueryInt(path_, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(SqliteMigrations().size()));
  EXPECT_EQ(testing::RawQueryInt(path_, "SELECT MAX(version) FROM schema_migrations"), latest);
}

TEST(SqliteMigrationsTest, VersionsAreDenseAndIncreasingFromOne) {
  const auto& all = SqliteMigrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(all[i].name.empty());
    EXPECT_FALSE(all[i].sql.empty());
  }
}

TEST(SqliteStoreOpenTest, DatabaseFilesAreCreatedOwnerOnly) {
  TempDir dir;
  std::string path = dir.File("private.db");
  auto s = OpenMigrated(path);
  ASSERT_NE(s, nullptr);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << std::oct << (st.st_mode & 0777);
  // SQLite gives the WAL the main file's permissions; it must not be wider either.
  if (::stat((path + "-wal").c_str(), &st) == 0) {
    EXPECT_EQ(st.st_mode & 0077, 0u) << std::oct << (st.st_mode & 0777);
  }
}

TEST(SqliteStoreOpenTest, UnknownSynchronousModeIsRejected) {
  TempDir dir;
  sqlite::SqliteOptions options;
  options.path = dir.File("x.db");
  options.synchronous = "OFF";
  auto s = sqlite::SqliteStore::Open(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
}

TEST(SqliteStoreOpenTest, OpeningInAMissingDirectoryFails) {
  TempDir dir;
  sqlite::SqliteOptions options;
  options.path = dir.File("no/such/dir/x.db");
  auto s = sqlite::SqliteStore::Open(options);
  EXPECT_FALSE(s.ok());
}

TEST(SqliteStoreOpenTest, NewerSchemaVersionMakesMigrateFail) {
  TempDir dir;
  std::string path = dir.File("future.db");
  {
    auto s = OpenMigrated(path);
    ASSERT_NE(s, nullptr);
  }
  testing::RawExec(path,
                   "INSERT INTO schema_migrations (version, name, applied_at) "
                   "VALUES (999, 'from the future', 0)");
  auto s = testing::OpenSqlite(path);
  ASSERT_NE(s, nullptr);
  auto v = s->Migrate();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(v.status().message().find("999"), std::string::npos) << v.status().message();
  // The failed Migrate changed nothing.
  EXPECT_EQ(testing::RawQueryInt(path, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(SqliteMigrations().size()) + 1);
}

TEST(SqliteStoreOpenTest, RestartKeepsCommittedData) {
  TempDir dir;
  std::string path = dir.File("durable.db");
  Workspace ws;
  ws.uuid = core::NewUuidV7(kT0);
  ws.name = "Acme";
  ws.settings_json = R"({"portfolio":"x"})";
  ws.created_at = ws.updated_at = kT0;
  Contact c;
  {
    auto s = OpenMigrated(path);
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->WriteAndWait([&](WriteTxn& txn) { return txn.InsertWorkspace(ws); }).ok());
    c.workspace_id = ws.id;
    c.uuid = core::NewUuidV7(kT0);
    c.email = "kept@example.com";
    c.attributes_json = R"({"plan":"gold"})";
    c.created_at = c.updated_at = kT0;
    ASSERT_TRUE(s->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(c); }).ok());
  }  // destroys the store
  auto s = OpenMigrated(path);
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

TEST(SqliteStoreOpenTest, DestructorDrainsQueuedWrites) {
  TempDir dir;
  std::string path = dir.File("drain.db");
  int64_t ws_id = 0;
  constexpr int kJobs = 200;
  std::atomic<int> ok{0}, done{0};
  {
    auto s = OpenMigrated(path);
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
  EXPECT_EQ(testing::RawQueryInt(path, "SELECT COUNT(*) FROM contacts"), kJobs);
}

// ---- Writes and group commit ----

TEST_F(SqliteStoreTest, WriteDoneRunsAfterCommitAndDataIsVisibleToRead) {
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

TEST_F(SqliteStoreTest, WriteResultHandsTheValueToDoneAfterCommit) {
  Workspace ws = AddWorkspace("w");
  auto r = testing::Await<int64_t>([&](std::function<void(core::Result<int64_t>)> done) {
    WriteResult<int64_t>(
        *store_,
        [&](WriteTxn& txn) -> core::Result<int64_t> {
          Contact c = NewContact(ws.id, "wr@example.com");
          RIVULET_RETURN_IF_ERROR(txn.InsertContact(c));
          return c.id;
        },
        std::move(done));
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(*r, 0);

  auto bad = testing::Await<int64_t>([&](std::function<void(core::Result<int64_t>)> done) {
    WriteResult<int64_t>(
        *store_, [](WriteTxn&) -> core::Result<int64_t> { return core::NotFound("nope"); },
        std::move(done));
  });
  EXPECT_EQ(bad.status().code(), Code::kNotFound);
}

TEST_F(SqliteStoreTest, ConcurrentWritersAllCommitInGroupedTransactions) {
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
  EXPECT_EQ(jobs, static_cast<uint64_t>(kThreads * kPerThread) + 1);  // + the gate job
  EXPECT_GT(after.max_batch, 1u);
  EXPECT_LT(commits, jobs);
  EXPECT_EQ(after.failed_commits, before.failed_commits);
  EXPECT_EQ(after.queue_depth, 0u);
}

TEST_F(SqliteStoreTest, ConcurrentWriteAndWaitCallersAllCommit) {
  Workspace ws = AddWorkspace("w");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = store_->WriteAndWait([&](WriteTxn& txn) {
          Contact c = NewContact(ws.id, "w" + std::to_string(t) + "." + std::to_string(i) + "@x.io");
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

TEST_F(SqliteStoreTest, FailedJobDoesNotUndoOthersInSameGroupCommit) {
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
  EXPECT_EQ(after.commits - before.commits, 2u);  // the gate's batch, then a+b+c together
  EXPECT_GE(after.max_batch, 3u);

  EXPECT_TRUE(Find(ws.id, {ContactRef::Kind::kEmail, "a@example.com"}).ok());
  EXPECT_EQ(Find(ws.id, {ContactRef::Kind::kEmail, "b@example.com"}).status().code(),
            Code::kNotFound);
  EXPECT_TRUE(Find(ws.id, {ContactRef::Kind::kEmail, "c@example.com"}).ok());
  EXPECT_EQ(Count(ws.id), 2);
}

TEST_F(SqliteStoreTest, ConstraintFailureInOneJobLeavesTheBatchUsable) {
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

TEST_F(SqliteStoreTest, FullQueueRejectsWritesImmediately) {
  TempDir dir;
  auto small = OpenMigrated(dir.File("small.db"), [](sqlite::SqliteOptions& o) { o.max_queue = 2; });
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

TEST_F(SqliteStoreTest, MaxBatchBoundsJobsPerCommit) {
  TempDir dir;
  auto s = OpenMigrated(dir.File("batch.db"), [](sqlite::SqliteOptions& o) { o.max_batch = 4; });
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

TEST_F(SqliteStoreTest, UniqueViolationsMapToAlreadyExists) {
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

TEST_F(SqliteStoreTest, ContactsWithoutIdentifiersDoNotCollide) {
  Workspace ws = AddWorkspace("w");
  AddContact(ws.id, std::nullopt);
  AddContact(ws.id, std::nullopt);
  EXPECT_EQ(Count(ws.id), 2);
}

TEST_F(SqliteStoreTest, IdempotencyKeysAreUniquePerWorkspace) {
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

// ---- Reads ----

TEST_F(SqliteStoreTest, ReaderSeesAConsistentSnapshot) {
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
    EXPECT_EQ(txn.FindContact(ws.id, {ContactRef::Kind::kEmail, "two@example.com"})
                  .status()
                  .code(),
              Code::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Count(ws.id), 2);
}

TEST_F(SqliteStoreTest, ReadReturnsTheFunctionsError) {
  Status st = store_->Read([](ReadTxn&) { return core::PermissionDenied("no"); });
  EXPECT_EQ(st.code(), Code::kPermissionDenied);
  // The reader connection is still usable afterwards.
  EXPECT_TRUE(store_->Read([](ReadTxn& txn) { return txn.ListWorkspaces().status(); }).ok());
}

TEST_F(SqliteStoreTest, ManyConcurrentReadersSucceed) {
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

TEST_F(SqliteStoreTest, ListContactsFiltersByEmailTagAndUpdatedAfter) {
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

TEST_F(SqliteStoreTest, ListContactsFiltersByPhoneAndExternalId) {
  Workspace ws = AddWorkspace("w");
  Contact a = NewContact(ws.id, std::nullopt);
  a.phone = "+31612345678";
  Contact b = NewContact(ws.id, std::nullopt);
  b.external_id = "crm-7";
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) -> Status {
                      RIVULET_RETURN_IF_ERROR(txn.InsertContact(a));
                      return txn.InsertContact(b);
                    }).ok());
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

TEST_F(SqliteStoreTest, ListContactsPaginatesByKey) {
  Workspace ws = AddWorkspace("w");
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(AddContact(ws.id, "p" + std::to_string(i) + "@x.io").id);

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
  EXPECT_EQ(pages, 3);  // 3 + 3 + 1
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

TEST_F(SqliteStoreTest, DeleteContactRemovesItsEventsOnly) {
  Workspace ws = AddWorkspace("w");
  Contact gone = AddContact(ws.id, "gone@example.com");
  Contact kept = AddContact(ws.id, "kept@example.com");
  AddEvent(ws.id, gone.id, "a", "k1");
  AddEvent(ws.id, gone.id, "b");
  Event keep = AddEvent(ws.id, kept.id, "c");

  Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteContact(ws.id, gone.id); });
  ASSERT_TRUE(st.ok()) << st.ToString();

  auto events = Events(ws.id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].uuid, keep.uuid);
  EXPECT_EQ(Find(ws.id, {ContactRef::Kind::kUuid, gone.uuid}).status().code(), Code::kNotFound);
  EXPECT_TRUE(Find(ws.id, {ContactRef::Kind::kUuid, kept.uuid}).ok());
  EXPECT_EQ(testing::RawQueryInt(path_, "SELECT COUNT(*) FROM events WHERE contact_id = " +
                                            std::to_string(gone.id)),
            0);
  // The idempotency key of an erased event is free again.
  EXPECT_EQ(store_->Read([&](ReadTxn& txn) {
                  return txn.FindEventByIdempotencyKey(ws.id, "k1").status();
                }).code(),
            Code::kNotFound);

  st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteContact(ws.id, gone.id); });
  EXPECT_EQ(st.code(), Code::kNotFound);
}

TEST_F(SqliteStoreTest, WorkspaceIsolationOnLookupsAndChanges) {
  Workspace ws = AddWorkspace("mine");
  Workspace other = AddWorkspace("theirs");
  Contact c = AddContact(ws.id, "iso@example.com");
  c.phone = "+3161234567";
  c.external_id = "ext-1";
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateContact(c); }).ok());
  AddEvent(ws.id, c.id, "t", "iso-key");

  for (const ContactRef& ref :
       {ContactRef{ContactRef::Kind::kUuid, c.uuid},
        ContactRef{ContactRef::Kind::kEmail, "iso@example.com"},
        ContactRef{ContactRef::Kind::kPhone, "+3161234567"},
        ContactRef{ContactRef::Kind::kExternalId, "ext-1"}}) {
    EXPECT_TRUE(Find(ws.id, ref).ok()) << ref.value;
    EXPECT_EQ(Find(other.id, ref).status().code(), Code::kNotFound) << ref.value;
  }
  Status st = store_->Read([&](ReadTxn& txn) -> Status {
    EXPECT_EQ(txn.FindContactById(other.id, c.id).status().code(), Code::kNotFound);
    EXPECT_EQ(txn.FindEventByIdempotencyKey(other.id, "iso-key").status().code(),
              Code::kNotFound);
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

TEST_F(SqliteStoreTest, ListEventsFiltersByContactAndTypeAndPaginates) {
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

TEST_F(SqliteStoreTest, AccessTokensExpireViaDeleteExpiredAccessTokens) {
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

TEST_F(SqliteStoreTest, RevokingACredentialDropsItsAccessTokens) {
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

TEST_F(SqliteStoreTest, PrincipalsCarryTheirWorkspaces) {
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

TEST_F(SqliteStoreTest, GrantingAnUnknownWorkspaceFails) {
  core::Principal p;
  p.name = "p";
  p.workspace_ids = {9999};
  Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertPrincipal(p); });
  EXPECT_FALSE(st.ok());  // foreign keys are enforced
  EXPECT_EQ(testing::RawQueryInt(path_, "SELECT COUNT(*) FROM principals"), 0);
}

TEST(SqliteConnectionTest, ErrorCodesMapToStatusCodes) {
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CONSTRAINT_UNIQUE, "x").code(),
            Code::kAlreadyExists);
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CONSTRAINT_PRIMARYKEY, "x").code(),
            Code::kAlreadyExists);
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CONSTRAINT_FOREIGNKEY, "x").code(),
            Code::kFailedPrecondition);
  Status busy = sqlite::SqliteError(nullptr, SQLITE_BUSY, "x");
  EXPECT_EQ(busy.code(), Code::kUnavailable);
  EXPECT_TRUE(busy.retryable());
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_IOERR_WRITE, "x").code(), Code::kUnavailable);
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CORRUPT, "x").code(), Code::kInternal);
  EXPECT_EQ(sqlite::SqliteError(nullptr, SQLITE_CORRUPT, "what").message().rfind("what: ", 0), 0u);
}

}  // namespace
}  // namespace rivulet::store

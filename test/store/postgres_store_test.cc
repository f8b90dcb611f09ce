// PostgreSQL-only behaviour: connection handling and several processes sharing one database
// (two PgStore instances on one database stand in for two processes). What every backend
// must do is in store_conformance_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "core/uuid.h"
#include "engine/contacts.h"
#include "engine/journeys.h"
#include "store/migrations/migrations.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_txn.h"
#include "store/store_backends.h"
#include "support/peer_process.h"

namespace rivulet::store {
namespace {

using core::Code;
using core::Status;
using postgres::PgError;
using postgres::RedactUrl;

constexpr core::Millis kT0 = 1'700'000'000'000;

TEST(PostgresMigrationsTest, MirrorEverySqliteMigration) {
  const auto& lite = SqliteMigrations();
  const auto& pg = PostgresMigrations();
  ASSERT_EQ(pg.size(), lite.size()) << "a SQLite migration has no PostgreSQL twin";
  for (size_t i = 0; i < pg.size(); ++i) {
    EXPECT_EQ(pg[i].version, lite[i].version);
    EXPECT_EQ(pg[i].name, lite[i].name);
    EXPECT_FALSE(pg[i].sql.empty());
  }
}

TEST(PgConnectionTest, SqlStatesMapToStatusCodes) {
  EXPECT_EQ(PgError("23505", "dup").code(), Code::kAlreadyExists);
  EXPECT_EQ(PgError("23503", "fk").code(), Code::kFailedPrecondition);
  Status deadlock = PgError("40P01", "deadlock");
  EXPECT_EQ(deadlock.code(), Code::kUnavailable);
  EXPECT_TRUE(deadlock.retryable());
  EXPECT_TRUE(postgres::IsRetryableConflict(deadlock));
  EXPECT_TRUE(postgres::IsRetryableConflict(PgError("40001", "serialization")));
  EXPECT_FALSE(postgres::IsRetryableConflict(PgError("57014", "timeout")));
  EXPECT_EQ(PgError("57014", "canceling statement due to statement timeout").code(),
            Code::kUnavailable);
  EXPECT_EQ(PgError("08006", "gone").code(), Code::kUnavailable);
  EXPECT_EQ(PgError("42P01", "no such table").code(), Code::kInternal);
}

TEST(PgConnectionTest, UrlsAreRecognisedAndPasswordsRedacted) {
  EXPECT_TRUE(postgres::IsPostgresUrl("postgres://h/db"));
  EXPECT_TRUE(postgres::IsPostgresUrl("postgresql://h/db"));
  EXPECT_FALSE(postgres::IsPostgresUrl("data/postgres.db"));
  EXPECT_EQ(RedactUrl("postgres://bob:s3cret@db:5432/x"), "postgres://bob:***@db:5432/x");
  EXPECT_EQ(RedactUrl("postgres://bob@db/x"), "postgres://bob@db/x");
  EXPECT_EQ(RedactUrl("postgresql://db/x"), "postgresql://db/x");
}

TEST(PgStoreOpenTest, UnreachableServerFailsAtOnceWithAClearError) {
  postgres::PgOptions o;
  int port = test_support::UnusedLoopbackPort();
  o.url = "postgres://bob:s3cret@127.0.0.1:" + std::to_string(port) + "/rivulet";
  o.session.connect_timeout_seconds = 2;
  auto s = postgres::PgStore::Open(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kUnavailable);
  const std::string& msg = s.status().message();
  EXPECT_NE(msg.find("cannot connect to PostgreSQL at postgres://bob:***@127.0.0.1:"),
            std::string::npos)
      << msg;
  EXPECT_EQ(msg.find("s3cret"), std::string::npos) << msg;
}

// A connection to a fresh database of the test cluster.
class PgConnectionOnServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    backend_ = testing::TestBackend::Make("postgres", &skip);
    if (!backend_) {
      if (skip.find("unavailable:") != std::string::npos) GTEST_SKIP() << skip;
      FAIL() << skip;
    }
    auto* pg = static_cast<testing::PostgresBackend*>(backend_.get());
    auto conn = postgres::Connection::Open(pg->url(), {});
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
  }

  std::unique_ptr<testing::TestBackend> backend_;
  std::unique_ptr<postgres::Connection> conn_;
};

TEST_F(PgConnectionOnServerTest, PipelinedStatementsRunInOrderAndStopAtTheFirstError) {
  postgres::Connection& c = *conn_;
  ASSERT_TRUE(c.Exec("CREATE TABLE p (v BIGINT UNIQUE)").ok());
  ASSERT_TRUE(c.Exec("BEGIN").ok());
  auto rows =
      c.QueryPipelined({{"INSERT INTO p (v) VALUES ($1)", postgres::Params().Add(7)},
                        {"SELECT COUNT(*) FROM p WHERE v = $1", postgres::Params().Add(7)}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].Int(0, 0), 1);  // the second statement saw the first's row

  ASSERT_TRUE(c.Exec("SAVEPOINT s").ok());
  auto failed = c.QueryPipelined({{"INSERT INTO p (v) VALUES ($1)", postgres::Params().Add(7)},
                                  {"INSERT INTO p (v) VALUES ($1)", postgres::Params().Add(8)}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Code::kAlreadyExists) << failed.status().ToString();
  ASSERT_TRUE(c.Exec("ROLLBACK TO s").ok());  // the connection is usable again
  auto count = c.Query("SELECT COUNT(*) FROM p");
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(count->Int(0, 0), 1);  // 8 never ran
  ASSERT_TRUE(c.Exec("COMMIT").ok());
}

TEST_F(PgConnectionOnServerTest, DeferredWritesTravelWithTheNextStatementAndFailIt) {
  postgres::Connection& c = *conn_;
  ASSERT_TRUE(c.Exec("CREATE TABLE d (id BIGINT PRIMARY KEY, note TEXT)").ok());
  ASSERT_TRUE(c.Exec("INSERT INTO d VALUES (1, 'a'), (2, 'b'), (3, 'c')").ok());
  static const postgres::BulkForm kNotes{
      "UPDATE d SET note = v.note FROM unnest($1::text[], $2::bigint[]) AS v(note, id) "
      "WHERE d.id = v.id",
      /*key_param=*/1};
  static const postgres::BulkForm kMoves{
      "UPDATE d SET id = v.new_id FROM unnest($1::bigint[], $2::bigint[]) AS v(new_id, id) "
      "WHERE d.id = v.id",
      /*key_param=*/1};
  static const postgres::BulkForm kDeletes{
      "DELETE FROM d USING unnest($1::bigint[]) AS v(id) WHERE d.id = v.id", /*key_param=*/0};
  ASSERT_TRUE(c.Exec("BEGIN").ok());
  c.DeferRow(kNotes, postgres::Params().Add("first of 1").Add(1), "row");
  // Quotes, backslashes, commas, braces and NULL survive the array literal; the later row
  // of key 2 wins.
  c.DeferRow(kNotes, postgres::Params().Add("first").Add(2), "row");
  c.DeferRow(kNotes, postgres::Params().Add("x\"y\\z,{}").Add(3), "row");
  c.DeferRow(kNotes, postgres::Params().Add("second").Add(2), "row");
  EXPECT_EQ(c.deferred(), 4u);
  auto rows = c.Query("SELECT id, note FROM d ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(c.deferred(), 0u);
  ASSERT_EQ(rows->size(), 3);
  EXPECT_EQ(rows->Text(0, 1), "first of 1");
  EXPECT_EQ(rows->Text(1, 1), "second");
  EXPECT_EQ(rows->Text(2, 1), "x\"y\\z,{}");
  c.DeferRow(kNotes, postgres::Params().Null().Add(3), "row");
  ASSERT_TRUE(c.Exec("SAVEPOINT s").ok());  // Exec sends the queue too
  auto null_note = c.Query("SELECT note IS NULL FROM d WHERE id = 3");
  ASSERT_TRUE(null_note.ok()) << null_note.status().ToString();
  EXPECT_TRUE(null_note->Bool(0, 0));

  // A deferred row that changes nothing fails the statement that carries it.
  c.DeferRow(kNotes, postgres::Params().Add("ghost").Add(99), "row");
  auto failed = c.Query("SELECT 1");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Code::kNotFound) << failed.status().ToString();
  // So does a deferred write the server refuses; discarded ones are never sent.
  c.DeferRow(kMoves, postgres::Params().Add(2).Add(1));
  auto refused = c.Exec("SELECT 1");
  EXPECT_EQ(refused.code(), Code::kAlreadyExists) << refused.ToString();
  ASSERT_TRUE(c.Exec("ROLLBACK TO s").ok());
  c.DeferRow(kDeletes, postgres::Params().Add(1));
  c.DiscardDeferred();
  ASSERT_TRUE(c.Exec("COMMIT").ok());
  auto count = c.Query("SELECT COUNT(*) FROM d");
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(count->Int(0, 0), 3);
}

TEST_F(PgConnectionOnServerTest, ALazyBeginOpensTheTransactionOfTheNextStatement) {
  postgres::Connection& c = *conn_;
  ASSERT_TRUE(c.Exec("CREATE TABLE l (v BIGINT UNIQUE)").ok());
  auto* pg = static_cast<testing::PostgresBackend*>(backend_.get());
  auto other = postgres::Connection::Open(pg->url(), {});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  auto visible = [&]() {
    auto n = (*other)->Query("SELECT COUNT(*) FROM l");
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? n->Int(0, 0) : -1;
  };

  // BEGIN and the savepoint lead the INSERT's round trip: the row is the transaction's
  // until COMMIT, and the savepoint exists.
  c.BeginLazily("job");
  ASSERT_TRUE(c.Query("INSERT INTO l (v) VALUES ($1)", postgres::Params().Add(1)).ok());
  EXPECT_EQ(visible(), 0);
  ASSERT_TRUE(c.Query("INSERT INTO l (v) VALUES ($1)", postgres::Params().Add(2)).ok());
  ASSERT_TRUE(c.Exec("ROLLBACK TO job").ok());  // undoes both rows, keeps the transaction
  ASSERT_TRUE(c.Query("INSERT INTO l (v) VALUES ($1)", postgres::Params().Add(3)).ok());
  EXPECT_FALSE(c.InFailedTransaction());
  ASSERT_TRUE(c.QueryPipelined({{"COMMIT", postgres::Params()}}).ok());
  EXPECT_EQ(visible(), 1);

  // A statement that fails before a pipelined COMMIT leaves the transaction aborted and
  // nothing committed; InFailedTransaction tells that apart from a failed COMMIT.
  c.BeginLazily();
  auto failed = c.QueryPipelined({{"INSERT INTO l (v) VALUES ($1)", postgres::Params().Add(4)},
                                  {"INSERT INTO l (v) VALUES ($1)", postgres::Params().Add(3)},
                                  {"COMMIT", postgres::Params()}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Code::kAlreadyExists) << failed.status().ToString();
  EXPECT_TRUE(c.InFailedTransaction());
  ASSERT_TRUE(c.Exec("ROLLBACK").ok());
  EXPECT_FALSE(c.InFailedTransaction());
  EXPECT_EQ(visible(), 1);

  // Discarding deferred rows keeps a lazy BEGIN (and its savepoint) for the next statement.
  c.BeginLazily("job");
  c.DiscardDeferred();
  ASSERT_TRUE(c.Exec("ROLLBACK TO job").ok());
  ASSERT_TRUE(c.Query("INSERT INTO l (v) VALUES ($1)", postgres::Params().Add(5)).ok());
  EXPECT_EQ(visible(), 1);
  ASSERT_TRUE(c.Exec("COMMIT").ok());
  EXPECT_EQ(visible(), 2);
}

// Two stores on one database, as two processes would have.
class PgSharingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);  // keep migration chatter out of test output
    std::string skip;
    auto b = testing::TestBackend::Make("postgres", &skip);
    if (!b) {
      if (skip.find("unavailable:") != std::string::npos) GTEST_SKIP() << skip;
      FAIL() << skip;
    }
    backend_.reset(static_cast<testing::PostgresBackend*>(b.release()));
    a_ = OpenStore("a");
    b_ = OpenStore("b");
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
    Seed();
  }

  std::unique_ptr<postgres::PgStore> OpenStore(const std::string& owner) {
    postgres::PgOptions o;
    o.url = backend_->url();
    o.owner = owner;
    auto s = postgres::PgStore::Open(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    auto v = (*s)->Migrate();  // both migrate, as processes starting together do
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return std::move(s).value();
  }

  void Seed() {
    Status st = a_->WriteAndWait([&](WriteTxn& txn) -> Status {
      ws_.uuid = core::NewUuidV7(kT0);
      ws_.name = "w";
      RIVULET_RETURN_IF_ERROR(txn.InsertWorkspace(ws_));
      contact_.workspace_id = ws_.id;
      contact_.uuid = core::NewUuidV7(kT0);
      RIVULET_RETURN_IF_ERROR(txn.InsertContact(contact_));
      automation_.workspace_id = ws_.id;
      automation_.uuid = core::NewUuidV7(kT0);
      automation_.name = "a";
      automation_.status = core::AutomationStatus::kRunning;
      return txn.InsertAutomation(automation_);
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  core::Token NewToken(std::optional<core::Millis> wake_at) {
    core::Token t;
    t.workspace_id = ws_.id;
    t.automation_id = automation_.id;
    t.uuid = core::NewUuidV7(kT0);
    t.contact_id = contact_.id;
    t.step_uuid = "s1";
    t.phase = core::StepPhase::kWaiting;
    t.wake_at = wake_at;
    return t;
  }

  std::unique_ptr<testing::PostgresBackend> backend_;
  std::unique_ptr<postgres::PgStore> a_, b_;
  core::Workspace ws_;
  core::Contact contact_;
  core::Automation automation_;
};

TEST_F(PgSharingTest, AContactIdentifiedByTwoProcessesAtOnceIsCreatedOnce) {
  // Process a creates the contact and holds its transaction open; process b, identifying
  // the same e-mail meanwhile, waits on a's row, then finds it instead of failing. With a
  // write hint, b's group commit has already read the e-mail as free before a commits.
  for (bool hinted : {false, true}) {
    SCOPED_TRACE(hinted ? "b's write is hinted" : "no hint");
    engine::ContactInput input;
    input.email = hinted ? "race-hinted@example.com" : "race@example.com";
    std::promise<void> inserted, release;
    std::shared_future<void> go = release.get_future().share();
    int64_t a_id = 0, b_id = 0;
    auto identify = [&](WriteTxn& txn, int64_t& id) -> Status {
      engine::Effects effects;
      RIVULET_ASSIGN_OR_RETURN(
          core::Contact c, engine::Contacts::Identify(txn, ws_.id, input, kT0, nullptr, effects));
      id = c.id;
      return Status::Ok();
    };
    Status a_status, b_status;
    std::thread a([&] {
      a_status = a_->WriteAndWait([&](WriteTxn& txn) -> Status {
        RIVULET_RETURN_IF_ERROR(identify(txn, a_id));
        inserted.set_value();
        go.wait();
        return Status::Ok();
      });
    });
    inserted.get_future().wait();
    std::thread b([&] {
      store::WriteHint hint{ws_.id, {}};
      if (hinted) engine::Contacts::AddToHint(hint, input);
      std::promise<Status> done;
      b_->Write([&](WriteTxn& txn) { return identify(txn, b_id); },
                [&](Status st) { done.set_value(std::move(st)); }, hint);
      b_status = done.get_future().get();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // b is waiting on a's row now
    release.set_value();
    a.join();
    b.join();
    ASSERT_TRUE(a_status.ok()) << a_status.ToString();
    ASSERT_TRUE(b_status.ok()) << b_status.ToString();
    EXPECT_EQ(a_id, b_id);
    Status rs = a_->Read([&](ReadTxn& txn) -> Status {
      ContactFilter f;
      f.email = input.email;
      RIVULET_ASSIGN_OR_RETURN(auto found, txn.ListContacts(ws_.id, f));
      EXPECT_EQ(found.size(), 1u);
      return Status::Ok();
    });
    ASSERT_TRUE(rs.ok()) << rs.ToString();
  }
}

TEST_F(PgSharingTest, AJobThatIgnoresAFailedStatementFailsInsteadOfCommittingNothing) {
  // PostgreSQL aborts the transaction at the failed statement; a COMMIT then rolls back and
  // still answers success. The job must hear of it, and the other jobs must commit.
  std::promise<Status> careless_done, careful_done;
  core::Contact careful;
  {
    std::promise<void> hold;
    std::shared_future<void> release = hold.get_future().share();
    a_->Write(
        [release](WriteTxn&) -> Status {  // keeps the writer busy while both queue
          release.wait();
          return Status::Ok();
        },
        [](Status) {});
    a_->Write(
        [&](WriteTxn& txn) -> Status {
          (void)static_cast<postgres::PgTxn&>(txn).connection().Query("SELECT 1 / 0");
          return Status::Ok();
        },
        [&](Status st) { careless_done.set_value(st); });
    a_->Write(
        [&](WriteTxn& txn) -> Status {
          careful.workspace_id = ws_.id;
          careful.uuid = core::NewUuidV7(kT0);
          careful.email = "careful@example.com";
          return txn.InsertContact(careful);
        },
        [&](Status st) { careful_done.set_value(st); });
    hold.set_value();
  }
  Status careless = careless_done.get_future().get();
  EXPECT_FALSE(careless.ok());
  Status st = careful_done.get_future().get();
  ASSERT_TRUE(st.ok()) << st.ToString();
  Status rs = b_->Read([&](ReadTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(core::Contact c, txn.FindContactById(ws_.id, careful.id));
    EXPECT_EQ(c.email, "careful@example.com");
    return Status::Ok();
  });
  EXPECT_TRUE(rs.ok()) << rs.ToString();
}

TEST_F(PgSharingTest, ClaimedTokensAreSkippedByTheOtherProcessUntilCommit) {
  ASSERT_TRUE(a_->WriteAndWait([&](WriteTxn& txn) -> Status {
                  for (int i = 0; i < 10; ++i) {
                    core::Token t = NewToken(kT0 + i);
                    RIVULET_RETURN_IF_ERROR(txn.InsertToken(t));
                  }
                  return Status::Ok();
                }).ok());
  // A claims 4 and holds its transaction open; B meanwhile gets the other 6, never A's.
  std::promise<std::vector<int64_t>> a_claimed;
  std::promise<void> release;
  auto release_f = release.get_future().share();
  std::promise<Status> a_done;
  a_->Write(
      [&, release_f](WriteTxn& txn) -> Status {
        RIVULET_ASSIGN_OR_RETURN(auto due, txn.ClaimDueTokens(kT0 + 100, 4));
        std::vector<int64_t> ids;
        for (auto& t : due) {
          ids.push_back(t.id);
          t.wake_at.reset();
          t.status = core::TokenStatus::kCompleted;
          RIVULET_RETURN_IF_ERROR(txn.UpdateToken(t));
        }
        a_claimed.set_value(ids);
        release_f.wait();
        return Status::Ok();
      },
      [&](Status st) { a_done.set_value(st); });
  std::vector<int64_t> mine = a_claimed.get_future().get();
  ASSERT_EQ(mine.size(), 4u);
  std::vector<core::Token> theirs;
  ASSERT_TRUE(b_->WriteAndWait([&](WriteTxn& txn) -> Status {
                  RIVULET_ASSIGN_OR_RETURN(theirs, txn.ClaimDueTokens(kT0 + 100, 100));
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(theirs.size(), 6u);
  for (const auto& t : theirs) {
    EXPECT_EQ(std::find(mine.begin(), mine.end(), t.id), mine.end()) << t.id;
  }
  release.set_value();
  ASSERT_TRUE(a_done.get_future().get().ok());
  // After A's commit its tokens are done: B finds nothing more of them.
  ASSERT_TRUE(b_->WriteAndWait([&](WriteTxn& txn) -> Status {
                  RIVULET_ASSIGN_OR_RETURN(theirs, txn.ClaimDueTokens(kT0 + 100, 100));
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(theirs.size(), 6u);  // B never changed its six, so they are still due
  for (const auto& t : theirs) {
    EXPECT_EQ(std::find(mine.begin(), mine.end(), t.id), mine.end()) << t.id;
  }
}

// Two processes expand staged batch packets: never the same packet, never two packets of one
// source at once (the LAST one releases the source's tokens only after all the others).
TEST_F(PgSharingTest, StagedPacketsOfOneSourceAreExpandedOneAtATime) {
  std::vector<core::BatchSource> sources(2);
  std::vector<int64_t> packets;
  ASSERT_TRUE(a_->WriteAndWait([&](WriteTxn& txn) -> Status {
                  for (auto& b : sources) {
                    b.workspace_id = ws_.id;
                    b.automation_id = automation_.id;
                    b.uuid = core::NewUuidV7(kT0);
                    RIVULET_RETURN_IF_ERROR(txn.InsertBatchSource(b));
                  }
                  // Source 0: two packets, then source 1: one.
                  for (int i : {0, 0, 1}) {
                    core::StagedPacket p;
                    p.workspace_id = ws_.id;
                    p.automation_id = automation_.id;
                    p.source_id = sources[i].id;
                    p.source_uuid = sources[i].uuid;
                    p.payload = "[]";
                    RIVULET_RETURN_IF_ERROR(txn.InsertStagedPacket(p));
                    packets.push_back(p.id);
                  }
                  return Status::Ok();
                }).ok());
  auto claim = [](postgres::PgStore& store) {
    std::optional<core::StagedPacket> got;
    Status st = store.WriteAndWait([&](WriteTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(got, txn.ClaimStagedPacket());
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return got;
  };
  // A holds source 0's first packet in an open transaction.
  std::promise<int64_t> a_claimed;
  std::promise<void> release;
  auto release_f = release.get_future().share();
  std::promise<Status> a_done;
  a_->Write(
      [&, release_f](WriteTxn& txn) -> Status {
        RIVULET_ASSIGN_OR_RETURN(auto p, txn.ClaimStagedPacket());
        if (!p) return core::Internal("nothing to claim");
        RIVULET_RETURN_IF_ERROR(txn.DeleteStagedPacket(p->id));
        a_claimed.set_value(p->id);
        release_f.wait();
        return Status::Ok();
      },
      [&](Status st) { a_done.set_value(st); });
  EXPECT_EQ(a_claimed.get_future().get(), packets[0]);
  // B skips it, and source 0's second packet behind it, and takes source 1's.
  auto b_got = claim(*b_);
  ASSERT_TRUE(b_got.has_value());
  EXPECT_EQ(b_got->id, packets[2]);
  release.set_value();
  ASSERT_TRUE(a_done.get_future().get().ok());
  // After A's commit, source 0's second packet is next.
  b_got = claim(*b_);
  ASSERT_TRUE(b_got.has_value());
  EXPECT_EQ(b_got->id, packets[1]);
}

TEST_F(PgSharingTest, OutboxLeaseNamesItsOwnerAndPassesOnAfterExpiry) {
  core::Token t = NewToken(std::nullopt);
  core::OutboxMessage m;
  ASSERT_TRUE(a_->WriteAndWait([&](WriteTxn& txn) -> Status {
                  RIVULET_RETURN_IF_ERROR(txn.InsertToken(t));
                  m.workspace_id = ws_.id;
                  m.automation_id = automation_.id;
                  m.token_id = t.id;
                  m.contact_id = contact_.id;
                  m.uuid = core::NewUuidV7(kT0);
                  m.step_uuid = "s1";
                  m.channel = "webhook";
                  m.idempotency_key = m.uuid;
                  m.payload_json = "{}";
                  m.next_attempt_at = kT0;
                  return txn.InsertOutboxMessage(m);
                }).ok());
  auto claim = [&](postgres::PgStore& s, core::Millis now) {
    std::vector<core::OutboxMessage> out;
    EXPECT_TRUE(s.WriteAndWait([&](WriteTxn& txn) -> Status {
                   RIVULET_ASSIGN_OR_RETURN(out, txn.ClaimOutbox(now, 10, now + 1'000));
                   return Status::Ok();
                 }).ok());
    return out;
  };
  EXPECT_EQ(claim(*a_, kT0).size(), 1u);
  std::string q = "SELECT COUNT(*) FROM outbox WHERE lease_owner = ";
  EXPECT_EQ(backend_->QueryInt(q + "'a'"), 1);
  EXPECT_TRUE(claim(*b_, kT0 + 999).empty());     // A's lease holds
  EXPECT_EQ(claim(*b_, kT0 + 1'000).size(), 1u);  // A "died": B takes over
  EXPECT_EQ(backend_->QueryInt(q + "'b'"), 1);
}

TEST_F(PgSharingTest, WorkCommittedByOneProcessWakesTheOther) {
  std::atomic<int> a_woken{0}, b_woken{0};
  a_->SetWorkListener([&] { a_woken++; });
  b_->SetWorkListener([&] { b_woken++; });
  int b_before = b_woken.load();
  ASSERT_TRUE(a_->WriteAndWait([&](WriteTxn& txn) {
                  core::Token t = NewToken(kT0);
                  return txn.InsertToken(t);
                }).ok());
  EXPECT_TRUE(
      test_support::WaitFor([&] { return b_woken.load() > b_before; }, std::chrono::seconds(10)));
}

TEST_F(PgSharingTest, WritesResumeAfterTheServerDropsTheConnections) {
  // What a server restart looks like from here: every session of ours is terminated.
  backend_->Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
      "current_database() AND pid <> pg_backend_pid()");
  int failures = 0;
  Status last;
  bool ok = test_support::WaitFor(
      [&] {
        last = a_->WriteAndWait([&](WriteTxn& txn) {
          core::Token t = NewToken(kT0);
          return txn.InsertToken(t);
        });
        if (!last.ok()) {
          failures++;
          EXPECT_TRUE(last.retryable()) << last.ToString();
        }
        return last.ok();
      },
      std::chrono::seconds(20));
  ASSERT_TRUE(ok) << last.ToString();
  EXPECT_LE(failures, 3);
  // Readers recover too (a dead pooled connection is dropped, a new one opened).
  Status read;
  ASSERT_TRUE(test_support::WaitFor(
      [&] {
        read = a_->Read([](ReadTxn& txn) { return txn.ListWorkspaces().status(); });
        return read.ok();
      },
      std::chrono::seconds(10)))
      << read.ToString();
  EXPECT_EQ(backend_->QueryInt("SELECT COUNT(*) FROM tokens"), 1);
}

TEST_F(PgSharingTest, StatementTimeoutBoundsAQuery) {
  postgres::PgOptions o;
  o.url = backend_->url();
  o.session.statement_timeout_ms = 200;
  auto start = std::chrono::steady_clock::now();
  auto conn = postgres::Connection::Open(o.url, o.session);
  ASSERT_TRUE(conn.ok());
  auto r = (*conn)->Query("SELECT pg_sleep(5)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("57014"), std::string::npos) << r.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(PgSharingTest, ContactLookupsKeepToTheIdentifierIndexAsTheTableGrows) {
  // A new contacts table has no statistics yet. With a few hundred rows PostgreSQL then
  // takes contacts_ws (every contact of the workspace) for a lookup by e-mail, and a plan
  // cached at that point (prepared statements switch to one after five runs) would go on
  // reading the whole workspace for each lookup as the table grows.
  auto add_contacts = [&](int first, int count) {
    Status st = a_->WriteAndWait([&](WriteTxn& txn) -> Status {
      for (int i = first; i < first + count; ++i) {
        core::Contact c;
        c.workspace_id = ws_.id;
        c.uuid = core::NewUuidV7(kT0);
        c.email = "grow-" + std::to_string(i) + "@example.com";
        RIVULET_RETURN_IF_ERROR(txn.InsertContact(c));
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  };
  int lookups = 0;
  auto look_up = [&](int rounds) {
    for (int i = 0; i < rounds; ++i) {
      WriteHint hint;
      hint.workspace_id = ws_.id;
      hint.contacts.push_back(
          {core::ContactRef::Kind::kEmail, "grow-" + std::to_string(i + 1) + "@example.com"});
      Status st = a_->WriteAndWait([&](WriteTxn& txn) -> Status {
        auto& pg = static_cast<postgres::PgTxn&>(txn);
        RIVULET_RETURN_IF_ERROR(pg.PrefetchHinted({&hint}));  // the group commit's prefetch
        core::ContactRef ref{core::ContactRef::Kind::kEmail,
                             "grow-" + std::to_string(i) + "@example.com"};
        return txn.FindContact(ws_.id, ref).status();  // a lookup of its own
      });
      ASSERT_TRUE(st.ok()) << st.ToString();
      lookups += 2;
    }
  };
  add_contacts(0, 300);
  look_up(10);  // enough runs for a cached plan, on each writer connection
  add_contacts(300, 3000);
  look_up(20);
  // Closing the store ends its backends, which publishes their index statistics.
  a_.reset();
  b_.reset();
  auto conn = postgres::Connection::Open(backend_->url(), {});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto scans = [&](const char* index, const char* column) -> int64_t {
    auto r = (*conn)->Query(
        std::string("SELECT ") + column + " FROM pg_stat_user_indexes WHERE indexrelname = $1",
        postgres::Params().Add(index));
    return r.ok() && r->size() == 1 ? r->Int(0, 0) : -1;
  };
  // Every lookup is one scan of one of the two indexes; wait until all are counted.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (scans("contacts_email", "idx_scan") + scans("contacts_ws", "idx_scan") < lookups &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(scans("contacts_email", "idx_scan") + scans("contacts_ws", "idx_scan"), lookups);
  // At 3,300 contacts each of the last 40 lookups is one probe of contacts_email. A cached
  // contacts_ws plan reads 3,300 entries a lookup (36,095 in all when this test ran with
  // prepared lookups; 3,085 planned at each run, all while the table had 300 contacts).
  EXPECT_GE(scans("contacts_email", "idx_scan"), 40);
  EXPECT_LT(scans("contacts_ws", "idx_tup_read"), 20 * 300 + 3'300);
}

}  // namespace
}  // namespace rivulet::store

// SQLite finds a contact's events through contact_events, which the writer fills in bulk,
// one slot of contacts at a time, plus a scan of the newest events (decision 0026).
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/uuid.h"
#include "store/migrations/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite_test_util.h"
#include "store/store.h"
#include "store/store_backends.h"

namespace rivulet::store {
namespace {

using core::Contact;
using core::Event;
using core::Status;
using testing::TempDir;

constexpr core::Millis kT0 = 1'700'000'000'000;

class ContactEventsTest : public ::testing::Test {
 protected:
  void Open(int64_t lag) {
    store_.reset();
    store_ = testing::OpenMigrated(path_,
                                   [lag](sqlite::SqliteOptions& o) { o.contact_index_lag = lag; });
    ASSERT_NE(store_, nullptr);
  }

  int64_t Query(const std::string& sql) { return testing::RawQueryInt(path_, sql); }

  int64_t AddWorkspace() {
    core::Workspace ws;
    ws.uuid = core::NewUuidV7(kT0);
    ws.name = "w";
    ws.created_at = ws.updated_at = kT0;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertWorkspace(ws); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ws.id;
  }

  int64_t AddContact(int64_t ws, const std::string& email) {
    Contact c;
    c.workspace_id = ws;
    c.uuid = core::NewUuidV7(kT0);
    c.email = email;
    c.created_at = c.updated_at = kT0;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(c); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return c.id;
  }

  static Event NewEvent(int64_t ws, int64_t contact_id, const std::string& type) {
    return testing::NewEvent(ws, contact_id, type, kT0);
  }

  // One event in a group commit of its own; returns its id.
  int64_t AddEvent(int64_t ws, int64_t contact_id, const std::string& type = "t") {
    Event e = NewEvent(ws, contact_id, type);
    Status st = store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertEvent(e); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return e.id;
  }

  // Every id ListEvents gives for the contact, fetched `page` at a time.
  std::vector<int64_t> ListedIds(int64_t ws, int64_t contact_id, int page,
                                 std::optional<std::string> type = std::nullopt) {
    std::vector<int64_t> ids;
    EventFilter f;
    f.contact_id = contact_id;
    f.type = std::move(type);
    f.limit = page;
    while (true) {
      std::vector<Event> rows;
      Status st = store_->Read([&](ReadTxn& txn) -> Status {
        RIVULET_ASSIGN_OR_RETURN(rows, txn.ListEvents(ws, f));
        return Status::Ok();
      });
      EXPECT_TRUE(st.ok()) << st.ToString();
      for (const Event& e : rows) {
        EXPECT_EQ(e.contact_id, contact_id);
        ids.push_back(e.id);
      }
      if (!st.ok() || rows.size() < static_cast<size_t>(page)) return ids;
      f.after_id = rows.back().id;
    }
  }

  // contact_events holds exactly the events up to their slot's indexed_through.
  void ExpectIndexMatchesEvents() {
    EXPECT_EQ(Query("SELECT COUNT(*) FROM events e JOIN contact_events_state s "
                    "ON s.slot = e.contact_id % 16 WHERE e.id <= s.indexed_through AND NOT "
                    "EXISTS (SELECT 1 FROM contact_events x WHERE x.contact_id = e.contact_id "
                    "AND x.event_id = e.id)"),
              0)
        << "an event up to its slot's mark is missing from contact_events";
    EXPECT_EQ(Query("SELECT COUNT(*) FROM contact_events x LEFT JOIN events e ON e.id = "
                    "x.event_id JOIN contact_events_state s ON s.slot = x.contact_id % 16 "
                    "WHERE e.id IS NULL OR e.contact_id != x.contact_id OR "
                    "x.event_id > s.indexed_through"),
              0)
        << "contact_events has an entry for no such event";
  }

  TempDir dir_;
  std::string path_ = dir_.File("rivulet.db");
  std::unique_ptr<sqlite::SqliteStore> store_;
};

TEST_F(ContactEventsTest, AContactsEventsAreListedFromTheIndexAndTheNewestAlike) {
  Open(/*contact_index_lag=*/32);  // a slot's turn every 2 events
  int64_t ws = AddWorkspace();
  std::vector<int64_t> contacts;
  for (int i = 0; i < 5; ++i) contacts.push_back(AddContact(ws, "c" + std::to_string(i) + "@x.io"));
  std::map<int64_t, std::vector<int64_t>> expected, expected_b;
  for (int i = 0; i < 90; ++i) {
    int64_t c = contacts[i % contacts.size()];
    std::string type = i % 3 == 0 ? "b" : "a";
    int64_t id = AddEvent(ws, c, type);
    expected[c].push_back(id);
    if (type == "b") expected_b[c].push_back(id);
  }
  ExpectIndexMatchesEvents();
  // Both ways of finding a contact's events are in use.
  int64_t indexed = Query("SELECT COUNT(*) FROM contact_events");
  EXPECT_GT(indexed, 0);
  EXPECT_LT(indexed, 90);

  for (int64_t c : contacts) {
    EXPECT_EQ(ListedIds(ws, c, 4), expected[c]) << "contact " << c;
    EXPECT_EQ(ListedIds(ws, c, 100), expected[c]) << "contact " << c;
    EXPECT_EQ(ListedIds(ws, c, 2, "b"), expected_b[c]) << "contact " << c;
  }
  // Another workspace's id for the contact finds nothing.
  int64_t other = AddWorkspace();
  EXPECT_TRUE(ListedIds(other, contacts[0], 10).empty());

  // Erasing a contact removes its indexed and its newest events, and nothing else.
  Status st =
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteContact(ws, contacts[1]); });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Query("SELECT COUNT(*) FROM events WHERE contact_id = " + std::to_string(contacts[1])),
            0);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM contact_events WHERE contact_id = " +
                  std::to_string(contacts[1])),
            0);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM events"), 90 - 18);
  for (int i = 0; i < 40; ++i) AddEvent(ws, contacts[0]);
  ExpectIndexMatchesEvents();
  EXPECT_EQ(ListedIds(ws, contacts[2], 7), expected[contacts[2]]);
}

TEST_F(ContactEventsTest, EventsOfARolledBackJobNeverReachTheIndex) {
  Open(/*contact_index_lag=*/0);  // every event is indexed at its commit
  int64_t ws = AddWorkspace();
  int64_t a = AddContact(ws, "a@x.io");
  int64_t b = AddContact(ws, "b@x.io");
  std::vector<std::future<Status>> done;
  auto write = [&](std::function<Status(WriteTxn&)> fn) {
    auto p = std::make_shared<std::promise<Status>>();
    done.push_back(p->get_future());
    store_->Write(std::move(fn), [p](Status st) { p->set_value(std::move(st)); });
  };
  {
    testing::WriterGate gate(*store_);  // the three jobs share one group commit
    write([&](WriteTxn& txn) -> Status {
      Event e1 = NewEvent(ws, a, "t"), e2 = NewEvent(ws, a, "t");
      RIVULET_RETURN_IF_ERROR(txn.InsertEvent(e1));
      return txn.InsertEvent(e2);
    });
    // Its event is rolled back; the job after it then gets the same id for contact a.
    write([&](WriteTxn& txn) -> Status {
      Event e = NewEvent(ws, b, "t");
      RIVULET_RETURN_IF_ERROR(txn.InsertEvent(e));
      return core::Internal("this job fails after its insert");
    });
    write([&](WriteTxn& txn) -> Status {
      Event e = NewEvent(ws, a, "t");
      return txn.InsertEvent(e);
    });
  }
  EXPECT_TRUE(done[0].get().ok());
  EXPECT_FALSE(done[1].get().ok());
  EXPECT_TRUE(done[2].get().ok());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM events"), 3);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM contact_events"), 3);
  ExpectIndexMatchesEvents();
  EXPECT_EQ(ListedIds(ws, a, 10).size(), 3u);
  EXPECT_TRUE(ListedIds(ws, b, 10).empty());
}

TEST_F(ContactEventsTest, TheNewestEventsAreFoundAfterARestartAndIndexedLater) {
  Open(/*contact_index_lag=*/64);
  int64_t ws = AddWorkspace();
  int64_t c = AddContact(ws, "c@x.io");
  std::vector<int64_t> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(AddEvent(ws, c));
  Open(/*contact_index_lag=*/64);  // a new writer, whose backlog starts from the database
  EXPECT_EQ(ListedIds(ws, c, 6), ids);
  int64_t before = Query("SELECT COUNT(*) FROM contact_events");
  for (int i = 0; i < 100; ++i) ids.push_back(AddEvent(ws, c));
  EXPECT_GT(Query("SELECT COUNT(*) FROM contact_events"), before);
  ExpectIndexMatchesEvents();
  EXPECT_EQ(ListedIds(ws, c, 6), ids);
}

TEST(ContactEventsMigrationTest, MigrationsNineAndTenKeepEveryEventAndIndexIt) {
  TempDir dir;
  std::string path = dir.File("v8.db");
  // A database as the previous release left it: migrations 1-8 and some events.
  testing::RawExec(path,
                   "PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations (version INTEGER "
                   "PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  for (const Migration& m : SqliteMigrations()) {
    if (m.version > 8) break;
    testing::RawExec(path, std::string(m.sql));
    testing::RawExec(path, "INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) +
                               ", '" + std::string(m.name) + "', 0)");
  }
  testing::RawExec(
      path,
      "INSERT INTO workspaces (id, uuid, name, active, settings, created_at, updated_at) "
      "VALUES (1, 'w', 'w', 1, '{}', 0, 0);"
      "INSERT INTO contacts (id, workspace_id, uuid, email, created_at, updated_at) VALUES "
      "(1, 1, 'c1', 'a@x.io', 0, 0), (2, 1, 'c2', 'b@x.io', 0, 0);"
      "INSERT INTO events (id, workspace_id, uuid, contact_id, type, data, occurred_at, "
      "received_at, idempotency_key) VALUES (1, 1, 'e1', 1, 'a', '{\"n\":1}', 5, 6, 'k1'), "
      "(2, 1, 'e2', 2, 'a', '{}', 5, 6, NULL), (3, 1, 'e3', 1, 'b', '{}', 5, 6, NULL);");

  auto store = testing::OpenMigrated(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(testing::RawQueryInt(path, "SELECT COUNT(*) FROM events"), 3);
  EXPECT_EQ(testing::RawQueryInt(path, "SELECT COUNT(*) FROM contact_events"), 3);
  EXPECT_EQ(testing::RawQueryInt(path,
                                 "SELECT COUNT(*) FROM contact_events_state WHERE "
                                 "indexed_through = 3"),
            16);
  EXPECT_EQ(testing::RawQueryInt(path,
                                 "SELECT COUNT(*) FROM pragma_foreign_key_list('events') "
                                 "WHERE \"table\" = 'contacts'"),
            0);
  EXPECT_EQ(testing::RawQueryInt(path,
                                 "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
                                 "('events_contact', 'events_v9', 'events_ws')"),
            0);
  // Migration 10: the scan of the newest events reads contact_id from the index.
  EXPECT_EQ(testing::RawQueryInt(path,
                                 "SELECT group_concat(name) = 'workspace_id,id,contact_id' FROM "
                                 "(SELECT name FROM pragma_index_info('events_ws_contact') "
                                 "ORDER BY seqno)"),
            1);
  Status st = store->Read([&](ReadTxn& txn) -> Status {
    EventFilter f;
    f.contact_id = 1;
    RIVULET_ASSIGN_OR_RETURN(auto rows, txn.ListEvents(1, f));
    EXPECT_EQ(rows.size(), 2u);
    if (rows.size() == 2) {
      EXPECT_EQ(rows[0].uuid, "e1");
      EXPECT_EQ(rows[0].data_json, "{\"n\":1}");
      EXPECT_EQ(rows[1].uuid, "e3");
    }
    RIVULET_ASSIGN_OR_RETURN(Event keyed, txn.FindEventByIdempotencyKey(1, "k1"));
    EXPECT_EQ(keyed.id, 1);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace rivulet::store

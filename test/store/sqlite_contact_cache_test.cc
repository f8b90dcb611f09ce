// The SQLite writer remembers contacts it found by identifier (decision 0027). These tests
// change a contact behind the memo's back in every way the memo must notice, and check that
// the writer then reads the database again rather than the stale contact.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/uuid.h"
#include "store/sqlite/contact_cache.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite_test_util.h"
#include "store/store.h"

namespace rivulet::store {
namespace {

using core::Contact;
using core::ContactRef;
using core::Status;
using sqlite::ContactCache;
using testing::TempDir;

constexpr core::Millis kT0 = 1'700'000'000'000;

ContactRef Email(const std::string& e) { return {ContactRef::Kind::kEmail, e}; }

TEST(ContactCacheUnitTest, KeysByWorkspaceKindAndValue) {
  ContactCache cache;
  Contact c;
  c.id = 7;
  cache.Put(1, Email("a@example.com"), c);
  ASSERT_NE(cache.Find(1, Email("a@example.com")), nullptr);
  EXPECT_EQ(cache.Find(1, Email("a@example.com"))->id, 7);
  EXPECT_EQ(cache.Find(2, Email("a@example.com")), nullptr);  // another workspace
  EXPECT_EQ(cache.Find(1, {ContactRef::Kind::kExternalId, "a@example.com"}), nullptr);
  cache.Clear();
  EXPECT_EQ(cache.Find(1, Email("a@example.com")), nullptr);
}

TEST(ContactCacheUnitTest, HoldsTheIdsOfItsContactsUntilCleared) {
  ContactCache cache;
  Contact c;
  c.id = 7;
  EXPECT_FALSE(cache.Holds(7));
  cache.Put(1, Email("a@example.com"), c);
  EXPECT_TRUE(cache.Holds(7));
  EXPECT_FALSE(cache.Holds(8));
  cache.Clear();
  EXPECT_FALSE(cache.Holds(7));
  // Cleared whole when full: the ids go with the entries.
  cache.Put(1, Email("a@example.com"), c);
  for (size_t i = 0; i < ContactCache::kMaxEntries; ++i) {
    cache.Put(1, Email(std::to_string(i) + "@example.com"), Contact{});
  }
  EXPECT_FALSE(cache.Holds(7));
}

TEST(ContactCacheUnitTest, StaysBounded) {
  ContactCache cache;
  for (size_t i = 0; i <= ContactCache::kMaxEntries; ++i) {
    cache.Put(1, Email(std::to_string(i) + "@example.com"), Contact{});
  }
  EXPECT_LE(cache.size(), ContactCache::kMaxEntries);
  EXPECT_NE(cache.Find(1, Email(std::to_string(ContactCache::kMaxEntries) + "@example.com")),
            nullptr);
}

class SqliteContactCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenMigrated(path_);
    ASSERT_NE(store_, nullptr);
    core::Workspace ws = testing::NewWorkspace("w", kT0);
    ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertWorkspace(ws); }).ok());
    ws_ = ws.id;
    contact_.workspace_id = ws_;
    contact_.uuid = core::NewUuidV7(kT0);
    contact_.email = "old@example.com";
    contact_.attributes_json = R"({"tier":"bronze"})";
    contact_.created_at = contact_.updated_at = kT0;
    ASSERT_TRUE(
        store_->WriteAndWait([&](WriteTxn& txn) { return txn.InsertContact(contact_); }).ok());
    // The writer now remembers the contact under its e-mail.
    ASSERT_EQ(WriterFinds(Email("old@example.com")).attributes_json, R"({"tier":"bronze"})");
  }

  // The contact as a write job sees it (Contact{} with id 0 when it is not found).
  Contact WriterFinds(const ContactRef& ref) {
    Contact found;
    Status st = store_->WriteAndWait([&](WriteTxn& txn) {
      auto c = txn.FindContact(ws_, ref);
      if (c.ok()) found = *c;
      return c.ok() || c.status().code() == core::Code::kNotFound ? Status::Ok() : c.status();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return found;
  }

  TempDir dir_;
  std::string path_ = dir_.File("cache.db");
  std::unique_ptr<sqlite::SqliteStore> store_;
  int64_t ws_ = 0;
  Contact contact_;
};

TEST_F(SqliteContactCacheTest, ChangesByTheWriterAreSeenAtOnce) {
  Contact changed = contact_;
  changed.email = "new@example.com";
  changed.attributes_json = R"({"tier":"gold"})";
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateContact(changed); }).ok());
  EXPECT_EQ(WriterFinds(Email("old@example.com")).id, 0);
  EXPECT_EQ(WriterFinds(Email("new@example.com")).attributes_json, R"({"tier":"gold"})");

  changed.attributes_json = R"({"tier":"platinum"})";
  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.UpdateContactData(changed); }).ok());
  EXPECT_EQ(WriterFinds(Email("new@example.com")).attributes_json, R"({"tier":"platinum"})");

  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteContact(ws_, contact_.id); })
          .ok());
  EXPECT_EQ(WriterFinds(Email("new@example.com")).id, 0);
}

TEST_F(SqliteContactCacheTest, ARolledBackChangeIsForgotten) {
  // The job changes the contact, reads it back (the memo now holds the change), then fails.
  Status st = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    Contact changed = contact_;
    changed.attributes_json = R"({"tier":"uncommitted"})";
    RIVULET_RETURN_IF_ERROR(txn.UpdateContactData(changed));
    auto seen = txn.FindContact(ws_, Email("old@example.com"));
    EXPECT_TRUE(seen.ok() && seen->attributes_json == R"({"tier":"uncommitted"})");
    return core::InvalidArgument("the job fails after its change");
  });
  ASSERT_EQ(st.code(), core::Code::kInvalidArgument);
  EXPECT_EQ(WriterFinds(Email("old@example.com")).attributes_json, R"({"tier":"bronze"})");
}

TEST_F(SqliteContactCacheTest, AChangeByAnotherConnectionIsSeenByTheNextGroup) {
  testing::RawExec(path_,
                   "UPDATE contacts SET attributes = '{\"tier\":\"external\"}', "
                   "email = 'moved@example.com' WHERE email = 'old@example.com'");
  EXPECT_EQ(WriterFinds(Email("old@example.com")).id, 0);
  EXPECT_EQ(WriterFinds(Email("moved@example.com")).attributes_json, R"({"tier":"external"})");
}

// An event's insert skips its contact check when the memo holds the contact: erasing the
// contact must make the check run again, in the same job as in a later one.
TEST_F(SqliteContactCacheTest, AnEventForAnErasedContactIsRefusedThoughItWasRemembered) {
  auto event_for_contact = [&] {
    core::Event e;
    e.workspace_id = ws_;
    e.uuid = core::NewUuidV7(kT0);
    e.contact_id = contact_.id;
    e.type = "order_paid";
    e.occurred_at = e.received_at = kT0;
    return e;
  };
  Status same_job = store_->WriteAndWait([&](WriteTxn& txn) -> Status {
    EXPECT_TRUE(txn.FindContact(ws_, Email("old@example.com")).ok());
    RIVULET_RETURN_IF_ERROR(txn.DeleteContact(ws_, contact_.id));
    core::Event e = event_for_contact();
    return txn.InsertEvent(e);
  });
  EXPECT_EQ(same_job.code(), core::Code::kFailedPrecondition) << same_job.ToString();

  ASSERT_TRUE(
      store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteContact(ws_, contact_.id); })
          .ok());
  Status later_job = store_->WriteAndWait([&](WriteTxn& txn) {
    core::Event e = event_for_contact();
    return txn.InsertEvent(e);
  });
  EXPECT_EQ(later_job.code(), core::Code::kFailedPrecondition) << later_job.ToString();
}

TEST_F(SqliteContactCacheTest, ErasingTheWorkspaceForgetsItsContacts) {
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.DeleteWorkspace(ws_); }).ok());
  EXPECT_EQ(WriterFinds(Email("old@example.com")).id, 0);
}

}  // namespace
}  // namespace rivulet::store

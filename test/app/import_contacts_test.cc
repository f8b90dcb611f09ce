#include "app/import_contacts.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "app/app.h"
#include "core/uuid.h"
#include "store/sqlite_test_util.h"

namespace rivulet::app {
namespace {

using core::Code;
using K = core::ContactRef::Kind;
namespace json = boost::json;

class ImportContactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("import.db");
    store_ = testing::OpenMigrated(path_);
    ASSERT_NE(store_, nullptr);
    auto link_secret = LoadLinkSecret(*store_);
    ASSERT_TRUE(link_secret.ok()) << link_secret.status().ToString();
    engine_ = std::make_unique<Engine>(*store_, config_, *link_secret);
    auto ws = engine_->accounts.CreateWorkspace("Import");
    ASSERT_TRUE(ws.ok());
    ws_ = ws->id;
  }

  core::Result<core::Contact> Find(K kind, const std::string& value) {
    core::Result<core::Contact> out = core::Internal("unset");
    core::Status st = store_->Read([&](store::ReadTxn& txn) {
      out = txn.FindContact(ws_, {kind, value});
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok());
    return out;
  }

  int64_t Count() {
    int64_t n = -1;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(n, txn.CountContacts(ws_));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok());
    return n;
  }

  int64_t EventCount() {
    return testing::RawQueryInt(path_, "SELECT COUNT(*) FROM events");
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  Config config_;
  std::unique_ptr<Engine> engine_;
  int64_t ws_ = 0;
};

TEST_F(ImportContactsTest, ImportsHeaderQuotedFieldsTagsAndAttributes) {
  std::string csv =
      "email,phone,external_id,tags,first_name,note\r\n"
      "Alice@Example.com,+31 6 1234 5678,A1,\"vip;beta\",Alice,\"says \"\"hi\"\", twice\"\r\n"
      "bob@example.com,,B2,,Bob,\r\n"
      "\r\n"
      "carol@example.com,,,beta,\"Carol\nAnn\",\r\n";
  auto r = ImportContactsCsv(*engine_, ws_, csv);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 3u);
  EXPECT_EQ(r->created, 3u);
  EXPECT_EQ(r->updated, 0u);
  EXPECT_EQ(Count(), 3);

  auto alice = Find(K::kEmail, "alice@example.com");
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(alice->phone, "+31612345678");
  EXPECT_EQ(alice->external_id, "A1");
  EXPECT_EQ(json::parse(alice->tags_json), json::parse(R"(["beta","vip"])"));
  EXPECT_EQ(json::parse(alice->attributes_json),
            json::parse(R"({"first_name":"Alice","note":"says \"hi\", twice"})"));

  auto bob = Find(K::kExternalId, "B2");
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->email, "bob@example.com");
  EXPECT_FALSE(bob->phone.has_value());  // empty cells are absent, not ""
  EXPECT_EQ(json::parse(bob->tags_json), json::parse("[]"));
  EXPECT_EQ(json::parse(bob->attributes_json), json::parse(R"({"first_name":"Bob"})"));

  auto carol = Find(K::kEmail, "carol@example.com");
  ASSERT_TRUE(carol.ok());
  EXPECT_EQ(json::parse(carol->attributes_json), json::parse(R"({"first_name":"Carol\nAnn"})"));
}

TEST_F(ImportContactsTest, ReimportIsIdempotentAndCountsUpdates) {
  std::string csv = "email,plan\na@example.com,gold\nb@example.com,silver\n";
  ASSERT_TRUE(ImportContactsCsv(*engine_, ws_, csv).ok());
  int64_t events = EventCount();

  auto again = ImportContactsCsv(*engine_, ws_, csv);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->rows, 2u);
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(again->updated, 0u);
  EXPECT_EQ(EventCount(), events);

  auto changed = ImportContactsCsv(*engine_, ws_, "email,plan\na@example.com,platinum\nc@example.com,\n");
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->created, 1u);
  EXPECT_EQ(changed->updated, 1u);
  EXPECT_EQ(Count(), 3);
  EXPECT_EQ(json::parse(Find(K::kEmail, "a@example.com")->attributes_json),
            json::parse(R"({"plan":"platinum"})"));
}

TEST_F(ImportContactsTest, InvalidRowFailsTheWholeImport) {
  std::string csv =
      "email,first_name\n"
      "good@example.com,Good\n"
      "not-an-email,Bad\n"
      "also-good@example.com,Fine\n";
  auto r = ImportContactsCsv(*engine_, ws_, csv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().ToString().find("line 3"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(EventCount(), 0);
}

TEST_F(ImportContactsTest, RowWithWrongFieldCountFailsAndStoresNothing) {
  auto r = ImportContactsCsv(*engine_, ws_, "email,name\nx@example.com,X\ny@example.com,Y,extra\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 3"), std::string::npos) << r.status().message();
  EXPECT_EQ(Count(), 0);
}

TEST_F(ImportContactsTest, RowWithoutAnyIdentifierFails) {
  auto r = ImportContactsCsv(*engine_, ws_, "email,name\nx@example.com,X\n,Nobody\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
}

TEST_F(ImportContactsTest, BadTagOrBrokenCsvFails) {
  EXPECT_EQ(ImportContactsCsv(*engine_, ws_, "email,tags\nx@example.com,has space\n").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ImportContactsCsv(*engine_, ws_, "email,name\nx@example.com,\"unclosed\n").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ImportContactsCsv(*engine_, ws_, "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
}

TEST_F(ImportContactsTest, ConflictingRowsRollBackTheBatch) {
  ASSERT_TRUE(ImportContactsCsv(*engine_, ws_, "email,external_id\na@example.com,A\nb@example.com,B\n").ok());
  // Row 2 matches contact A by external id and then tries to take B's e-mail.
  auto r = ImportContactsCsv(*engine_, ws_,
                             "email,external_id\nnew@example.com,N\nb@example.com,A\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(Find(K::kEmail, "new@example.com").status().code(), Code::kNotFound);
  EXPECT_EQ(Count(), 2);
}

TEST_F(ImportContactsTest, UuidColumnAddressesContacts) {
  std::string uuid = core::NewUuidV7(1'700'000'000'000);
  auto r = ImportContactsCsv(*engine_, ws_, "uuid,city\n" + uuid + ",Rome\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto c = Find(K::kUuid, uuid);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(json::parse(c->attributes_json), json::parse(R"({"city":"Rome"})"));
  EXPECT_EQ(ImportContactsCsv(*engine_, ws_, "uuid\nnot-a-uuid\n").status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace rivulet::app

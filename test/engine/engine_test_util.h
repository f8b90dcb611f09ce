#ifndef RIVULET_TEST_ENGINE_ENGINE_TEST_UTIL_H_
#define RIVULET_TEST_ENGINE_ENGINE_TEST_UTIL_H_

// A fixture with a migrated SQLite store, a FakeClock and two workspaces, for engine tests.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/model.h"
#include "core/uuid.h"
#include "engine/contacts.h"
#include "engine/events.h"
#include "store/sqlite_test_util.h"

namespace rivulet::testing {

class EngineFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("engine.db");
    store_ = OpenMigrated(path_);
    ASSERT_NE(store_, nullptr);
    ws_ = AddWorkspace("main");
    other_ws_ = AddWorkspace("other");
  }

  int64_t AddWorkspace(const std::string& name) {
    core::Workspace ws;
    ws.uuid = core::NewUuidV7(clock_.Now());
    ws.name = name;
    core::Status st =
        store_->WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertWorkspace(ws); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ws.id;
  }

  core::Result<core::Contact> Find(int64_t ws, core::ContactRef::Kind kind,
                                   const std::string& value) {
    core::Result<core::Contact> out = core::Internal("unset");
    core::Status st = store_->Read([&](store::ReadTxn& txn) {
      out = txn.FindContact(ws, {kind, value});
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::vector<core::Event> EventsOf(int64_t ws, std::optional<int64_t> contact_id = std::nullopt) {
    std::vector<core::Event> out;
    store::EventFilter f;
    f.contact_id = contact_id;
    f.limit = 10'000;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.ListEvents(ws, f));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::vector<std::string> EventTypes(int64_t ws, std::optional<int64_t> contact_id = std::nullopt) {
    std::vector<std::string> types;
    for (const auto& e : EventsOf(ws, contact_id)) types.push_back(e.type);
    return types;
  }

  int64_t CountContacts(int64_t ws) {
    int64_t n = -1;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(n, txn.CountContacts(ws));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }

  static boost::json::value Json(const std::string& text) { return boost::json::parse(text); }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  core::FakeClock clock_;
  int64_t ws_ = 0;
  int64_t other_ws_ = 0;
};

}  // namespace rivulet::testing

#endif  // RIVULET_TEST_ENGINE_ENGINE_TEST_UTIL_H_

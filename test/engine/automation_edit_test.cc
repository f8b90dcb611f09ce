// Automations::Edit: read-modify-write of an editable automation in one transaction.
#include <gtest/gtest.h>

#include "engine/engine_fixture.h"

namespace rivulet::engine {
namespace {

using core::AutomationStatus;
using testing::Flow;

class AutomationEditTest : public testing::JourneyFixture {
 protected:
  Result<core::Automation> Edit(const Flow& f, Automations::EditFn fn) {
    return testing::Await<core::Automation>([&](Callback<core::Automation> done) {
      automations_->Edit(ws_, f.uuid(), std::move(fn), std::move(done));
    });
  }
  static constexpr const char* kSpec = R"({"steps": [{"id": "noop", "type": "NO_ACTION"}]})";
};

TEST_F(AutomationEditTest, AppliesTheEditAndKeepsIdentity) {
  Flow f = Create(kSpec);
  auto r = Edit(f, [](store::WriteTxn& txn, core::Automation& a) -> core::Status {
    a.name = "renamed";
    a.uuid = "ignored";
    a.face_data_json = R"({"x":1})";
    RIVULET_ASSIGN_OR_RETURN(int64_t n, txn.NextSequenceValue("edit_test"));
    a.description = std::to_string(n);
    return core::Status::Ok();
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  core::Automation stored = Reload(f);
  EXPECT_EQ(stored.name, "renamed");
  EXPECT_EQ(stored.uuid, f.uuid());
  EXPECT_EQ(stored.face_data_json, R"({"x":1})");
  EXPECT_EQ(stored.description, "1");
  EXPECT_EQ(stored.status, AutomationStatus::kDraft);
}

TEST_F(AutomationEditTest, AFailingEditChangesNothing) {
  Flow f = Create(kSpec);
  auto r = Edit(f, [](store::WriteTxn& txn, core::Automation& a) -> core::Status {
    a.name = "changed";
    RIVULET_RETURN_IF_ERROR(txn.NextSequenceValue("edit_fail").status());
    return core::NotFound("nope");
  });
  EXPECT_EQ(r.status().code(), core::Code::kNotFound);
  EXPECT_EQ(Reload(f).name, f.automation.name);
  // The sequence step was rolled back with it.
  core::Result<int64_t> next = core::Internal("unset");
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](store::WriteTxn& txn) {
                    next = txn.NextSequenceValue("edit_fail");
                    return core::Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(*next, 1);
}

TEST_F(AutomationEditTest, RunningAutomationsAreNotEdited) {
  Flow f = Launch(kSpec);
  auto r = Edit(f, [](store::WriteTxn&, core::Automation& a) {
    a.name = "x";
    return core::Status::Ok();
  });
  EXPECT_EQ(r.status().code(), core::Code::kFailedPrecondition);
  EXPECT_NE(Reload(f).name, "x");
}

}  // namespace
}  // namespace rivulet::engine

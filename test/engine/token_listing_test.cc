// Offset paging, ordering and counting of tokens (store::TokenFilter), as the Contactflow
// token search uses them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/engine_fixture.h"

namespace rivulet::engine {
namespace {

using testing::Flow;

class TokenListingTest : public testing::JourneyFixture {
 protected:
  std::vector<core::Token> List(store::TokenFilter f) {
    std::vector<core::Token> out;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.ListTokens(ws_, f));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  int64_t Count(const store::TokenFilter& f) {
    int64_t n = -1;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(n, txn.CountTokens(ws_, f));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }
};

TEST_F(TokenListingTest, OffsetPagesFollowTheOrderAndCountIgnoresPaging) {
  Flow f =
      Launch(R"({"steps": [{"id": "wait", "type": "WAIT", "config": {"delay_seconds": 60}}]})");
  // Created in an order that differs from the e-mail order.
  std::vector<std::string> emails = {"d@x.test", "b@x.test", "e@x.test", "a@x.test", "c@x.test"};
  std::vector<int64_t> contact_ids;
  for (const auto& e : emails) {
    core::Contact c = NewContact(e);
    contact_ids.push_back(c.id);
    MustEnroll(f, c);
  }
  store::TokenFilter f_all;
  f_all.automation_id = f.automation.id;
  f_all.order = store::TokenOrder::kRecipient;
  f_all.limit = 2;
  EXPECT_EQ(Count(f_all), 5);
  std::vector<std::string> seen;
  for (int64_t page = 0; page < 3; ++page) {
    store::TokenFilter p = f_all;
    p.offset = page * 2;
    for (const auto& t : List(p)) {
      auto it = std::find(contact_ids.begin(), contact_ids.end(), t.contact_id);
      seen.push_back(emails[it - contact_ids.begin()]);
    }
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{"a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test"}));

  store::TokenFilter one = f_all;
  one.contact_id = contact_ids[2];
  EXPECT_EQ(Count(one), 1);
  store::TokenFilter done = f_all;
  done.statuses = {core::TokenStatus::kCompleted};
  EXPECT_EQ(Count(done), 0);
  store::TokenFilter by_id;
  by_id.limit = 10;
  by_id.offset = 3;
  EXPECT_EQ(List(by_id).size(), 2u);
}

}  // namespace
}  // namespace rivulet::engine

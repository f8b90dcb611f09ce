// Headers keep every field in arrival order, find the first of a name whatever its case,
// and stay intact when copied or added to past their first reservation.
#include "http/message.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace rivulet::http {
namespace {

TEST(HeadersTest, GetFindsTheFirstFieldOfANameInAnyCase) {
  Headers h;
  h.Add("Content-Type", "application/json");
  h.Add("X-Tag", "one");
  h.Add("x-tag", "two");
  EXPECT_EQ(h.Get("content-type"), "application/json");
  EXPECT_EQ(h.Get("X-TAG"), "one");
  EXPECT_FALSE(h.Get("X-Ta"));
  EXPECT_FALSE(h.Get("Authorization"));
}

TEST(HeadersTest, FieldsComeBackInArrivalOrderAfterManyAddsAndACopy) {
  Headers h;
  std::vector<std::pair<std::string, std::string>> added;
  for (int i = 0; i < 40; ++i) {  // past the first reservation of text and fields
    added.emplace_back("Name-" + std::to_string(i), std::string(i * 7, 'v'));
    h.Add(added.back().first, added.back().second);
  }
  Headers copy = h;
  h.Add("After-Copy", "x");
  ASSERT_EQ(copy.size(), added.size());
  size_t i = 0;
  for (auto [name, value] : copy) {
    EXPECT_EQ(name, added[i].first);
    EXPECT_EQ(value, added[i].second);
    ++i;
  }
  EXPECT_EQ(i, added.size());
  EXPECT_EQ(h.size(), added.size() + 1);
  EXPECT_EQ(h[h.size() - 1], (Headers::Field{"After-Copy", "x"}));
  EXPECT_FALSE(copy.Get("After-Copy"));
}

TEST(HeadersTest, AnEmptyValueIsKeptAndFound) {
  Headers h;
  h.Add("X-Empty", "");
  h.Add("X-Next", "n");
  EXPECT_EQ(h.Get("X-Empty"), "");
  EXPECT_EQ(h.Get("X-Next"), "n");
}

}  // namespace
}  // namespace rivulet::http

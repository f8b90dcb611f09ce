#include "core/json_text.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace rivulet::core {
namespace {

// AppendJsonString must write what Boost.JSON's serializer writes for the same string, so
// responses built either way look alike, and parse back to the same text.
TEST(AppendJsonStringTest, MatchesBoostJsonForEveryAsciiByteAndUtf8) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  for (const std::string& text :
       {std::string(), std::string("plain"), all, std::string("é – 😀 \"quoted\" back\\slash")}) {
    std::string out = "prefix:";
    AppendJsonString(out, text);
    EXPECT_EQ(out, "prefix:" + boost::json::serialize(boost::json::string(text)));
    EXPECT_EQ(boost::json::parse(out.substr(7)).as_string(), text);
  }
}

}  // namespace
}  // namespace rivulet::core

#include "core/uuid.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace rivulet::core {
namespace {

constexpr Millis kNow = 1'715'345'258'123;  // 0x018f628b768b

TEST(UuidTest, NewUuidV7HasCanonicalLowercaseForm) {
  std::string u = NewUuidV7(kNow);
  ASSERT_EQ(u.size(), 36u) << u;
  for (size_t i = 0; i < u.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(u[i], '-') << u;
    } else {
      EXPECT_TRUE((u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f')) << u;
    }
  }
  EXPECT_TRUE(IsUuid(u));
}

TEST(UuidTest, NewUuidV7CarriesVersion7AndRfcVariant) {
  for (int i = 0; i < 200; ++i) {
    std::string u = NewUuidV7(kNow);
    EXPECT_EQ(u[14], '7') << u;
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
  }
}

TEST(UuidTest, NewUuidV7StartsWithTheMillisecondTimestamp) {
  std::string u = NewUuidV7(kNow);
  std::string ts = u.substr(0, 8) + u.substr(9, 4);
  EXPECT_EQ(std::stoll(ts, nullptr, 16), kNow) << u;
  EXPECT_EQ(NewUuidV7(0).substr(0, 13), "00000000-0000");
}

TEST(UuidTest, LaterTimestampsSortAfterEarlierOnes) {
  std::vector<std::string> ids;
  for (Millis t = kNow; t < kNow + 50; ++t) ids.push_back(NewUuidV7(t));
  ids.push_back(NewUuidV7(kNow + 1'000'000'000));
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]) << i;
}

TEST(UuidTest, SameMillisecondStillGivesDistinctIds) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewUuidV7(kNow));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidTest, IsUuidAcceptsAnyVersionAndCase) {
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(IsUuid("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_TRUE(IsUuid("00000000-0000-0000-0000-000000000000"));
}

TEST(UuidTest, IsUuidRejectsOtherShapes) {
  for (const char* s : {"", "123e4567e89b12d3a456426614174000",
                        "123e4567-e89b-12d3-a456-42661417400",     // 35 chars
                        "123e4567-e89b-12d3-a456-4266141740000",   // 37 chars
                        "123e4567-e89b-12d3-a456_426614174000", "123e4567-e89b-12d3-a4564-26614174000",
                        "g23e4567-e89b-12d3-a456-426614174000", "{123e4567-e89b-12d3-a456-42661417400}",
                        " 23e4567-e89b-12d3-a456-426614174000"}) {
    EXPECT_FALSE(IsUuid(s)) << s;
  }
}

TEST(UuidTest, NormalizeUuidLowercasesOnlyValidUuids) {
  EXPECT_EQ(NormalizeUuid("123E4567-E89B-12D3-A456-42661417400A"),
            "123e4567-e89b-12d3-a456-42661417400a");
  EXPECT_EQ(NormalizeUuid("NOT-A-UUID"), "NOT-A-UUID");
}

}  // namespace
}  // namespace rivulet::core

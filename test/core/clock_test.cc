#include "core/clock.h"

#include <gtest/gtest.h>

namespace rivulet::core {
namespace {

TEST(OffsetClockTest, FollowsSystemTimePlusTheOffset) {
  OffsetClock clock;
  Millis before = SystemClock::Get().Now();
  Millis now = clock.Now();
  EXPECT_GE(now, before);
  EXPECT_LT(now - before, 60'000);
  clock.Advance(2 * 86'400'000);
  EXPECT_EQ(clock.offset(), 2 * 86'400'000);
  EXPECT_GE(clock.Now(), before + 2 * 86'400'000);
}

TEST(OffsetClockTest, NeverGoesBack) {
  OffsetClock clock;
  clock.Advance(1000);
  clock.Advance(-5000);
  EXPECT_EQ(clock.offset(), 1000);
}

}  // namespace
}  // namespace rivulet::core

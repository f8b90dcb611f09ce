#include "http/auth_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace rivulet::http {
namespace {

TEST(AuthLimiterTest, BlocksAClientAfterItsFailuresUntilTheWindowEnds) {
  core::FakeClock clock;
  AuthLimiter limiter(clock, {.per_client = 3, .per_address = 0, .window = 60'000});
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.RetryAfter("client-a", "10.0.0.1")) << i;
    limiter.RecordFailure("client-a", "10.0.0.1");
  }
  auto wait = limiter.RetryAfter("client-a", "10.0.0.2");  // another address, same client
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 60);
  EXPECT_FALSE(limiter.RetryAfter("client-b", "10.0.0.1"));  // no address limit configured
  clock.Advance(59'500);
  EXPECT_EQ(limiter.RetryAfter("client-a", ""), 1);
  clock.Advance(500);
  EXPECT_FALSE(limiter.RetryAfter("client-a", ""));
}

TEST(AuthLimiterTest, BlocksAnAddressWhateverClientItNames) {
  core::FakeClock clock;
  AuthLimiter limiter(clock, {.per_client = 100, .per_address = 5, .window = 10'000});
  for (int i = 0; i < 5; ++i) limiter.RecordFailure("guess-" + std::to_string(i), "192.0.2.9");
  EXPECT_TRUE(limiter.RetryAfter("fresh-client", "192.0.2.9"));
  EXPECT_TRUE(limiter.RetryAfter("", "192.0.2.9"));
  EXPECT_FALSE(limiter.RetryAfter("fresh-client", "192.0.2.10"));
}

TEST(AuthLimiterTest, ZeroLimitsNeverBlock) {
  core::FakeClock clock;
  AuthLimiter limiter(clock, {.per_client = 0, .per_address = 0});
  for (int i = 0; i < 1000; ++i) limiter.RecordFailure("c", "a");
  EXPECT_FALSE(limiter.RetryAfter("c", "a"));
  EXPECT_EQ(limiter.tracked_keys(), 0u);
}

TEST(AuthLimiterTest, TrackedKeysAreBounded) {
  core::FakeClock clock;
  AuthLimiter limiter(clock, {.per_client = 2, .per_address = 2, .max_keys = 100});
  for (int i = 0; i < 10'000; ++i) {
    limiter.RecordFailure("c" + std::to_string(i), "a" + std::to_string(i));
  }
  EXPECT_LE(limiter.tracked_keys(), 100u);
  // New keys are still counted.
  limiter.RecordFailure("latest", "");
  limiter.RecordFailure("latest", "");
  EXPECT_TRUE(limiter.RetryAfter("latest", ""));
}

}  // namespace
}  // namespace rivulet::http

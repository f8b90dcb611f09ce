#include "delivery/webhook_signature.h"

#include <gtest/gtest.h>

#include <string>

#include "core/crypto.h"

namespace rivulet::delivery {
namespace {

constexpr core::Millis kAt = 1'700'000'000'999;

TEST(WebhookSignatureTest, SignsUnixSecondsDotBody) {
  std::string header = SignWebhook("secret", kAt, "{\"a\":1}");
  EXPECT_EQ(header, "t=1700000000,v1=" + core::HmacSha256Hex("secret", "1700000000.{\"a\":1}"));
}

TEST(WebhookSignatureTest, VerifiesWithinTheTolerance) {
  std::string header = SignWebhook("secret", kAt, "body");
  EXPECT_TRUE(VerifyWebhook("secret", header, "body", kAt));
  EXPECT_TRUE(VerifyWebhook("secret", header, "body", 1'700'000'000'000 + 300'000));
  EXPECT_FALSE(VerifyWebhook("secret", header, "body", 1'700'000'000'000 + 300'001));
  EXPECT_TRUE(VerifyWebhook("secret", header, "body", 1'700'000'000'000 - 300'000));
  EXPECT_FALSE(VerifyWebhook("secret", header, "body", 1'700'000'000'000 - 300'001));
  EXPECT_TRUE(VerifyWebhook("secret", header, "body", kAt + 3'600'000, 3'700'000));
}

TEST(WebhookSignatureTest, RejectsOtherBodiesSecretsAndTimestamps) {
  std::string header = SignWebhook("secret", kAt, "body");
  EXPECT_FALSE(VerifyWebhook("secret", header, "body2", kAt));
  EXPECT_FALSE(VerifyWebhook("Secret", header, "body", kAt));
  std::string moved = header;
  moved.replace(2, 10, "1700000001");  // t changed, signature kept
  EXPECT_FALSE(VerifyWebhook("secret", moved, "body", kAt));
}

TEST(WebhookSignatureTest, AcceptsAnyOfSeveralV1AndIgnoresUnknownKeys) {
  std::string sig = core::HmacSha256Hex("secret", "1700000000.body");
  EXPECT_TRUE(VerifyWebhook("secret", "t=1700000000,v1=" + std::string(64, '0') + ",v1=" + sig,
                            "body", kAt));
  EXPECT_TRUE(VerifyWebhook("secret", "v2=abc, t=1700000000, v1=" + sig, "body", kAt));
}

TEST(WebhookSignatureTest, RejectsMalformedHeaders) {
  std::string sig = core::HmacSha256Hex("secret", "1700000000.body");
  EXPECT_FALSE(VerifyWebhook("secret", "", "body", kAt));
  EXPECT_FALSE(VerifyWebhook("secret", "v1=" + sig, "body", kAt));
  EXPECT_FALSE(VerifyWebhook("secret", "t=1700000000", "body", kAt));
  EXPECT_FALSE(VerifyWebhook("secret", "t=17000x0000,v1=" + sig, "body", kAt));
  EXPECT_FALSE(VerifyWebhook("secret", "t=-1,v1=" + sig, "body", kAt));
  EXPECT_FALSE(VerifyWebhook("secret", "t=1700000000,t=1700000000,v1=" + sig, "body", kAt));
  EXPECT_FALSE(VerifyWebhook("secret", "t=1700000000,v1=" + sig.substr(1), "body", kAt));
  EXPECT_FALSE(VerifyWebhook("secret", "t=99999999999999999999,v1=" + sig, "body", kAt));
}

}  // namespace
}  // namespace rivulet::delivery

#include "core/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rivulet::core {
namespace {

TEST(CryptoTest, Sha256HexMatchesFipsVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoTest, Sha256IsRaw32BytesOfTheHex) {
  std::string raw = Sha256("abc");
  ASSERT_EQ(raw.size(), 32u);
  EXPECT_EQ(HexEncode(raw), Sha256Hex("abc"));
  EXPECT_EQ(static_cast<unsigned char>(raw[0]), 0xba);
}

TEST(CryptoTest, HmacSha256MatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, HmacSha256MatchesRfc4231TestCase1) {
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(CryptoTest, HexEncodeIsLowercaseTwoCharsPerByte) {
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
  EXPECT_EQ(HexEncode(""), "");
}

TEST(CryptoTest, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "Secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret "));
  EXPECT_FALSE(ConstantTimeEquals("secret", ""));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(CryptoTest, RandomTokenHasRequestedLengthAndAlphabet) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{40}, size_t{63}, size_t{64}, size_t{65},
                   size_t{500}}) {
    std::string t = RandomToken(n);
    ASSERT_EQ(t.size(), n);
    for (char c : t) {
      EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
          << static_cast<int>(c);
    }
  }
}

TEST(CryptoTest, RandomTokenUsesTheWholeAlphabet) {
  std::set<char> seen;
  std::string t = RandomToken(20'000);
  seen.insert(t.begin(), t.end());
  EXPECT_EQ(seen.size(), 62u);  // each symbol missing has probability ~1e-140
}

TEST(CryptoTest, RandomTokensAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(RandomToken(22));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(CryptoTest, RandomHexIsTwoLowercaseHexCharsPerByte) {
  std::string h = RandomHex(16);
  ASSERT_EQ(h.size(), 32u);
  for (char c : h) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << c;
  EXPECT_NE(RandomHex(16), RandomHex(16));
}

}  // namespace
}  // namespace rivulet::core

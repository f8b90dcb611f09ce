#include "core/contact_rules.h"

#include <gtest/gtest.h>

#include <string>
#include "core/status_printers.h"

namespace rivulet::core {
namespace {

using K = ContactRef::Kind;

TEST(NormalizeEmailTest, TrimsAndLowercases) {
  auto r = NormalizeEmail("  Alice.Smith+Tag@Example.COM \t");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "alice.smith+tag@example.com");
}

TEST(NormalizeEmailTest, AcceptsUpTo254Bytes) {
  std::string local(64, 'a');
  std::string domain(254 - 64 - 1, 'b');
  EXPECT_TRUE(NormalizeEmail(local + "@" + domain).ok());
  EXPECT_FALSE(NormalizeEmail(local + "@" + domain + "c").ok());
}

TEST(NormalizeEmailTest, RejectsMalformedAddresses) {
  for (const char* s : {"", "   ", "alice", "@example.com", "alice@", "a@b@c.com",
                        "alice smith@example.com", "alice@exa mple.com", "alice\x01@x.com",
                        "\xff@x.com", "a\xc0\xaf@x.com"}) {
    auto r = NormalizeEmail(s);
    EXPECT_FALSE(r.ok()) << "'" << s << "'";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(r.status().fields().count("email"), 1u);
    }
  }
}

TEST(NormalizeEmailTest, KeepsNonAsciiUtf8) {
  auto r = NormalizeEmail("J\xc3\xb6rg@Example.de");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "j\xc3\xb6rg@example.de");
}

TEST(NormalizePhoneTest, KeepsLeadingPlusAndDigitsDroppingPunctuation) {
  auto r = NormalizePhone(" +1 (555) 123-45.67 ");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "+15551234567");
  EXPECT_EQ(*NormalizePhone("0612345678"), "0612345678");
}

TEST(NormalizePhoneTest, EnforcesSixToTwentyDigits) {
  EXPECT_TRUE(NormalizePhone("123456").ok());
  EXPECT_FALSE(NormalizePhone("12345").ok());
  EXPECT_TRUE(NormalizePhone("+" + std::string(20, '9')).ok());
  EXPECT_FALSE(NormalizePhone("+" + std::string(21, '9')).ok());
}

TEST(NormalizePhoneTest, RejectsLettersAndMisplacedPlus) {
  for (const char* s : {"", "+", "phone", "555-CALL-NOW", "12345678x9", "123+4567890",
                        "++123456789", "123456789/0", "#123456789"}) {
    auto r = NormalizePhone(s);
    EXPECT_FALSE(r.ok()) << "'" << s << "' -> " << (r.ok() ? *r : "");
    if (!r.ok()) {
      EXPECT_EQ(r.status().fields().count("phone"), 1u);
    }
  }
}

TEST(NormalizeExternalIdTest, TrimsAndAcceptsPrintableText) {
  EXPECT_EQ(*NormalizeExternalId("  user-42 "), "user-42");
  EXPECT_EQ(*NormalizeExternalId("a/b c"), "a/b c");
  EXPECT_TRUE(NormalizeExternalId(std::string(255, 'x')).ok());
  EXPECT_TRUE(NormalizeExternalId("caf\xc3\xa9").ok());
}

TEST(NormalizeExternalIdTest, RejectsEmptyLongControlAndInvalidUtf8) {
  EXPECT_FALSE(NormalizeExternalId("").ok());
  EXPECT_FALSE(NormalizeExternalId("   ").ok());
  EXPECT_FALSE(NormalizeExternalId(std::string(256, 'x')).ok());
  EXPECT_FALSE(NormalizeExternalId("a\x01" "b").ok());
  EXPECT_FALSE(NormalizeExternalId(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(NormalizeExternalId("bad\xff").ok());
  auto r = NormalizeExternalId("");
  EXPECT_EQ(r.status().fields().count("external_id"), 1u);
}

TEST(EventTypeAndTagTest, AllowNameCharactersUpTo64) {
  EXPECT_TRUE(IsValidEventType("order.placed"));
  EXPECT_TRUE(IsValidEventType("A-Z_0:9"));
  EXPECT_TRUE(IsValidEventType(std::string(64, 'a')));
  EXPECT_FALSE(IsValidEventType(std::string(65, 'a')));
  EXPECT_FALSE(IsValidEventType(""));
  EXPECT_FALSE(IsValidEventType("has space"));
  EXPECT_FALSE(IsValidEventType("slash/no"));
  EXPECT_TRUE(IsValidTag("vip"));
  EXPECT_FALSE(IsValidTag("v;ip"));
  EXPECT_FALSE(IsValidTag("caf\xc3\xa9"));
}

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9"));              // U+00E9
  EXPECT_TRUE(IsValidUtf8("\xc2\x80"));              // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xe0\xa0\x80"));          // U+0800, smallest 3-byte
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));          // U+20AC
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));          // U+D7FF, just below surrogates
  EXPECT_TRUE(IsValidUtf8("\xee\x80\x80"));          // U+E000, just above surrogates
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));      // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF
}

TEST(IsValidUtf8Test, RejectsOverlongEncodings) {
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xe0\x9f\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x8f\xbf\xbf"));
}

TEST(IsValidUtf8Test, RejectsSurrogatesAndOutOfRange) {
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // U+D800
  EXPECT_FALSE(IsValidUtf8("\xed\xbf\xbf"));  // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xf7\xbf\xbf\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));  // 5-byte form
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xfe"));
}

TEST(IsValidUtf8Test, RejectsTruncatedAndStrayContinuationBytes) {
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x98"));
  EXPECT_FALSE(IsValidUtf8("abc\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("a\xbf" "b"));
  EXPECT_FALSE(IsValidUtf8("\xc3(")); // continuation replaced by ASCII
  EXPECT_FALSE(IsValidUtf8("\xe2\x28\xa1"));
}

TEST(ParseContactRefTest, PrefixedForms) {
  auto e = ParseContactRef("email: Bob@Example.com");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, K::kEmail);
  EXPECT_EQ(e->value, "bob@example.com");

  auto p = ParseContactRef("phone:+31 6 1234 5678");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, K::kPhone);
  EXPECT_EQ(p->value, "+31612345678");

  auto x = ParseContactRef("external_id:crm:42");
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->kind, K::kExternalId);
  EXPECT_EQ(x->value, "crm:42");
}

TEST(ParseContactRefTest, BareUuidAndBareEmail) {
  auto u = ParseContactRef("123E4567-E89B-12D3-A456-426614174000");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, K::kUuid);
  EXPECT_EQ(u->value, "123e4567-e89b-12d3-a456-426614174000");

  auto e = ParseContactRef("Carol@Example.org");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, K::kEmail);
  EXPECT_EQ(e->value, "carol@example.org");
}

TEST(ParseContactRefTest, RejectsInvalidValuesAndUnknownForms) {
  for (const char* s : {"", "nonsense", "email:", "email:not-an-email", "phone:abc",
                        "external_id:", "external_id:\x01", "a@b@c", "uuid:123",
                        "123e4567-e89b-12d3-a456-42661417400"}) {
    auto r = ParseContactRef(s);
    EXPECT_FALSE(r.ok()) << "'" << s << "'";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << s;
    }
  }
}

}  // namespace
}  // namespace rivulet::core

#include "delivery/mime.h"

#include <gtest/gtest.h>

#include <string>

#include "delivery/mime_test_util.h"

namespace rivulet::delivery {
namespace {

using mime_test::BoundaryOf;
using mime_test::DecodeEncodedWords;
using mime_test::DecodeQuotedPrintable;
using mime_test::ParsedMessage;
using mime_test::ParseMessage;
using mime_test::SplitMultipart;
using mime_test::ToCrlf;

constexpr core::Millis kDate = 1'700'000'000'000;  // Tue, 14 Nov 2023 22:13:20 UTC

EmailMessage Sample() {
  EmailMessage m;
  m.from_name = "Rivulet Shop";
  m.from_address = "shop@example.com";
  m.to_name = "Ada Lovelace";
  m.to_address = "ada@example.org";
  m.subject = "Welcome aboard";
  m.text = "Hello Ada,\nwelcome.\n";
  m.html = "<p>Hello Ada,</p><p>welcome.</p>\n";
  m.message_id = "tok-1.step-2.0@rivulet.test";
  m.list_unsubscribe_mailto = "mailto:unsub@example.com?subject=unsub-tok-1";
  m.list_unsubscribe_url = "https://example.com/u/tok-1";
  return m;
}

std::string Build(const EmailMessage& m) {
  core::Result<std::string> r = BuildMime(m, kDate);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : std::string();
}

void ExpectCrlfOnly(const std::string& raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
    }
    if (raw[i] == '\r') {
      ASSERT_TRUE(i + 1 < raw.size() && raw[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

void ExpectHeaderLinesWithin78(const ParsedMessage& p) {
  for (const std::string& line : p.raw_header_lines) {
    EXPECT_LE(line.size(), 78u) << line;
  }
}

TEST(MimeTest, WritesTheEnvelopeHeaders) {
  std::string raw = Build(Sample());
  ExpectCrlfOnly(raw);
  ParsedMessage p = ParseMessage(raw);
  EXPECT_EQ(p.Header("Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(p.Header("From"), "Rivulet Shop <shop@example.com>");
  EXPECT_EQ(p.Header("To"), "Ada Lovelace <ada@example.org>");
  EXPECT_EQ(p.Header("Subject"), "Welcome aboard");
  EXPECT_EQ(p.Header("Message-ID"), "<tok-1.step-2.0@rivulet.test>");
  EXPECT_EQ(p.Header("MIME-Version"), "1.0");
  EXPECT_FALSE(p.Header("Reply-To").has_value());
  ExpectHeaderLinesWithin78(p);
}

TEST(MimeTest, FormatsRfc5322Dates) {
  EXPECT_EQ(FormatRfc5322Date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatRfc5322Date(951'782'400'999), "Tue, 29 Feb 2000 00:00:00 +0000");
}

TEST(MimeTest, WritesReplyToWhenSet) {
  EmailMessage m = Sample();
  m.reply_to = "help@example.com";
  EXPECT_EQ(ParseMessage(Build(m)).Header("Reply-To"), "help@example.com");
}

TEST(MimeTest, QuotesAsciiDisplayNamesWithSpecials) {
  EmailMessage m = Sample();
  m.to_name = "Doe, \"JD\" John";
  EXPECT_EQ(ParseMessage(Build(m)).Header("To"), "\"Doe, \\\"JD\\\" John\" <ada@example.org>");
}

TEST(MimeTest, EncodesNonAsciiDisplayNames) {
  EmailMessage m = Sample();
  m.from_name = "Zoë's Café";
  ParsedMessage p = ParseMessage(Build(m));
  std::string from = *p.Header("From");
  EXPECT_EQ(from.rfind("=?UTF-8?B?", 0), 0u) << from;
  EXPECT_NE(from.find(" <shop@example.com>"), std::string::npos);
  EXPECT_EQ(DecodeEncodedWords(from.substr(0, from.find(" <"))), "Zoë's Café");
}

TEST(MimeTest, EncodesANonAsciiSubjectAsUtf8EncodedWords) {
  EmailMessage m = Sample();
  m.subject = "Café 🎉";
  ParsedMessage p = ParseMessage(Build(m));
  std::string subject = *p.Header("Subject");
  EXPECT_EQ(subject, "=?UTF-8?B?Q2Fmw6kg8J+OiQ==?=");
  EXPECT_EQ(DecodeEncodedWords(subject), "Café 🎉");
}

TEST(MimeTest, FoldsLongEncodedSubjectsWithoutSplittingCharacters) {
  EmailMessage m = Sample();
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "Grüße 🎉 für Sie — ";
  m.subject = subject;
  std::string raw = Build(m);
  ParsedMessage p = ParseMessage(raw);
  ExpectHeaderLinesWithin78(p);
  std::vector<std::string> words;
  EXPECT_EQ(DecodeEncodedWords(*p.Header("Subject"), &words), subject);
  ASSERT_GT(words.size(), 5u);
  for (const std::string& w : words) {
    EXPECT_LE(w.size(), 75u) << w;
    // Each word decodes on its own to whole UTF-8 characters.
    std::string decoded = DecodeEncodedWords(w);
    unsigned char last = static_cast<unsigned char>(decoded.back());
    EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80) << w;
    EXPECT_NE(static_cast<unsigned char>(decoded.front()) & 0xC0, 0x80) << w;
  }
}

TEST(MimeTest, FoldsLongAsciiSubjectsAtSpaces) {
  EmailMessage m = Sample();
  std::string subject;
  for (int i = 0; i < 15; ++i) subject += "Your order number " + std::to_string(i) + " shipped. ";
  subject.pop_back();
  m.subject = subject;
  ParsedMessage p = ParseMessage(Build(m));
  ExpectHeaderLinesWithin78(p);
  EXPECT_EQ(p.Header("Subject"), subject);  // unfolding restores it exactly
}

TEST(MimeTest, EncodesAsciiSubjectsThatLookLikeEncodedWords) {
  EmailMessage m = Sample();
  m.subject = "=?UTF-8?B?Zm9v?= is not an encoded word here";
  ParsedMessage p = ParseMessage(Build(m));
  EXPECT_EQ(DecodeEncodedWords(*p.Header("Subject")), m.subject);
  EXPECT_NE(*p.Header("Subject"), m.subject);
}

TEST(MimeTest, BuildsMultipartAlternativeWithTextThenHtml) {
  EmailMessage m = Sample();
  m.text = "Price: 10 € = cheap\n.\n..two dots\nFrom here on\ntrailing space \n" +
           std::string(200, 'a') + "\nlast line without newline";
  m.html = "<p style=\"color:red\">Grüße</p>\n" + std::string(300, 'h');
  std::string raw = Build(m);
  ExpectCrlfOnly(raw);
  ParsedMessage p = ParseMessage(raw);
  std::string type = *p.Header("Content-Type");
  ASSERT_EQ(type.rfind("multipart/alternative; boundary=\"", 0), 0u) << type;
  std::string boundary = BoundaryOf(type);
  ASSERT_FALSE(boundary.empty());
  EXPECT_EQ(m.text.find(boundary), std::string::npos);
  EXPECT_NE(p.body.find("\r\n--" + boundary + "--\r\n"), std::string::npos);

  std::vector<ParsedMessage> parts = SplitMultipart(p.body, boundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].Header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(parts[0].Header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(parts[1].Header("Content-Type"), "text/html; charset=UTF-8");
  EXPECT_EQ(parts[1].Header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(DecodeQuotedPrintable(parts[0].body), ToCrlf(m.text));
  EXPECT_EQ(DecodeQuotedPrintable(parts[1].body), ToCrlf(m.html));
  // Lines of the encoded body stay within 76 characters (RFC 2045).
  for (const ParsedMessage& part : parts) {
    size_t pos = 0;
    while (pos < part.body.size()) {
      size_t eol = part.body.find("\r\n", pos);
      if (eol == std::string::npos) eol = part.body.size();
      EXPECT_LE(eol - pos, 76u);
      pos = eol + 2;
    }
  }
  // The dot lines are left for the SMTP client to stuff.
  EXPECT_NE(parts[0].body.find("\r\n.\r\n..two dots\r\n"), std::string::npos);
}

TEST(MimeTest, WritesASinglePartWhenOnlyOneBodyIsGiven) {
  EmailMessage m = Sample();
  m.text.clear();
  ParsedMessage html_only = ParseMessage(Build(m));
  EXPECT_EQ(html_only.Header("Content-Type"), "text/html; charset=UTF-8");
  EXPECT_EQ(html_only.Header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(DecodeQuotedPrintable(html_only.body), ToCrlf(m.html));

  m = Sample();
  m.html.clear();
  ParsedMessage text_only = ParseMessage(Build(m));
  EXPECT_EQ(text_only.Header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(DecodeQuotedPrintable(text_only.body), ToCrlf(m.text));
}

TEST(MimeTest, RequiresABody) {
  EmailMessage m = Sample();
  m.text.clear();
  m.html.clear();
  EXPECT_EQ(BuildMime(m, kDate).status().code(), core::Code::kInvalidArgument);
}

TEST(MimeTest, WritesListUnsubscribeWithOneClickPost) {
  ParsedMessage p = ParseMessage(Build(Sample()));
  EXPECT_EQ(p.Header("List-Unsubscribe"),
            "<mailto:unsub@example.com?subject=unsub-tok-1>, <https://example.com/u/tok-1>");
  EXPECT_EQ(p.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
}

TEST(MimeTest, AcceptsPlainHttpUnsubscribeUrlsForLocalSetups) {
  EmailMessage m = Sample();
  m.list_unsubscribe_url = "http://127.0.0.1:8080/t/u/abc?s=def";
  ParsedMessage p = ParseMessage(Build(m));
  EXPECT_EQ(
      p.Header("List-Unsubscribe"),
      "<mailto:unsub@example.com?subject=unsub-tok-1>, <http://127.0.0.1:8080/t/u/abc?s=def>");
  EXPECT_EQ(p.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
}

TEST(MimeTest, OmitsTheOneClickPostWithoutAnUrl) {
  EmailMessage m = Sample();
  m.list_unsubscribe_url.clear();
  ParsedMessage p = ParseMessage(Build(m));
  EXPECT_EQ(p.Header("List-Unsubscribe"), "<mailto:unsub@example.com?subject=unsub-tok-1>");
  EXPECT_FALSE(p.Header("List-Unsubscribe-Post").has_value());

  m.list_unsubscribe_mailto.clear();
  p = ParseMessage(Build(m));
  EXPECT_FALSE(p.Header("List-Unsubscribe").has_value());
}

TEST(MimeTest, RejectsUnsubscribeUrisOfTheWrongKind) {
  EmailMessage m = Sample();
  m.list_unsubscribe_url = "ftp://example.com/u/1";
  EXPECT_EQ(BuildMime(m, kDate).status().code(), core::Code::kInvalidArgument);
  m = Sample();
  m.list_unsubscribe_url = "javascript:alert(1)";
  EXPECT_EQ(BuildMime(m, kDate).status().code(), core::Code::kInvalidArgument);
  m = Sample();
  m.list_unsubscribe_url = "https://example.com/u/1>, <https://evil.example";
  EXPECT_EQ(BuildMime(m, kDate).status().code(), core::Code::kInvalidArgument);
  m = Sample();
  m.list_unsubscribe_mailto = "unsub@example.com";
  EXPECT_EQ(BuildMime(m, kDate).status().code(), core::Code::kInvalidArgument);
}

TEST(MimeTest, WritesExtraHeadersAfterItsOwn) {
  EmailMessage m = Sample();
  m.extra_headers = {{"X-Campaign", "spring-2024"}, {"Feedback-ID", "a:b:c"}};
  ParsedMessage p = ParseMessage(Build(m));
  EXPECT_EQ(p.Header("X-Campaign"), "spring-2024");
  EXPECT_EQ(p.Header("Feedback-ID"), "a:b:c");
}

TEST(MimeTest, GeneratesAMessageIdWhenNoneIsGiven) {
  EmailMessage m = Sample();
  m.message_id.clear();
  std::string id = *ParseMessage(Build(m)).Header("Message-ID");
  EXPECT_EQ(id.front(), '<');
  EXPECT_EQ(id.size(), 1 + 32 + std::string("@example.com>").size()) << id;
  EXPECT_NE(id.find("@example.com>"), std::string::npos);
  EXPECT_NE(id, *ParseMessage(Build(m)).Header("Message-ID"));
}

TEST(MimeTest, RejectsHeaderInjection) {
  auto rejected = [](EmailMessage m) {
    core::Result<std::string> r = BuildMime(m, kDate);
    return !r.ok() && r.status().code() == core::Code::kInvalidArgument;
  };
  EmailMessage m = Sample();
  m.subject = "Hi\r\nBcc: victim@example.net";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.subject = "Hi\nBcc: victim@example.net";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.to_name = "Ada\rX-Evil: 1";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.from_name = std::string("Shop\0X", 6);
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.to_address = "ada@example.org\r\nBcc: victim@example.net";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.reply_to = "a@b.c\nX: y";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.message_id = "x@y>\r\nBcc: v@example.net";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.extra_headers = {{"X-Campaign", "a\r\nBcc: victim@example.net"}};
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.list_unsubscribe_url = "https://example.com/u\r\nBcc: v@example.net";
  EXPECT_TRUE(rejected(m));
}

TEST(MimeTest, RejectsBadAddresses) {
  auto rejected = [](EmailMessage m) {
    return BuildMime(m, kDate).status().code() == core::Code::kInvalidArgument;
  };
  EmailMessage m = Sample();
  m.to_address = "";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.from_address = "";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.to_address = "ada.example.org";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.to_address = "ada@";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.to_address = "Ada <ada@example.org>";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.to_address = "adä@example.org";
  EXPECT_TRUE(rejected(m));
  m = Sample();
  m.reply_to = "nobody";
  EXPECT_TRUE(rejected(m));
}

TEST(MimeTest, ValidatesExtraHeaderNames) {
  auto rejected = [](std::string name, std::string value) {
    EmailMessage m = Sample();
    m.extra_headers = {{std::move(name), std::move(value)}};
    return BuildMime(m, kDate).status().code() == core::Code::kInvalidArgument;
  };
  EXPECT_TRUE(rejected("X Campaign", "a"));
  EXPECT_TRUE(rejected("X-Campaign:", "a"));
  EXPECT_TRUE(rejected("", "a"));
  EXPECT_TRUE(rejected("X_Campaign", "a"));
  EXPECT_TRUE(rejected("subject", "overrides"));  // the builder's own headers
  EXPECT_TRUE(rejected("Bcc", "victim@example.net"));
  EXPECT_TRUE(rejected("X-Name", "Zoë"));  // header values must be ASCII
  EXPECT_FALSE(rejected("X-Mailer-2", "Rivulet"));
}

TEST(MimeTest, RejectsInvalidUtf8InHeaderText) {
  EmailMessage m = Sample();
  m.subject = "bad \xC3\x28 byte";
  EXPECT_EQ(BuildMime(m, kDate).status().code(), core::Code::kInvalidArgument);
}

TEST(QuotedPrintableTest, EncodesPerRfc2045) {
  EXPECT_EQ(EncodeQuotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(EncodeQuotedPrintable("café"), "caf=C3=A9");
  EXPECT_EQ(EncodeQuotedPrintable("end \nx\t"), "end=20\r\nx=09");
  EXPECT_EQ(EncodeQuotedPrintable("a\r\nb\rc\n"), "a\r\nb\r\nc\r\n");
  std::string long_line(100, 'x');
  std::string encoded = EncodeQuotedPrintable(long_line);
  EXPECT_EQ(encoded, std::string(75, 'x') + "=\r\n" + std::string(25, 'x'));
  EXPECT_EQ(DecodeQuotedPrintable(encoded), long_line);
}

TEST(QuotedPrintableTest, NeverSplitsAnEscape) {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "é";
  std::string encoded = EncodeQuotedPrintable(text);
  size_t pos = 0;
  while (pos < encoded.size()) {
    size_t eol = encoded.find("\r\n", pos);
    if (eol == std::string::npos) eol = encoded.size();
    std::string line = encoded.substr(pos, eol - pos);
    EXPECT_LE(line.size(), 76u);
    size_t last_eq = line.rfind('=');
    EXPECT_TRUE(last_eq == line.size() - 1 || last_eq + 3 == line.size()) << line;
    pos = eol + 2;
  }
  EXPECT_EQ(DecodeQuotedPrintable(encoded), text);
}

}  // namespace
}  // namespace rivulet::delivery

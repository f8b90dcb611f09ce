#include "http/form.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace rivulet::http {
namespace {

using core::Code;

std::vector<FormField> MustParseUrlEncoded(std::string_view body, FormLimits limits = {}) {
  auto r = ParseUrlEncoded(body, limits);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<FormField>{};
}

std::vector<FormField> MustParseMultipart(std::string_view body, std::string_view boundary,
                                          FormLimits limits = {}) {
  auto r = ParseMultipart(body, boundary, limits);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<FormField>{};
}

// ---- IsValidUtf8 ----

TEST(FormTest, Utf8AcceptsAsciiAndMultibyte) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // café € 😀
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));                           // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));
}

TEST(FormTest, Utf8RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC3\x28"));          // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong 3-byte
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("ok\xE2\x82"));  // truncated at end
}

// ---- PercentDecode ----

TEST(FormTest, PercentDecodeDecodesEscapesInEitherCase) {
  auto r = PercentDecode("a%20b%2fc%2Fd%C3%A9", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "a b/c/d\xC3\xA9");
}

TEST(FormTest, PercentDecodeTurnsPlusIntoSpaceOnlyWhenAsked) {
  EXPECT_EQ(*PercentDecode("a+b%2B", true), "a b+");
  EXPECT_EQ(*PercentDecode("a+b%2B", false), "a+b+");
}

TEST(FormTest, PercentDecodeDecodesNulByte) {
  auto r = PercentDecode("a%00b", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::string("a\0b", 3));
}

TEST(FormTest, PercentDecodeRejectsBadEscapes) {
  for (std::string_view bad : {"%", "%4", "a%", "%zz", "%4g", "%%41", "abc%2"}) {
    auto r = PercentDecode(bad, true);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(FormTest, PercentDecodeLeavesOtherBytesAlone) {
  EXPECT_EQ(*PercentDecode("=&[]\xC3\xA9", true), "=&[]\xC3\xA9");
  EXPECT_EQ(*PercentDecode("", true), "");
}

// ---- ParseUrlEncoded ----

TEST(FormTest, UrlEncodedParsesPairsInOrder) {
  auto f = MustParseUrlEncoded("b=2&a=1&b=3");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].name, "b");
  EXPECT_EQ(f[0].value, "2");
  EXPECT_EQ(f[1].name, "a");
  EXPECT_EQ(f[1].value, "1");
  EXPECT_EQ(f[2].name, "b");
  EXPECT_EQ(f[2].value, "3");
  EXPECT_TRUE(f[0].filename.empty());
  EXPECT_TRUE(f[0].content_type.empty());
}

TEST(FormTest, UrlEncodedSkipsEmptyPairs) {
  auto f = MustParseUrlEncoded("&a=1&&b=2&");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].name, "a");
  EXPECT_EQ(f[1].name, "b");
}

TEST(FormTest, UrlEncodedEmptyBodyHasNoFields) {
  EXPECT_TRUE(MustParseUrlEncoded("").empty());
  EXPECT_TRUE(MustParseUrlEncoded("&&&").empty());
}

TEST(FormTest, UrlEncodedPairWithoutEqualsHasEmptyValue) {
  auto f = MustParseUrlEncoded("flag&a=1");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].name, "flag");
  EXPECT_EQ(f[0].value, "");
}

TEST(FormTest, UrlEncodedSplitsAtFirstEquals) {
  auto f = MustParseUrlEncoded("a==b=c&data=");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].name, "a");
  EXPECT_EQ(f[0].value, "=b=c");
  EXPECT_EQ(f[1].name, "data");
  EXPECT_EQ(f[1].value, "");
}

TEST(FormTest, UrlEncodedKeepsEmptyName) {
  auto f = MustParseUrlEncoded("=x");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].name, "");
  EXPECT_EQ(f[0].value, "x");
}

TEST(FormTest, UrlEncodedDecodesPlusAndEscapesInNamesAndValues) {
  auto f = MustParseUrlEncoded("first+name=J%C3%B6rg+M%C3%BCller&data%5Bcoupon%5D=a%26b%3Dc");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].name, "first name");
  EXPECT_EQ(f[0].value, "J\xC3\xB6rg M\xC3\xBCller");
  EXPECT_EQ(f[1].name, "data[coupon]");
  EXPECT_EQ(f[1].value, "a&b=c");
}

TEST(FormTest, UrlEncodedRejectsBadEscapeInValueWithFieldDetail) {
  auto r = ParseUrlEncoded("ok=1&email=a%zz", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().fields().count("email"), 1u);
}

TEST(FormTest, UrlEncodedRejectsBadEscapeInName) {
  auto r = ParseUrlEncoded("a%2=1", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(FormTest, UrlEncodedRejectsInvalidUtf8InValue) {
  auto r = ParseUrlEncoded("name=%C3%28", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().fields().count("name"), 1u);
  // Raw (unescaped) invalid bytes too.
  r = ParseUrlEncoded("name=\xFF", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(FormTest, UrlEncodedRejectsInvalidUtf8InName) {
  auto r = ParseUrlEncoded("%ED%A0%80=1", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(FormTest, UrlEncodedAcceptsExactlyMaxFields) {
  FormLimits limits;
  limits.max_fields = 3;
  EXPECT_EQ(MustParseUrlEncoded("a=1&b=2&c=3", limits).size(), 3u);
  // Empty pairs do not count.
  EXPECT_EQ(MustParseUrlEncoded("a=1&&b=2&&c=3&&", limits).size(), 3u);
}

TEST(FormTest, RejectsMoreFieldsThanLimit) {
  FormLimits limits;
  limits.max_fields = 3;
  auto r = ParseUrlEncoded("a=1&b=2&c=3&d=4", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
}

TEST(FormTest, RejectsManyFieldsWithDefaultLimit) {
  std::string body;
  for (int i = 0; i < 1001; ++i) body += "f=" + std::to_string(i) + "&";
  auto r = ParseUrlEncoded(body, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
}

TEST(FormTest, UrlEncodedNameLimitCountsDecodedBytes) {
  FormLimits limits;
  limits.max_name_bytes = 4;
  // "%61%62%63%64" is 12 raw bytes but only 4 decoded ones.
  auto f = MustParseUrlEncoded("%61%62%63%64=1", limits);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].name, "abcd");
}

TEST(FormTest, RejectsNameLongerThanLimit) {
  FormLimits limits;
  limits.max_name_bytes = 4;
  auto r = ParseUrlEncoded("abcde=1", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
  r = ParseUrlEncoded(std::string(100000, 'n') + "=1", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
}

TEST(FormTest, UrlEncodedLongValuesAreNotLimitedByNameLimit) {
  auto f = MustParseUrlEncoded("a=" + std::string(100000, 'v'));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].value.size(), 100000u);
}

TEST(FormTest, UrlEncodedParsesLeatWebhookForm) {
  auto f = MustParseUrlEncoded(
      "contact_uuid=0b7c4c3e-1f1a-4a5e-9d4b-2c2f0d8e6a11&automation_uuid=9f1e2d3c-"
      "aaaa-bbbb-cccc-000000000001&data%5Bcoupon%5D=X&data%5Bnested%5D%5Bk%5D=v");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].name, "contact_uuid");
  EXPECT_EQ(f[2].name, "data[coupon]");
  EXPECT_EQ(f[2].value, "X");
  EXPECT_EQ(f[3].name, "data[nested][k]");
  EXPECT_EQ(f[3].value, "v");
}

// ---- MultipartBoundary ----

TEST(FormTest, BoundaryFromUnquotedParameter) {
  auto r = MultipartBoundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "----WebKitFormBoundary7MA4YWxk");
}

TEST(FormTest, BoundaryFromQuotedParameterWithSpecialCharacters) {
  auto r = MultipartBoundary("multipart/form-data; boundary=\"a b:c=d?e/f\"");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "a b:c=d?e/f");
}

TEST(FormTest, BoundaryMatchingIsCaseInsensitiveAndSkipsOtherParameters) {
  auto r = MultipartBoundary("Multipart/Form-Data;charset=utf-8 ;  BOUNDARY = xyz ;");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "xyz");
}

TEST(FormTest, BoundaryAcceptsSeventyCharacters) {
  const std::string b(70, 'b');
  auto r = MultipartBoundary("multipart/form-data; boundary=" + b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, b);
}

TEST(FormTest, BoundaryRejectsBadLengths) {
  for (const std::string& ct : {std::string("multipart/form-data; boundary="),
                                std::string("multipart/form-data; boundary=\"\""),
                                "multipart/form-data; boundary=" + std::string(71, 'b')}) {
    auto r = MultipartBoundary(ct);
    ASSERT_FALSE(r.ok()) << ct;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << ct;
  }
}

TEST(FormTest, BoundaryRejectsInvalidCharactersAndTrailingSpace) {
  for (std::string_view ct :
       {"multipart/form-data; boundary=\"a\\\"b\"", "multipart/form-data; boundary=a\x01z",
        "multipart/form-data; boundary=\"ab \"", "multipart/form-data; boundary=\"a\xC3\xA9\""}) {
    auto r = MultipartBoundary(ct);
    ASSERT_FALSE(r.ok()) << ct;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << ct;
  }
}

TEST(FormTest, BoundaryRejectsMissingDuplicateOrMalformedParameters) {
  for (std::string_view ct :
       {"multipart/form-data", "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=a; boundary=b", "multipart/form-data; boundary",
        "multipart/form-data; boundary=\"abc", "multipart/form-data; boundary=\"abc\"x",
        "multipart/form-data; =abc"}) {
    auto r = MultipartBoundary(ct);
    ASSERT_FALSE(r.ok()) << ct;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << ct;
  }
}

TEST(FormTest, BoundaryRejectsOtherMediaTypes) {
  for (std::string_view ct :
       {"application/x-www-form-urlencoded", "multipart/mixed; boundary=a", "", "text/plain"}) {
    auto r = MultipartBoundary(ct);
    ASSERT_FALSE(r.ok()) << ct;
    EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia) << ct;
  }
}

// ---- ParseMultipart ----

constexpr std::string_view kBoundary = "XyZ123";

TEST(FormTest, MultipartParsesFieldsAndFiles) {
  const std::string body =
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"contact_uuid\"\r\n"
      "\r\n"
      "abc-123\r\n"
      "--XyZ123\r\n"
      "content-disposition: form-data; name=\"note\"\r\n"
      "\r\n"
      "line one\r\nline two\r\n"
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "hello\r\n"
      "--XyZ123--\r\n";
  auto f = MustParseMultipart(body, kBoundary);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].name, "contact_uuid");
  EXPECT_EQ(f[0].value, "abc-123");
  EXPECT_EQ(f[0].filename, "");
  EXPECT_EQ(f[0].content_type, "");
  EXPECT_EQ(f[1].name, "note");
  EXPECT_EQ(f[1].value, "line one\r\nline two");
  EXPECT_EQ(f[2].name, "upload");
  EXPECT_EQ(f[2].value, "hello");
  EXPECT_EQ(f[2].filename, "a.txt");
  EXPECT_EQ(f[2].content_type, "text/plain");
}

TEST(FormTest, MultipartWithQuotedBoundaryFromContentType) {
  auto boundary = MultipartBoundary("multipart/form-data; boundary=\"my boundary:1\"");
  ASSERT_TRUE(boundary.ok());
  const std::string body =
      "--my boundary:1\r\n"
      "Content-Disposition: form-data; name=a\r\n"
      "\r\n"
      "1\r\n"
      "--my boundary:1--";
  auto f = MustParseMultipart(body, *boundary);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].name, "a");
  EXPECT_EQ(f[0].value, "1");
}

TEST(FormTest, MultipartIgnoresPreambleAndEpilogue) {
  const std::string body =
      "This is a preamble.\r\nIt mentions --XyZ12 and XyZ123 harmlessly.\r\n"
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"a\"\r\n"
      "\r\n"
      "1\r\n"
      "--XyZ123--\r\n"
      "This is the epilogue.\r\n--XyZ123\r\nnot a part\r\n";
  auto f = MustParseMultipart(body, kBoundary);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].value, "1");
}

TEST(FormTest, MultipartAllowsTransportPaddingAfterBoundary) {
  const std::string body =
      "--XyZ123 \t\r\n"
      "Content-Disposition: form-data; name=\"a\"\r\n"
      "\r\n"
      "1\r\n"
      "--XyZ123  \r\n"
      "Content-Disposition: form-data; name=\"b\"\r\n"
      "\r\n"
      "2\r\n"
      "--XyZ123--";
  auto f = MustParseMultipart(body, kBoundary);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].value, "2");
}

TEST(FormTest, MultipartKeepsBoundaryLookalikesInContent) {
  const std::string body =
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"a\"\r\n"
      "\r\n"
      "x\r\n--XyZ1234\r\n--XyZ123x\r\ny\r\n"
      "--XyZ123--\r\n";
  auto f = MustParseMultipart(body, kBoundary);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].value, "x\r\n--XyZ1234\r\n--XyZ123x\r\ny");
}

TEST(FormTest, MultipartAllowsEmptyValuesAndPartsWithoutHeadersAreRejected) {
  const std::string ok =
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"data\"\r\n"
      "\r\n"
      "\r\n"
      "--XyZ123--";
  auto f = MustParseMultipart(ok, kBoundary);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].value, "");

  const std::string no_headers = "--XyZ123\r\n\r\nvalue\r\n--XyZ123--";
  auto r = ParseMultipart(no_headers, kBoundary, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(FormTest, MultipartOnlyCloseDelimiterHasNoParts) {
  auto f = MustParseMultipart("--XyZ123--\r\n", kBoundary);
  EXPECT_TRUE(f.empty());
}

TEST(FormTest, MultipartFilePartMayHoldBinaryContent) {
  std::string content("\x00\xFF\xFE\r\n\x80", 6);
  const std::string body =
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"f\"; filename=\"bin.dat\"\r\n"
      "Content-Type: application/octet-stream\r\n"
      "\r\n" +
      content +
      "\r\n"
      "--XyZ123--";
  auto f = MustParseMultipart(body, kBoundary);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].value, content);
  EXPECT_EQ(f[0].filename, "bin.dat");
  EXPECT_EQ(f[0].content_type, "application/octet-stream");
}

TEST(FormTest, MultipartRejectsBinaryValueWithoutFilename) {
  const std::string body =
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"f\"\r\n"
      "\r\n"
      "\xFF\xFE\r\n"
      "--XyZ123--";
  auto r = ParseMultipart(body, kBoundary, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().fields().count("f"), 1u);
}

TEST(FormTest, MultipartDecodesQuotedParametersAndKeepsWindowsPaths) {
  const std::string body =
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"say \\\"hi\\\"\"; "
      "filename=\"C:\\tmp\\caf\xC3\xA9.txt\"\r\n"
      "\r\n"
      "v\r\n"
      "--XyZ123--";
  auto f = MustParseMultipart(body, kBoundary);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].name, "say \"hi\"");
  EXPECT_EQ(f[0].filename, "C:\\tmp\\caf\xC3\xA9.txt");
}

TEST(FormTest, MultipartIgnoresUnknownHeadersAndParameters) {
  const std::string body =
      "--XyZ123\r\n"
      "X-Custom: 1\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "Content-Disposition: FORM-DATA; foo=bar; NAME=a;\r\n"
      "\r\n"
      "1\r\n"
      "--XyZ123--";
  auto f = MustParseMultipart(body, kBoundary);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].name, "a");
}

TEST(FormTest, MultipartRejectsMissingFinalBoundary) {
  for (std::string body : {
           "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n",
           "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",
           "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ123\r\n",
           "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ123",
       }) {
    auto r = ParseMultipart(body, kBoundary, {});
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << body;
  }
}

TEST(FormTest, MultipartRejectsBodyWithoutBoundary) {
  for (std::string_view body : {"", "hello", "--other\r\n\r\n--other--", "--XyZ1234\r\n"}) {
    auto r = ParseMultipart(body, kBoundary, {});
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << body;
  }
}

TEST(FormTest, MultipartRequiresCrlfLineEndings) {
  // Bare LF everywhere: no boundary line is recognised.
  const std::string lf =
      "--XyZ123\n"
      "Content-Disposition: form-data; name=\"a\"\n"
      "\n"
      "1\n"
      "--XyZ123--\n";
  auto r = ParseMultipart(lf, kBoundary, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);

  // Bare LF between two header lines.
  const std::string mixed =
      "--XyZ123\r\n"
      "Content-Type: text/plain\n"
      "Content-Disposition: form-data; name=\"a\"\r\n"
      "\r\n"
      "1\r\n"
      "--XyZ123--";
  r = ParseMultipart(mixed, kBoundary, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);

  // Bare CR inside a header line.
  const std::string cr =
      "--XyZ123\r\n"
      "Content-Disposition: form-data;\r name=\"a\"\r\n"
      "\r\n"
      "1\r\n"
      "--XyZ123--";
  r = ParseMultipart(cr, kBoundary, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(FormTest, MultipartRejectsMalformedParts) {
  const std::vector<std::string> bad_parts = {
      // no Content-Disposition
      "Content-Type: text/plain\r\n\r\n1",
      // missing name
      "Content-Disposition: form-data; filename=\"a.txt\"\r\n\r\n1",
      // header without colon
      "Content-Disposition: form-data; name=\"a\"\r\nBogus header\r\n\r\n1",
      // wrong disposition type
      "Content-Disposition: attachment; name=\"a\"\r\n\r\n1",
      // duplicate name parameter
      "Content-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\n1",
      // duplicate Content-Disposition
      "Content-Disposition: form-data; name=\"a\"\r\n"
      "Content-Disposition: form-data; name=\"b\"\r\n\r\n1",
      // unterminated quoted parameter
      "Content-Disposition: form-data; name=\"a\r\n\r\n1",
      // folded header line
      "Content-Disposition: form-data;\r\n name=\"a\"\r\n\r\n1",
      // empty header name
      ": x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",
      // headers never end
      "Content-Disposition: form-data; name=\"a\"\r\n1",
      // invalid UTF-8 in name
      "Content-Disposition: form-data; name=\"\xC3\x28\"\r\n\r\n1",
      // invalid UTF-8 in filename
      "Content-Disposition: form-data; name=\"a\"; filename=\"\xFF\"\r\n\r\n1",
  };
  for (const std::string& part : bad_parts) {
    const std::string body = "--XyZ123\r\n" + part + "\r\n--XyZ123--";
    auto r = ParseMultipart(body, kBoundary, {});
    ASSERT_FALSE(r.ok()) << part;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << part;
  }
}

std::string PartWithHeaderBytes(size_t header_bytes) {
  // One header block of exactly header_bytes bytes (lines joined by CRLF, final CRLF excluded).
  const std::string disposition = "Content-Disposition: form-data; name=\"a\"";
  const std::string prefix = "X-Pad: ";
  const size_t pad = header_bytes - disposition.size() - 2 - prefix.size();
  return "--XyZ123\r\n" + disposition + "\r\n" + prefix + std::string(pad, 'p') +
         "\r\n\r\n1\r\n--XyZ123--";
}

TEST(FormTest, MultipartAcceptsPartHeadersUpToLimit) {
  auto f = MustParseMultipart(PartWithHeaderBytes(kMaxPartHeaderBytes), kBoundary);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].value, "1");
}

TEST(FormTest, MultipartRejectsPartHeadersOverLimit) {
  auto r = ParseMultipart(PartWithHeaderBytes(kMaxPartHeaderBytes + 1), kBoundary, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  r = ParseMultipart(PartWithHeaderBytes(100000), kBoundary, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

std::string MultipartWithParts(int n) {
  std::string body;
  for (int i = 0; i < n; ++i) {
    body += "--XyZ123\r\nContent-Disposition: form-data; name=\"f" + std::to_string(i) +
            "\"\r\n\r\nv\r\n";
  }
  return body + "--XyZ123--\r\n";
}

TEST(FormTest, MultipartAcceptsExactlyMaxFieldsParts) {
  FormLimits limits;
  limits.max_fields = 5;
  EXPECT_EQ(MustParseMultipart(MultipartWithParts(5), kBoundary, limits).size(), 5u);
}

TEST(FormTest, MultipartRejectsMorePartsThanLimit) {
  FormLimits limits;
  limits.max_fields = 5;
  auto r = ParseMultipart(MultipartWithParts(6), kBoundary, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
}

TEST(FormTest, MultipartRejectsNameLongerThanLimit) {
  FormLimits limits;
  limits.max_name_bytes = 3;
  const std::string body =
      "--XyZ123\r\nContent-Disposition: form-data; name=\"abcd\"\r\n\r\n1\r\n--XyZ123--";
  auto r = ParseMultipart(body, kBoundary, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
}

TEST(FormTest, MultipartRejectsContentOverPartsByteLimit) {
  FormLimits limits;
  limits.max_parts_bytes = 10;
  const std::string two_fives =
      "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12345\r\n"
      "--XyZ123\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n12345\r\n--XyZ123--";
  EXPECT_EQ(MustParseMultipart(two_fives, kBoundary, limits).size(), 2u);
  const std::string eleven =
      "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12345\r\n"
      "--XyZ123\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n123456\r\n--XyZ123--";
  auto r = ParseMultipart(eleven, kBoundary, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
}

TEST(FormTest, MultipartRejectsInvalidBoundaryArgument) {
  for (const std::string& b : {std::string(), std::string(71, 'b'), std::string("a\"b")}) {
    auto r = ParseMultipart("--" + b + "\r\n", b, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
}

// ---- Robustness ----

// Random input drawn from bytes and fragments that matter to the parsers, so that the fuzzing
// reaches deep states (boundaries, headers, escapes) and not only the first error.
std::string RandomInput(std::mt19937& rng, size_t max_pieces) {
  static const std::vector<std::string> kPieces = {"--XyZ123",
                                                   "\r\n",
                                                   "\r",
                                                   "\n",
                                                   "--",
                                                   "Content-Disposition: form-data; name=\"",
                                                   "\"",
                                                   "; filename=\"f.txt\"",
                                                   "Content-Type: text/plain",
                                                   ":",
                                                   ";",
                                                   "=",
                                                   "&",
                                                   "%",
                                                   "%4",
                                                   "%C3%A9",
                                                   "%FF",
                                                   "+",
                                                   "[",
                                                   "]",
                                                   "[]",
                                                   "a",
                                                   "0",
                                                   " ",
                                                   "\t",
                                                   "\\",
                                                   "\xC3\xA9",
                                                   "\xFF",
                                                   "\x80",
                                                   std::string(1, '\0'),
                                                   "boundary=",
                                                   "multipart/form-data"};
  std::uniform_int_distribution<size_t> count(0, max_pieces);
  std::uniform_int_distribution<size_t> pick(0, kPieces.size());
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out;
  const size_t n = count(rng);
  for (size_t i = 0; i < n; ++i) {
    const size_t p = pick(rng);
    if (p == kPieces.size()) {
      out.push_back(static_cast<char>(byte(rng)));
    } else {
      out += kPieces[p];
    }
  }
  return out;
}

TEST(FormTest, ParsersSurviveRandomInput) {
  std::mt19937 rng(20240611);
  FormLimits limits;
  limits.max_fields = 20;
  limits.max_name_bytes = 32;
  limits.max_parts_bytes = 1000;
  int ok = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string in = RandomInput(rng, 40);
    ok += PercentDecode(in, i % 2 == 0).ok();
    ok += ParseUrlEncoded(in, limits).ok();
    ok += MultipartBoundary(in).ok();
    ok += MultipartBoundary("multipart/form-data; boundary=" + in).ok();
    auto r = ParseMultipart(in, kBoundary, limits);
    ok += r.ok();
    if (r.ok()) {
      for (const FormField& f : *r) EXPECT_TRUE(IsValidUtf8(f.name));
    }
    ok += ParseMultipart(
              "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n" + in + "\r\n--XyZ123--",
              kBoundary, limits)
              .ok();
    ok += ParseMultipart(in, in, limits).ok();
  }
  EXPECT_GT(ok, 0);  // the generator does produce some valid inputs
}

}  // namespace
}  // namespace rivulet::http

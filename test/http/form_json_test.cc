#include "http/form_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "http/form.h"

namespace rivulet::http {
namespace {

using core::Code;

std::vector<FormField> Fields(std::string_view urlencoded) {
  auto r = ParseUrlEncoded(urlencoded, {});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<FormField>{};
}

// Parses urlencoded text, converts it and returns the serialized JSON (or the error).
std::string Convert(std::string_view urlencoded, const FormLimits& limits = {}) {
  auto r = FieldsToJson(Fields(urlencoded), limits);
  if (!r.ok()) return "error: " + r.status().ToString();
  return boost::json::serialize(*r);
}

core::Status ConvertError(std::string_view urlencoded, const FormLimits& limits = {}) {
  auto r = FieldsToJson(Fields(urlencoded), limits);
  EXPECT_FALSE(r.ok()) << urlencoded;
  return r.status();
}

TEST(FormJsonTest, EmptyFormIsEmptyObject) { EXPECT_EQ(Convert(""), "{}"); }

TEST(FormJsonTest, PlainFieldsBecomeStrings) {
  EXPECT_EQ(Convert("a=1&b=two&c="), R"({"a":"1","b":"two","c":""})");
}

TEST(FormJsonTest, ValuesStayStringsEvenWhenNumericOrBoolean) {
  EXPECT_EQ(Convert("n=42&t=true&z=null"), R"({"n":"42","t":"true","z":"null"})");
}

TEST(FormJsonTest, TopLevelNumericKeysStayAnObject) {
  EXPECT_EQ(Convert("0=a&1=b"), R"({"0":"a","1":"b"})");
}

TEST(FormJsonTest, LaterDuplicateScalarOverwritesInPlace) {
  EXPECT_EQ(Convert("a=1&b=2&a=3"), R"({"a":"3","b":"2"})");
  EXPECT_EQ(Convert("d[x]=1&d[y]=2&d[x]=3"), R"({"d":{"x":"3","y":"2"}})");
}

TEST(FormJsonTest, BracketKeyBuildsNestedObject) {
  EXPECT_EQ(Convert("data[coupon]=X"), R"({"data":{"coupon":"X"}})");
  EXPECT_EQ(Convert("data[a][b]=Y"), R"({"data":{"a":{"b":"Y"}}})");
  EXPECT_EQ(Convert("data[a][b]=Y&data[a][c]=Z&data[d]=W"),
            R"({"data":{"a":{"b":"Y","c":"Z"},"d":"W"}})");
}

TEST(FormJsonTest, EmptyBracketsAppendToArray) {
  EXPECT_EQ(Convert("strIds[]=8&strIds[]=9"), R"({"strIds":["8","9"]})");
}

TEST(FormJsonTest, AllsTechnologyIndexedIdsBecomeArray) {
  EXPECT_EQ(Convert("strIds%5B0%5D=8&strIds%5B1%5D=9"), R"({"strIds":["8","9"]})");
  EXPECT_EQ(Convert("strIds[0]=8&strIds[1]=9"), R"({"strIds":["8","9"]})");
}

TEST(FormJsonTest, LeatWebhookFormBecomesNestedObject) {
  EXPECT_EQ(Convert("contact_uuid=c-1&automation_uuid=a-2&data%5Bcoupon%5D=X&"
                    "data%5Bnested%5D%5Bk%5D=v"),
            R"({"contact_uuid":"c-1","automation_uuid":"a-2",)"
            R"("data":{"coupon":"X","nested":{"k":"v"}}})");
}

TEST(FormJsonTest, LeatEmptyDataIsEmptyString) {
  EXPECT_EQ(Convert("contact_uuid=c-1&automation_uuid=a-2&data="),
            R"({"contact_uuid":"c-1","automation_uuid":"a-2","data":""})");
}

TEST(FormJsonTest, AppendUsesNextIntegerKeyLikePhp) {
  EXPECT_EQ(Convert("a[x]=1&a[]=2"), R"({"a":{"x":"1","0":"2"}})");
  EXPECT_EQ(Convert("a[5]=x&a[]=y"), R"({"a":{"5":"x","6":"y"}})");
  EXPECT_EQ(Convert("a[]=x&a[]=y&a[1]=z"), R"({"a":["x","z"]})");
  // Non-canonical integers ("01", "-1") are string keys and do not move the append index.
  EXPECT_EQ(Convert("a[01]=x&a[-1]=y&a[]=z"), R"({"a":{"01":"x","-1":"y","0":"z"}})");
}

TEST(FormJsonTest, OnlyInOrderZeroBasedKeysMakeAnArray) {
  EXPECT_EQ(Convert("a[1]=x&a[2]=y"), R"({"a":{"1":"x","2":"y"}})");
  // Same keys as a list but out of order: PHP's json_encode keeps an object too.
  EXPECT_EQ(Convert("a[1]=y&a[0]=x"), R"({"a":{"1":"y","0":"x"}})");
  EXPECT_EQ(Convert("a[0]=x&a[00]=y"), R"({"a":{"0":"x","00":"y"}})");
}

TEST(FormJsonTest, ArraysOfObjects) {
  EXPECT_EQ(Convert("items[0][id]=1&items[0][qty]=2&items[1][id]=3"),
            R"({"items":[{"id":"1","qty":"2"},{"id":"3"}]})");
  EXPECT_EQ(Convert("m[][]=a&m[][]=b"), R"({"m":[["a"],["b"]]})");
}

TEST(FormJsonTest, ScalarThenContainerIsRejectedWithFieldDetail) {
  core::Status st = ConvertError("a=1&a[b]=2");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.fields().count("a[b]"), 1u) << st.ToString();
}

TEST(FormJsonTest, ContainerThenScalarIsRejectedWithFieldDetail) {
  core::Status st = ConvertError("a[b]=2&a=1");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.fields().count("a"), 1u) << st.ToString();
  st = ConvertError("a[b][c]=1&a[b]=2");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.fields().count("a[b]"), 1u) << st.ToString();
}

TEST(FormJsonTest, UnclosedFirstBracketMakesLiteralKey) {
  EXPECT_EQ(Convert("a[b=1"), R"({"a[b":"1"})");
  EXPECT_EQ(Convert("a]b[=1"), R"({"a]b[":"1"})");
  EXPECT_EQ(Convert("a]b=1"), R"({"a]b":"1"})");
}

TEST(FormJsonTest, TextAfterClosingBracketIsIgnoredLikePhp) {
  EXPECT_EQ(Convert("a[b]c=1"), R"({"a":{"b":"1"}})");
  EXPECT_EQ(Convert("a[b][c=1"), R"({"a":{"b":"1"}})");
  EXPECT_EQ(Convert("a[b]x[c]=1"), R"({"a":{"b":"1"}})");
}

TEST(FormJsonTest, IndexRunsToFirstClosingBracket) {
  EXPECT_EQ(Convert("a[b[c]]=1"), R"({"a":{"b[c":"1"}})");
}

TEST(FormJsonTest, NamesAreNotMangled) {
  EXPECT_EQ(Convert("a.b=1&c+d=2&a[x.y]=3"), R"({"a.b":"1","c d":"2","a":{"x.y":"3"}})");
}

TEST(FormJsonTest, EmptyBaseNamesAreDroppedLikePhp) {
  EXPECT_EQ(Convert("=1&[x]=2&[]=3&ok=4"), R"({"ok":"4"})");
}

TEST(FormJsonTest, AcceptsDepthUpToLimit) {
  FormLimits limits;
  limits.max_depth = 3;
  EXPECT_EQ(Convert("a[b][c][d]=1", limits), R"({"a":{"b":{"c":{"d":"1"}}}})");
  EXPECT_EQ(Convert("a[][][]=1", limits), R"({"a":[[["1"]]]})");
}

TEST(FormJsonTest, RejectsDepthOverLimit) {
  FormLimits limits;
  limits.max_depth = 3;
  core::Status st = ConvertError("a[b][c][d][e]=1", limits);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.fields().count("a[b][c][d][e]"), 1u);
  st = ConvertError("a[][][][]=1", limits);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
}

TEST(FormJsonTest, RejectsDepthOverDefaultLimit) {
  std::string name = "a";
  for (int i = 0; i < 17; ++i) name += "[x]";
  EXPECT_EQ(ConvertError(name + "=1").code(), Code::kInvalidArgument);
}

TEST(FormJsonTest, ZeroDepthAllowsOnlyPlainNames) {
  FormLimits limits;
  limits.max_depth = 0;
  EXPECT_EQ(Convert("a=1&b[c=2", limits), R"({"a":"1","b[c":"2"})");
  EXPECT_EQ(ConvertError("a[]=1", limits).code(), Code::kInvalidArgument);
}

TEST(FormJsonTest, RejectsMoreFieldsThanLimit) {
  FormLimits limits;
  limits.max_fields = 2;
  std::vector<FormField> fields = {{"a", "1", "", ""}, {"b", "2", "", ""}};
  EXPECT_TRUE(FieldsToJson(fields, limits).ok());
  fields.push_back({"c", "3", "", ""});
  auto r = FieldsToJson(fields, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
}

TEST(FormJsonTest, RejectsNameLongerThanLimit) {
  FormLimits limits;
  limits.max_name_bytes = 4;
  auto r = FieldsToJson({{"abcde", "1", "", ""}}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
}

TEST(FormJsonTest, RejectsInvalidUtf8NamesAndValues) {
  auto r = FieldsToJson({{"a", "\xC3\x28", "", ""}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().fields().count("a"), 1u);
  r = FieldsToJson({{"\xFF", "1", "", ""}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(FormJsonTest, TextFileBecomesFileObject) {
  std::vector<FormField> fields = {{"note", "hi", "", ""},
                                   {"doc", "hello \xC3\xA9", "a.txt", "text/plain"}};
  auto r = FieldsToJson(fields, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(boost::json::serialize(*r),
            R"({"note":"hi","doc":{"filename":"a.txt","content_type":"text/plain",)"
            R"("content":"hello é"}})");
}

TEST(FormJsonTest, FileObjectsAreLeavesInBracketStructures) {
  std::vector<FormField> fields = {{"files[]", "1", "a.txt", "text/plain"},
                                   {"files[]", "2", "b.csv", ""}};
  auto r = FieldsToJson(fields, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(boost::json::serialize(*r),
            R"({"files":[{"filename":"a.txt","content_type":"text/plain","content":"1"},)"
            R"({"filename":"b.csv","content_type":"","content":"2"}]})");
  // A file is a value: nesting under it conflicts.
  fields = {{"f", "1", "a.txt", ""}, {"f[x]", "2", "", ""}};
  r = FieldsToJson(fields, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(FormJsonTest, RejectsBinaryFileUpload) {
  std::vector<FormField> fields = {
      {"img", std::string("\x89PNG\r\n\x1a\n\x00\x00", 10), "a.png", "image/png"}};
  auto r = FieldsToJson(fields, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "binary file uploads are not supported");
}

TEST(FormJsonTest, MultipartFormConvertsEndToEnd) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"strIds[0]\"\r\n\r\n8\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"strIds[1]\"\r\n\r\n9\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"data[coupon]\"\r\n\r\nX\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nline\r\n"
      "--b--\r\n";
  auto fields = ParseMultipart(body, "b", {});
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  auto r = FieldsToJson(*fields, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(boost::json::serialize(*r),
            R"({"strIds":["8","9"],"data":{"coupon":"X"},)"
            R"("cv":{"filename":"cv.txt","content_type":"text/plain","content":"line"}})");
}

TEST(FormJsonTest, ManyAppendsStayBounded) {
  std::string body;
  for (int i = 0; i < 1000; ++i) body += "a[]=" + std::to_string(i) + "&";
  auto r = FieldsToJson(Fields(body), {});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->is_object());
  const boost::json::value& a = r->as_object().at("a");
  ASSERT_TRUE(a.is_array());
  EXPECT_EQ(a.as_array().size(), 1000u);
  EXPECT_EQ(a.as_array()[999].as_string(), "999");
}

std::string RandomName(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {"a",   "b",   "0",   "1", "[", "]", "[]",
                                                   "[0]", "[1]", "[x]", ".", " ", "01"};
  std::uniform_int_distribution<size_t> count(0, 8);
  std::uniform_int_distribution<size_t> pick(0, kPieces.size() - 1);
  std::string out;
  for (size_t i = count(rng); i > 0; --i) out += kPieces[pick(rng)];
  return out;
}

TEST(FormJsonTest, ConversionSurvivesRandomFields) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> nfields(0, 12);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> coin(0, 9);
  FormLimits limits;
  limits.max_depth = 4;
  int ok = 0;
  for (int i = 0; i < 3000; ++i) {
    std::vector<FormField> fields;
    for (int k = nfields(rng); k > 0; --k) {
      FormField f;
      f.name = RandomName(rng);
      if (coin(rng) == 0) f.name.push_back(static_cast<char>(byte(rng)));
      f.value = coin(rng) == 0 ? std::string(1, static_cast<char>(byte(rng))) : "v";
      if (coin(rng) == 0) f.filename = "f.txt";
      fields.push_back(std::move(f));
    }
    auto r = FieldsToJson(fields, limits);
    if (r.ok()) {
      ++ok;
      EXPECT_TRUE(r->is_object());
      boost::json::serialize(*r);
    }
  }
  EXPECT_GT(ok, 0);
}

// From multipart_fuzz: a multipart part whose name parameter is empty is parsed (the header
// has its name parameter) and then dropped like PHP drops fields without a base name.
TEST(FormJsonTest, MultipartPartWithAnEmptyNameIsDropped) {
  std::string body =
      "------rivulet0\r\nContent-Disposition: form-data; name=\r\n\r\n\r\n-----\r\n"
      "------rivulet0--";
  auto fields = ParseMultipart(body, "----rivulet0", {});
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  ASSERT_EQ(fields->size(), 1u);
  EXPECT_EQ((*fields)[0].name, "");
  EXPECT_EQ((*fields)[0].value, "\r\n-----");
  auto v = FieldsToJson(*fields, {});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(boost::json::serialize(*v), "{}");
}

// From multipart_fuzz: a part with an empty filename parameter (a browser's "no file chosen")
// may hold any bytes and comes out as an ordinary field; binary content is then refused
// here, so no invalid UTF-8 reaches the JSON.
TEST(FormJsonTest, MultipartPartWithEmptyFilenameAndBinaryContentIsRefused) {
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\r\n\r\n"
      "text/pla\x97\x91\xf2\xfc\r\n--XyZ--\r\n";
  auto fields = ParseMultipart(body, "XyZ", {});
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  ASSERT_EQ(fields->size(), 1u);
  EXPECT_EQ((*fields)[0].filename, "");
  auto v = FieldsToJson(*fields, {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace rivulet::http

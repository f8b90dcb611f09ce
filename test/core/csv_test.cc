#include "core/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>
#include "core/status_printers.h"

namespace rivulet::core {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Reads every record; fails the test on an error.
Rows ReadAll(std::string_view text) {
  CsvReader reader(text);
  Rows rows;
  std::vector<std::string> fields;
  while (true) {
    auto more = reader.Next(fields);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    rows.push_back(fields);
  }
  return rows;
}

// The first error while reading, or ok.
Status FirstError(std::string_view text, size_t max_field = 64 * 1024) {
  CsvReader reader(text, max_field);
  std::vector<std::string> fields;
  while (true) {
    auto more = reader.Next(fields);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
  }
}

TEST(CsvReaderTest, SplitsFieldsAndRecords) {
  EXPECT_EQ(ReadAll("a,b,c\n1,2,3\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReaderTest, LastRecordNeedsNoNewline) {
  EXPECT_EQ(ReadAll("a,b\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").empty());
  CsvReader reader("");
  std::vector<std::string> fields{"stale"};
  auto r = reader.Next(fields);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_TRUE(fields.empty());
}

TEST(CsvReaderTest, KeepsEmptyFields) {
  EXPECT_EQ(ReadAll(",a,,\n"), (Rows{{"", "a", "", ""}}));
  EXPECT_EQ(ReadAll("x\n\ny\n"), (Rows{{"x"}, {""}, {"y"}}));
  EXPECT_EQ(ReadAll("a,"), (Rows{{"a", ""}}));
}

TEST(CsvReaderTest, CrlfEndsRecords) {
  EXPECT_EQ(ReadAll("a,b\r\n1,2\r\n"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,\"b\"\r\n\"1\",2"), (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, QuotedFieldsMayHoldCommasAndDoubledQuotes) {
  EXPECT_EQ(ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"),
            (Rows{{"a,b", "say \"hi\"", ""}}));
  EXPECT_EQ(ReadAll("\"\"\"\"\n"), (Rows{{"\""}}));
}

TEST(CsvReaderTest, QuotedFieldMayHoldNewlinesAndLineIsWhereTheRecordStarted) {
  CsvReader reader("h1,h2\n\"line1\nline2\r\nline3\",x\nnext,row\n");
  std::vector<std::string> f;
  ASSERT_TRUE(*reader.Next(f));
  EXPECT_EQ(reader.line(), 1u);
  ASSERT_TRUE(*reader.Next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"line1\nline2\r\nline3", "x"}));
  EXPECT_EQ(reader.line(), 2u);  // the record spans lines 2 to 4; line() is where it starts
  ASSERT_TRUE(*reader.Next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"next", "row"}));
  EXPECT_EQ(reader.line(), 5u);  // newlines inside quotes still count
  EXPECT_FALSE(*reader.Next(f));
}

TEST(CsvReaderTest, ErrorsNameTheLineTheRecordStartedOn) {
  Status st = FirstError("a\n\"multi\nline\"\n\"x\"y\n");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("line 4"), std::string::npos) << st.message();
}

TEST(CsvReaderTest, UnquotedQuoteCharacterIsLiteral) {
  EXPECT_EQ(ReadAll("ab\"c,d\n"), (Rows{{"ab\"c", "d"}}));
}

TEST(CsvReaderTest, UnclosedQuoteIsAnErrorNamingTheLine) {
  Status st = FirstError("a,b\n\"never closed,x\n");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("unclosed quote"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("line 2"), std::string::npos) << st.message();
  EXPECT_FALSE(FirstError("\"").ok());
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnError) {
  Status st = FirstError("\"abc\"def,x\n");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("after closing quote"), std::string::npos) << st.message();
  EXPECT_FALSE(FirstError("ok\n\"a\" ,b\n").ok());
}

TEST(CsvReaderTest, FieldOverLimitIsAnError) {
  EXPECT_TRUE(FirstError("abcd,\"efgh\"\n", 4).ok());
  EXPECT_EQ(FirstError("abcde\n", 4).code(), Code::kInvalidArgument);
  EXPECT_EQ(FirstError("\"abcde\"\n", 4).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace rivulet::core

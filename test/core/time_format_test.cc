#include "core/time_format.h"

#include <gtest/gtest.h>

#include <string>

#include "core/status_printers.h"

namespace rivulet::core {
namespace {

constexpr Millis kMay10 = 1'715'345'258'000;  // 2024-05-10T12:47:38Z

Millis MustParse(const std::string& s) {
  auto r = ParseIsoTime(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : -1;
}

TEST(TimeFormatTest, FormatsUtcWithAndWithoutMillis) {
  EXPECT_EQ(FormatIsoUtc(kMay10), "2024-05-10T12:47:38Z");
  EXPECT_EQ(FormatIsoUtc(kMay10 + 123, true), "2024-05-10T12:47:38.123Z");
  EXPECT_EQ(FormatIsoUtc(kMay10 + 5, true), "2024-05-10T12:47:38.005Z");
  EXPECT_EQ(FormatIsoUtc(kMay10 + 999), "2024-05-10T12:47:38Z");  // millis truncated
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoOffset(kMay10), "2024-05-10T12:47:38+00:00");
  EXPECT_EQ(FormatIsoUtc(-59042995200000LL + 7), "0099-01-01T00:00:00Z");  // zero-padded year
  EXPECT_EQ(FormatIsoUtc(-59042995200000LL + 7, true), "0099-01-01T00:00:00.007Z");
}

TEST(TimeFormatTest, AppendsUtcAfterWhatIsThere) {
  std::string out = "at ";
  AppendIsoUtc(out, kMay10 + 123, true);
  EXPECT_EQ(out, "at 2024-05-10T12:47:38.123Z");
  AppendIsoUtc(out, kMay10);
  EXPECT_EQ(out, "at 2024-05-10T12:47:38.123Z2024-05-10T12:47:38Z");
}

TEST(TimeFormatTest, FormatsTimesBeforeTheEpoch) {
  EXPECT_EQ(FormatIsoUtc(-1, true), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIsoUtc(-86'400'000), "1969-12-31T00:00:00Z");
}

TEST(TimeFormatTest, ParsesUtcForms) {
  EXPECT_EQ(MustParse("2024-05-10T12:47:38Z"), kMay10);
  EXPECT_EQ(MustParse("2024-05-10t12:47:38z"), kMay10);
  EXPECT_EQ(MustParse("2024-05-10 12:47:38Z"), kMay10);
  EXPECT_EQ(MustParse("2024-05-10T12:47:38"), kMay10);  // no zone means UTC
  EXPECT_EQ(MustParse("2024-05-10T12:47Z"), kMay10 - 38'000);
  EXPECT_EQ(MustParse("2024-05-10T12:47:38.123Z"), kMay10 + 123);
  EXPECT_EQ(MustParse("2024-05-10T12:47:38.5Z"), kMay10 + 500);
  EXPECT_EQ(MustParse("2024-05-10T12:47:38.123456789Z"), kMay10 + 123);  // sub-ms dropped
  EXPECT_EQ(MustParse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(MustParse("1969-12-31T23:59:59Z"), -1000);
}

TEST(TimeFormatTest, PlainDateIsMidnightUtc) {
  EXPECT_EQ(MustParse("2024-05-10"), kMay10 - (12 * 3600 + 47 * 60 + 38) * 1000LL);
  EXPECT_EQ(MustParse("2024-02-29"), 1'709'164'800'000);  // leap day
}

TEST(TimeFormatTest, OffsetsAreConvertedToUtc) {
  EXPECT_EQ(MustParse("2024-05-10T14:47:38+02:00"), kMay10);
  EXPECT_EQ(MustParse("2024-05-10T07:17:38-05:30"), kMay10);
  EXPECT_EQ(MustParse("2024-05-10T12:47:38+00:00"), kMay10);
  EXPECT_EQ(MustParse("2024-05-10T12:47:38-00:00"), kMay10);
  // An offset can move the instant across a date boundary.
  EXPECT_EQ(MustParse("2024-05-11T00:30:00+11:00"), MustParse("2024-05-10T13:30:00Z"));
  EXPECT_EQ(MustParse("2024-05-10T14:47:38.250+02:00"), kMay10 + 250);
}

TEST(TimeFormatTest, FormatThenParseRoundTrips) {
  for (Millis t : {Millis{0}, kMay10, kMay10 + 1, Millis{951'782'400'123} /*2000-02-29*/,
                   Millis{-1}, Millis{4'102'444'799'999} /*2099-12-31T23:59:59.999*/}) {
    EXPECT_EQ(MustParse(FormatIsoUtc(t, true)), t) << t;
    EXPECT_EQ(MustParse(FormatIsoUtc(t)), t - ((t % 1000) + 1000) % 1000) << t;
    EXPECT_EQ(MustParse(FormatIsoOffset(t)), t - ((t % 1000) + 1000) % 1000) << t;
  }
}

TEST(TimeFormatTest, ParseThenFormatRoundTrips) {
  for (const char* s : {"2024-05-10T12:47:38.123Z", "2000-01-01T00:00:00.000Z",
                        "2038-01-19T03:14:08.000Z", "1999-12-31T23:59:59.999Z"}) {
    EXPECT_EQ(FormatIsoUtc(MustParse(s), true), s);
  }
}

TEST(TimeFormatTest, RejectsImpossibleDates) {
  for (const char* s :
       {"2024-13-01", "2024-00-10", "2024-02-30", "2023-02-29", "2024-04-31", "2024-05-00",
        "2024-05-32", "2024-13-01T00:00:00Z", "2024-02-30T10:00:00Z"}) {
    auto r = ParseIsoTime(s);
    EXPECT_FALSE(r.ok()) << s << " parsed as " << (r.ok() ? *r : 0);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << s;
    }
  }
}

TEST(TimeFormatTest, RejectsImpossibleTimesAndOffsets) {
  for (const char* s : {"2024-05-10T24:00:00Z", "2024-05-10T12:60:00Z", "2024-05-10T12:00:61Z",
                        "2024-05-10T12:00:00+24:00", "2024-05-10T12:00:00+02:60"}) {
    EXPECT_FALSE(ParseIsoTime(s).ok()) << s;
  }
}

TEST(TimeFormatTest, RejectsGarbageAndTrailingText) {
  for (const char* s : {"",
                        "garbage",
                        "2024",
                        "2024-05",
                        "2024-5-10",
                        "2024/05/10",
                        "10-05-2024",
                        "2024-05-10x",
                        "2024-05-10T",
                        "2024-05-10T12",
                        "2024-05-10T12:4",
                        "2024-05-10T12:47:38Zjunk",
                        "2024-05-10T12:47:38 Z",
                        "2024-05-10T12:47:38+02",
                        "2024-05-10T12:47:38+0200",
                        "2024-05-10T12:47:38+02:00junk",
                        "2024-05-10T12:47:38.Z",
                        "2024-05-10T12:47:38.1234567891Z",
                        "2024-05-10T12:47:38 UTC",
                        "2024-05-10 ",
                        "+2024-05-10",
                        " 2024-05-10",
                        "2024-05-10T12:47:38Z "}) {
    auto r = ParseIsoTime(s);
    EXPECT_FALSE(r.ok()) << "'" << s << "' parsed as " << (r.ok() ? *r : 0);
  }
}

TEST(TimeFormatTest, ErrorMessageQuotesTheInput) {
  auto r = ParseIsoTime("nope");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'nope'"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace rivulet::core

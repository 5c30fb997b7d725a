// Civil-date arithmetic against known dates, round trips and rejection of impossible dates;
// the shared count and CSV-field formatting.
#include <gtest/gtest.h>

#include <limits>

#include "churnwatch/types.h"

namespace churnwatch {
namespace {

TEST(Dates, KnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(*ParseIsoDate("2011-09-09"), 15226);
  EXPECT_EQ(*ParseIsoDate("19970101"), 9862);
  EXPECT_EQ(FormatIsoDate(15226), "2011-09-09");
  EXPECT_EQ(FormatIsoTimestamp(15226LL * 86400 + 3600 * 13 + 61), "2011-09-09 13:01:01");
  EXPECT_EQ(DayOf(-1), -1);
}

TEST(Dates, RoundTripEveryDayForTwoCenturies) {
  for (DayNumber d = DaysFromCivil(1900, 1, 1); d < DaysFromCivil(2100, 1, 1); ++d) {
    auto parsed = ParseIsoDate(FormatIsoDate(d));
    ASSERT_TRUE(parsed.has_value());
    ASSERT_EQ(*parsed, d);
  }
}

TEST(Dates, RejectsImpossibleDates) {
  EXPECT_FALSE(ParseIsoDate("2011-02-29"));
  EXPECT_TRUE(ParseIsoDate("2012-02-29"));
  EXPECT_FALSE(ParseIsoDate("2011-13-01"));
  EXPECT_FALSE(ParseIsoDate("2011-1-01"));
  EXPECT_FALSE(ParseIsoDate("next tuesday"));
}

}  // namespace
TEST(FormatCount, GroupsThousands) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(541909), "541,909");
  EXPECT_EQ(FormatCount(-1234567), "-1,234,567");
  EXPECT_EQ(FormatCount(std::numeric_limits<std::int64_t>::min()), "-9,223,372,036,854,775,808");
}

TEST(CsvField, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("plain text"), "plain text");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  std::string line = "x,";
  AppendCsvField(line, "a\rb");
  EXPECT_EQ(line, "x,\"a\rb\"");
}

}  // namespace churnwatch

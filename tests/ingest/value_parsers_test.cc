// Checks the field parsers against hand-computed values: numbers with European decimal and
// thousands separators, date formats (ISO, compact, day-first, month names, 12-hour clock,
// %z offsets, invalid calendar dates), fixed UTC offsets, and arithmetic expressions
// (precedence, parentheses, unary minus, positional and back-quoted columns, / 0).
#include <cmath>
#include <vector>

#include "ingest/expression.h"
#include "ingest/value_parsers.h"
#include "test_helpers.h"

namespace churnwatch::ingest {
namespace {

TEST(ParseNumber, PlainAndEuropean) {
  double v = 0;
  EXPECT_TRUE(ParseNumber(" 25.0 ", {}, v));
  EXPECT_DOUBLE_EQ(v, 25.0);
  EXPECT_TRUE(ParseNumber("+0.001", {}, v));
  EXPECT_DOUBLE_EQ(v, 0.001);
  EXPECT_TRUE(ParseNumber("-80995", {}, v));
  EXPECT_DOUBLE_EQ(v, -80995);
  EXPECT_FALSE(ParseNumber("", {}, v));
  EXPECT_FALSE(ParseNumber("12a", {}, v));
  EXPECT_FALSE(ParseNumber("inf", {}, v));
  EXPECT_FALSE(ParseNumber("nan", {}, v));
  NumberFormat eu{',', '.'};
  EXPECT_TRUE(ParseNumber("1.234,56", eu, v));
  EXPECT_DOUBLE_EQ(v, 1234.56);
  NumberFormat eu_nothousands{',', 0};
  EXPECT_FALSE(ParseNumber("1.5", eu_nothousands, v));  // '.' is not a decimal point there
  NumberFormat us{'.', ','};
  EXPECT_TRUE(ParseNumber("12,345.5", us, v));
  EXPECT_DOUBLE_EQ(v, 12345.5);
}

Timestamp At(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return static_cast<Timestamp>(DaysFromCivil(y, m, d)) * kSecondsPerDay + hh * 3600 + mm * 60 + ss;
}

bool Parse(const char* fmt, const char* text, Timestamp& t, int& off, bool& has_off) {
  auto f = DateFormat::Compile(fmt);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() && f->Parse(text, t, off, has_off);
}

TEST(DateFormat, CommonFormats) {
  Timestamp t = 0;
  int off = 0;
  bool has = false;
  ASSERT_TRUE(Parse("%Y-%m-%d %H:%M:%S", "2010-12-01 08:26:00", t, off, has));
  EXPECT_EQ(t, At(2010, 12, 1, 8, 26));
  EXPECT_FALSE(has);
  ASSERT_TRUE(Parse("%Y%m%d", "19970101", t, off, has));
  EXPECT_EQ(t, At(1997, 1, 1));
  ASSERT_TRUE(Parse("%d/%m/%Y %H:%M", "1/2/2011 9:05", t, off, has));  // 1-digit day, month, hour
  EXPECT_EQ(t, At(2011, 2, 1, 9, 5));
  ASSERT_TRUE(Parse("%d %b %Y", "09 Dec 2011", t, off, has));
  EXPECT_EQ(t, At(2011, 12, 9));
  ASSERT_TRUE(Parse("%B %d, %Y %I:%M %p", "december 9, 2011 12:50 PM", t, off, has));
  EXPECT_EQ(t, At(2011, 12, 9, 12, 50));
  ASSERT_TRUE(Parse("%I:%M %p %F", "12:10 am 2011-01-01", t, off, has));
  EXPECT_EQ(t, At(2011, 1, 1, 0, 10));
  ASSERT_TRUE(Parse("%FT%T%z", "2011-01-01T10:00:00+08:00", t, off, has));
  EXPECT_EQ(t, At(2011, 1, 1, 10));
  EXPECT_TRUE(has);
  EXPECT_EQ(off, 480);
  ASSERT_TRUE(Parse("%FT%T.%f%z", "2011-01-01T10:00:00.250Z", t, off, has));
  EXPECT_EQ(off, 0);
  ASSERT_TRUE(Parse("%Y-%j", "2012-366", t, off, has));  // leap year's last day
  EXPECT_EQ(t, At(2012, 12, 31));
}

TEST(DateFormat, RejectsWhatIsNotADate) {
  Timestamp t = 0;
  int off = 0;
  bool has = false;
  EXPECT_FALSE(Parse("%Y-%m-%d", "2011-02-29", t, off, has));  // not a leap year
  EXPECT_FALSE(Parse("%Y-%m-%d", "2011-13-01", t, off, has));
  EXPECT_FALSE(Parse("%Y-%m-%d %H:%M", "2011-01-01 24:00", t, off, has));
  EXPECT_FALSE(Parse("%Y-%m-%d", "2011-01-01 extra", t, off, has));
  EXPECT_FALSE(Parse("%Y%m%d", "199701", t, off, has));  // no day
  EXPECT_FALSE(Parse("%Y-%m-%d", "", t, off, has));
}

TEST(DateFormat, UnknownDirectiveIsInvalidArgument) {
  auto f = DateFormat::Compile("%Y-%Q");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("'%Q'"), std::string::npos);
}

TEST(UtcOffset, Forms) {
  EXPECT_EQ(*ParseUtcOffsetMinutes("UTC"), 0);
  EXPECT_EQ(*ParseUtcOffsetMinutes("+08:00"), 480);
  EXPECT_EQ(*ParseUtcOffsetMinutes("-0530"), -330);
  EXPECT_EQ(*ParseUtcOffsetMinutes("+8"), 480);
  auto bad = ParseUtcOffsetMinutes("Europe/London");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Europe/London"), std::string::npos);
}

double Eval(const char* text, std::vector<double> values) {
  auto e = Expression::Parse(text);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  double out = kNaN;
  EXPECT_TRUE(e->Evaluate(values, out));
  return out;
}

TEST(Expression, ArithmeticAndColumns) {
  EXPECT_DOUBLE_EQ(Eval("Quantity * UnitPrice", {3, 2.5}), 7.5);
  EXPECT_DOUBLE_EQ(Eval("a + b * 2", {1, 3}), 7);
  EXPECT_DOUBLE_EQ(Eval("(a + b) * 2", {1, 3}), 8);
  EXPECT_DOUBLE_EQ(Eval("-a - -b", {1, 3}), 2);
  EXPECT_DOUBLE_EQ(Eval("$4 / 100 - 0.5", {250}), 2.0);
  EXPECT_DOUBLE_EQ(Eval("`Unit Price` * qty * qty", {2, 3}), 18);  // qty is one slot
  auto e = Expression::Parse("`Unit Price` * qty * qty");
  ASSERT_EQ(e->columns().size(), 2u);
  EXPECT_EQ(e->columns()[0].name, "Unit Price");
  auto pos = Expression::Parse("$4 * 2");
  EXPECT_EQ(pos->columns()[0].position, 4);
}

TEST(Expression, DivisionByZeroHasNoValue) {
  auto e = Expression::Parse("a / b");
  ASSERT_TRUE(e.ok());
  double out = 0;
  std::vector<double> v = {1, 0};
  EXPECT_FALSE(e->Evaluate(v, out));
}

TEST(Expression, SyntaxErrorsNameThePosition) {
  for (const char* bad : {"a *", "(a + b", "a + % b", "$0 * 2", "`open"}) {
    auto e = Expression::Parse(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(e.status().message().find("at character"), std::string::npos) << e.status().message();
  }
}

}  // namespace
}  // namespace churnwatch::ingest

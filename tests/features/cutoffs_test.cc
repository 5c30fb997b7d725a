// Horizons, cutoff lists and the BG/NBD sufficient statistics:
// - format presets give SPEC.md §4's horizons, unknown formats and malformed cutoffs are
//   kInvalidArgument naming the bad token;
// - every:Nd is anchored at the last cutoff with a complete label window, every:Nd:DATE at DATE
//   (hand-computed dates);
// - ComputeRfmSummaries on the CDNOW sample reproduces Hardie's published calibration summary
//   (x exactly; t_x, T and zbar within the CSV's 2-decimal rounding).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "churnwatch/features.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

RetailColumns TwoPurchases(const char* first, const char* last) {
  std::vector<Transaction> tx(2);
  tx[0].customer_id = tx[1].customer_id = "c";
  tx[0].order_id = "1";
  tx[1].order_id = "2";
  tx[0].ts = static_cast<Timestamp>(*ParseIsoDate(first)) * kSecondsPerDay;
  tx[1].ts = static_cast<Timestamp>(*ParseIsoDate(last)) * kSecondsPerDay;
  tx[0].amount = tx[1].amount = 1;
  return ColumnsFromRows(tx, {}, {});
}

TEST(Horizon, PresetsAndErrors) {
  EXPECT_EQ(*HorizonForFormat("grocery"), 30);
  EXPECT_EQ(*HorizonForFormat("general"), 90);
  EXPECT_EQ(*HorizonForFormat("apparel"), 120);
  EXPECT_EQ(*HorizonForFormat("department"), 180);
  EXPECT_EQ(*HorizonForFormat("warehouse"), 365);
  auto bad = HorizonForFormat("bakery");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'bakery'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("grocery=30"), std::string::npos);
}

TEST(Cutoffs, ListIsSortedAndDeduplicated) {
  const auto cols = TwoPurchases("2011-01-01", "2011-12-31");
  auto r = ParseCutoffs("2011-04-01, 2011-03-01,2011-04-01", cols, 90);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<DayNumber>{*ParseIsoDate("2011-03-01"), *ParseIsoDate("2011-04-01")}));
  auto bad = ParseCutoffs("2011-03-01,2011-02-30", cols, 90);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'2011-02-30'"), std::string::npos) << bad.status().message();
}

TEST(Cutoffs, EveryIsAnchoredAtTheLastCompleteWindow) {
  // Data 2011-01-01 .. 2011-12-31, H = 90: the last T with T + 89 <= 2011-12-31 is 2011-10-03;
  // the first allowed is 2011-01-01 + 90 = 2011-04-01. Steps of 60 days back from 2011-10-03:
  // 08-04, 06-05, 04-06 (then 02-05 < 04-01 stops).
  const auto cols = TwoPurchases("2011-01-01", "2011-12-31");
  auto r = ParseCutoffs("every:60d", cols, 90);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> dates;
  for (auto d : *r) dates.push_back(FormatIsoDate(d));
  EXPECT_EQ(dates, (std::vector<std::string>{"2011-04-06", "2011-06-05", "2011-08-04", "2011-10-03"}));
  auto weeks = ParseCutoffs("every:13w", cols, 90);
  ASSERT_TRUE(weeks.ok());
  EXPECT_EQ(weeks->back(), *ParseIsoDate("2011-10-03"));
  EXPECT_EQ(weeks->size(), 3u);  // 10-03, 07-04, 04-04
  EXPECT_EQ(ParseCutoffs("every:0d", cols, 90).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCutoffs("every:30x", cols, 90).status().code(), StatusCode::kInvalidArgument);
  const auto short_data = TwoPurchases("2011-01-01", "2011-03-01");
  EXPECT_EQ(ParseCutoffs("every:30d", short_data, 90).status().code(), StatusCode::kDataError);
}

TEST(Cutoffs, EveryWithALastDateCountsBackFromIt) {
  // Same data; every:60d:2011-08-01 -> 08-01, 06-02, 04-03 (then 02-02 < 04-01 stops).
  const auto cols = TwoPurchases("2011-01-01", "2011-12-31");
  auto r = ParseCutoffs("every:60d:2011-08-01", cols, 90);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> dates;
  for (auto d : *r) dates.push_back(FormatIsoDate(d));
  EXPECT_EQ(dates, (std::vector<std::string>{"2011-04-03", "2011-06-02", "2011-08-01"}));
  auto bad_date = ParseCutoffs("every:60d:2011-13-01", cols, 90);
  EXPECT_EQ(bad_date.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_date.status().message().find("'2011-13-01'"), std::string::npos) << bad_date.status().message();
  // 2011-10-04 + 89 days is past the last data day 2011-12-31: its label window is incomplete.
  auto too_late = ParseCutoffs("every:60d:2011-10-04", cols, 90);
  EXPECT_EQ(too_late.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_late.status().message().find("2011-10-03"), std::string::npos) << too_late.status().message();
  EXPECT_EQ(ParseCutoffs("every:0d:2011-08-01", cols, 90).status().code(), StatusCode::kInvalidArgument);
}

TEST(RfmSummaries, HandComputedCase) {
  // Day 0: two orders (10 + 5) = one transaction; day 10: 20; day 12: a return of 7 (not a
  // purchase day); day 25: 30 (on the cutoff day: not read). Cutoff = day 25 -> last
  // observed day 24. x = 1, t_x = 10, T = 24 days; purchases 35, returns 7: net share 0.8;
  // net mean repeat spend 20 * 0.8 = 16; first day's net spend 15 * 0.8 = 12.
  const DayNumber d0 = *ParseIsoDate("2011-01-01");
  auto row = [&](const char* order, int day, double amount, bool ret) {
    Transaction t;
    t.customer_id = "c";
    t.order_id = order;
    t.ts = static_cast<Timestamp>(d0 + day) * kSecondsPerDay + 3600;
    t.amount = amount;
    t.quantity = ret ? -1 : 1;
    t.is_return = ret;
    return t;
  };
  const std::vector<Transaction> tx = {row("a", 0, 10, false), row("b", 0, 5, false), row("c", 10, 20, false),
                                       row("r", 12, -7, true), row("d", 25, 30, false)};
  const RetailColumns cols = ColumnsFromRows(tx, {}, {});
  auto days = ComputeRfmSummaries(cols, d0 + 25, TimeUnit::kDays);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].x, 1);
  EXPECT_EQ(days[0].t_x, 10);
  EXPECT_EQ(days[0].T, 24);
  EXPECT_DOUBLE_EQ(days[0].net_share, 0.8);
  EXPECT_DOUBLE_EQ(days[0].mean_repeat_spend, 16);
  EXPECT_DOUBLE_EQ(days[0].first_day_spend, 12);
  auto weeks = ComputeRfmSummaries(cols, d0 + 25, TimeUnit::kWeeks);
  EXPECT_DOUBLE_EQ(weeks[0].t_x, 10.0 / 7);
  EXPECT_DOUBLE_EQ(weeks[0].T, 24.0 / 7);
  // A cutoff on the first purchase day: nothing before it, no summary.
  EXPECT_TRUE(ComputeRfmSummaries(cols, d0, TimeUnit::kDays).empty());
}

TEST(RfmSummaries, ACancelledOrderIsNoSpend) {
  // Online Retail's customer 16446: a small purchase, then months later an order of
  // 168,469.60 cancelled in full the same day. The cancelled order stays a visit (x = 1) but
  // adds almost nothing to spend; a customer who returns more than they bought has none.
  const DayNumber d0 = *ParseIsoDate("2011-05-18");
  auto row = [&](const char* customer, int day, double amount, bool ret) {
    Transaction t;
    t.customer_id = customer;
    t.order_id = ret ? "C1" : "1";
    t.ts = static_cast<Timestamp>(d0 + day) * kSecondsPerDay + 3600;
    t.amount = amount;
    t.quantity = ret ? -1 : 1;
    t.is_return = ret;
    return t;
  };
  const std::vector<Transaction> tx = {row("big", 0, 2.90, false), row("big", 205, 168469.60, false),
                                       row("big", 205, -168469.60, true), row("over", 0, 10, false),
                                       row("over", 3, 10, false), row("over", 4, -25, true)};
  const RetailColumns cols = ColumnsFromRows(tx, {}, {});
  const auto s = ComputeRfmSummaries(cols, d0 + 206, TimeUnit::kDays);
  ASSERT_EQ(s.size(), 2u);
  const RfmSummary& big = cols.customer_ids[s[0].customer] == "big" ? s[0] : s[1];
  const RfmSummary& over = cols.customer_ids[s[0].customer] == "big" ? s[1] : s[0];
  EXPECT_EQ(big.x, 1);
  EXPECT_NEAR(big.net_share, 2.90 / 168472.50, 1e-12);
  EXPECT_NEAR(big.mean_repeat_spend, 168469.60 * 2.90 / 168472.50, 1e-9);  // about 2.90, not 168,469.60
  EXPECT_LT(big.mean_repeat_spend, 3.0);
  EXPECT_EQ(over.x, 1);
  EXPECT_EQ(over.net_share, 0);
  EXPECT_EQ(over.mean_repeat_spend, 0);
  EXPECT_EQ(over.first_day_spend, 0);
}

TEST(RfmSummaries, ReproduceTheCdnowCalibrationSummary) {
  CW_REQUIRE_SHARED_DATA(sample, "cdnow/CDNOW_sample.txt");
  CW_REQUIRE_SHARED_DATA(summary, "cdnow/cdnow_customers_summary_with_transactions.csv");
  std::ifstream in(sample);
  std::vector<Transaction> tx;
  std::string id_master, id_sample, date;
  double cds = 0, dollars = 0;
  while (in >> id_master >> id_sample >> date >> cds >> dollars) {
    Transaction t;
    t.customer_id = std::to_string(std::stoi(id_sample));  // "0001" in the sample, "1" in the summary
    t.ts = static_cast<Timestamp>(*ParseIsoDate(date)) * kSecondsPerDay;
    t.quantity = cds;
    t.amount = dollars;
    tx.push_back(t);
  }
  ASSERT_EQ(tx.size(), 6919u);  // README: 6,919 rows
  const RetailColumns cols = ColumnsFromRows(tx, {}, {});
  const auto stats = ComputeRfmSummaries(cols, *ParseIsoDate("1997-10-01"), TimeUnit::kWeeks);
  std::map<std::string, RfmSummary> by_id;
  for (const auto& s : stats) by_id[cols.customer_ids[s.customer]] = s;

  std::ifstream csv(summary);
  std::string line;
  std::getline(csv, line);  // ID,x,t_x,T,zbar
  int rows = 0, repeaters = 0;
  while (std::getline(csv, line)) {
    std::stringstream ss(line);
    std::string id, x, tx_, T, zbar;
    std::getline(ss, id, ',');
    std::getline(ss, x, ',');
    std::getline(ss, tx_, ',');
    std::getline(ss, T, ',');
    std::getline(ss, zbar, ',');
    ASSERT_TRUE(by_id.count(id)) << "customer " << id;
    const auto& s = by_id[id];
    EXPECT_EQ(s.x, std::stod(x)) << id;
    EXPECT_NEAR(s.t_x, std::stod(tx_), 0.0051) << id;
    EXPECT_NEAR(s.T, std::stod(T), 0.0051) << id;
    EXPECT_NEAR(s.mean_repeat_spend, std::stod(zbar), 0.0051) << id;
    ++rows;
    if (s.x > 0) ++repeaters;
  }
  EXPECT_EQ(rows, 2357);
  EXPECT_EQ(repeaters, 946);  // README: 946 customers have x > 0
}

}  // namespace
}  // namespace churnwatch

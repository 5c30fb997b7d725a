// Checks the outcome windows of campaign_report.h at their boundaries: the purchase window
// is days S .. S+29 (a purchase on the start day counts, one on day S+30 does not), the
// win-back window S .. S+H−1, orders before S never count, returns subtract revenue but
// are not purchases, margin is revenue × margin rate, and the control pays no cost.
#include <gtest/gtest.h>

#include "churnwatch/campaign_report.h"

namespace churnwatch {
namespace {

constexpr DayNumber kStart = 20513;  // 2026-03-01

Transaction Order(const std::string& customer, DayNumber day, double amount, int second_of_day = 0,
                  bool is_return = false) {
  Transaction t;
  t.customer_id = customer;
  t.ts = static_cast<Timestamp>(day) * kSecondsPerDay + second_of_day;
  t.amount = amount;
  t.quantity = is_return ? -1 : 1;
  t.is_return = is_return;
  return t;
}

CampaignSpec Spec() {
  CampaignSpec s;
  s.campaign_id = "c";
  s.start_day = kStart;
  s.purchase_window_days = 30;
  s.winback_days = 90;
  s.margin_rate = 0.25;
  return s;
}

TEST(CampaignOutcomes, WindowsCountFromTheStartDayAndEndBeforeDay30AndDayH) {
  ASSERT_EQ(FormatIsoDate(kStart), "2026-03-01");
  const std::vector<CampaignAssignmentRow> rows = {
      {"at_start", false, "coupon", "", "", "", "", 4, ""},    {"day_before", false, "coupon", "", "", "", "", 4, ""},
      {"day_29", false, "coupon", "", "", "", "", 4, ""},      {"day_30", true, "coupon", "", "", "", "", 4, ""},
      {"day_h_minus_1", true, "coupon", "", "", "", "", 4, ""}, {"day_h", true, "coupon", "", "", "", "", 4, ""},
      {"return_only", false, "coupon", "", "", "", "", 4, ""},
  };
  const std::vector<Transaction> orders = {
      Order("at_start", kStart, 10),                  // 00:00:00 of the start day
      Order("day_before", kStart - 1, 50, 86399),     // 23:59:59 the day before
      Order("day_29", kStart + 29, 20, 86399),        // last second of the 30th day
      Order("day_30", kStart + 30, 30),               // first second of the 31st day
      Order("day_h_minus_1", kStart + 89, 40),
      Order("day_h", kStart + 90, 60),
      Order("return_only", kStart + 1, -15, 0, true),
      Order("stranger", kStart, 99),                  // not in the campaign
  };
  const auto out = OutcomesFromOrders(Spec(), rows, orders);
  ASSERT_EQ(out.size(), rows.size());
  const auto metrics = CampaignMetrics(Spec());
  ASSERT_EQ(metrics[0].name, "purchase");
  ASSERT_EQ(metrics[1].name, "revenue");
  ASSERT_EQ(metrics[2].name, "margin");
  ASSERT_EQ(metrics[3].name, "win_back");
  ASSERT_EQ(metrics[4].name, "revenue_h");
  auto v = [&](std::size_t i, std::size_t m) { return out[i].values[m]; };
  // at the start: purchase, win-back, revenue 10, margin 2.5
  EXPECT_EQ(v(0, 0), 1);
  EXPECT_EQ(v(0, 1), 10);
  EXPECT_EQ(v(0, 2), 2.5);
  EXPECT_EQ(v(0, 3), 1);
  // the day before: nothing
  EXPECT_EQ(v(1, 0), 0);
  EXPECT_EQ(v(1, 1), 0);
  EXPECT_EQ(v(1, 3), 0);
  EXPECT_EQ(v(1, 4), 0);
  // day S+29: inside both windows
  EXPECT_EQ(v(2, 0), 1);
  EXPECT_EQ(v(2, 1), 20);
  // day S+30: outside the purchase window, inside H
  EXPECT_EQ(v(3, 0), 0);
  EXPECT_EQ(v(3, 1), 0);
  EXPECT_EQ(v(3, 3), 1);
  EXPECT_EQ(v(3, 4), 30);
  // day S+89 is the last day of H = 90; S+90 is outside
  EXPECT_EQ(v(4, 3), 1);
  EXPECT_EQ(v(5, 3), 0);
  EXPECT_EQ(v(5, 4), 0);
  // a return is not a purchase but takes revenue away
  EXPECT_EQ(v(6, 0), 0);
  EXPECT_EQ(v(6, 1), -15);
  EXPECT_EQ(v(6, 3), 0);
  // cost: treated pay the action's cost, the control nothing
  EXPECT_EQ(out[0].cost, 4);
  EXPECT_EQ(out[3].cost, 0);
}

TEST(CampaignOutcomes, ReportWarnsWhileAWindowHasNotMatured) {
  std::vector<CustomerOutcome> outcomes;
  for (int i = 0; i < 200; ++i)
    outcomes.push_back({"C" + std::to_string(i), i % 2 == 0, "coupon", "price", "high", "red", 1.0,
                        {double(i % 3 == 0), 5.0 * (i % 4), 1.0, double(i % 5 == 0), 7.0}});
  // Orders up to S+20: both windows immature.
  auto r = BuildCampaignReport(Spec(), outcomes, kStart + 20);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].find("2026-03-30"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[1].find("win-back window"), std::string::npos) << r.warnings[1];
  // Orders up to S+29: the purchase window is complete; H still is not.
  r = BuildCampaignReport(Spec(), outcomes, kStart + 29);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("win_back"), std::string::npos);
  // Orders up to S+89: both complete.
  r = BuildCampaignReport(Spec(), outcomes, kStart + 89);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
}

}  // namespace
}  // namespace churnwatch

// Checks the two-group comparisons of campaign_report.h against published figures:
// Hillstrom's Mens e-mail visit counts (3,894 of 21,307 against 2,262 of 21,306; README
// of ../shared/data/hillstrom, "Uplift vs the No E-Mail control", computed there with
// scipy 1.10: +7.66 pp [7.00, 8.32], z = 22.49, p = 5.7e-112), Student's t quantiles from
// the standard table (t(0.975; 1) = 12.706, t(0.975; 10) = 2.228, t(0.975; 30) = 2.042;
// NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2), and the tiny-group
// warnings.
#include <gtest/gtest.h>

#include <cmath>

#include "churnwatch/campaign_report.h"

namespace churnwatch {
namespace {

TEST(CampaignStats, TwoProportionsReproduceHillstromMensVisit) {
  const auto e = CompareProportions(3894, 21307, 2262, 21306);
  EXPECT_NEAR(100 * e.uplift, 7.66, 0.005);
  EXPECT_NEAR(100 * e.ci_low, 7.00, 0.005);
  EXPECT_NEAR(100 * e.ci_high, 8.32, 0.005);
  EXPECT_NEAR(e.statistic, 22.49, 0.005);
  EXPECT_NEAR(e.p_value / 5.7e-112, 1.0, 0.01);
  EXPECT_TRUE(e.warning.empty()) << e.warning;
}

TEST(CampaignStats, StudentQuantilesMatchTheTable) {
  EXPECT_NEAR(StudentTwoSidedQuantile(0.05, 1), 12.706, 0.0005);
  EXPECT_NEAR(StudentTwoSidedQuantile(0.05, 10), 2.228, 0.0005);
  EXPECT_NEAR(StudentTwoSidedQuantile(0.05, 30), 2.042, 0.0005);
  EXPECT_NEAR(StudentTwoSidedP(2.228139, 10), 0.05, 1e-5);
  // Large df tends to the normal: 1.959964.
  EXPECT_NEAR(StudentTwoSidedQuantile(0.05, 1e7), 1.959964, 1e-5);
}

TEST(CampaignStats, WelchOnASmallExample) {
  // treated {1..5}: mean 3, variance 2.5; control {2,4,..,10}: mean 6, variance 10.
  // se² = 2.5/5 + 10/5 = 2.5, t = −3 / √2.5 = −1.8974, Welch df = 2.5² / (0.5²/4 + 2²/4)
  // = 6.25 / 1.0625 = 5.8824 (worked by hand from the Welch–Satterthwaite formula).
  const std::vector<double> t = {1, 2, 3, 4, 5}, c = {2, 4, 6, 8, 10};
  const auto e = CompareMeans(t, c);
  EXPECT_DOUBLE_EQ(e.uplift, -3);
  EXPECT_NEAR(e.statistic, -1.897367, 1e-6);
  EXPECT_NEAR(e.df, 5.882353, 1e-6);
  EXPECT_GT(e.p_value, 0.05);  // the interval covers 0
  EXPECT_LT(e.ci_low, 0);
  EXPECT_GT(e.ci_high, 0);
  EXPECT_NEAR(e.ci_high - e.uplift, e.uplift - e.ci_low, 1e-9);
  // Small groups are flagged.
  EXPECT_NE(e.warning.find("too small to tell"), std::string::npos);
}

TEST(CampaignStats, TinyGroupsAndRareOutcomesWarn) {
  // Fewer than 30 in a group.
  auto e = CompareProportions(5, 20, 300, 1000);
  EXPECT_NE(e.warning.find("too small to tell"), std::string::npos) << e.warning;
  EXPECT_NE(e.warning.find("20 treated"), std::string::npos) << e.warning;
  // Enough customers but only 2 outcomes in the control: the interval is not trustworthy.
  e = CompareProportions(40, 1000, 2, 1000);
  EXPECT_NE(e.warning.find("fewer than 5"), std::string::npos) << e.warning;
  // Enough of both: no warning.
  e = CompareProportions(40, 1000, 20, 1000);
  EXPECT_TRUE(e.warning.empty()) << e.warning;
  // An empty control group gives no estimate, only the warning.
  e = CompareProportions(40, 1000, 0, 0);
  EXPECT_TRUE(std::isnan(e.uplift));
  EXPECT_FALSE(e.warning.empty());
}

TEST(CampaignStats, ReportFlagsTinyCellsButNotTheWholeCampaign) {
  CampaignSpec spec;
  spec.campaign_id = "c";
  spec.start_day = 20000;
  std::vector<CustomerOutcome> outcomes;
  // 400 price/high customers and 12 experience/low ones, half of each in control.
  for (int i = 0; i < 412; ++i) {
    const bool big = i < 400;
    outcomes.push_back({"C" + std::to_string(i), i % 2 == 1, "coupon", big ? "price" : "experience", big ? "high" : "low",
                        "red", 2.0, {double(i % 3 == 0), 10.0 * (i % 3), 3.0 * (i % 3), double(i % 5 == 0), 20.0 * (i % 5)}});
  }
  const auto r = BuildCampaignReport(spec, outcomes, 20000 + 200);
  bool saw_tiny = false, saw_big_clean = false;
  for (const auto& row : r.rows) {
    if (row.level == "cause_tier" && row.cause == "experience") saw_tiny |= !row.estimate.warning.empty();
    if (row.level == "cause_tier" && row.cause == "price" && row.metric == "revenue")
      saw_big_clean = row.estimate.warning.empty();
  }
  EXPECT_TRUE(saw_tiny);
  EXPECT_TRUE(saw_big_clean);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  // Money: the campaign's cost is what the 206 treated cost.
  ASSERT_FALSE(r.money.empty());
  EXPECT_EQ(r.money[0].level, "campaign");
  EXPECT_DOUBLE_EQ(r.money[0].cost, 206 * 2.0);
  EXPECT_EQ(r.money[0].revenue_metric, "revenue_h");
}

}  // namespace
}  // namespace churnwatch

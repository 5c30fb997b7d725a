// Hillstrom acceptance (docs/campaign.md): the MineThatData e-mail test (Kevin Hillstrom,
// 2008), read from ../shared/data/hillstrom (never copied into the repository; skipped
// with a message when absent), loaded as a campaign with its own control group through
// the store, reproduces the uplift figures of that folder's README ("Uplift vs the No
// E-Mail control": unpooled Wald interval and pooled z-test for rates, Welch for spend)
// to the precision printed there.
#include <gtest/gtest.h>

#include <cmath>

#include "churnwatch/campaign_import.h"
#include "churnwatch/campaign_learn.h"
#include "churnwatch/campaign_report.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

const UpliftEstimate* Find(const CampaignReport& r, const std::string& action, const std::string& metric) {
  for (const auto& row : r.rows)
    if (row.level == "action" && row.action == action && row.metric == metric) return &row.estimate;
  return nullptr;
}

struct Expected {
  const char* action;
  const char* metric;
  double uplift, low, high;  // pp for rates, $ for spend
  double statistic;          // z or Welch t
  double p_value;
  double df;                 // Welch only
};

TEST(Hillstrom, ReportReproducesThePublishedUplift) {
  CW_REQUIRE_SHARED_DATA(file, "hillstrom/hillstrom.csv.gz");
  testing::TempDir dir;
  auto store = Store::Open("sqlite:" + (dir / "h.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto imported = ImportHillstrom(**store, file, "hillstrom", *ParseIsoDate("2008-03-20"));
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->targets, 64000);
  EXPECT_EQ(imported->control, 21306);  // README: No E-Mail 21,306

  auto report = ReportCampaign(**store, "hillstrom");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  // The README's table, row by row.
  const Expected expected[] = {
      {"mens_email", "visit", 7.66, 7.00, 8.32, 22.49, 5.7e-112, NAN},
      {"mens_email", "conversion", 0.68, 0.50, 0.86, 7.39, 1.5e-13, NAN},
      {"mens_email", "spend", 0.7698, 0.4851, 1.0545, 5.30, 1.2e-07, 36671},
      {"womens_email", "visit", 4.52, 3.89, 5.16, 13.95, 3.2e-44, NAN},
      {"womens_email", "conversion", 0.31, 0.15, 0.47, 3.78, 1.6e-04, NAN},
      {"womens_email", "spend", 0.4244, 0.1690, 0.6799, 3.26, 1.1e-03, 40065},
  };
  for (const auto& x : expected) {
    SCOPED_TRACE(std::string(x.action) + " " + x.metric);
    const UpliftEstimate* e = Find(*report, x.action, x.metric);
    ASSERT_NE(e, nullptr);
    const bool rate = std::isnan(x.df);
    const double k = rate ? 100 : 1;           // pp for rates
    const double tol = rate ? 0.005 : 0.00005;  // half a unit of the last printed digit
    EXPECT_NEAR(k * e->uplift, x.uplift, tol);
    EXPECT_NEAR(k * e->ci_low, x.low, tol);
    EXPECT_NEAR(k * e->ci_high, x.high, tol);
    EXPECT_NEAR(e->statistic, x.statistic, 0.005);
    // p-values are printed with two significant digits.
    EXPECT_NEAR(e->p_value / x.p_value, 1.0, 0.05 / (x.p_value / std::pow(10, std::floor(std::log10(x.p_value)))));
    if (!rate) {
      EXPECT_NEAR(e->df, x.df, 0.5);
    }
    EXPECT_TRUE(e->warning.empty()) << e->warning;
  }
  // Arm sizes and rates: Mens 18.28 % of 21,307 visited, control 10.62 % of 21,306.
  const UpliftEstimate* mv = Find(*report, "mens_email", "visit");
  EXPECT_EQ(mv->n_treated, 21307);
  EXPECT_EQ(mv->n_control, 21306);
  EXPECT_NEAR(100 * mv->treated_mean, 18.28, 0.005);
  EXPECT_NEAR(100 * mv->control_mean, 10.62, 0.005);

  // Learning rows: per (action, cause, value tier) of the primary metric (conversion).
  ASSERT_TRUE(RecordMeasuredUplift(**store, *report).ok());
  auto measured = ReadMeasuredUplift(**store);
  ASSERT_TRUE(measured.ok()) << measured.status().ToString();
  ASSERT_EQ(measured->size(), 6u);  // 2 actions × 3 value tiers
  std::int64_t treated = 0;
  for (const auto& m : *measured) {
    EXPECT_EQ(m.metric, "conversion");
    EXPECT_LE(m.ci_low, m.uplift);
    EXPECT_GE(m.ci_high, m.uplift);
    treated += m.n_treated;
  }
  EXPECT_EQ(treated, 21307 + 21387);
}

}  // namespace
}  // namespace churnwatch

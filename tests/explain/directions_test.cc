// Checks the direction rule (docs/models.md "Reasons"): a feature is a churn reason only
// when its value points toward churn in the sense of its category, never when the value
// is missing; every catalogue feature has a rule and every rule reads catalogue features.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "churnwatch/explain.h"
#include "churnwatch/feature_catalog.h"
#include "explain/directions.h"

namespace churnwatch {
namespace {

/// One row with the given named values.
FeatureTable OneRow(std::initializer_list<std::pair<std::string, double>> values) {
  FeatureTable t;
  t.customer_ids = {"c"};
  t.cutoffs = {0};
  t.labels = {ChurnLabel::kUnknown};
  for (const auto& [name, v] : values) t.AppendColumn(name, {v});
  return t;
}

bool Points(std::initializer_list<std::pair<std::string, double>> values, std::string_view feature) {
  return PointsTowardChurn(OneRow(values), 0, feature);
}

TEST(DirectionRule, ReturnsOnlyAboveTheLevel) {
  EXPECT_FALSE(Points({{"return_rate", 0}, {"return_orders_365", 0}}, "return_rate"));
  EXPECT_FALSE(Points({{"return_rate", 0}, {"return_orders_365", 0}}, "return_orders_365"));
  EXPECT_FALSE(Points({{"return_rate", 0.01}, {"return_orders_365", 1}}, "return_orders_365"));
  EXPECT_TRUE(Points({{"return_rate", 0.2}, {"return_orders_365", 2}}, "return_rate"));
  EXPECT_TRUE(Points({{"return_rate", 0.2}, {"return_orders_365", 2}}, "return_orders_365"));
  EXPECT_FALSE(Points({{"return_rate", kNaN}, {"return_orders_365", 2}}, "return_orders_365"));
}

TEST(DirectionRule, ValueDeclineOnlyWhenSpendFell) {
  for (const char* f : {"monetary_30", "monetary_90", "monetary_180", "monetary_365", "monetary_prev90"}) {
    EXPECT_FALSE(Points({{f, 5}, {"monetary_90", 270}, {"monetary_prev90", 0}}, f)) << f;
    EXPECT_FALSE(Points({{f, 5}, {"monetary_90", 100}, {"monetary_prev90", 100}}, f)) << f;
    EXPECT_TRUE(Points({{f, 5}, {"monetary_90", 40}, {"monetary_prev90", 100}}, f)) << f;
  }
  // Order value: only when it fell and spend fell too (more, smaller orders are no decline).
  EXPECT_TRUE(Points({{"aov_90", 50}, {"aov_change", 0.7}, {"monetary_90", 100}, {"monetary_prev90", 300}}, "aov_90"));
  EXPECT_FALSE(Points({{"aov_90", 50}, {"aov_change", 0.7}, {"monetary_90", 400}, {"monetary_prev90", 300}}, "aov_90"));
  EXPECT_FALSE(Points({{"aov_90", 50}, {"aov_change", 1.3}, {"monetary_90", 100}, {"monetary_prev90", 300}},
                      "aov_change"));
}

TEST(DirectionRule, TradingDownOnlyWhenUnitPriceFell) {
  EXPECT_FALSE(Points({{"unit_price_change", 1.78}, {"unit_price_90", 3}}, "unit_price_change"));
  EXPECT_FALSE(Points({{"unit_price_change", 1.78}, {"unit_price_90", 3}}, "unit_price_90"));
  EXPECT_TRUE(Points({{"unit_price_change", 0.6}, {"unit_price_90", 3}}, "unit_price_change"));
}

TEST(DirectionRule, RecencyAgainstTheUsualIntervalElseAFixedLevel) {
  // Buys every 30 days, last bought 18 days ago: not overdue.
  EXPECT_FALSE(Points({{"recency_days", 18}, {"interval_mean_days", 30}, {"overdue_ratio", 0.6}}, "recency_days"));
  EXPECT_TRUE(Points({{"recency_days", 45}, {"interval_mean_days", 30}, {"overdue_ratio", 1.5}}, "recency_days"));
  // One purchase day: no interval, judged against the fixed level.
  EXPECT_FALSE(Points({{"recency_days", 18}, {"interval_mean_days", kNaN}, {"overdue_ratio", kNaN}}, "recency_days"));
  EXPECT_TRUE(Points({{"recency_days", 60}, {"interval_mean_days", kNaN}, {"overdue_ratio", kNaN}}, "recency_days"));
}

TEST(DirectionRule, MissingValuesAreNeverReasons) {
  EXPECT_FALSE(Points({{"recency_days", 18}, {"interval_mean_days", kNaN}}, "interval_mean_days"));
  EXPECT_FALSE(Points({{"overdue_ratio", kNaN}}, "overdue_ratio"));
  EXPECT_FALSE(Points({{"complaints_90", std::numeric_limits<double>::infinity()}}, "complaints_90"));
  EXPECT_FALSE(Points({{"complaints_90", 2}}, "not_a_column"));
  // Outside the catalogue there is no direction: any finite value may be a reason.
  EXPECT_TRUE(Points({{"Contract=Month-to-month", 1}}, "Contract=Month-to-month"));
  EXPECT_FALSE(Points({{"Contract=Month-to-month", kNaN}}, "Contract=Month-to-month"));
}

TEST(DirectionRule, FrequencyAndEventsFollowTheirSign) {
  EXPECT_FALSE(Points({{"frequency_90", 4}, {"frequency_prev90", 2}}, "frequency_90"));
  EXPECT_TRUE(Points({{"frequency_90", 1}, {"frequency_prev90", 3}}, "frequency_90"));
  EXPECT_FALSE(Points({{"complaints_90", 0}}, "complaints_90"));
  EXPECT_TRUE(Points({{"complaints_90", 1}}, "complaints_90"));
  EXPECT_FALSE(Points({{"weekly_trend_26", 0.1}}, "weekly_trend_26"));
  EXPECT_TRUE(Points({{"weekly_trend_26", -0.1}}, "weekly_trend_26"));
  // Channel switching counts either way.
  EXPECT_TRUE(Points({{"online_share_change", -0.4}}, "online_share_change"));
  EXPECT_TRUE(Points({{"online_share_change", 0.4}}, "online_share_change"));
  EXPECT_FALSE(Points({{"online_share_change", 0.05}}, "online_share_change"));
}

TEST(DirectionRule, CoversTheCatalogueAndReadsOnlyCatalogueFeatures) {
  std::set<std::string_view> ruled;
  for (const auto& rule : explain_internal::DirectionTable()) {
    ruled.insert(rule.feature);
    EXPECT_NE(FindFeature(rule.feature), nullptr) << rule.feature;
    EXPECT_NE(FindFeature(rule.tested), nullptr) << rule.feature << " tests " << rule.tested;
    if (!rule.baseline.empty()) {
      EXPECT_NE(FindFeature(rule.baseline), nullptr) << rule.baseline;
    }
  }
  for (const auto& spec : FeatureCatalogue()) {
    if (spec.name != "tenure_days") {
      EXPECT_TRUE(ruled.contains(spec.name)) << spec.name << " has no direction rule";
    }
  }
}

}  // namespace
}  // namespace churnwatch

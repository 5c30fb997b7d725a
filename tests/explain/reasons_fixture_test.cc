// Reasons on a small seeded fixture whose model learned two artefacts a retailer would not
// act on: customers with no returns churn more than those with a few (so 0 % returns gets a
// positive contribution), and a large change of spend either way raises risk (so spend
// that rose gets one). Checks that such values are never given as reasons, that the
// categories still appear for customers whose values do point toward churn, and that a
// category's sum is over exactly the features whose values point toward churn.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "churnwatch/explain.h"
#include "churnwatch/models.h"

namespace churnwatch {
namespace {

constexpr double kReturnLevel = 0.05;  // docs/models.md "Reasons"

FeatureTable MakeFixture(std::uint64_t seed, std::size_t rows, DayNumber cutoff) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  FeatureTable t;
  t.horizon_days = 90;
  t.names = {"recency_days", "interval_mean_days", "overdue_ratio", "frequency_90", "frequency_prev90",
             "monetary_90", "monetary_prev90", "return_rate", "return_orders_365"};
  t.columns.assign(t.names.size(), {});
  for (std::size_t r = 0; r < rows; ++r) {
    const double recency = std::floor(u(rng) * 89);
    const double interval = u(rng) < 0.3 ? kNaN : 5 + std::floor(u(rng) * 60);
    const double f_prev = std::floor(u(rng) * 6), f_now = std::floor(u(rng) * 6);
    const double m_prev = std::floor(u(rng) * 1000);
    const double m_now = std::floor(m_prev * (0.2 + 1.6 * u(rng)) + 200 * u(rng));
    const double rate = u(rng) < 0.5 ? 0 : 0.01 + 0.4 * u(rng);
    const double returns = rate > 0 ? 1 + std::floor(3 * u(rng)) : 0;
    const double z = -1.5 + 0.02 * recency + 1.5 * (rate == 0) + 1.5 * (rate > 0.25) +
                     0.004 * std::abs(m_now - m_prev);
    const bool churned = u(rng) < 1 / (1 + std::exp(-z));
    t.customer_ids.push_back("F" + std::to_string(seed) + "-" + std::to_string(r));
    t.cutoffs.push_back(cutoff);
    t.labels.push_back(churned ? ChurnLabel::kChurned : ChurnLabel::kRetained);
    const double vals[] = {recency, interval, recency / interval, f_now, f_prev, m_now, m_prev, rate, returns};
    for (std::size_t f = 0; f < t.names.size(); ++f) t.columns[f].push_back(vals[f]);
  }
  return t;
}

bool IsReturns(const Reason& r) { return r.top_feature == "return_rate" || r.top_feature == "return_orders_365"; }

TEST(ReasonsFixture, GoodValuesAreNeverReasons) {
  const FeatureTable train = MakeFixture(31, 4000, 15000), valid = MakeFixture(32, 2000, 15090);
  TrainingSet data;
  data.train = &train;
  data.valid = &valid;
  TrainOptions o;
  o.trees.max_rounds = 80;
  auto model = ChurnModel::Train(data, o);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const auto& m = **model;
  const auto map = ReasonMap::Defaults(m.feature_names());
  const auto rate = valid.Column("return_rate");
  const auto m90 = valid.Column("monetary_90"), m_prev = valid.Column("monetary_prev90");

  for (const bool approximate : {false, true}) {
    SCOPED_TRACE(approximate ? "approximate" : "exact");
    auto x = MatrixFromTable(valid, m.feature_names(), {});
    ASSERT_TRUE(x.ok());
    auto contrib = m.TreeContributions(*x, approximate);
    ASSERT_TRUE(contrib.ok());
    const std::size_t w = m.feature_names().size() + 1;
    const auto col = [&](std::string_view name) {
      return static_cast<std::size_t>(std::find(m.feature_names().begin(), m.feature_names().end(), name) -
                                      m.feature_names().begin());
    };
    // The artefacts are there to be filtered: positive contributions from 0 % returns and
    // from spend that rose.
    std::size_t zero_return_pushes = 0, rising_spend_pushes = 0;
    for (std::size_t r = 0; r < valid.num_rows(); ++r) {
      if (rate[r] == 0 && (*contrib)[r * w + col("return_rate")] > 0) ++zero_return_pushes;
      if (m90[r] >= m_prev[r] && (*contrib)[r * w + col("monetary_90")] > 0) ++rising_spend_pushes;
    }
    ASSERT_GT(zero_return_pushes, 100u);
    ASSERT_GT(rising_spend_pushes, 100u);

    auto reasons = ExplainRows(m, valid, {}, map, approximate);
    ASSERT_TRUE(reasons.ok()) << reasons.status().ToString();
    std::size_t returns_given = 0, decline_given = 0;
    for (std::size_t r = 0; r < valid.num_rows(); ++r) {
      const RowReasons& rr = (*reasons)[r];
      for (int k = 0; k < rr.count; ++k) {
        const Reason& reason = rr.reasons[static_cast<std::size_t>(k)];
        if (IsReturns(reason)) {
          ++returns_given;
          EXPECT_GT(rate[r], kReturnLevel) << valid.customer_ids[r] << ": " << reason.sentence_en;
        }
        if (reason.category == ReasonCategory::kValueDecline) {
          ++decline_given;
          EXPECT_LT(m90[r], m_prev[r]) << valid.customer_ids[r] << ": " << reason.sentence_en;
        }
        if (reason.top_feature == "interval_mean_days" || reason.top_feature == "overdue_ratio") {
          EXPECT_FALSE(std::isnan(valid.Column(reason.top_feature)[r])) << valid.customer_ids[r];
        }
        EXPECT_TRUE(PointsTowardChurn(valid, r, reason.top_feature)) << valid.customer_ids[r];
        // The category's sum is over the features whose values point toward churn.
        double expected = 0;
        for (std::size_t f = 0; f + 1 < w; ++f) {
          if (map.CategoryOf(f) != reason.category) continue;
          const double v = (*contrib)[r * w + f];
          if (!PointsTowardChurn(valid, r, m.feature_names()[f])) continue;
          expected += v;
        }
        EXPECT_NEAR(reason.contribution, expected, 1e-6);
      }
    }
    // The categories are not simply switched off: customers who return a lot, or whose
    // spend fell, still get them.
    EXPECT_GT(returns_given, 0u);
    EXPECT_GT(decline_given, 0u);
  }
}

}  // namespace
}  // namespace churnwatch

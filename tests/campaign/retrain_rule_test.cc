// Checks the champion / challenger rule and the population stability index of retrain.h:
// promotion needs both better ranking (ROC-AUC) and calibration (ECE) within the rule; a missing
// champion or one that cannot be evaluated is replaced; a challenger that cannot be
// evaluated never is. PSI is ~0 for two samples of one distribution and large for a
// shifted one; the drift report warns only about what moved.
#include <gtest/gtest.h>

#include <random>

#include "churnwatch/retrain.h"

namespace churnwatch {
namespace {

TEST(PromotionRule, PromotesOnlyWhenItRanksAndCalibratesAsWell) {
  const PromotionRule rule{0.0, 0.01};
  const ModelQuality champ{"m1", 0.80, 0.030};
  // Better AUC, calibration within tolerance: promoted.
  auto d = DecidePromotion(champ, {"m2", 0.81, 0.035}, rule);
  EXPECT_TRUE(d.promote) << d.reason;
  EXPECT_NE(d.reason.find("promoted m2 over m1"), std::string::npos) << d.reason;
  // A tie keeps the champion: retraining on unchanged data changes nothing.
  EXPECT_FALSE(DecidePromotion(champ, {"m2", 0.80, 0.030}, rule).promote);
  // Worse AUC: kept.
  d = DecidePromotion(champ, {"m2", 0.79, 0.010}, rule);
  EXPECT_FALSE(d.promote);
  EXPECT_NE(d.reason.find("does not rank better"), std::string::npos) << d.reason;
  // Better AUC but worse calibration beyond the tolerance: kept.
  d = DecidePromotion(champ, {"m2", 0.85, 0.045}, rule);
  EXPECT_FALSE(d.promote);
  EXPECT_NE(d.reason.find("worse calibrated"), std::string::npos) << d.reason;
  // A required AUC gain.
  EXPECT_FALSE(DecidePromotion(champ, {"m2", 0.805, 0.03}, {0.01, 0.01}).promote);
  EXPECT_TRUE(DecidePromotion(champ, {"m2", 0.811, 0.03}, {0.01, 0.01}).promote);
}

TEST(PromotionRule, NoChampionOrAnUnevaluableOne) {
  EXPECT_TRUE(DecidePromotion(std::nullopt, {"m2", 0.7, 0.05}, {}).promote);
  EXPECT_TRUE(DecidePromotion(ModelQuality{"m1", kNaN, kNaN}, {"m2", 0.7, 0.05}, {}).promote);
  EXPECT_FALSE(DecidePromotion(ModelQuality{"m1", 0.7, 0.05}, {"m2", kNaN, 0.01}, {}).promote);
}

TEST(Psi, NearZeroForTheSameDistributionLargeForAShiftedOne) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(50, 10);
  std::vector<double> a(20000), b(20000), shifted(20000), spread(20000);
  for (auto& x : a) x = normal(rng);
  for (auto& x : b) x = normal(rng);
  for (auto& x : shifted) x = normal(rng) + 5;  // half a standard deviation
  for (auto& x : spread) x = 50 + 2 * (normal(rng) - 50);
  const double same = PopulationStabilityIndex(a, b);
  EXPECT_LT(same, 0.01);
  // A shift of d standard deviations of a normal gives PSI ≈ d² (the symmetrised KL
  // divergence of two normals), 0.25 for d = 0.5; decile binning loses a little of it.
  const double moved = PopulationStabilityIndex(a, shifted);
  EXPECT_GT(moved, 0.18);
  EXPECT_LT(moved, 0.30);
  EXPECT_GT(PopulationStabilityIndex(a, spread), kPsiAlarm);
  // Missing values that appear are drift too.
  std::vector<double> with_missing = b;
  for (std::size_t i = 0; i < with_missing.size(); i += 4) with_missing[i] = kNaN;
  EXPECT_GT(PopulationStabilityIndex(a, with_missing), kPsiAlarm);
  // A feature that is mostly one value (merged bins) stays finite and stable.
  std::vector<double> zeros_a(1000, 0.0), zeros_b(1000, 0.0);
  zeros_a[3] = 1;
  zeros_b[7] = 1;
  EXPECT_LT(PopulationStabilityIndex(zeros_a, zeros_b), 0.01);
}

TEST(Psi, DriftReportWarnsAboutWhatMoved) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0, 1);
  FeatureTable ref, cur;
  std::vector<double> r1(5000), c1(5000), r2(5000), c2(5000);
  for (auto& x : r1) x = normal(rng);
  for (auto& x : c1) x = normal(rng);
  for (auto& x : r2) x = normal(rng);
  for (auto& x : c2) x = normal(rng) + 1;
  for (int i = 0; i < 5000; ++i) {
    ref.customer_ids.push_back("C" + std::to_string(i));
    cur.customer_ids.push_back("C" + std::to_string(i));
  }
  ref.AppendColumn("steady", r1);
  cur.AppendColumn("steady", c1);
  ref.AppendColumn("recency_days", r2);
  cur.AppendColumn("recency_days", c2);
  const std::vector<std::string> names = {"steady", "recency_days", "absent"};
  const auto d = ComputeDrift(ref, cur, names, r1, c1, "2026-01-01", "2026-04-01");
  ASSERT_EQ(d.items.size(), 3u);  // score + two features present in both tables
  EXPECT_EQ(d.items[0].name, "score");
  EXPECT_EQ(d.items[0].level, "stable");
  EXPECT_EQ(d.items[1].name, "recency_days");
  EXPECT_EQ(d.items[1].level, "moved");
  EXPECT_EQ(d.items[2].level, "stable");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("recency_days moved between 2026-01-01 and 2026-04-01"), std::string::npos);
}

}  // namespace
}  // namespace churnwatch

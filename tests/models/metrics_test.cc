// Checks the evaluation metrics against values computed by hand on tiny examples: ROC-AUC
// with ties, average precision, lift, precision/recall at k, Brier, ECE bins, the
// confusion matrix, the max-F1 threshold and the decile calibration table.
#include "churnwatch/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace churnwatch {
namespace {

TEST(RocAuc, PerfectAndReversedRankings) {
  const std::vector<float> y{0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(RocAuc(y, std::vector<double>{0.1, 0.2, 0.8, 0.9}), 1.0);
  EXPECT_DOUBLE_EQ(RocAuc(y, std::vector<double>{0.9, 0.8, 0.2, 0.1}), 0.0);
}

TEST(RocAuc, TiesCountOneHalf) {
  // Pairs (pos, neg): pos 0.5 vs neg 0.5 tie (1/2), pos 0.5 vs neg 0.1 win (1),
  // pos 0.9 beats both (2). Total 3.5 of 4 pairs.
  const std::vector<float> y{1, 0, 1, 0};
  const std::vector<double> s{0.5, 0.5, 0.9, 0.1};
  EXPECT_DOUBLE_EQ(RocAuc(y, s), 3.5 / 4.0);
  // All scores equal: 0.5 exactly.
  EXPECT_DOUBLE_EQ(RocAuc(y, std::vector<double>{1, 1, 1, 1}), 0.5);
}

TEST(RocAuc, OneClassIsNaN) {
  EXPECT_TRUE(std::isnan(RocAuc(std::vector<float>{1, 1}, std::vector<double>{0.1, 0.2})));
}

TEST(AveragePrecision, HandComputed) {
  // Ranking by score: 1 (pos), 0 (neg), 1 (pos). Precision at the two positives: 1/1, 2/3.
  // AP = 0.5 * 1 + 0.5 * 2/3 = 5/6.
  const std::vector<float> y{1, 0, 1};
  const std::vector<double> s{0.9, 0.8, 0.7};
  EXPECT_NEAR(AveragePrecision(y, s), 5.0 / 6.0, 1e-12);
}

TEST(Lift, TopDecileOfTwenty) {
  // 20 rows, 4 positives (base rate 0.2); top decile = 2 rows, both positive: lift 5.
  std::vector<float> y(20, 0);
  std::vector<double> s(20);
  for (int i = 0; i < 20; ++i) s[i] = i;
  y[19] = y[18] = y[0] = y[1] = 1;
  EXPECT_DOUBLE_EQ(LiftTopDecile(y, s), 5.0);
}

TEST(PrecisionRecallAtK, HandComputed) {
  const std::vector<float> y{1, 0, 1, 0, 1};
  const std::vector<double> s{0.9, 0.8, 0.7, 0.6, 0.1};
  const auto pr = PrecisionRecallAtK(y, s, 3);
  EXPECT_DOUBLE_EQ(pr.precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(pr.recall, 2.0 / 3.0);
}

TEST(Brier, HandComputed) {
  // (0.9-1)^2 + (0.2-0)^2 = 0.01 + 0.04 = 0.05, mean 0.025.
  EXPECT_NEAR(BrierScore(std::vector<float>{1, 0}, std::vector<double>{0.9, 0.2}), 0.025, 1e-15);
}

TEST(Ece, EqualWidthBins) {
  // Bin [0.1,0.2): p 0.15, 0.15 with labels 0, 1 -> |0.15 - 0.5| = 0.35, weight 2/4.
  // Bin [0.9,1.0]: p 0.95, 1.0 with labels 1, 1 -> |0.975 - 1| = 0.025, weight 2/4.
  const std::vector<float> y{0, 1, 1, 1};
  const std::vector<double> p{0.15, 0.15, 0.95, 1.0};
  EXPECT_NEAR(ExpectedCalibrationError(y, p), 0.5 * 0.35 + 0.5 * 0.025, 1e-12);
}

TEST(Confusion, CountsAndRates) {
  const std::vector<float> y{1, 1, 0, 0, 1};
  const std::vector<double> s{0.9, 0.4, 0.6, 0.1, 0.5};
  const auto m = Confusion(y, s, 0.5);
  EXPECT_EQ(m.true_positive, 2);
  EXPECT_EQ(m.false_negative, 1);
  EXPECT_EQ(m.false_positive, 1);
  EXPECT_EQ(m.true_negative, 1);
  EXPECT_DOUBLE_EQ(m.precision(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.recall(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.f1(), 2.0 / 3.0);
}

TEST(MaxF1Threshold, PicksTheBestCut) {
  // Cuts: >=0.9 -> F1 2/(1+3)=0.5; >=0.8 -> 4/(2+3)=0.8; >=0.7 -> 4/(3+3)=0.667;
  // >=0.6 -> 6/(4+3)=0.857; >=0.1 -> 6/(5+3)=0.75.
  const std::vector<float> y{1, 1, 0, 1, 0};
  const std::vector<double> s{0.9, 0.8, 0.7, 0.6, 0.1};
  EXPECT_DOUBLE_EQ(MaxF1Threshold(y, s), 0.6);
}

TEST(CalibrationTable, DecilesHighestFirst) {
  std::vector<float> y(100, 0);
  std::vector<double> p(100);
  for (int i = 0; i < 100; ++i) {
    p[i] = i / 100.0;
    y[i] = i >= 90 ? 1.0f : 0.0f;
  }
  const auto t = CalibrationTable(y, p);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].decile, 1);
  EXPECT_EQ(t[0].rows, 10);
  EXPECT_DOUBLE_EQ(t[0].observed_rate, 1.0);
  EXPECT_NEAR(t[0].mean_predicted, 0.945, 1e-12);
  EXPECT_DOUBLE_EQ(t[9].observed_rate, 0.0);
  EXPECT_NEAR(t[9].max_score, 0.09, 1e-12);
}

TEST(RocCurve, EndsAtOneOne) {
  const std::vector<float> y{0, 1, 0, 1};
  const auto c = RocCurve(y, std::vector<double>{0.1, 0.4, 0.35, 0.8});
  ASSERT_FALSE(c.empty());
  EXPECT_DOUBLE_EQ(c.back().fpr, 1.0);
  EXPECT_DOUBLE_EQ(c.back().tpr, 1.0);
  EXPECT_DOUBLE_EQ(c[1].tpr, 0.5);
  EXPECT_DOUBLE_EQ(c[1].fpr, 0.0);
}

}  // namespace
}  // namespace churnwatch

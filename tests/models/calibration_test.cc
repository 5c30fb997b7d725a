// Checks calibration: pool-adjacent-violators against a hand-pooled example, isotonic
// monotonicity and interpolation, Platt scaling recovering a known logistic relation,
// and liblinear logistic regression separating an obviously separable feature.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "churnwatch/models.h"

namespace churnwatch {
namespace {

TEST(Isotonic, PoolsViolatorsByHand) {
  // Scores 0.1..0.4 with labels 0, 1, 0, 1: the pair (0.2 -> 1, 0.3 -> 0) violates order
  // and pools to mean label 0.5 at mean score 0.25.
  const std::vector<double> s{0.1, 0.2, 0.3, 0.4};
  const std::vector<float> y{0, 1, 0, 1};
  const auto c = FitIsotonic(s, y);
  ASSERT_EQ(c.x.size(), 3u);
  EXPECT_DOUBLE_EQ(c.x[0], 0.1);
  EXPECT_DOUBLE_EQ(c.y[0], 0.0);
  EXPECT_DOUBLE_EQ(c.x[1], 0.25);
  EXPECT_DOUBLE_EQ(c.y[1], 0.5);
  EXPECT_DOUBLE_EQ(c.y[2], 1.0);
  // Linear between knots, clamped outside.
  EXPECT_DOUBLE_EQ(c.Apply(0.175), 0.25);
  EXPECT_DOUBLE_EQ(c.Apply(0.0), 0.0);
  EXPECT_DOUBLE_EQ(c.Apply(0.9), 1.0);
}

TEST(Isotonic, OutputIsMonotone) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> s(2000);
  std::vector<float> y(2000);
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i] = u(rng);
    y[i] = u(rng) < s[i] * s[i] ? 1.0f : 0.0f;
  }
  const auto c = FitIsotonic(s, y);
  double prev = -1;
  for (double p = 0; p <= 1.0; p += 0.001) {
    const double v = c.Apply(p);
    EXPECT_GE(v, prev - 1e-15);
    prev = v;
  }
}

TEST(Platt, RecoversKnownSlopeAndIntercept) {
  // True relation: P(y=1) = sigmoid(2·logit(s) − 1).
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0.01, 0.99), coin(0, 1);
  std::vector<double> s(50000);
  std::vector<float> y(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i] = u(rng);
    const double z = 2 * std::log(s[i] / (1 - s[i])) - 1;
    y[i] = coin(rng) < 1 / (1 + std::exp(-z)) ? 1.0f : 0.0f;
  }
  const auto c = FitPlatt(s, y);
  EXPECT_NEAR(c.a, 2.0, 0.1);
  EXPECT_NEAR(c.b, -1.0, 0.1);
}

TEST(Logistic, LearnsTheSignOfAFeature) {
  // Feature 0 drives churn up, feature 1 is noise with missing values.
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  DenseMatrix x;
  x.rows = 2000;
  x.cols = 2;
  std::vector<float> y(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const double a = n(rng);
    x.values.push_back(static_cast<float>(a));
    x.values.push_back(u(rng) < 0.2 ? kNaN : static_cast<float>(n(rng)));
    y[r] = u(rng) < 1 / (1 + std::exp(-2 * a)) ? 1.0f : 0.0f;
  }
  const std::vector<double> grid{0.1, 1.0};
  auto m = TrainLogistic(x, y, x, y, grid);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_GT(m->weights[0], 0.5);
  EXPECT_EQ(m->weights.size(), 3u);  // two features + the missing indicator of feature 1
  const float high[] = {3.0f, 0.0f}, low[] = {-3.0f, kNaN};
  EXPECT_GT(m->Predict(high), 0.9);
  EXPECT_LT(m->Predict(low), 0.1);
}

TEST(Logistic, OneClassIsADataError) {
  DenseMatrix x;
  x.rows = 3;
  x.cols = 1;
  x.values = {1, 2, 3};
  const std::vector<float> y{0, 0, 0};
  const std::vector<double> grid{1.0};
  auto m = TrainLogistic(x, y, x, y, grid);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataError);
}

}  // namespace
}  // namespace churnwatch

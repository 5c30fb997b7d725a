// The flat tree evaluator against XGBoost's own prediction: identical floats for the
// probability and the margin of binary:logistic and the margin of survival:aft, on rows
// with missing values, whether the booster was just trained or saved and loaded again.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "models/tree_booster.h"

namespace churnwatch {
namespace {

DenseMatrix RandomMatrix(std::size_t rows, std::size_t cols, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> unit;
  DenseMatrix x;
  x.rows = rows;
  x.cols = cols;
  x.values.resize(rows * cols);
  for (float& v : x.values) v = unit(rng) < 0.1f ? std::numeric_limits<float>::quiet_NaN() : normal(rng);
  return x;
}

std::vector<float> Labels(const DenseMatrix& x) {
  std::vector<float> y(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const float a = x.row(r)[0], b = x.row(r)[1];
    y[r] = (std::isnan(a) ? 0.5f : a) + 0.5f * (std::isnan(b) ? -1.0f : b) > 0.2f ? 1.0f : 0.0f;
  }
  return y;
}

void ExpectSame(const TreeBooster& b, const DenseMatrix& x, bool margin) {
  auto flat = b.Predict(x, margin);
  auto reference = b.PredictWithXgboost(x, margin);
  ASSERT_TRUE(flat.ok() && reference.ok());
  ASSERT_EQ(flat->size(), x.rows);
  std::size_t different = 0;
  for (std::size_t r = 0; r < x.rows; ++r) different += (*flat)[r] != (*reference)[r];
  EXPECT_EQ(different, 0u) << "margin " << margin << ", e.g. " << (*flat)[0] << " vs " << (*reference)[0];
  // One row alone, through the single-row entry point, equals the batch.
  float one = 0;
  ASSERT_TRUE(b.PredictInto(x.values.data() + 7 * x.cols, 1, margin, &one).ok());
  EXPECT_EQ(one, (*flat)[7]);
}

TEST(TreeBooster, FlatTreesPredictExactlyAsXgboost) {
  const DenseMatrix train = RandomMatrix(3000, 8, 1), valid = RandomMatrix(1000, 8, 2), test = RandomMatrix(5000, 8, 3);
  TreeParams p;
  p.max_rounds = 80;
  p.nthread = 2;
  auto booster = TreeBooster::TrainBinary(train, Labels(train), valid, Labels(valid), p);
  ASSERT_TRUE(booster.ok()) << booster.status().ToString();
  ASSERT_GT((*booster)->rounds(), 5);
  ExpectSame(**booster, test, false);
  ExpectSame(**booster, test, true);
  auto bytes = (*booster)->Save();
  ASSERT_TRUE(bytes.ok());
  auto loaded = TreeBooster::Load(*bytes, 1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSame(**loaded, test, false);

  // survival:aft: lower = upper = observed time, or right-censored at 90.
  auto bounds = [](const DenseMatrix& x, std::vector<float>& lo, std::vector<float>& hi) {
    for (std::size_t r = 0; r < x.rows; ++r) {
      const float a = x.row(r)[2];
      const float t = std::isnan(a) ? 90.0f : std::exp(3.0f + a);
      lo.push_back(std::min(t, 90.0f));
      hi.push_back(t >= 90.0f ? std::numeric_limits<float>::infinity() : t);
    }
  };
  std::vector<float> lo, hi, vlo, vhi;
  bounds(train, lo, hi);
  bounds(valid, vlo, vhi);
  auto aft = TreeBooster::TrainAft(train, lo, hi, valid, vlo, vhi, p);
  ASSERT_TRUE(aft.ok()) << aft.status().ToString();
  ExpectSame(**aft, test, true);
}

}  // namespace
}  // namespace churnwatch

// Checks the calibration designs of TrainOptions: "none" leaves the stacked score as the
// probability and survives save -> load; "time-folds" fits the calibration on the
// validation rows plus out-of-time scores of earlier training cutoffs, so when the
// validation cutoff's churn rate is unlike the training cutoffs' the calibrated mean
// moves toward the training cutoffs' rate instead of copying the validation rate.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "churnwatch/models.h"
#include "model_fixtures.h"

namespace churnwatch {
namespace {

using testing::MakeSyntheticFeatures;

/// Rows of `parts` stacked into one table (the synthetic tables share their columns).
FeatureTable Concat(const std::vector<FeatureTable>& parts) {
  FeatureTable out = parts.front();
  for (std::size_t p = 1; p < parts.size(); ++p) {
    const FeatureTable& t = parts[p];
    out.customer_ids.insert(out.customer_ids.end(), t.customer_ids.begin(), t.customer_ids.end());
    out.cutoffs.insert(out.cutoffs.end(), t.cutoffs.begin(), t.cutoffs.end());
    out.labels.insert(out.labels.end(), t.labels.begin(), t.labels.end());
    for (std::size_t f = 0; f < out.columns.size(); ++f)
      out.columns[f].insert(out.columns[f].end(), t.columns[f].begin(), t.columns[f].end());
  }
  return out;
}

double ChurnRate(const FeatureTable& t) {
  double n = 0;
  for (auto l : t.labels) n += l == ChurnLabel::kChurned ? 1 : 0;
  return n / static_cast<double>(t.labels.size());
}

double MeanPChurn(const ChurnModel& m, const FeatureTable& t) {
  auto s = m.Score(t);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  double sum = 0;
  for (const auto& r : *s) sum += r.p_churn;
  return sum / static_cast<double>(s->size());
}

TEST(CalibrationDesign, NoneKeepsTheStackedScoreAndSurvivesSaveLoad) {
  const testing::SyntheticSplit split = testing::MakeSyntheticSplit(11, 3000, 2000, true);
  const FeatureTable& valid = split.valid;
  const TrainingSet data = split.data();
  TrainOptions options;
  options.trees.max_rounds = 60;
  options.calibration = CalibrationChoice::kNone;
  auto m = ChurnModel::Train(data, options);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->calibration().MethodName(), "none");
  auto scores = (*m)->Score(valid);
  ASSERT_TRUE(scores.ok());
  for (const auto& s : *scores) ASSERT_EQ(s.p_churn, s.p_stacked);
  auto json = (*m)->ToJson();
  ASSERT_TRUE(json.ok());
  auto loaded = ChurnModel::FromJson(*json, 1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->calibration().MethodName(), "none");
  auto again = (*loaded)->Score(valid);
  ASSERT_TRUE(again.ok());
  for (std::size_t i = 0; i < scores->size(); ++i) ASSERT_EQ((*scores)[i].p_churn, (*again)[i].p_churn);
}

TEST(CalibrationDesign, UnknownDesignIsInvalidArgument) {
  // The designs are enums (TrainOptions); a word outside them is refused where it is read.
  const auto rows = ParseCalibrationRows("test", "calibrate_on");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rows.status().message().find("calibrate_on must be valid or time-folds"), std::string::npos);
  EXPECT_EQ(*ParseCalibrationRows("time-folds", "calibrate_on"), CalibrationRows::kTimeFolds);
  const auto method = ParseCalibrationChoice("sigmoid", "calibration");
  ASSERT_FALSE(method.ok());
  EXPECT_EQ(method.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseCalibrationChoice("isotonic", "calibration"), CalibrationChoice::kIsotonic);
  EXPECT_FALSE(ParseStackerKind("median", "stacker").ok());
}

TEST(CalibrationDesign, TimeFoldsPullTowardTheTrainingCutoffsRate) {
  // Four training cutoffs 100 days apart (H = 90, so each later one has out-of-time
  // folds), then a validation cutoff whose churn rate is raised by relabelling a quarter
  // of its retained customers as churned.
  std::vector<FeatureTable> parts;
  for (int k = 0; k < 4; ++k) parts.push_back(MakeSyntheticFeatures(20 + k, 2000, 15000 + 100 * k, true));
  const FeatureTable refit = Concat(parts);
  const FeatureTable purged = Concat({parts[0], parts[1]});  // label windows end by 15390
  FeatureTable valid = MakeSyntheticFeatures(30, 3000, 15400, true);
  for (std::size_t r = 0; r < valid.labels.size(); ++r)
    if (valid.labels[r] == ChurnLabel::kRetained && r % 4 == 0) valid.labels[r] = ChurnLabel::kChurned;
  const double train_rate = ChurnRate(refit), valid_rate = ChurnRate(valid);
  ASSERT_GT(valid_rate - train_rate, 0.08);

  TrainingSet data;
  data.train = &purged;
  data.valid = &valid;
  data.refit = &refit;
  TrainOptions options;
  options.trees.max_rounds = 60;
  options.calibration = CalibrationChoice::kPlatt;
  auto on_valid = ChurnModel::Train(data, options);
  options.calibrate_on = CalibrationRows::kTimeFolds;
  auto on_folds = ChurnModel::Train(data, options);
  ASSERT_TRUE(on_valid.ok()) << on_valid.status().ToString();
  ASSERT_TRUE(on_folds.ok()) << on_folds.status().ToString();

  // Calibrated on the validation rows alone, the mean prediction there copies their rate;
  // with the time folds (3 cutoffs of 2,000 rows at the training rate) it lies between.
  const double mean_valid = MeanPChurn(**on_valid, valid), mean_folds = MeanPChurn(**on_folds, valid);
  EXPECT_NEAR(mean_valid, valid_rate, 0.02);
  EXPECT_LT(mean_folds, mean_valid - 0.03);
  EXPECT_GT(mean_folds, train_rate - 0.02);
}

}  // namespace
}  // namespace churnwatch

// Checks the figures settings are chosen by (ModelInfo::purged_valid_metrics): every
// component and both ensemble forms are reported on the validation cutoff, they survive
// save -> load, they describe the components before a refit (not after), and the average
// stacker combines exactly the opinions it is told to.
#include <gtest/gtest.h>

#include <cmath>

#include "churnwatch/models.h"
#include "model_fixtures.h"

namespace churnwatch {
namespace {

using testing::MakeSyntheticFeatures;

TrainOptions FastOptions() {
  TrainOptions o;
  o.trees.max_rounds = 60;
  o.trees.nthread = 1;
  return o;
}

TEST(SelectionMetrics, EveryOpinionIsReportedAndSurvivesSaveLoad) {
  const testing::SyntheticSplit split = testing::MakeSyntheticSplit(11, 2000, 1500, true);
  const TrainingSet data = split.data();
  auto m = ChurnModel::Train(data, FastOptions());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto& pm = (*m)->info().purged_valid_metrics;
  for (const char* key : {"trees", "logistic", "bgnbd", "ensemble", "ensemble_crossfit"}) {
    ASSERT_TRUE(pm.contains(key)) << key;
    EXPECT_EQ(pm.at(key).rows, 1500) << key;
    EXPECT_GT(pm.at(key).roc_auc, 0.6) << key;
    EXPECT_TRUE(std::isfinite(pm.at(key).ece)) << key;
  }
  EXPECT_FALSE((*m)->info().purged);  // no refit table: selection models are the final ones
  // Without a refit the in-sample ensemble figures are those of the final model.
  EXPECT_DOUBLE_EQ(pm.at("ensemble").roc_auc, (*m)->info().valid_metrics.roc_auc);

  auto json = (*m)->ToJson();
  ASSERT_TRUE(json.ok());
  auto loaded = ChurnModel::FromJson(*json, 1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto& lm = (*loaded)->info().purged_valid_metrics;
  ASSERT_EQ(lm.size(), pm.size());
  for (const auto& [key, metrics] : pm) {
    EXPECT_DOUBLE_EQ(lm.at(key).roc_auc, metrics.roc_auc) << key;
    EXPECT_DOUBLE_EQ(lm.at(key).ece, metrics.ece) << key;
  }
}

TEST(SelectionMetrics, DescribeTheComponentsBeforeTheRefit) {
  const FeatureTable purged = MakeSyntheticFeatures(21, 1500, 15000, true);
  const FeatureTable everything = MakeSyntheticFeatures(22, 4000, 15000, true);
  const FeatureTable valid = MakeSyntheticFeatures(23, 1500, 15090, true);
  TrainingSet only_purged;
  only_purged.train = &purged;
  only_purged.valid = &valid;
  TrainingSet with_refit = only_purged;
  with_refit.refit = &everything;
  auto a = ChurnModel::Train(only_purged, FastOptions());
  auto b = ChurnModel::Train(with_refit, FastOptions());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE((*b)->info().purged);
  EXPECT_EQ((*b)->info().train_rows, 4000);
  // Same selection models, so the same selection figures, whatever the refit does.
  for (const auto& [key, metrics] : (*a)->info().purged_valid_metrics)
    EXPECT_DOUBLE_EQ((*b)->info().purged_valid_metrics.at(key).roc_auc, metrics.roc_auc) << key;
}

TEST(SelectionMetrics, AverageStackerCombinesOnlyTheChosenOpinions) {
  const testing::SyntheticSplit split = testing::MakeSyntheticSplit(31, 1500, 1000, true);
  const TrainingSet data = split.data();
  TrainOptions o = FastOptions();
  o.stack_trees = false;
  auto m = ChurnModel::Train(data, o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto& w = (*m)->stacker();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0], 0.0);
  EXPECT_DOUBLE_EQ(w[1], 0.5);
  EXPECT_DOUBLE_EQ(w[2], 0.5);

  o.stack_logistic = o.stack_bgnbd = false;
  auto none = ChurnModel::Train(data, o);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace churnwatch

// Checks the model registry on a SQLite store: register -> champion -> load gives the same
// predictions; versions are listed with the champion flag; loading an unknown version is
// kNotFound naming it; LoadFor refuses a model whose features the data lacks, listing them.
#include <gtest/gtest.h>

#include "churnwatch/registry.h"
#include "churnwatch/store.h"
#include "model_fixtures.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

TEST(Registry, RegisterLoadAndChampion) {
  testing::TempDir dir;
  auto store = Store::Open("sqlite:" + (dir / "r.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ModelRegistry registry(**store);
  EXPECT_EQ(registry.Load("").status().code(), StatusCode::kNotFound);

  const testing::SyntheticSplit split = testing::MakeSyntheticSplit(21, 1500, 1000);
  const FeatureTable& valid = split.valid;
  const TrainingSet data = split.data();
  TrainOptions o;
  o.trees.max_rounds = 40;
  auto model = ChurnModel::Train(data, o);
  ASSERT_TRUE(model.ok());
  auto first = registry.Register(**model);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string v1 = (*first)->info().version;
  EXPECT_EQ(v1.size(), 24u);  // m + 14 digits + '-' + 8 hex
  EXPECT_EQ(v1[0], 'm');

  auto loaded = registry.Load("champion");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->info().version, v1);
  EXPECT_EQ((*loaded)->info().engine_version, CHURNWATCH_VERSION);
  auto a = (*model)->Score(valid);
  auto b = (*loaded)->Score(valid);
  ASSERT_TRUE(a.ok() && b.ok());
  for (std::size_t i = 0; i < a->size(); ++i) ASSERT_EQ((*a)[i].p_churn, (*b)[i].p_churn);

  o.trees.seed = 7;
  auto other = ChurnModel::Train(data, o);
  ASSERT_TRUE(other.ok());
  auto second = registry.Register(**other, /*make_champion=*/false);
  ASSERT_TRUE(second.ok());
  auto list = registry.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  int champions = 0;
  for (const auto& e : *list) champions += e.champion;
  EXPECT_EQ(champions, 1);
  ASSERT_TRUE(registry.SetChampion((*second)->info().version).ok());
  EXPECT_EQ(*registry.ChampionVersion(), (*second)->info().version);

  auto unknown = registry.Load("m19990101000000-deadbeef");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("m19990101000000-deadbeef"), std::string::npos);
  EXPECT_EQ(registry.SetChampion("nope").code(), StatusCode::kNotFound);

  const std::vector<std::string> fewer{"recency_days", "frequency_90"};
  auto refused = registry.LoadFor(v1, fewer);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("monetary_90"), std::string::npos) << refused.status().message();
}

// The listed validation figure is the one settings are chosen by (the purged ensemble), not
// the refitted ensemble's, which flatters; without purged figures it falls back to the latter.
TEST(Registry, ListShowsThePurgedValidationFigure) {
  testing::TempDir dir;
  auto store = Store::Open("sqlite:" + (dir / "r.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ModelRegistry registry(**store);
  const testing::SyntheticSplit split = testing::MakeSyntheticSplit(31, 800, 600);
  const TrainingSet data = split.data();
  TrainOptions o;
  o.trees.max_rounds = 20;
  auto model = ChurnModel::Train(data, o);
  ASSERT_TRUE(model.ok()) << model.status().ToString();

  ModelInfo with_purged = (*model)->info();
  with_purged.valid_metrics.roc_auc = 0.91;
  with_purged.purged_valid_metrics["ensemble"].roc_auc = 0.73;
  ModelInfo without = (*model)->info();
  without.valid_metrics.roc_auc = 0.88;
  without.purged_valid_metrics.clear();
  auto a = registry.Register(*(*model)->WithInfo(with_purged));
  auto b = registry.Register(*(*model)->WithInfo(without), /*make_champion=*/false);
  ASSERT_TRUE(a.ok() && b.ok());

  auto list = registry.List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  for (const auto& e : *list) {
    if (e.version == (*a)->info().version) EXPECT_DOUBLE_EQ(e.valid_roc_auc, 0.73);
    else EXPECT_DOUBLE_EQ(e.valid_roc_auc, 0.88);
  }
}

}  // namespace
}  // namespace churnwatch

// Checks reasons (SPEC.md §8): category sums equal the SHAP contributions of the mapped
// features whose values point toward churn, at most three positive categories come back
// strongest first, sentences quote the row's own numbers in English and Chinese, the TOML
// mapping overrides defaults and rejects an unknown category with file, line and value, and
// end-to-end scoring fills exact reasons for the riskiest share.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "churnwatch/explain.h"
#include "churnwatch/scoring.h"
#include "model_fixtures.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

class ExplainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    train_ = new FeatureTable(testing::MakeSyntheticFeatures(11, 3000, 15000));
    valid_ = new FeatureTable(testing::MakeSyntheticFeatures(12, 2000, 15090));
    TrainingSet data;
    data.train = train_;
    data.valid = valid_;
    TrainOptions o;
    o.trees.max_rounds = 80;
    auto m = ChurnModel::Train(data, o);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    model_ = new std::shared_ptr<const ChurnModel>(*m);
  }
  static void TearDownTestSuite() {
    delete train_;
    delete valid_;
    delete model_;
  }
  static FeatureTable* train_;
  static FeatureTable* valid_;
  static std::shared_ptr<const ChurnModel>* model_;
};
FeatureTable* ExplainTest::train_ = nullptr;
FeatureTable* ExplainTest::valid_ = nullptr;
std::shared_ptr<const ChurnModel>* ExplainTest::model_ = nullptr;

TEST_F(ExplainTest, CategorySumsMatchContributions) {
  const auto& m = **model_;
  const auto map = ReasonMap::Defaults(m.feature_names());
  // Catalogue categories: recency/frequency -> disengagement, monetary -> value decline,
  // discount -> price, complaints -> experience.
  EXPECT_EQ(map.CategoryOf(0), ReasonCategory::kDisengagement);
  EXPECT_EQ(map.CategoryOf(2), ReasonCategory::kValueDecline);
  EXPECT_EQ(map.CategoryOf(4), ReasonCategory::kPrice);
  EXPECT_EQ(map.CategoryOf(5), ReasonCategory::kExperience);
  const std::vector<std::size_t> rows{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  auto reasons = ExplainRows(m, *valid_, rows, map, false);
  ASSERT_TRUE(reasons.ok()) << reasons.status().ToString();
  auto x = MatrixFromTable(*valid_, m.feature_names(), rows);
  auto contrib = m.TreeContributions(*x, false);
  ASSERT_TRUE(contrib.ok());
  const std::size_t w = m.feature_names().size() + 1;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& rr = (*reasons)[i];
    ASSERT_LE(rr.count, 3);
    for (int k = 0; k < rr.count; ++k) {
      const Reason& r = rr.reasons[static_cast<std::size_t>(k)];
      // Features whose values do not point toward churn are left out.
      double expected = 0;
      for (std::size_t f = 0; f + 1 < w; ++f) {
        const double v = (*contrib)[i * w + f];
        if (map.CategoryOf(f) != r.category) continue;
        if (!PointsTowardChurn(*valid_, rows[i], m.feature_names()[f])) continue;
        expected += v;
      }
      EXPECT_NEAR(r.contribution, expected, 1e-6);
      EXPECT_GT(r.contribution, 0);
      if (k > 0) {
        EXPECT_GE(rr.reasons[static_cast<std::size_t>(k - 1)].contribution, r.contribution);
      }
      EXPECT_FALSE(r.sentence_en.empty());
      EXPECT_FALSE(r.sentence_zh.empty());
    }
  }
}

TEST(ReasonSentence, QuotesTheCustomersNumbers) {
  FeatureTable t;
  t.customer_ids = {"a"};
  t.cutoffs = {0};
  t.labels = {ChurnLabel::kUnknown};
  t.names = {"recency_days", "interval_mean_days", "complaints_90", "mystery"};
  t.columns = {{64}, {21}, {3}, {2.5}};
  auto [en, zh] = ReasonSentence(t, 0, "recency_days");
  EXPECT_EQ(en, "usually buys every 21 days; 64 days since last purchase");
  EXPECT_EQ(zh, "通常每21天购买一次；已64天未购买");
  std::tie(en, zh) = ReasonSentence(t, 0, "complaints_90");
  EXPECT_EQ(en, "3 complaints in the last 90 days");
  EXPECT_EQ(zh, "近90天投诉3次");
  std::tie(en, zh) = ReasonSentence(t, 0, "mystery");
  EXPECT_EQ(en, "mystery = 2.5");
}

TEST(ReasonMapFile, OverridesAndErrors) {
  testing::TempDir dir;
  const std::vector<std::string> features{"recency_days", "tenure_days", "Contract=Month-to-month"};
  testing::WriteFile(dir / "ok.toml", "[reasons]\nrecency_days = \"none\"\n\"Contract=Month-to-month\" = \"price\"\n");
  auto map = ReasonMap::Load(dir / "ok.toml", features);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_FALSE(map->CategoryOf(0).has_value());
  EXPECT_FALSE(map->CategoryOf(1).has_value());  // tenure is context, not a reason
  EXPECT_EQ(map->CategoryOf(2), ReasonCategory::kPrice);
  // Without the file, "Contract" matches the competition keyword.
  EXPECT_EQ(ReasonMap::Defaults(features).CategoryOf(2), ReasonCategory::kCompetition);

  testing::WriteFile(dir / "bad.toml", "[reasons]\n\nrecency_days = \"boredom\"\n");
  auto bad = ReasonMap::Load(dir / "bad.toml", features);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("bad.toml:3"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("boredom"), std::string::npos);
  auto missing = ReasonMap::Load(dir / "nope.toml", features);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(ReasonMapFile, ShippedExampleLoads) {
  const std::vector<std::string> features{"recency_days", "tenure_days", "return_rate"};
  auto map = ReasonMap::Load(testing::SourceFile("examples/reasons.toml"), features);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->CategoryOf(2), ReasonCategory::kExperience);
}

TEST_F(ExplainTest, ScoreTableGivesReasonsToTheRiskiest) {
  const auto& m = **model_;
  ScoreOptions o;
  o.reason_share = 0.2;
  o.exact_reason_count = 50;
  auto scored = ScoreTable(m, *valid_, ReasonMap::Defaults(m.feature_names()), o);
  ASSERT_TRUE(scored.ok()) << scored.status().ToString();
  ASSERT_EQ(scored->size(), valid_->num_rows());
  double min_with = 1, max_without = 0;
  std::size_t with = 0;
  for (const auto& s : *scored) {
    if (s.reason_count > 0) {
      ++with;
      min_with = std::min(min_with, s.p_churn);
    } else {
      max_without = std::max(max_without, s.p_churn);
    }
  }
  EXPECT_LE(with, 400u);  // 20 % of 2000
  EXPECT_GT(with, 300u);  // nearly everyone at the top has a positive category
  EXPECT_GE(min_with, max_without - 1e-12);
}

TEST_F(ExplainTest, ExactForTheRiskiestApproximateForTheRest) {
  const auto& m = **model_;
  const auto map = ReasonMap::Defaults(m.feature_names());
  ScoreOptions o;
  o.exact_reason_count = 10;
  o.name_causes = false;  // the raw attributions, before reasons are turned into causes
  auto scored = ScoreTable(m, *valid_, map, o);
  ASSERT_TRUE(scored.ok()) << scored.status().ToString();
  std::vector<std::size_t> order(scored->size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return (*scored)[a].p_churn > (*scored)[b].p_churn; });
  // The 10 riskiest carry exact Tree SHAP reasons, the next ones approximate reasons.
  const std::vector<std::size_t> head(order.begin(), order.begin() + 10);
  const std::vector<std::size_t> next(order.begin() + 10, order.begin() + 60);
  auto exact = ExplainRows(m, *valid_, head, map, /*approximate=*/false);
  auto approx = ExplainRows(m, *valid_, next, map, /*approximate=*/true);
  ASSERT_TRUE(exact.ok() && approx.ok());
  auto same = [](const ScoredCustomer& s, const RowReasons& r) {
    if (s.reason_count != r.count) return false;
    for (int k = 0; k < r.count; ++k)
      if (s.reasons[k].category != r.reasons[k].category || s.reasons[k].contribution != r.reasons[k].contribution)
        return false;
    return true;
  };
  for (std::size_t i = 0; i < head.size(); ++i) EXPECT_TRUE(same((*scored)[head[i]], (*exact)[i])) << i;
  for (std::size_t i = 0; i < next.size(); ++i) EXPECT_TRUE(same((*scored)[next[i]], (*approx)[i])) << i;
  // The two attributions really differ somewhere (otherwise the check above proves nothing).
  auto next_exact = ExplainRows(m, *valid_, next, map, /*approximate=*/false);
  ASSERT_TRUE(next_exact.ok());
  bool differ = false;
  for (std::size_t i = 0; i < next.size(); ++i) differ |= !same((*scored)[next[i]], (*next_exact)[i]);
  EXPECT_TRUE(differ);
}

}  // namespace
}  // namespace churnwatch

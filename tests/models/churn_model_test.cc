// Checks the trained ensemble on seeded synthetic features with a known churn relation:
// it ranks far above chance; the invariants of STYLE.md §16 hold (same seed -> same model,
// save -> load -> identical predictions, one row alone == the batch, SHAP contributions
// sum to the trees' margin); and a table lacking the model's features is refused with a
// message naming them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "churnwatch/models.h"
#include "model_fixtures.h"

namespace churnwatch {
namespace {

using testing::MakeSyntheticFeatures;

class ChurnModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    train_ = new FeatureTable(MakeSyntheticFeatures(1, 4000, 15000, true));
    valid_ = new FeatureTable(MakeSyntheticFeatures(2, 3000, 15090, true));
    test_ = new FeatureTable(MakeSyntheticFeatures(3, 2000, 15180, true));
    TrainingSet data;
    data.train = train_;
    data.valid = valid_;
    TrainOptions options;
    options.trees.max_rounds = 150;
    auto m = ChurnModel::Train(data, options);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    model_ = new std::shared_ptr<const ChurnModel>(*m);
  }
  static void TearDownTestSuite() {
    delete train_;
    delete valid_;
    delete test_;
    delete model_;
  }
  static FeatureTable* train_;
  static FeatureTable* valid_;
  static FeatureTable* test_;
  static std::shared_ptr<const ChurnModel>* model_;
};
FeatureTable* ChurnModelTest::train_ = nullptr;
FeatureTable* ChurnModelTest::valid_ = nullptr;
FeatureTable* ChurnModelTest::test_ = nullptr;
std::shared_ptr<const ChurnModel>* ChurnModelTest::model_ = nullptr;

std::vector<float> Labels(const FeatureTable& t) {
  std::vector<float> y;
  for (auto l : t.labels) y.push_back(l == ChurnLabel::kChurned ? 1.0f : 0.0f);
  return y;
}

TEST_F(ChurnModelTest, RanksWellAboveChanceAndIsCalibrated) {
  const auto& m = **model_;
  EXPECT_EQ(m.feature_names().size(), 6u);  // the BG/NBD column is a stacker input only
  EXPECT_TRUE(m.uses_bgnbd());
  auto scores = m.Score(*test_);
  ASSERT_TRUE(scores.ok()) << scores.status().ToString();
  std::vector<double> p;
  for (const auto& s : *scores) {
    ASSERT_GE(s.p_churn, 0.0);
    ASSERT_LE(s.p_churn, 1.0);
    p.push_back(s.p_churn);
  }
  const auto y = Labels(*test_);
  // The generating relation alone reaches about 0.8 here; far above 0.5 is the claim.
  EXPECT_GT(RocAuc(y, p), 0.72);
  EXPECT_LT(ExpectedCalibrationError(y, p), 0.06);
  EXPECT_GT(m.info().best_iteration, 0);
  EXPECT_EQ(m.info().train_rows, 4000);
}

TEST_F(ChurnModelTest, SameSeedSameModel) {
  TrainingSet data;
  data.train = train_;
  data.valid = valid_;
  TrainOptions options;
  options.trees.max_rounds = 150;
  auto again = ChurnModel::Train(data, options);
  ASSERT_TRUE(again.ok());
  auto a = (*model_)->ToJson();
  auto b = (*again)->ToJson();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST_F(ChurnModelTest, SaveLoadPredictsIdentically) {
  auto json = (*model_)->ToJson();
  ASSERT_TRUE(json.ok());
  auto loaded = ChurnModel::FromJson(*json, 1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto a = (*model_)->Score(*test_);
  auto b = (*loaded)->Score(*test_);
  ASSERT_TRUE(a.ok() && b.ok());
  for (std::size_t i = 0; i < a->size(); ++i) {
    ASSERT_EQ((*a)[i].p_churn, (*b)[i].p_churn) << "row " << i;
    ASSERT_EQ((*a)[i].p_trees, (*b)[i].p_trees) << "row " << i;
  }
  EXPECT_EQ((*loaded)->feature_names(), (*model_)->feature_names());
  EXPECT_EQ((*loaded)->threshold(), (*model_)->threshold());
}

TEST_F(ChurnModelTest, OneRowAloneEqualsBatch) {
  const auto& m = **model_;
  auto batch = m.Score(*test_);
  ASSERT_TRUE(batch.ok());
  auto x = MatrixFromTable(*test_, m.feature_names());
  ASSERT_TRUE(x.ok());
  const auto bg = *test_->FeatureIndex(kBgnbdColumn);
  for (std::size_t r : {0u, 17u, 1999u}) {
    auto one = m.ScoreRow(x->row(r), test_->columns[bg][r]);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    EXPECT_EQ(one->p_churn, (*batch)[r].p_churn) << "row " << r;
    EXPECT_EQ(one->p_trees, (*batch)[r].p_trees) << "row " << r;
    EXPECT_EQ(one->p_logistic, (*batch)[r].p_logistic) << "row " << r;
  }
}

TEST_F(ChurnModelTest, ShapContributionsSumToMargin) {
  const auto& m = **model_;
  auto x = MatrixFromTable(*test_, m.feature_names());
  ASSERT_TRUE(x.ok());
  auto contrib = m.TreeContributions(*x, /*approximate=*/false);
  auto margin = m.TreeMargins(*x);
  ASSERT_TRUE(contrib.ok() && margin.ok());
  const std::size_t w = x->cols + 1;
  ASSERT_EQ(contrib->size(), x->rows * w);
  for (std::size_t r = 0; r < x->rows; ++r) {
    double s = 0;
    for (std::size_t j = 0; j < w; ++j) s += (*contrib)[r * w + j];
    ASSERT_NEAR(s, (*margin)[r], 1e-4) << "row " << r;
  }
}

TEST_F(ChurnModelTest, MissingFeaturesAreRefusedByName) {
  FeatureTable t = *test_;
  const auto idx = *t.FeatureIndex("complaints_90");
  t.names.erase(t.names.begin() + static_cast<long>(idx));
  t.columns.erase(t.columns.begin() + static_cast<long>(idx));
  auto s = (*model_)->Score(t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("complaints_90"), std::string::npos) << s.status().message();
  auto row = (*model_)->ScoreRow(std::vector<float>(3, 0.0f));
  EXPECT_EQ(row.status().code(), StatusCode::kInvalidArgument);
}

TEST(ChurnModel, OneClassTrainingIsADataError) {
  FeatureTable t = testing::MakeSyntheticFeatures(5, 100, 15000);
  std::fill(t.labels.begin(), t.labels.end(), ChurnLabel::kRetained);
  TrainingSet data;
  data.train = &t;
  data.valid = &t;
  auto m = ChurnModel::Train(data, TrainOptions{});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataError);
}

TEST(ChurnModel, CorruptDocumentIsADataError) {
  auto m = ChurnModel::FromJson("{\"format\": \"churnwatch-model/1\", \"info\": {}}");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataError);
  auto n = ChurnModel::FromJson("not json");
  EXPECT_EQ(n.status().code(), StatusCode::kDataError);
}

}  // namespace
}  // namespace churnwatch

// Checks the generic "already-labelled table" path on the IBM Telco churn snapshot
// (../shared/data/telco_churn): all 7,043 rows load, the 26.5 % churn rate of the README
// is reproduced, and the ensemble reaches the published ROC-AUC range (>= 0.84) on the
// deterministic 20 % test split.
#include <gtest/gtest.h>

#include "churnwatch/labelled_table.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

TEST(Telco, LoadsAndReachesPublishedRocAuc) {
  CW_REQUIRE_SHARED_DATA(path, "telco_churn/telco_customer_churn.csv.gz");
  auto split = LoadLabelledCsv(path, LabelledOptions{});
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  EXPECT_EQ(split->rows, 7043u);
  const std::size_t n = split->train.num_rows() + split->valid.num_rows() + split->test.num_rows();
  EXPECT_EQ(n, 7043u);
  std::size_t churned = 0;
  for (const auto* t : {&split->train, &split->valid, &split->test})
    for (auto l : t->labels) churned += l == ChurnLabel::kChurned;
  EXPECT_EQ(churned, 1869u);  // README: Churn = Yes 1,869
  // TotalCharges has 11 blanks: numeric with NaN, not one-hot.
  ASSERT_TRUE(split->train.FeatureIndex("TotalCharges").has_value());
  EXPECT_TRUE(split->train.FeatureIndex("Contract=Two year").has_value());

  auto result = TrainLabelled(*split, TrainOptions{});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_GE(result->test_metrics.roc_auc, 0.84);
  EXPECT_LE(result->test_metrics.ece, 0.06);
  std::cout << "telco test ROC-AUC ensemble " << result->test_metrics.roc_auc << ", trees "
            << result->test_metrics_trees.roc_auc << ", logistic " << result->test_metrics_logistic.roc_auc
            << ", ECE " << result->test_metrics.ece << "\n";
}

TEST(Telco, MissingLabelColumnNamesIt) {
  CW_REQUIRE_SHARED_DATA(path, "telco_churn/telco_customer_churn.csv.gz");
  LabelledOptions o;
  o.label_column = "Left";
  auto split = LoadLabelledCsv(path, o);
  ASSERT_FALSE(split.ok());
  EXPECT_EQ(split.status().code(), StatusCode::kDataError);
  EXPECT_NE(split.status().message().find("'Left'"), std::string::npos);
}

}  // namespace
}  // namespace churnwatch

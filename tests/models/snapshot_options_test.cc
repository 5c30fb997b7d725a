// Checks PipelineOptions::drop_features of snapshot training on seeded synthetic retail
// data: a dropped catalogue feature is neither needed nor used by the model (every other
// one is), and a name that is not a feature of the table is an invalid argument naming it.
#include <gtest/gtest.h>

#include <algorithm>

#include "churnwatch/churn_pipeline.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

RetailColumns SyntheticColumns() {
  testing::SyntheticOptions o;
  o.seed = 7;
  o.customers = 800;
  o.with_events = false;
  const auto data = testing::MakeSyntheticRetail(o);
  ColumnarBuilder b;
  b.AddTransactions(data.transactions);
  b.AddCustomers(data.customers);
  return b.Finish();
}

TEST(SnapshotOptions, DroppedFeaturesAreLeftOutAndUnknownOnesRefused) {
  const RetailColumns cols = SyntheticColumns();
  const DayNumber train[] = {*ParseIsoDate("2011-04-01"), *ParseIsoDate("2011-05-01")};
  const DayNumber valid = *ParseIsoDate("2011-06-01");
  TrainOptions to;
  to.trees.max_rounds = 20;
  to.trees.nthread = 1;
  PipelineOptions po;
  po.threads = 1;
  auto full = TrainOnSnapshots(cols, train, valid, po, to);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  po.drop_features = {"tenure_days", "monetary_365"};
  auto dropped = TrainOnSnapshots(cols, train, valid, po, to);
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  const auto& all = (*full)->feature_names();
  const auto& kept = (*dropped)->feature_names();
  EXPECT_EQ(kept.size() + 2, all.size());
  for (const auto& name : all) {
    const bool is_dropped = name == "tenure_days" || name == "monetary_365";
    EXPECT_EQ(std::find(kept.begin(), kept.end(), name) == kept.end(), is_dropped) << name;
  }

  po.drop_features = {"tenure_dayz"};
  auto bad = TrainOnSnapshots(cols, train, valid, po, to);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'tenure_dayz'"), std::string::npos) << bad.status().ToString();
}

}  // namespace
}  // namespace churnwatch

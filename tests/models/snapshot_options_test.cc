// Checks PipelineOptions::drop_features of snapshot training on seeded synthetic retail
// data: a dropped catalogue feature is neither needed nor used by the model (every other
// one is), and a name that is not a feature of the table is an invalid argument naming it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

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

namespace churnwatch {
namespace {

/// `customers` customers buying every 4..13 days from 2011-01-01 to 2011-12-31; with
/// `quitters`, every second one stops after 2..5 purchases.
RetailColumns RegularBuyers(int customers, bool quitters) {
  std::vector<Transaction> rows;
  const DayNumber first = *ParseIsoDate("2011-01-01"), last = *ParseIsoDate("2011-12-31");
  for (int c = 0; c < customers; ++c) {
    const int gap = 4 + c % 10;
    const int stop_after = quitters && c % 2 == 1 ? 2 + c % 4 : 1 << 30;
    int bought = 0;
    for (DayNumber d = first + c % 7; d <= last && bought < stop_after; d += gap, ++bought) {
      Transaction t;
      t.customer_id = "c" + std::to_string(c);
      t.order_id = t.customer_id + "-" + std::to_string(bought);
      t.ts = static_cast<Timestamp>(d) * 86400 + 3600;
      t.amount = 20 + c % 13;
      t.quantity = 1;
      rows.push_back(std::move(t));
    }
  }
  return ColumnsFromRows(rows, {}, {});
}

TEST(SnapshotOptions, BgNbdNoteWhenTheFitSeesNoDropout) {
  PipelineOptions po;
  po.threads = 1;
  const DayNumber as_of[] = {*ParseIsoDate("2011-10-01")};
  std::map<DayNumber, std::string> notes;
  auto table = BuildSnapshotTable(RegularBuyers(400, false), as_of, po, Eligibility::kActive, true, &notes);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(notes.count(as_of[0]), 1u);
  EXPECT_NE(notes[as_of[0]].find("almost no dropout"), std::string::npos) << notes[as_of[0]];
  // Half the customers visibly stop buying: the fit sees dropout, no note.
  notes.clear();
  table = BuildSnapshotTable(RegularBuyers(400, true), as_of, po, Eligibility::kActive, true, &notes);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_TRUE(notes.empty()) << notes.begin()->second;
}

}  // namespace
}  // namespace churnwatch

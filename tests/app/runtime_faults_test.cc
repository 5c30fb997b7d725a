// Every parallel path of the library, with a worker that throws (the runtime's test hook,
// SetWorkerFailureForTesting): each returns an error Status to its caller instead of
// crashing or terminating. The suite's sanitizer run checks that nothing leaks or races on
// the way out.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/clv_run.h"
#include "churnwatch/features.h"
#include "churnwatch/ingest.h"
#include "churnwatch/mapping.h"
#include "churnwatch/scoring.h"
#include "churnwatch/thread_pool.h"
#include "models/model_fixtures.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

// Turns the hook on for one call and off again, whatever happens.
class FailingWorkers {
 public:
  FailingWorkers() { SetWorkerFailureForTesting(true); }
  ~FailingWorkers() { SetWorkerFailureForTesting(false); }
};

template <typename T>
void ExpectWorkerFailure(const Result<T>& r, const char* path) {
  ASSERT_FALSE(r.ok()) << path << " ignored a failed worker";
  EXPECT_EQ(r.status().code(), StatusCode::kInternal) << path << ": " << r.status().ToString();
  EXPECT_NE(r.status().message().find("SetWorkerFailureForTesting"), std::string::npos) << r.status().message();
}

RetailColumns SyntheticColumns() {
  testing::SyntheticOptions o;
  o.customers = 600;
  const auto data = testing::MakeSyntheticRetail(o);
  return ColumnsFromRows(data.transactions, data.customers, data.events, 2);
}

TEST(RuntimeFaults, ColumnarBuilder) {
  testing::SyntheticOptions o;
  o.customers = 300;
  const auto data = testing::MakeSyntheticRetail(o);
  ColumnarBuilder b;
  b.AddCustomers(data.customers);
  b.AddTransactions(data.transactions);
  FailingWorkers failing;
  ExpectWorkerFailure(b.Build(2), "ColumnarBuilder::Build");
}

TEST(RuntimeFaults, FeatureEngineAndSegments) {
  const RetailColumns cols = SyntheticColumns();
  const DayNumber cutoff[] = {cols.first_day + 200};
  FeatureOptions opt;
  opt.threads = 2;
  ASSERT_TRUE(BuildFeatureTable(cols, cutoff, opt).ok());
  FailingWorkers failing;
  ExpectWorkerFailure(BuildFeatureTable(cols, cutoff, opt), "BuildFeatureTable");
}

TEST(RuntimeFaults, ClvScoringAndSnapshotValues) {
  const RetailColumns cols = SyntheticColumns();
  clv::ClvOptions o;
  o.as_of = cols.first_day + 250;
  o.threads = 2;
  ASSERT_TRUE(clv::ComputeClv(cols, o).ok());
  const DayNumber cutoff[] = {o.as_of};
  PipelineOptions po;
  po.threads = 2;
  FailingWorkers failing;
  ExpectWorkerFailure(clv::ComputeClv(cols, o), "clv::ComputeClv");
  ExpectWorkerFailure(BuildSnapshotTable(cols, cutoff, po, Eligibility::kActive, true), "BuildSnapshotTable");
}

TEST(RuntimeFaults, ModelScoringAndReasons) {
  const testing::SyntheticSplit split = testing::MakeSyntheticSplit(5, 1500, 1000);
  TrainOptions options;
  options.trees.max_rounds = 10;
  options.trees.nthread = 2;
  auto model = ChurnModel::Train(split.data(), options);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const ReasonMap reasons = ReasonMap::Defaults((*model)->feature_names());
  std::vector<std::size_t> rows(split.valid.num_rows());
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  FailingWorkers failing;
  ExpectWorkerFailure((*model)->Score(split.valid), "ChurnModel::Score");
  ExpectWorkerFailure(ExplainRows(**model, split.valid, rows, reasons, true), "ExplainRows");
}

TEST(RuntimeFaults, IngestConversion) {
  testing::TempDir dir;
  auto mapping = LoadMapping(testing::SourceFile("tests/fixtures/ingest/rejects.toml").string());
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  IngestInputs inputs;
  inputs.transactions = testing::SourceFile("tests/fixtures/ingest/rejects_transactions.csv").string();
  IngestOptions options;
  options.rejects_dir = dir.path().string();
  options.threads = 2;
  FailingWorkers failing;
  ExpectWorkerFailure(Ingest(*mapping, inputs, nullptr, options), "Ingest");
}

}  // namespace
}  // namespace churnwatch

#pragma once
/// \file labelled_table.h
/// The generic "already-labelled table" path: a CSV with one row per customer, a label
/// column and any other columns as inputs (e.g. the IBM Telco churn snapshot). Numeric
/// columns are used as they are (blank -> NaN); every other column is one-hot encoded as
/// `column=value` indicator features. Rows are split into train / validation / test
/// deterministically by a hash of the id (60 / 20 / 20 %), so the split is the same on
/// every run and machine and independent of row order.

#include <filesystem>
#include <memory>
#include <string>

#include "churnwatch/feature_table.h"
#include "churnwatch/metrics.h"
#include "churnwatch/models.h"
#include "churnwatch/status.h"

namespace churnwatch {

struct LabelledOptions {
  std::string label_column = "Churn";
  std::string id_column = "customerID";
  std::string positive = "Yes";  ///< label value meaning churned; "1" also counts
  char delimiter = ',';
};

struct LabelledSplit {
  FeatureTable train, valid, test;  ///< same feature columns in the same order
  std::size_t rows = 0;
  std::size_t numeric_columns = 0;
  std::size_t categorical_columns = 0;
};

/// Reads a plain or gzip CSV (by the ".gz" suffix). kNotFound when the file is missing;
/// kDataError naming file, line and column when the header lacks the id or label column,
/// a row has the wrong number of fields, or a label value is empty.
Result<LabelledSplit> LoadLabelledCsv(const std::filesystem::path& path, const LabelledOptions& options);

/// Trains the ensemble on the split (no BG/NBD, no survival) and evaluates it on the test
/// part.
struct LabelledResult {
  std::shared_ptr<const ChurnModel> model;
  MetricSet test_metrics;        ///< the calibrated ensemble
  MetricSet test_metrics_trees;  ///< trees alone
  MetricSet test_metrics_logistic;
};
Result<LabelledResult> TrainLabelled(const LabelledSplit& split, const TrainOptions& options);

}  // namespace churnwatch

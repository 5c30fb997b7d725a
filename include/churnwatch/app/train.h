#pragma once
/// \file train.h
/// The train use case (`churnwatch train`): the churn ensemble on stacked snapshots of the
/// store's transactions, or on an already-labelled CSV, registered in the model registry.

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/labelled_table.h"
#include "churnwatch/models.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch::app {

struct TrainRequest {
  std::string db_url;
  TrainOptions options;  ///< trees (threads, seed), stacker, calibration, stack inputs
  bool make_champion = true;
  // Snapshot training (when `labelled` is empty):
  std::string train_cutoffs;  ///< ParseCutoffs grammar, e.g. "every:14d:2011-06-01"
  std::optional<DayNumber> valid_cutoff;
  std::string format;         ///< retail format preset for H (default H = 90)
  std::optional<int> horizon_days;  ///< overrides `format`
  int lookback_days = 365;
  int threads = 2;
  bool bgnbd = true;
  bool purge = true;
  std::vector<std::string> drop_features;
  /// > 1: launch that many local worker processes joined through XGBoost's collective
  /// (docs/scale.md); the workers train and register, and the launcher's outcome has no model.
  int workers = 1;
  /// This process is one of those workers (set by the launcher). Only rank 0 registers the
  /// model and returns it; the others return an outcome without a model.
  bool collective_worker = false;
  // Already-labelled table:
  std::string labelled;       ///< CSV path, one row per customer
  LabelledOptions labelled_options;
};

struct TrainOutcome {
  std::shared_ptr<const ChurnModel> model;  ///< as registered; null for a launcher or a worker of rank > 0
  bool champion = false;
  CalibrationRows calibrate_on = CalibrationRows::kValid;
  double seconds = 0;
  /// Labelled path only: its rows and the held-out test split's figures.
  std::optional<std::size_t> labelled_rows;
  std::optional<LabelledResult> labelled;
  std::string labelled_path;
  nlohmann::json ToJson() const;
};

Result<TrainOutcome> Train(const TrainRequest& request);

/// Trains on snapshots at `train_cutoffs` with validation at `valid_cutoff` and registers
/// the model (as champion when asked): the step `run` composes.
Result<std::shared_ptr<const ChurnModel>> TrainAndRegister(Store& store, const RetailColumns& columns,
                                                           std::span<const DayNumber> train_cutoffs,
                                                           DayNumber valid_cutoff, const PipelineOptions& pipeline,
                                                           const TrainOptions& options, bool make_champion);

/// "trees,logistic,bgnbd" (any non-empty subset) -> the average stacker's inputs.
Status ParseStackInputs(std::string_view text, TrainOptions& options);
/// "0.01,0.1,1" -> numbers > 0; `what` names the setting in the message.
Result<std::vector<double>> ParsePositiveList(std::string_view text, std::string_view what);
/// "a,b,,c" -> {"a", "b", "c"}: the non-empty names.
std::vector<std::string> SplitNames(std::string_view text);

}  // namespace churnwatch::app

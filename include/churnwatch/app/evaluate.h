#pragma once
/// \file evaluate.h
/// The evaluate use case (`churnwatch evaluate`): a registered model and the baselines
/// (trees alone, logistic regression, the recency rule, BG/NBD) on a later, unseen cutoff.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "churnwatch/app/common.h"
#include "churnwatch/churn_pipeline.h"
#include "churnwatch/models.h"
#include "churnwatch/status.h"

namespace churnwatch::app {

struct EvaluateRequest {
  std::string db_url;
  std::string model;      ///< version; empty = the champion
  DayNumber test_cutoff = 0;
  std::string plots_dir;  ///< roc.svg, calibration.svg, lift.svg; empty = none
  int threads = 2;
  Notify warn;            ///< a test window overlapping the validation window
};

struct EvaluateOutcome {
  ModelInfo model;
  DayNumber test_cutoff = 0;
  Evaluation evaluation;
  std::vector<std::string> plots;
  double seconds = 0;
  nlohmann::json ToJson() const;
};

/// kInvalidArgument when the test cutoff is not later than what the model has seen.
Result<EvaluateOutcome> Evaluate(const EvaluateRequest& request);

}  // namespace churnwatch::app

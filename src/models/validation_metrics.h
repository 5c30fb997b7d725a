#pragma once
// Metrics of the selection-time components on the validation cutoff (ModelInfo's
// purged_valid_metrics): what settings are compared by, computed before any refit.

#include <map>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/metrics.h"
#include "churnwatch/models.h"

namespace churnwatch::models_internal {

/// Validation scores of one trained ensemble before its refit, aligned with `labels`.
struct ValidationScores {
  std::span<const float> labels;
  std::span<const double> p_trees;
  std::span<const double> p_logistic;
  std::span<const double> p_bgnbd;   ///< empty when BG/NBD is not stacked
  std::span<const double> stacked;   ///< stacker output before calibration
  std::span<const bool> second_half;  ///< calibration cross-fit halves (by customer id hash)
};

/// "trees", "logistic", "bgnbd" (when given and without NaN), "ensemble" (`calibration`
/// applied as fitted on these rows) and "ensemble_crossfit" (a fresh calibration of the
/// same method fitted on each half and applied to the other). Thresholds: the ensembles
/// use their max-F1 threshold, the components 0.5.
std::map<std::string, MetricSet> PurgedValidationMetrics(const ValidationScores& s, const Calibration& calibration);

}  // namespace churnwatch::models_internal

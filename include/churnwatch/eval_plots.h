#pragma once
/// \file eval_plots.h
/// Report plots of an evaluation as plain SVG written by hand (no plotting dependency):
/// roc.svg (ROC curves of every model, with the diagonal), calibration.svg (mean predicted
/// vs observed churn rate per decile, with the ideal line; probability models only) and
/// lift.svg (cumulative lift by share of customers targeted). Each file is
/// self-contained and opens in any browser.

#include <filesystem>
#include <string>
#include <vector>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/status.h"

namespace churnwatch {

/// Writes the three plots into `dir` (created if missing) and returns their paths.
/// kIOError naming the file when one cannot be written.
Result<std::vector<std::string>> WriteEvaluationPlots(const Evaluation& evaluation, const std::filesystem::path& dir);

}  // namespace churnwatch

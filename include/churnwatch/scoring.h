#pragma once
/// \file scoring.h
/// Scoring customers end to end once features exist: the calibrated ensemble, the lead
/// time, P(alive) and CLV (columns "p_alive" and "clv" of the table when present), the
/// segments, and the top three reasons — exact Tree SHAP for the highest-risk share a
/// person will look at, XGBoost's approximate contributions for everyone else.
/// Thread safety: pure over immutable inputs.

#include <vector>

#include "churnwatch/explain.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/models.h"
#include "churnwatch/scored_customer.h"
#include "churnwatch/status.h"

namespace churnwatch {

struct ScoreOptions {
  /// Share of customers (highest p_churn first) whose reasons use exact contributions.
  double exact_reason_share = 0.2;
  /// Reasons for the rest: approximate contributions, or none at all (fastest).
  bool reasons_for_rest = true;
};

/// One ScoredCustomer per row of `table`, in row order (as_of = the row's cutoff).
/// kInvalidArgument when the table lacks the model's features (listing them).
Result<std::vector<ScoredCustomer>> ScoreTable(const ChurnModel& model, const FeatureTable& table,
                                               const ReasonMap& reasons, const ScoreOptions& options);

}  // namespace churnwatch

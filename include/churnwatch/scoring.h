#pragma once
/// \file scoring.h
/// Scoring customers end to end once features exist: the calibrated ensemble, the lead
/// time, P(alive) and CLV (columns "p_alive" and "clv" of the table when present), the
/// segments, and the top three reasons — exact Tree SHAP for the customers a person will
/// look at (the riskiest, by default the top 1,000), XGBoost's approximate contributions
/// for bulk scoring.
/// Thread safety: pure over immutable inputs.

#include <cstddef>
#include <vector>

#include "churnwatch/explain.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/models.h"
#include "churnwatch/scored_customer.h"
#include "churnwatch/status.h"

namespace churnwatch {

struct ScoreOptions {
  /// Customers whose reasons use exact Tree SHAP: the `exact_reason_count` riskiest by
  /// p_churn and, when the table has a "clv" column, the `exact_reason_count` highest by
  /// p_churn × CLV (the report's watch list ranks by risk × value) — the customers a person
  /// looks at.
  std::size_t exact_reason_count = 1000;
  /// At least this share of the riskiest by p_churn is explained exactly too (0 = only the
  /// count above; 1 = everyone, `churnwatch score --explain exact`).
  double exact_reason_share = 0.0;
  /// Share of customers, riskiest first, that get reasons at all (the exact set always
  /// does); the others get none, which is the fastest.
  double reason_share = 1.0;
  /// Contributions for customers with reasons outside the exact set: XGBoost's approximate
  /// (Saabas) attribution, far cheaper than Tree SHAP (docs/models.md, benchmarks), or
  /// exact when false.
  bool approximate_rest = true;
  /// Reasons name causes (NameCauses); `causes.history` enables need shift per category.
  bool name_causes = true;
  CauseOptions causes;
};

/// One ScoredCustomer per row of `table`, in row order (as_of = the row's cutoff).
/// kInvalidArgument when the table lacks the model's features (listing them).
Result<std::vector<ScoredCustomer>> ScoreTable(const ChurnModel& model, const FeatureTable& table,
                                               const ReasonMap& reasons, const ScoreOptions& options);

}  // namespace churnwatch

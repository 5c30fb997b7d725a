#pragma once
/// \file decision_inputs.h
/// What the decision step (include/churnwatch/policy_engine.h) needs beyond the scoring
/// of active customers: the lapsed customers of the win-back window, scored by the same
/// model, and P(churn) calibrated on the most recent cutoff whose labels have matured.

#include <span>
#include <vector>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/explain.h"
#include "churnwatch/models.h"
#include "churnwatch/scoring.h"

namespace churnwatch {

/// Scores the customers whose last purchase before `as_of` is more than H and at most
/// `window_days` days ago (the win-back track, include/churnwatch/tracks.h) and appends
/// their rows to `table` and `scored` (same columns; their segments are ranked among all
/// customers of the look-back year). Returns how many were added. kInvalidArgument when
/// the lapsed table's columns differ from `table`'s.
Result<std::size_t> AppendLapsedCustomers(const ChurnModel& model, const RetailColumns& columns, DayNumber as_of,
                                          const PipelineOptions& options, int window_days, const ReasonMap& reasons,
                                          const ScoreOptions& score_options, FeatureTable& table,
                                          std::vector<ScoredCustomer>& scored);

/// Platt scaling of the ensemble's scores against the labels of `evaluation` (the most
/// recent matured cutoff), for the money figures; the identity when that cutoff has fewer
/// than 50 labelled rows or a single class.
Calibration MoneyCalibration(const Evaluation& evaluation);

/// `calibration` applied to every p_churn of `scored` (NaN stays NaN), in order: the
/// P(churn) the policy engine uses for money (PolicyInput::p_money).
std::vector<double> MoneyProbabilities(const Calibration& calibration, std::span<const ScoredCustomer> scored);

}  // namespace churnwatch

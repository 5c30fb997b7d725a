// Inputs of the decision step beyond active-customer scoring (include/churnwatch/decision_inputs.h).
#include "churnwatch/decision_inputs.h"

#include <cmath>

namespace churnwatch {

namespace {

template <typename T>
void AppendPicked(std::vector<T>& to, const std::vector<T>& from, const std::vector<std::size_t>& rows) {
  if (from.empty()) return;
  for (std::size_t r : rows) to.push_back(from[r]);
}

}  // namespace

Result<std::size_t> AppendLapsedCustomers(const ChurnModel& model, const RetailColumns& columns, DayNumber as_of,
                                          const PipelineOptions& options, int window_days, const ReasonMap& reasons,
                                          const ScoreOptions& score_options, FeatureTable& table,
                                          std::vector<ScoredCustomer>& scored) {
  if (window_days <= options.horizon_days) return std::size_t{0};
  PipelineOptions lapsed_options = options;
  lapsed_options.lookback_days = std::max(options.lookback_days, window_days);
  const DayNumber cut[] = {as_of};
  CW_ASSIGN_OR_RETURN(FeatureTable all, BuildSnapshotTable(columns, cut, lapsed_options, Eligibility::kLookback, true));
  const auto recency = all.Column("recency_days");
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < all.num_rows(); ++r)
    if (recency[r] > options.horizon_days && recency[r] <= window_days) rows.push_back(r);
  if (rows.empty()) return std::size_t{0};
  if (all.names != table.names)
    return Status::InvalidArgument("the win-back customers' features differ from the scored customers' (" +
                                   std::to_string(all.names.size()) + " against " + std::to_string(table.names.size()) +
                                   " columns)");
  FeatureTable lapsed;
  lapsed.horizon_days = table.horizon_days;
  lapsed.lookback_days = lapsed_options.lookback_days;
  lapsed.names = all.names;
  AppendPicked(lapsed.customer_ids, all.customer_ids, rows);
  AppendPicked(lapsed.cutoffs, all.cutoffs, rows);
  AppendPicked(lapsed.labels, all.labels, rows);
  AppendPicked(lapsed.churn_kinds, all.churn_kinds, rows);
  AppendPicked(lapsed.churn_spans, all.churn_spans, rows);
  AppendPicked(lapsed.days_to_next_purchase, all.days_to_next_purchase, rows);
  AppendPicked(lapsed.observed_days, all.observed_days, rows);
  AppendPicked(lapsed.segments, all.segments, rows);
  lapsed.columns.resize(all.columns.size());
  for (std::size_t f = 0; f < all.columns.size(); ++f) AppendPicked(lapsed.columns[f], all.columns[f], rows);
  CW_ASSIGN_OR_RETURN(std::vector<ScoredCustomer> more, ScoreTable(model, lapsed, reasons, score_options));

  // Appends every per-row vector the active table has, keeping them aligned.
  auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
  const std::size_t before = table.num_rows();
  append(table.customer_ids, lapsed.customer_ids);
  append(table.cutoffs, lapsed.cutoffs);
  if (table.labels.size() == before) append(table.labels, lapsed.labels);
  if (table.churn_kinds.size() == before) append(table.churn_kinds, lapsed.churn_kinds);
  if (table.churn_spans.size() == before) append(table.churn_spans, lapsed.churn_spans);
  if (table.days_to_next_purchase.size() == before) append(table.days_to_next_purchase, lapsed.days_to_next_purchase);
  if (table.observed_days.size() == before) append(table.observed_days, lapsed.observed_days);
  if (table.segments.size() == before) append(table.segments, lapsed.segments);
  for (std::size_t f = 0; f < table.columns.size(); ++f) append(table.columns[f], lapsed.columns[f]);
  for (auto& s : more) scored.push_back(std::move(s));
  return rows.size();
}

Calibration MoneyCalibration(const Evaluation& evaluation) {
  Calibration identity;
  identity.method = Calibration::Method::kNone;
  auto it = evaluation.scores.find("ensemble");
  if (it == evaluation.scores.end() || it->second.size() != evaluation.labels.size() || evaluation.labels.size() < 50)
    return identity;
  std::size_t positives = 0;
  for (float l : evaluation.labels) positives += l > 0.5f ? 1 : 0;
  if (positives == 0 || positives == evaluation.labels.size()) return identity;
  return FitPlatt(it->second, evaluation.labels);
}

std::vector<double> MoneyProbabilities(const Calibration& calibration, std::span<const ScoredCustomer> scored) {
  std::vector<double> out;
  out.reserve(scored.size());
  for (const auto& s : scored)
    out.push_back(std::isnan(s.p_churn) || calibration.method == Calibration::Method::kNone ? s.p_churn
                                                                                            : calibration.Apply(s.p_churn));
  return out;
}

}  // namespace churnwatch

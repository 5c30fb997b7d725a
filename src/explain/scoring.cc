// End-to-end scoring of a feature table (include/churnwatch/scoring.h).
#include "churnwatch/scoring.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace churnwatch {

Result<std::vector<ScoredCustomer>> ScoreTable(const ChurnModel& model, const FeatureTable& table,
                                               const ReasonMap& reasons, const ScoreOptions& options) {
  CW_ASSIGN_OR_RETURN(auto scores, model.Score(table));
  const std::size_t n = table.num_rows();
  std::vector<ScoredCustomer> out(n);
  const auto p_alive = table.Column("p_alive");
  const auto clv = table.Column("clv");
  const bool segments = table.segments.size() == n;
  for (std::size_t r = 0; r < n; ++r) {
    ScoredCustomer& s = out[r];
    s.customer_id = table.customer_ids[r];
    s.as_of = table.cutoffs[r];
    s.p_churn = scores[r].p_churn;
    s.expected_days_to_churn = scores[r].expected_days_to_churn;
    s.p_alive = p_alive.empty() ? kNaN : p_alive[r];
    s.clv = clv.empty() ? kNaN : clv[r];
    if (segments) {
      const SegmentRow& seg = table.segments[r];
      s.value_tier = TierName(seg.value_tier);
      s.frequency_tier = TierName(seg.frequency_tier);
      s.segment = RfmSegmentName(seg.segment);
      s.lifecycle_stage = LifecycleStageName(seg.lifecycle);
    }
    s.model_version = model.info().version;
  }

  // Highest risk first: exact for the head, approximate (or none) for the tail.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a].p_churn > scores[b].p_churn; });
  const auto exact_n = static_cast<std::size_t>(std::ceil(options.exact_reason_share * static_cast<double>(n)));
  std::vector<std::size_t> head(order.begin(), order.begin() + static_cast<long>(std::min(exact_n, n)));
  std::vector<std::size_t> tail(order.begin() + static_cast<long>(head.size()), order.end());
  std::sort(head.begin(), head.end());
  std::sort(tail.begin(), tail.end());
  auto fill = [&](const std::vector<std::size_t>& rows, bool approximate) -> Status {
    if (rows.empty()) return Status::OK();
    CW_ASSIGN_OR_RETURN(auto explained, ExplainRows(model, table, rows, reasons, approximate));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out[rows[i]].reasons = explained[i].reasons;
      out[rows[i]].reason_count = explained[i].count;
    }
    return Status::OK();
  };
  CW_RETURN_IF_ERROR(fill(head, false));
  if (options.reasons_for_rest) CW_RETURN_IF_ERROR(fill(tail, true));
  return out;
}

}  // namespace churnwatch

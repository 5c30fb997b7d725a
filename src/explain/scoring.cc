// End-to-end scoring of a feature table (include/churnwatch/scoring.h).
#include "churnwatch/scoring.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

  // Highest risk first. The exact set: the riskiest by p_churn and by p_churn × CLV; the
  // rest of the reason share gets approximate contributions (or exact on request).
  auto by_desc = [](std::vector<double> key) {
    std::vector<std::size_t> order(key.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (double& k : key)
      if (std::isnan(k)) k = -std::numeric_limits<double>::infinity();
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key[a] > key[b]; });
    return order;
  };
  auto share_of = [n](double share) {
    return std::min(n, static_cast<std::size_t>(std::ceil(std::clamp(share, 0.0, 1.0) * static_cast<double>(n))));
  };
  std::vector<double> risk(n);
  for (std::size_t r = 0; r < n; ++r) risk[r] = scores[r].p_churn;
  const auto order = by_desc(risk);
  std::vector<char> exact(n, 0);
  const std::size_t exact_n = std::min(n, std::max(options.exact_reason_count, share_of(options.exact_reason_share)));
  for (std::size_t i = 0; i < exact_n; ++i) exact[order[i]] = 1;
  if (!clv.empty() && options.exact_reason_count > 0) {
    std::vector<double> at_stake(n);
    for (std::size_t r = 0; r < n; ++r) at_stake[r] = scores[r].p_churn * clv[r];
    const auto by_value = by_desc(std::move(at_stake));
    for (std::size_t i = 0; i < std::min(n, options.exact_reason_count); ++i) exact[by_value[i]] = 1;
  }
  std::vector<std::size_t> head, tail;
  for (std::size_t r = 0; r < n; ++r)
    if (exact[r]) head.push_back(r);
  const std::size_t reasons_n = share_of(options.reason_share);
  for (std::size_t i = 0; i < reasons_n; ++i)
    if (!exact[order[i]]) tail.push_back(order[i]);
  std::sort(tail.begin(), tail.end());
  auto fill = [&](const std::vector<std::size_t>& rows, bool approximate) -> Status {
    if (rows.empty()) return Status::OK();
    CW_ASSIGN_OR_RETURN(auto explained, ExplainRows(model, table, rows, reasons, approximate));
    if (options.name_causes) {
      std::vector<std::array<double, kReasonCategoryCount>> sums(explained.size());
      for (std::size_t i = 0; i < explained.size(); ++i) sums[i] = explained[i].sums;
      NameCauses(table, sums, explained, rows, options.causes);
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out[rows[i]].reasons = explained[i].reasons;
      out[rows[i]].reason_count = explained[i].count;
    }
    return Status::OK();
  };
  CW_RETURN_IF_ERROR(fill(head, false));
  CW_RETURN_IF_ERROR(fill(tail, options.approximate_rest));
  return out;
}

}  // namespace churnwatch

// RFM scores and segments, value and frequency tiers, lifecycle stages (SPEC.md §6).
// Quintiles are ranks among the eligible rows of the same cutoff; the rules are in
// docs/features.md and mirrored by tests/fixtures/features/segments.tsv.
#include "churnwatch/segments.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "churnwatch/features.h"

namespace churnwatch {

std::string_view RfmSegmentName(RfmSegment s) {
  switch (s) {
    case RfmSegment::kChampions: return "champions";
    case RfmSegment::kLoyal: return "loyal";
    case RfmSegment::kPotentialLoyalist: return "potential_loyalist";
    case RfmSegment::kNew: return "new";
    case RfmSegment::kPromising: return "promising";
    case RfmSegment::kNeedAttention: return "need_attention";
    case RfmSegment::kAboutToSleep: return "about_to_sleep";
    case RfmSegment::kAtRisk: return "at_risk";
    case RfmSegment::kCantLose: return "cant_lose";
    case RfmSegment::kHibernating: return "hibernating";
    case RfmSegment::kLost: return "lost";
  }
  return "?";
}

std::string_view TierName(Tier t) {
  switch (t) {
    case Tier::kLow: return "low";
    case Tier::kMid: return "mid";
    case Tier::kHigh: return "high";
  }
  return "?";
}

std::string_view LifecycleStageName(LifecycleStage s) {
  switch (s) {
    case LifecycleStage::kNew: return "new";
    case LifecycleStage::kGrowing: return "growing";
    case LifecycleStage::kMature: return "mature";
    case LifecycleStage::kDeclining: return "declining";
    case LifecycleStage::kDormant: return "dormant";
    case LifecycleStage::kChurned: return "churned";
    case LifecycleStage::kReactivated: return "reactivated";
  }
  return "?";
}

int QuintileScore(std::size_t worse, std::size_t n) {
  CHURNWATCH_ASSERT(n > 0 && worse < n);
  return 1 + static_cast<int>(5 * worse / n);
}

RfmSegment RfmSegmentFor(int r, int f, int m) {
  CHURNWATCH_ASSERT(r >= 1 && r <= 5 && f >= 1 && f <= 5 && m >= 1 && m <= 5);
  using S = RfmSegment;
  // Rows: R = 5 (most recent) down to 1; columns: FM = 1..5.
  static constexpr S kGrid[5][5] = {
      {S::kNew, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kChampions, S::kChampions},
      {S::kPromising, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kLoyal, S::kChampions},
      {S::kAboutToSleep, S::kNeedAttention, S::kNeedAttention, S::kLoyal, S::kLoyal},
      {S::kHibernating, S::kAboutToSleep, S::kAtRisk, S::kAtRisk, S::kCantLose},
      {S::kLost, S::kHibernating, S::kAtRisk, S::kCantLose, S::kCantLose},
  };
  const int fm = (f + m + 1) / 2;
  return kGrid[5 - r][fm - 1];
}

Tier FrequencyTierFor(double frequency_90) {
  if (frequency_90 >= 9) return Tier::kHigh;
  if (frequency_90 >= 3) return Tier::kMid;
  return Tier::kLow;
}

LifecycleStage LifecycleStageFor(const LifecycleInputs& in) {
  const double h = in.horizon_days;
  if (in.recency_days > h) return LifecycleStage::kChurned;
  if (in.tenure_days < 90) return LifecycleStage::kNew;
  if (!std::isnan(in.reactivation_gap_days) && in.reactivation_gap_days >= h) return LifecycleStage::kReactivated;
  if (in.recency_days > h / 2 || (!std::isnan(in.overdue_ratio) && in.overdue_ratio >= 2)) return LifecycleStage::kDormant;
  if (in.frequency_90 < in.frequency_prev90 || (!std::isnan(in.aov_change) && in.aov_change < 0.8))
    return LifecycleStage::kDeclining;
  if (in.frequency_90 > in.frequency_prev90) return LifecycleStage::kGrowing;
  return LifecycleStage::kMature;
}

namespace {

// Sorted non-NaN values of one column of `ref`, one vector per entry of `cutoffs` (the
// table's distinct cutoffs, sorted); reference rows at other cutoffs are ignored.
std::vector<std::vector<double>> SortedByCutoff(const FeatureTable& ref, std::span<const double> col,
                                                const std::vector<DayNumber>& cutoffs) {
  std::vector<std::vector<double>> out(cutoffs.size());
  std::vector<std::size_t> counts(cutoffs.size(), 0);
  std::vector<long> slot(ref.num_rows(), -1);
  for (std::size_t i = 0; i < ref.num_rows(); ++i) {
    auto it = std::lower_bound(cutoffs.begin(), cutoffs.end(), ref.cutoffs[i]);
    if (it == cutoffs.end() || *it != ref.cutoffs[i] || std::isnan(col[i])) continue;
    slot[i] = it - cutoffs.begin();
    ++counts[static_cast<std::size_t>(slot[i])];
  }
  for (std::size_t k = 0; k < cutoffs.size(); ++k) out[k].reserve(counts[k]);
  for (std::size_t i = 0; i < ref.num_rows(); ++i)
    if (slot[i] >= 0) out[static_cast<std::size_t>(slot[i])].push_back(col[i]);
  for (auto& v : out) std::sort(v.begin(), v.end());
  return out;
}

std::size_t CountLess(const std::vector<double>& v, double x) {
  return static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), x) - v.begin());
}
std::size_t CountGreater(const std::vector<double>& v, double x) {
  return static_cast<std::size_t>(v.end() - std::upper_bound(v.begin(), v.end(), x));
}

}  // namespace

Status ComputeSegments(FeatureTable& table, const FeatureTable* reference) {
  const FeatureTable& ref = reference ? *reference : table;
  for (std::string_view name : {"recency_days", "frequency_365", "monetary_365", "frequency_90", "frequency_prev90",
                                "tenure_days", "aov_change", "overdue_ratio", "reactivation_gap_days"}) {
    if (!table.FeatureIndex(name) || !ref.FeatureIndex(name))
      return Status::InvalidArgument("segments need the feature '" + std::string(name) + "', which the table lacks");
  }
  // Value tier by predicted CLV when both tables carry it, else by 365-day net spend.
  const std::string_view value_name = table.FeatureIndex("clv") && ref.FeatureIndex("clv") ? "clv" : "monetary_365";
  std::vector<DayNumber> cutoffs(table.cutoffs.begin(), table.cutoffs.end());
  std::sort(cutoffs.begin(), cutoffs.end());
  cutoffs.erase(std::unique(cutoffs.begin(), cutoffs.end()), cutoffs.end());
  const auto rec = SortedByCutoff(ref, ref.Column("recency_days"), cutoffs);
  const auto freq = SortedByCutoff(ref, ref.Column("frequency_365"), cutoffs);
  const auto mon = SortedByCutoff(ref, ref.Column("monetary_365"), cutoffs);
  const auto val = SortedByCutoff(ref, ref.Column(value_name), cutoffs);

  const auto r_col = table.Column("recency_days"), f_col = table.Column("frequency_365"),
             m_col = table.Column("monetary_365"), v_col = table.Column(value_name),
             f90 = table.Column("frequency_90"), fp90 = table.Column("frequency_prev90"), ten = table.Column("tenure_days"),
             aovc = table.Column("aov_change"), od = table.Column("overdue_ratio"),
             gap = table.Column("reactivation_gap_days");
  table.segments.assign(table.num_rows(), SegmentRow{});
  for (std::size_t i = 0; i < table.num_rows(); ++i) {
    const DayNumber t = table.cutoffs[i];
    const auto k = static_cast<std::size_t>(std::lower_bound(cutoffs.begin(), cutoffs.end(), t) - cutoffs.begin());
    const auto &r_ref = rec[k], &f_ref = freq[k], &m_ref = mon[k], &v_ref = val[k];
    if (r_ref.empty() || f_ref.empty() || m_ref.empty())
      return Status::InvalidArgument("the segment reference has no rows at cutoff " + FormatIsoDate(t));
    SegmentRow& s = table.segments[i];
    // Recency, frequency and monetary are never NaN on eligible rows.
    s.r_score = static_cast<std::uint8_t>(QuintileScore(CountGreater(r_ref, r_col[i]), r_ref.size()));
    s.f_score = static_cast<std::uint8_t>(QuintileScore(CountLess(f_ref, f_col[i]), f_ref.size()));
    s.m_score = static_cast<std::uint8_t>(QuintileScore(CountLess(m_ref, m_col[i]), m_ref.size()));
    s.segment = RfmSegmentFor(s.r_score, s.f_score, s.m_score);
    s.value_tier = Tier::kLow;  // a missing value (NaN CLV) ranks lowest
    if (!v_ref.empty() && !std::isnan(v_col[i])) {
      const int q = QuintileScore(CountLess(v_ref, v_col[i]), v_ref.size());
      s.value_tier = q == 5 ? Tier::kHigh : q == 1 ? Tier::kLow : Tier::kMid;
    }
    s.frequency_tier = FrequencyTierFor(f90[i]);
    s.lifecycle = LifecycleStageFor({.recency_days = r_col[i],
                                     .tenure_days = ten[i],
                                     .frequency_90 = f90[i],
                                     .frequency_prev90 = fp90[i],
                                     .aov_change = aovc[i],
                                     .overdue_ratio = od[i],
                                     .reactivation_gap_days = gap[i],
                                     .horizon_days = table.horizon_days});
  }
  return Status::OK();
}

}  // namespace churnwatch

// RFM scores and segments, value and frequency tiers, lifecycle stages (SPEC.md §6).
// Quintiles are ranks among the eligible rows of the same cutoff; the rules are in
// docs/features.md and mirrored by tests/fixtures/features/segments.tsv.
#include "churnwatch/segments.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "churnwatch/features.h"
#include "churnwatch/thread_pool.h"
#include "features/kernel.h"
#include "features/segments_internal.h"

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

// The quintile boundaries of one column among the reference rows of one cutoff. With the
// n non-NaN values sorted ascending (v) and m_q = ceil(q n / 5), q = 1..4:
//   QuintileScore(#{v < x}, n) = 1 + #{q : v[m_q - 1] < x}   (higher is better)
//   QuintileScore(#{v > x}, n) = 1 + #{q : v[n - m_q] > x}   (lower is better)
// because floor(5 w / n) >= q iff w >= m_q, and "the m smallest values are all below x"
// iff the m-th smallest is. So a score is four comparisons against order statistics (found
// with nth_element, no full sort and no binary search per row) and equals the rank-based
// definition exactly, ties included.
struct Quintiles {
  std::size_t n = 0;
  std::array<double, 4> low{};   // v[m_q - 1]
  std::array<double, 4> high{};  // v[n - m_q]

  explicit Quintiles(std::vector<double>& v) : n(v.size()) {
    if (n == 0) return;
    std::array<std::size_t, 8> idx{};
    for (std::size_t q = 1; q <= 4; ++q) {
      const std::size_t m = (q * n + 4) / 5;
      idx[q - 1] = m - 1;
      idx[q + 3] = n - m;
    }
    std::array<std::size_t, 8> sorted = idx;
    std::sort(sorted.begin(), sorted.end());
    std::size_t from = 0;
    for (std::size_t k : sorted) {
      if (k < from) continue;  // already in place (duplicate index)
      std::nth_element(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
      from = k + 1;
    }
    for (std::size_t q = 0; q < 4; ++q) {
      low[q] = v[idx[q]];
      high[q] = v[idx[q + 4]];
    }
  }
  // 1 + floor(5 * #{v < x} / n)
  std::uint8_t ScoreHigherIsBetter(double x) const {
    return static_cast<std::uint8_t>(1 + (low[0] < x) + (low[1] < x) + (low[2] < x) + (low[3] < x));
  }
  // 1 + floor(5 * #{v > x} / n)
  std::uint8_t ScoreLowerIsBetter(double x) const {
    return static_cast<std::uint8_t>(1 + (high[0] > x) + (high[1] > x) + (high[2] > x) + (high[3] > x));
  }
};

// Slot of each row's cutoff in `cutoffs` (sorted, distinct), or -1 when absent.
std::vector<std::int32_t> CutoffSlots(const FeatureTable& t, const std::vector<DayNumber>& cutoffs) {
  std::vector<std::int32_t> slot(t.num_rows(), -1);
  DayNumber prev = kNoDay;
  std::int32_t prev_slot = -1;
  for (std::size_t i = 0; i < t.num_rows(); ++i) {
    const DayNumber d = t.cutoffs[i];
    if (d != prev || i == 0) {
      auto it = std::lower_bound(cutoffs.begin(), cutoffs.end(), d);
      prev_slot = it != cutoffs.end() && *it == d ? static_cast<std::int32_t>(it - cutoffs.begin()) : -1;
      prev = d;
    }
    slot[i] = prev_slot;
  }
  return slot;
}

}  // namespace

Status ComputeSegments(FeatureTable& table, const FeatureTable* reference) {
  return features_internal::ComputeSegments(table, reference, 1);
}

namespace features_internal {

Status ComputeSegments(FeatureTable& table, const FeatureTable* reference, int threads) {
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
  const std::size_t K = cutoffs.size();

  // Reference rows grouped by cutoff (a counting sort of row numbers).
  const std::vector<std::int32_t> ref_slot = CutoffSlots(ref, cutoffs);
  std::vector<std::size_t> group_start(K + 1, 0);
  for (auto s : ref_slot)
    if (s >= 0) ++group_start[static_cast<std::size_t>(s) + 1];
  for (std::size_t k = 0; k < K; ++k) group_start[k + 1] += group_start[k];
  std::vector<std::size_t> group_rows(group_start[K]);
  {
    std::vector<std::size_t> cursor(group_start.begin(), group_start.end() - 1);
    for (std::size_t i = 0; i < ref_slot.size(); ++i)
      if (ref_slot[i] >= 0) group_rows[cursor[static_cast<std::size_t>(ref_slot[i])]++] = i;
  }

  // Quintile boundaries per (cutoff, column): recency, frequency, monetary, value.
  const std::array<std::span<const double>, 4> ref_cols = {ref.Column("recency_days"), ref.Column("frequency_365"),
                                                           ref.Column("monetary_365"), ref.Column(value_name)};
  std::vector<std::optional<Quintiles>> bounds(K * 4);
  CW_RETURN_IF_ERROR(ParallelFor(K * 4, threads, [&](std::size_t task) {
    const std::size_t k = task / 4, col = task % 4;
    std::vector<double> v;
    v.reserve(group_start[k + 1] - group_start[k]);
    for (std::size_t g = group_start[k]; g < group_start[k + 1]; ++g) {
      const double x = ref_cols[col][group_rows[g]];
      if (!std::isnan(x)) v.push_back(x);
    }
    bounds[task].emplace(v);
  }));
  std::vector<std::size_t>().swap(group_rows);

  const std::vector<std::int32_t> slot = CutoffSlots(table, cutoffs);  // every row has a slot
  for (std::size_t i = 0; i < table.num_rows(); ++i) {
    const auto k = static_cast<std::size_t>(slot[i]);
    if (bounds[k * 4 + 0]->n == 0 || bounds[k * 4 + 1]->n == 0 || bounds[k * 4 + 2]->n == 0)
      return Status::InvalidArgument("the segment reference has no rows at cutoff " + FormatIsoDate(table.cutoffs[i]));
  }

  const auto r_col = table.Column("recency_days"), f_col = table.Column("frequency_365"),
             m_col = table.Column("monetary_365"), v_col = table.Column(value_name),
             f90 = table.Column("frequency_90"), fp90 = table.Column("frequency_prev90"), ten = table.Column("tenure_days"),
             aovc = table.Column("aov_change"), od = table.Column("overdue_ratio"),
             gap = table.Column("reactivation_gap_days");
  table.segments.assign(table.num_rows(), SegmentRow{});
  CW_RETURN_IF_ERROR(ParallelForChunks(table.num_rows(), features_internal::kChunk, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const auto k = static_cast<std::size_t>(slot[i]);
      const Quintiles &r_q = *bounds[k * 4 + 0], &f_q = *bounds[k * 4 + 1], &m_q = *bounds[k * 4 + 2],
                      &v_q = *bounds[k * 4 + 3];
      SegmentRow& s = table.segments[i];
      // Recency, frequency and monetary are never NaN on eligible rows.
      s.r_score = r_q.ScoreLowerIsBetter(r_col[i]);
      s.f_score = f_q.ScoreHigherIsBetter(f_col[i]);
      s.m_score = m_q.ScoreHigherIsBetter(m_col[i]);
      s.segment = RfmSegmentFor(s.r_score, s.f_score, s.m_score);
      s.value_tier = Tier::kLow;  // a missing value (NaN CLV) ranks lowest
      if (v_q.n > 0 && !std::isnan(v_col[i])) {
        const int q = v_q.ScoreHigherIsBetter(v_col[i]);
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
  }));
  return Status::OK();
}

}  // namespace features_internal

}  // namespace churnwatch

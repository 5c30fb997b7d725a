#pragma once
/// \file segments.h
/// Customer segments of SPEC.md §6 as small enums with stable names, and the pure rules
/// that assign them. The rules are documented in docs/features.md ("Segments"); the
/// engine fills one `SegmentRow` per FeatureTable row with `ComputeSegments` (features.h).

#include <cstdint>
#include <string_view>

namespace churnwatch {

/// The 11 named RFM segments (names are part of the CSV contract: "champions", ...).
enum class RfmSegment : std::uint8_t {
  kChampions = 0,
  kLoyal,
  kPotentialLoyalist,
  kNew,
  kPromising,
  kNeedAttention,
  kAboutToSleep,
  kAtRisk,
  kCantLose,
  kHibernating,
  kLost,
};
inline constexpr int kRfmSegmentCount = 11;

/// Value tier and frequency tier share one three-level scale.
enum class Tier : std::uint8_t { kLow = 0, kMid, kHigh };

/// Lifecycle stage (rules in docs/features.md, evaluated in this order: churned, new,
/// reactivated, dormant, declining, growing, mature).
enum class LifecycleStage : std::uint8_t { kNew = 0, kGrowing, kMature, kDeclining, kDormant, kChurned, kReactivated };
inline constexpr int kLifecycleStageCount = 7;

std::string_view RfmSegmentName(RfmSegment s);       ///< "champions", "loyal", "potential_loyalist", ...
std::string_view TierName(Tier t);                   ///< "low", "mid", "high"
std::string_view LifecycleStageName(LifecycleStage s);  ///< "new", "growing", ...

/// Segments of one (customer, cutoff) row. Scores are 1..5 (5 = best: most recent, most
/// frequent, highest spend), 0 when not computed.
struct SegmentRow {
  std::uint8_t r_score = 0;
  std::uint8_t f_score = 0;
  std::uint8_t m_score = 0;
  RfmSegment segment = RfmSegment::kLost;
  Tier value_tier = Tier::kLow;
  Tier frequency_tier = Tier::kLow;
  LifecycleStage lifecycle = LifecycleStage::kMature;
};

/// Quintile score 1..5 of a value among `n` peers of which `worse` are strictly worse:
/// 1 + floor(5 * worse / n). Ties therefore share the lowest score of their group.
/// Requires n > 0 and worse < n.
int QuintileScore(std::size_t worse, std::size_t n);

/// The RFM segment grid: R against FM = ceil((F + M) / 2) (see docs/features.md).
/// Scores must be 1..5.
RfmSegment RfmSegmentFor(int r, int f, int m);

/// Frequency tier from purchase orders in the last 90 days: high >= 9 (3 per month),
/// mid >= 3 (1-2 per month), else low.
Tier FrequencyTierFor(double frequency_90);

/// Inputs of the lifecycle rule, all taken from the row's own features.
struct LifecycleInputs {
  double recency_days = 0;
  double tenure_days = 0;
  double frequency_90 = 0;
  double frequency_prev90 = 0;
  double aov_change = 0;          ///< NaN allowed
  double overdue_ratio = 0;       ///< NaN allowed
  double reactivation_gap_days = 0;  ///< longest gap ending in the last 90 days, NaN if none
  int horizon_days = 90;
};
LifecycleStage LifecycleStageFor(const LifecycleInputs& in);

}  // namespace churnwatch

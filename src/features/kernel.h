#pragma once
// The per-(customer, cutoff) kernel: eligibility, every feature, the label. One forward
// pass over the customer's rows of the last 365 days computes every window at once.

#include <cstdint>
#include <vector>

#include "churnwatch/feature_table.h"
#include "churnwatch/features.h"
#include "features/feature_list.h"

namespace churnwatch::features_internal {

/// Per-thread scratch (dense counters over the dictionaries, reset through touched lists),
/// so the kernel allocates nothing per row.
struct KernelScratch {
  std::vector<std::uint32_t> cat180, cat90, catp90, cat_touched;
  std::vector<std::uint8_t> store_mask;
  std::vector<std::uint32_t> store_touched;
  explicit KernelScratch(const RetailColumns& cols);
};

struct RowOutcome {
  ChurnLabel label = ChurnLabel::kUnknown;
  ChurnKind kind = ChurnKind::kNone;
  ChurnSpan span = ChurnSpan::kNone;
  double next_days = kNaN;
  double observed_days = 0;
};

/// SPEC.md §4 eligibility at T (reads rows with day < T only).
bool IsEligible(const RetailColumns& cols, CustomerIdx c, DayNumber T, const FeatureOptions& opt);

/// Fills out[0 .. kNumFeatures) and the label of an eligible (c, T).
void ComputeRow(const RetailColumns& cols, CustomerIdx c, DayNumber T, const FeatureOptions& opt, KernelScratch& scratch,
                double* out, RowOutcome& outcome);

}  // namespace churnwatch::features_internal

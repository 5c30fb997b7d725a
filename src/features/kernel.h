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

/// One customer's row boundaries at a cutoff T, moved forward cutoff by cutoff: the
/// customer's rows are sorted by day, so for ascending cutoffs every boundary only moves
/// right and a list of K cutoffs costs one walk over the rows plus O(K), never a binary
/// search or a rescan per cutoff. Every boundary equals what a fresh search at T would give.
class CustomerCursor {
 public:
  CustomerCursor(const RetailColumns& cols, CustomerIdx c);
  /// Moves to cutoff T (T must not be below the previous cutoff). Transaction boundaries
  /// always; event boundaries and the next purchase only when `full` (pass 2).
  void Advance(DayNumber T, bool full);
  /// SPEC.md §4 eligibility at the current T (reads rows with day < T only).
  bool Eligible(const FeatureOptions& opt) const;

  const RetailColumns& cols;
  const CustomerIdx c;
  DayNumber T = kNoDay;
  std::uint64_t b, e;                       ///< the customer's transaction rows
  std::uint64_t end;                        ///< first row with day >= T
  std::uint64_t lo;                         ///< first row with day >= T - 365
  std::uint64_t next;                       ///< first purchase row at or after `end` (e if none); `full` only
  DayNumber last_purchase = kNoDay;         ///< last purchase day in [b, end)
  DayNumber purchase_before_lo = kNoDay;    ///< last purchase day in [b, lo)
  DayNumber first_purchase = kNoDay;        ///< first purchase day of the customer
  std::uint64_t eb, ee;                     ///< the customer's event rows
  std::uint64_t eend;                       ///< first event with day >= T; `full` only
  std::uint64_t elo;                        ///< first event with day >= T - 365; `full` only
  DayNumber last_login = kNoDay;            ///< last app login day in [eb, eend); `full` only
};

/// Fills out[0 .. kNumFeatures) and the label of an eligible (c, T); `at` has been
/// advanced to T with full = true.
void ComputeRow(const CustomerCursor& at, const FeatureOptions& opt, KernelScratch& scratch, double* out,
                RowOutcome& outcome);

}  // namespace churnwatch::features_internal

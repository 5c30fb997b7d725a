#pragma once
// The per-(customer, cutoff) kernel: eligibility, every feature, the label. One forward
// pass over the customer's rows of the last 365 days computes every window at once.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "churnwatch/feature_table.h"
#include "churnwatch/features.h"
#include "features/feature_list.h"

namespace churnwatch::features_internal {

/// Customers per parallel task of the engine, the builder and the segments (the chunk
/// boundaries, hence the row order, do not depend on the thread count).
inline constexpr std::size_t kChunk = 2048;

/// Per-thread scratch (dense counters over the dictionaries, reset through touched lists),
/// so the kernel allocates nothing per row.
struct KernelScratch {
  std::vector<std::uint32_t> cat180, cat90, cat_prev90, cat_touched;
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
/// right, from where it was (a few steps, or a binary search over the rows not yet passed
/// when the jump is long). Nothing is searched from the start again per cutoff, and every
/// boundary equals what a fresh search at T would give.
class CustomerCursor {
 public:
  CustomerCursor(const RetailColumns& cols, CustomerIdx c);
  /// Moves the transaction boundaries to cutoff T (T must not be below the previous one).
  void Advance(DayNumber T);
  /// Moves the rest (first and next purchase, event boundaries, last login) to the current
  /// T; needed only for rows that are computed, i.e. eligible ones.
  void Prepare();
  /// SPEC.md §4 eligibility at the current T (reads rows with day < T only).
  bool Eligible(const FeatureOptions& opt) const;

  const RetailColumns& cols;
  const CustomerIdx c;
  DayNumber T = kNoDay;
  std::uint64_t b, e;                       ///< the customer's transaction rows
  std::uint64_t end;                        ///< first row with day >= T
  std::uint64_t lo;                         ///< first row with day >= T - 365
  std::uint64_t next;                       ///< first purchase row at or after `end` (e if none); Prepare
  DayNumber last_purchase = kNoDay;         ///< last purchase day in [b, end)
  DayNumber purchase_before_lo = kNoDay;    ///< last purchase day in [b, lo)
  DayNumber first_purchase = kNoDay;        ///< first purchase day of the customer; Prepare
  std::uint64_t eb, ee;                     ///< the customer's event rows
  std::uint64_t eend;                       ///< first event with day >= T; Prepare
  std::uint64_t elo;                        ///< first event with day >= T - 365; Prepare
  DayNumber last_login = kNoDay;            ///< last app login day in [eb, eend); Prepare
};

/// Fills out[0 .. kNumFeatures) and the label of an eligible (c, T); `at` has been
/// advanced to T and prepared.
void ComputeRow(const CustomerCursor& at, const FeatureOptions& opt, KernelScratch& scratch, double* out,
                RowOutcome& outcome);

}  // namespace churnwatch::features_internal

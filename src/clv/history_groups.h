#pragma once
// Identical purchase histories, grouped. With daily (or weekly) data the triple
// (x, t_x, T) takes far fewer distinct values than there are customers, and every
// likelihood and prediction formula depends on a customer only through it, so each
// distinct triple is evaluated once with its multiplicity as a weight.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "churnwatch/clv.h"

namespace churnwatch::clv::internal {

/// Distinct (x, u, v) keys with weights, sorted by x so that quantities that depend only
/// on x are computed once per run of equal x. For BG/NBD u = t_x, v = T; for Gamma-Gamma
/// u = mean spend, v = 0.
struct HistoryGroups {
  std::vector<double> x, u, v, weight;
  /// Runs of equal x: groups [run_begin[i], run_begin[i+1]) share x.
  std::vector<std::size_t> run_begin;
  /// kBgNbd only: the distinct values of u and v together, and each group's index into
  /// them, so that ln(alpha + t) is computed once per distinct time, not once per group.
  std::vector<double> times;
  std::vector<std::uint32_t> u_code, v_code;
  /// group_of[i] = group of input customer i (only when asked for; UINT32_MAX = skipped).
  std::vector<std::uint32_t> group_of;
  double total_weight = 0;

  std::size_t size() const { return x.size(); }
  std::size_t runs() const { return run_begin.empty() ? 0 : run_begin.size() - 1; }
};

/// Which triple to group on.
enum class GroupKey { kBgNbd, kGammaGamma };

/// Groups `customers` (all of them for kBgNbd; for kGammaGamma only those with x >= 1 and
/// mean spend > 0, the others get group_of = UINT32_MAX). Keys are compared bit for bit
/// (after turning -0.0 into 0.0), so grouping never changes a likelihood. The result is
/// deterministic for a given input order.
///
/// Fast path (BG/NBD with integer x < 2^20 and at most 2^20 distinct times, i.e. real
/// daily or weekly data): times are dictionary-coded, each customer becomes one packed
/// 64-bit key and the keys are radix-sorted — sequential memory traffic only. Otherwise
/// an open-addressing hash table keyed on the triple. Large inputs on the fast path are
/// cut into parts grouped on up to `max_threads` threads (thread_pool.h; 0 or 1 = inline);
/// the groups, their order and the mapping are the same for any number of threads.
/// A failed worker escapes as an exception here: library code calls TryGroupHistories.
HistoryGroups GroupHistories(std::span<const CustomerSummary> customers, GroupKey key, bool want_mapping,
                             int max_threads = 0);
/// GroupHistories with a failed worker (out of memory) as kInternal.
Result<HistoryGroups> TryGroupHistories(std::span<const CustomerSummary> customers, GroupKey key, bool want_mapping,
                                        int threads);

}  // namespace churnwatch::clv::internal

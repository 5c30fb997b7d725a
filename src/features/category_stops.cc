// Need-shift evidence per category (include/churnwatch/category_stops.h).
#include <algorithm>
#include <vector>

#include "churnwatch/category_stops.h"

namespace churnwatch {

std::optional<CategoryStop> FindCategoryStop(const RetailColumns& columns, CustomerIdx customer, DayNumber cutoff,
                                             const CategoryStopOptions& options) {
  if (customer >= columns.num_customers()) return std::nullopt;
  struct Stat {
    std::uint32_t category;
    DayNumber first = 0, last = 0, prev_day = -1;
    int days = 0;
    double spend = 0;
  };
  std::vector<Stat> stats;  // a customer has few categories: a linear search is fastest
  double total = 0;
  const DayNumber from = cutoff - options.lookback_days;
  for (std::uint64_t i = columns.txn_offsets[customer]; i < columns.txn_offsets[customer + 1]; ++i) {
    const DayNumber d = columns.day[i];
    if (d >= cutoff) break;  // rows are sorted by day within a customer
    if (d < from || columns.is_return[i] || columns.category[i] == 0 || !(columns.amount[i] > 0)) continue;
    const std::uint32_t cat = columns.category[i];
    auto it = std::find_if(stats.begin(), stats.end(), [&](const Stat& s) { return s.category == cat; });
    if (it == stats.end()) {
      stats.push_back({cat, d, d, -1, 0, 0});
      it = stats.end() - 1;
    }
    if (it->prev_day != d) {
      ++it->days;
      it->prev_day = d;
    }
    it->last = d;
    it->spend += columns.amount[i];
    total += columns.amount[i];
  }
  if (stats.size() < 2 || !(total > 0)) return std::nullopt;
  std::optional<CategoryStop> best;
  for (const Stat& s : stats) {
    if (s.days < options.min_days) continue;
    const double mean_gap = static_cast<double>(s.last - s.first) / (s.days - 1);
    const double quiet = std::max(static_cast<double>(options.min_quiet_days), options.gap_multiple * mean_gap);
    if (static_cast<double>(cutoff - s.last) < quiet) continue;
    // Still buying: another category on a later day; the most recent such one is quoted.
    std::uint32_t still = 0;
    DayNumber still_last = s.last;
    for (const Stat& o : stats)
      if (o.category != s.category && o.last > s.last && (still == 0 || o.last > still_last)) {
        still = o.category;
        still_last = o.last;
      }
    if (still == 0) continue;
    const double share = s.spend / total;
    if (!best || share > best->spend_share)
      best = CategoryStop{s.category, s.first, s.last, s.days, share, still};
  }
  return best;
}

}  // namespace churnwatch

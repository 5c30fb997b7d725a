// Sufficient statistics from transaction rows (conventions in clv_summary.h). Rows are
// counting-sorted by customer, then each customer's few rows sorted by day, so building
// summaries is linear in the rows apart from those small sorts.
#include "churnwatch/clv_summary.h"

#include <algorithm>
#include <numeric>

namespace churnwatch::clv {

double DaysPerUnit(TimeUnit unit) { return unit == TimeUnit::kWeeks ? 7.0 : 1.0; }

Result<TimeUnit> ParseTimeUnit(std::string_view text) {
  if (text == "days" || text == "day" || text == "d") return TimeUnit::kDays;
  if (text == "weeks" || text == "week" || text == "w") return TimeUnit::kWeeks;
  return Status::InvalidArgument("time unit '" + std::string(text) + "' is not one of: days, weeks");
}

void HistoryBuilder::Add(std::span<const Transaction> rows) {
  for (const Transaction& t : rows) {
    if (t.is_return) continue;
    auto [it, inserted] = index_.try_emplace(t.customer_id, static_cast<std::uint32_t>(ids_.size()));
    if (inserted) ids_.push_back(t.customer_id);
    customer_.push_back(it->second);
    day_.push_back(DayOf(t.ts));
    amount_.push_back(t.amount);
  }
  sorted_ = false;
}

void HistoryBuilder::SortRows() {
  if (sorted_) return;
  const std::size_t n = day_.size();
  offsets_.assign(ids_.size() + 1, 0);
  for (std::uint32_t c : customer_) offsets_[c + 1] += 1;
  std::partial_sum(offsets_.begin(), offsets_.end(), offsets_.begin());
  std::vector<std::uint64_t> next(offsets_.begin(), offsets_.end() - 1);
  std::vector<std::uint32_t> customer(n);
  std::vector<DayNumber> day(n);
  std::vector<double> amount(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t to = next[customer_[i]]++;
    customer[to] = customer_[i];
    day[to] = day_[i];
    amount[to] = amount_[i];
  }
  std::vector<std::size_t> perm;
  for (std::size_t c = 0; c < ids_.size(); ++c) {
    const std::size_t b = offsets_[c], e = offsets_[c + 1];
    if (std::is_sorted(day.begin() + b, day.begin() + e)) continue;
    perm.resize(e - b);
    std::iota(perm.begin(), perm.end(), b);
    std::stable_sort(perm.begin(), perm.end(), [&](std::size_t l, std::size_t r) { return day[l] < day[r]; });
    std::vector<DayNumber> d(e - b);
    std::vector<double> a(e - b);
    for (std::size_t k = 0; k < perm.size(); ++k) {
      d[k] = day[perm[k]];
      a[k] = amount[perm[k]];
    }
    std::copy(d.begin(), d.end(), day.begin() + b);
    std::copy(a.begin(), a.end(), amount.begin() + b);
  }
  customer_.swap(customer);
  day_.swap(day);
  amount_.swap(amount);
  sorted_ = true;
}

CustomerHistories HistoryBuilder::Summarize(DayNumber cutoff, TimeUnit unit) {
  SortRows();
  const double unit_days = DaysPerUnit(unit);
  CustomerHistories out;
  for (std::size_t c = 0; c < ids_.size(); ++c) {
    const std::size_t b = offsets_[c], e = offsets_[c + 1];
    if (b == e || day_[b] >= cutoff) continue;
    const DayNumber first = day_[b];
    DayNumber last = first;
    double repeat_days = 0, repeat_spend = 0, day_spend = 0;
    DayNumber current = first;
    for (std::size_t i = b; i < e && day_[i] < cutoff; ++i) {
      if (day_[i] != current) {
        if (current != first) repeat_spend += day_spend;
        current = day_[i];
        repeat_days += 1;
        day_spend = 0;
        last = current;
      }
      day_spend += amount_[i];
    }
    if (current != first) repeat_spend += day_spend;
    CustomerSummary s;
    s.x = repeat_days;
    s.t_x = (last - first) / unit_days;
    s.T = (cutoff - 1 - first) / unit_days;
    s.mean_spend = repeat_days > 0 ? repeat_spend / repeat_days : 0;
    out.customer_ids.push_back(ids_[c]);
    out.summaries.push_back(s);
    out.first_purchase_day.push_back(first);
    out.last_purchase_day.push_back(last);
  }
  return out;
}

std::vector<double> HistoryBuilder::PurchaseDaysBetween(const CustomerHistories& histories, DayNumber from,
                                                        DayNumber to) {
  SortRows();
  std::vector<double> counts(histories.customer_ids.size(), 0);
  for (std::size_t k = 0; k < histories.customer_ids.size(); ++k) {
    auto it = index_.find(histories.customer_ids[k]);
    if (it == index_.end()) continue;
    const std::size_t b = offsets_[it->second], e = offsets_[it->second + 1];
    DayNumber previous = 0;
    bool any = false;
    for (std::size_t i = b; i < e; ++i) {
      if (day_[i] < from || day_[i] >= to) continue;
      if (!any || day_[i] != previous) counts[k] += 1;
      previous = day_[i];
      any = true;
    }
  }
  return counts;
}

}  // namespace churnwatch::clv

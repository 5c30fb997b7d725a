// BG/NBD and Gamma-Gamma sufficient statistics (x, t_x, T, mean repeat spend) at a cutoff,
// following Fader & Hardie: a "transaction" is a purchase day; the first is not repeated.
// Spend is net of returns (see RfmSummary::net_share): a purchase cancelled the same day or
// returned later was not money the customer spent, and Gamma-Gamma would otherwise carry a
// cancelled six-figure order into the customer's expected spend.
#include <algorithm>
#include <cmath>

#include "churnwatch/features.h"

namespace churnwatch {

std::vector<RfmSummary> ComputeRfmSummaries(const RetailColumns& cols, DayNumber cutoff, TimeUnit unit) {
  const double scale = unit == TimeUnit::kWeeks ? 1.0 / 7.0 : 1.0;
  std::vector<RfmSummary> out;
  for (CustomerIdx c = 0; c < cols.num_customers(); ++c) {
    const std::uint64_t b = cols.txn_offsets[c], e = cols.txn_offsets[c + 1];
    DayNumber first = kNoDay, last = kNoDay, current = kNoDay;
    double current_spend = 0, repeat_spend = 0, first_spend = 0, gross = 0, returned = 0;
    int days = 0;
    auto close_day = [&] {
      if (current == kNoDay) return;
      if (days == 1) first_spend = current_spend;
      else repeat_spend += current_spend;
    };
    for (std::uint64_t i = b; i < e && cols.day[i] < cutoff; ++i) {
      if (cols.is_return[i]) {
        returned += std::fabs(cols.amount[i]);
        continue;
      }
      gross += cols.amount[i];
      if (cols.day[i] != current) {
        close_day();
        current = cols.day[i];
        current_spend = 0;
        ++days;
        if (first == kNoDay) first = current;
        last = current;
      }
      current_spend += cols.amount[i];
    }
    close_day();
    if (days == 0) continue;
    RfmSummary s;
    s.customer = c;
    s.x = days - 1;
    s.t_x = (last - first) * scale;
    s.T = (cutoff - 1 - first) * scale;
    s.net_share = gross > 0 ? std::clamp((gross - returned) / gross, 0.0, 1.0) : 1.0;
    s.mean_repeat_spend = days > 1 ? s.net_share * repeat_spend / (days - 1) : 0.0;
    s.first_day_spend = s.net_share * first_spend;
    out.push_back(s);
  }
  return out;
}

}  // namespace churnwatch

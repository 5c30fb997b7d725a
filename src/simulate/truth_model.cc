// The world's truth about a customer beyond what their rows show: how likely they are to
// leave within the horizon, and how each playbook action would change that. Kept apart from
// the behaviour simulation so the documented tables (docs/simulate.md) live in one place.
#include <algorithm>
#include <cmath>

#include "simulate/world_internal.h"

namespace churnwatch::simulate_internal {

LagRange CauseLag(ChurnCause cause) {
  switch (cause) {
    case ChurnCause::kPrice: return {20, 100};
    case ChurnCause::kExperience: return {10, 60};
    case ChurnCause::kCompetition: return {30, 150};
    case ChurnCause::kNeedShift: return {60, 200};
    case ChurnCause::kMovedAway: return {0, 0};
    case ChurnCause::kSilentLapse: return {0, 60};
    case ChurnCause::kNone: break;
  }
  return {0, 0};
}

namespace {

/// P(lag ≤ x) for the integer-uniform lag of `range`.
double LagCdf(LagRange range, int x) {
  if (x < range.lo) return 0;
  if (x >= range.hi) return 1;
  return static_cast<double>(x - range.lo + 1) / static_cast<double>(range.hi - range.lo + 1);
}

}  // namespace

double TrueChurnProbability(ChurnCause cause, DayNumber cause_start, DayNumber churn_day, DayNumber cutoff, int horizon,
                            double rate_per_day) {
  if (cause == ChurnCause::kNone) return 0;
  const DayNumber end = cutoff + horizon;  // leaving on a day < end is churn within the horizon
  if (churn_day < cutoff) return 1;        // already gone: the last purchase is behind us
  const LagRange lag = CauseLag(cause);
  if (cause_start < cutoff) {
    // Under way, not yet ended: lag ≥ cutoff − start; churn in the horizon iff lag < end − start.
    const int done = cutoff - cause_start;  // the lag is at least this
    const double survive = 1.0 - LagCdf(lag, done - 1);
    if (survive <= 0) return 1;
    return std::clamp((LagCdf(lag, end - cause_start - 1) - LagCdf(lag, done - 1)) / survive, 0.0, 1.0);
  }
  // Not started: the start is exponential (memoryless) from the cutoff; sum over its day.
  double p = 0;
  for (int t = 0; t < horizon; ++t) {
    const double start_on_t = std::exp(-rate_per_day * t) - std::exp(-rate_per_day * (t + 1));
    p += start_on_t * LagCdf(lag, horizon - t - 1);
  }
  return std::clamp(p, 0.0, 1.0);
}

std::array<double, kActionCount> ActionResponses(ChurnCause cause, const ResponseTraits& tr) {
  // Base probability that the action prevents the churn, by cause (rows) and action
  // (columns, in kActionKeys order: coupon, gift, service_recovery, vip_manager_call,
  // alternative_products, app_push, member_perk). A coupon answers a price cause, service
  // recovery a bad experience, a member perk a competitor, alternative products a shifted
  // need; nothing brings back someone who moved away.
  static constexpr double kBase[kChurnCauseCount][kActionCount] = {
      /* none         */ {0.05, 0.05, 0.02, 0.08, 0.03, 0.02, 0.05},
      /* price        */ {0.35, 0.10, 0.04, 0.15, 0.05, 0.03, 0.22},
      /* experience   */ {0.04, 0.10, 0.45, 0.35, 0.02, 0.01, 0.05},
      /* competition  */ {0.12, 0.08, 0.04, 0.20, 0.05, 0.03, 0.30},
      /* need_shift   */ {0.04, 0.05, 0.02, 0.10, 0.35, 0.03, 0.05},
      /* moved_away   */ {0.00, 0.00, 0.00, 0.02, 0.00, 0.00, 0.00},
      /* silent_lapse */ {0.08, 0.10, 0.03, 0.15, 0.08, 0.06, 0.08},
  };
  std::array<double, kActionCount> r{};
  const auto& base = kBase[static_cast<int>(cause)];
  for (std::size_t a = 0; a < kActionCount; ++a) {
    double m = tr.persuadability;
    switch (a) {
      case 0: m *= 0.5 + tr.price_sensitivity * 1.5; break;  // coupons work on the price-minded
      case 3: m *= 0.4 + tr.value_rank * 1.2; break;         // a manager's call lands with big spenders
      case 5: m *= tr.app_user ? 1.4 : 0.2; break;           // a push reaches only app users
      case 6: m *= 0.7 + tr.value_rank * 0.6; break;         // perks mean more to regulars
      default: break;
    }
    // Winning back is harder than keeping, and the longer gone the harder (a quarter-life of
    // about two months).
    if (tr.days_gone >= 0) m *= 0.5 * std::exp(-tr.days_gone / 90.0);
    r[a] = std::clamp(base[a] * m, 0.0, 0.95);
  }
  return r;
}

}  // namespace churnwatch::simulate_internal

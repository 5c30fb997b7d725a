#pragma once
// Private to the simulate module: one customer's simulated life, as rows of the world's
// files, and the world's fixed catalogue (categories, cause lags, action responses).
#include <array>
#include <cstdint>
#include <string>

#include "churnwatch/playbook.h"
#include "churnwatch/simulate.h"

namespace churnwatch::simulate_internal {

inline constexpr std::size_t kActionCount = std::size(kActionKeys);

/// Everything simulate writes for one customer, already formatted as CSV lines.
struct CustomerRows {
  std::string transactions;
  std::string events;
  std::string customer;  ///< one line of customers.csv, or empty (first purchase after the cutoff)
  std::string truth;     ///< one line of truth.csv, or empty
  std::int64_t transaction_rows = 0;
  std::int64_t orders = 0;
  std::int64_t event_rows = 0;
  bool active_at_cutoff = false;
  bool churned = false;
  ChurnCause cause = ChurnCause::kNone;
};

/// Simulates customer number `index` (0-based) of the world. Pure: depends only on
/// (config, index), so customers can be simulated in any order or in parallel.
void SimulateCustomer(const WorldConfig& config, int index, CustomerRows& out);

/// Lag in days from a cause's start to the day the customer stops buying: uniform on
/// [lo, hi] (moved_away: 0, an abrupt stop).
struct LagRange {
  int lo = 0, hi = 0;
};
LagRange CauseLag(ChurnCause cause);

/// The world's probability that a customer leaves within the horizon (days T .. T+H-1),
/// given what the world knows at the cutoff T: already gone (1), cause under way
/// (the lag's remaining mass), or cause not started yet (the hazard `rate_per_day` of a
/// start inside the horizon times the chance its lag also ends inside it). `cause_start`
/// and `churn_day` are the drawn ones; a never-leaver (cause kNone) has 0.
double TrueChurnProbability(ChurnCause cause, DayNumber cause_start, DayNumber churn_day, DayNumber cutoff, int horizon,
                            double rate_per_day);

/// Traits of a customer that shape how they respond to an action.
struct ResponseTraits {
  double price_sensitivity = 0;  ///< 0..1
  double value_rank = 0;         ///< 0..1, the customer's baseline spend rank proxy
  bool app_user = false;
  int days_gone = -1;            ///< days between leaving and the cutoff (−1: not gone); a win-back is
                                 ///< weaker, and fades with time gone
  double persuadability = 1;     ///< the customer's own multiplier (log-normal around 1)
};
/// Probability that each action of kActionKeys, taken at the cutoff, prevents this
/// customer's churn (docs/simulate.md "Responses" gives the table).
std::array<double, kActionCount> ActionResponses(ChurnCause cause, const ResponseTraits& traits);

/// truth.csv's header line (with the response_<action> columns of kActionKeys).
std::string TruthHeader();

/// The customer id of customer number `index`: "C000001", ...
std::string CustomerId(int index);

}  // namespace churnwatch::simulate_internal

#pragma once
/// \file clv_run.h
/// The CLV stage end to end: sufficient statistics at a cutoff (features.h
/// ComputeRfmSummaries, Fader-Hardie conventions), BG/NBD and Gamma-Gamma fits, and per
/// customer P(alive), expected purchases and P(any purchase) over the horizon, expected
/// spend and discounted 12-month CLV — as columns, a CSV file, a store result table and
/// feature-table columns (SPEC.md §6, §14 `churnwatch clv`).
///
/// Point in time: values at cutoff T use only purchases dated before T (as every feature).
/// Thread safety: functions are reentrant; `threads` only splits the per-customer work.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/clv.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/features.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"
#include "churnwatch/types.h"

namespace churnwatch::clv {

/// 1 for days, 7 for weeks.
double DaysPerUnit(TimeUnit unit);
/// "days" / "weeks" (also "day", "week", "d", "w"); kInvalidArgument names the value.
Result<TimeUnit> ParseTimeUnit(std::string_view text);

/// Average month length used for CLV: 365.25 / 12 days.
inline constexpr double kDaysPerMonth = 365.25 / 12;

struct ClvOptions {
  DayNumber as_of = 0;                ///< cutoff T: purchases dated before it are history
  TimeUnit unit = TimeUnit::kWeeks;   ///< the models' time unit (parameters depend on it)
  int horizon_days = 90;              ///< H for expected purchases and P(any purchase)
  double margin = 1.0;                ///< share of spend that is profit, in (0, 1]
  double monthly_discount_rate = 0.01;
  int months = 12;                    ///< CLV horizon
  int holdout_days = 0;               ///< > 0: compare predictions with [T, T + days)
  int threads = 1;
  FitOptions fit;
};
/// kInvalidArgument naming the first bad option (horizon 1..3650, margin in (0, 1],
/// discount rate in [0, 1), months 1..120, holdout 0..3650, threads >= 1).
Status ValidateClvOptions(const ClvOptions& options);

/// Per-customer values, one row per customer with a purchase before the cutoff, in the
/// order of RetailColumns (customer id byte order).
struct ClvValues {
  std::vector<CustomerIdx> customers;      ///< set by ComputeClv
  std::vector<CustomerSummary> summaries;  ///< set by ComputeClv
  std::vector<double> p_alive;             ///< ReportedProbabilityAlive (see clv.h)
  std::vector<double> p_alive_model;       ///< the BG/NBD value (1 for x = 0)
  std::vector<double> expected_purchases;  ///< E[X(H)] over the next horizon_days
  std::vector<double> p_purchase;          ///< P(at least one purchase within horizon_days)
  std::vector<double> expected_spend;      ///< per purchase (empty when not computed)
  std::vector<double> clv;                 ///< discounted, times margin (empty when not computed)
  std::size_t size() const { return p_alive.size(); }
};

/// What to compute for each customer, in the model's time unit.
struct ScoreOptions {
  double horizon = 0;        ///< expected purchases / P(any purchase) horizon
  bool with_clv = true;      ///< CLV needs `months` more expectations per distinct history
  double month_length = 0;
  int months = 12;
  double margin = 1.0;
  double monthly_discount_rate = 0.01;
  int threads = 1;
};

/// Per-customer values for given parameters (all columns but `customers` and `summaries`,
/// and `clv` only when asked for). Identical (x, t_x, T) histories are evaluated once. `spend` gives each customer's expected spend per purchase (same length
/// as `summaries`; empty = no CLV spend, CLV then counts purchases). kDataError names the
/// history if an expectation cannot be computed (hypergeometric series not converged).
Result<ClvValues> ScoreCustomers(const BgNbdParams& params, std::span<const CustomerSummary> summaries,
                                 std::span<const double> spend, const ScoreOptions& options);

struct ClvHoldout {
  int days = 0;
  double predicted = 0;  ///< sum of E[X(days)] over customers
  double actual = 0;     ///< distinct purchase days in [T, T + days)
};

struct ClvResult {
  ClvOptions options;
  BgNbdFit bgnbd;
  /// Gamma-Gamma: fitted when at least two repeat buyers have a positive mean spend.
  /// When the fit fails, or q <= 1 (no finite mean), expected spend falls back to each
  /// customer's own mean (or the overall mean for one-time buyers) and `gamma_gamma_note`
  /// says why.
  std::optional<GammaGammaFit> gamma_gamma;
  std::string gamma_gamma_note;
  /// BgNbdDropoutNote of the fit: non-empty when P(alive) cannot rank customers.
  std::string bgnbd_note;
  /// Pearson correlation of x and mean spend among repeat buyers: Gamma-Gamma assumes
  /// spend independent of frequency, so a large value is a warning.
  double spend_frequency_correlation = kNaN;
  std::size_t repeat_buyers = 0;
  std::vector<std::string> customer_ids;  ///< one per row of `values`
  ClvValues values;
  std::optional<ClvHoldout> holdout;
};

/// Fits both models at `options.as_of` and scores every customer with history. Errors:
/// kInvalidArgument for bad options; kDataError when no customer has a purchase before
/// the cutoff or the BG/NBD fit cannot run (see FitBgNbd).
Result<ClvResult> ComputeClv(const RetailColumns& columns, const ClvOptions& options);

/// Transactions only (customers and events are not needed here) into columns.
Result<RetailColumns> LoadTransactionColumns(Store& store, int threads = 1);

/// The per-customer table: customer_id, x, t_x, T, mean_spend, p_alive, p_alive_model,
/// expected_purchases, p_purchase, expected_spend, clv.
ResultTable ClvResultTable(const ClvResult& result);

/// Writes ClvResultTable as CSV (header line, '.' decimals, 6 significant digits and more
/// where needed). kIOError names the path.
Status WriteClvCsv(const ClvResult& result, const std::string& path);

/// Adds "p_alive", "expected_purchases_h", "p_purchase_h", "expected_spend" and "clv"
/// columns to `table`: for each distinct cutoff of the table the models are fitted at
/// that cutoff (never using later purchases) and values matched by customer id; rows of
/// customers without history get NaN. `base` supplies everything except as_of.
Status AppendClvFeatures(FeatureTable& table, const RetailColumns& columns, const ClvOptions& base);

}  // namespace churnwatch::clv

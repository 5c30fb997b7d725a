#pragma once
/// \file simulate.h
/// A simulated retailer with a known truth (`churnwatch simulate`, docs/simulate.md): a
/// pet-store chain whose customers buy, visit, complain, compare prices and leave for
/// their own causes. The world is written in churnwatch's canonical format
/// (transactions.csv, customers.csv, events.csv) with a mapping and a run config, so
/// `churnwatch run --config DIR/run.toml` works on it directly, plus truth.csv: per customer,
/// whether, when and why they leave, their value and their response to each playbook action.
///
/// The world is written from how customers behave, not from churnwatch's rules: each cause
/// leaves its own trace, with noise (loyal customers complain too) and overlap.
///
/// Determinism: every customer draws from its own random stream derived from (seed,
/// customer number), so the same seed and config give the same bytes, whatever the thread
/// count. Thread safety: SimulateWorld may run concurrently on different output folders.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch {

/// The causes a simulated customer leaves for, in truth.csv's `cause` column.
enum class ChurnCause : std::uint8_t { kNone, kPrice, kExperience, kCompetition, kNeedShift, kMovedAway, kSilentLapse };
inline constexpr int kChurnCauseCount = 7;
/// "none", "price", "experience", "competition", "need_shift", "moved_away", "silent_lapse".
std::string_view ChurnCauseKey(ChurnCause cause);

/// The knobs of a world. Every field has a default; a --config TOML file overrides them
/// ([world], [causes], [behaviour] tables, docs/simulate.md lists every key).
struct WorldConfig {
  // [world]
  std::uint64_t seed = 1;
  int customers = 20000;               ///< customers who ever bought before the cutoff
  DayNumber start_day = 19723;         ///< 2024-01-01: first day of the history
  int history_days = 730;              ///< cutoff T = start_day + history_days
  int horizon_days = 90;               ///< H: truth says who leaves in (T, T+H]
  int value_days = 365;                ///< `value` = expected revenue over this many days after T
  int stores = 40;
  double budget_per_customer = 0.5;    ///< run.toml's [budget] total = this × customers
  double new_customer_share = 0.35;    ///< share of customers whose first purchase falls inside the history
  double one_purchase_share = 0.35;    ///< of those new customers: buy once, never return
  // [causes]
  double never_leave_share = 0.35;     ///< established customers who never leave
  double cause_rate_per_year = 1.0;    ///< hazard of a leaver's cause starting, per year
  /// Relative weights of price, experience, competition, need_shift, moved_away,
  /// silent_lapse (index = ChurnCause − 1); tilted per customer by their traits.
  std::array<double, 6> cause_mix = {0.25, 0.15, 0.15, 0.15, 0.10, 0.20};
  // [behaviour]
  double mean_interval_days = 30;      ///< population mean of a customer's days between orders
  double seasonality = 0.2;            ///< amplitude of the yearly cycle (peak in December)
  double noise = 1.0;                  ///< scales the signals loyal customers also send (complaints, competitor views, ...)
  double trace_strength = 1.0;         ///< scales how often a cause leaves its trace (0 = every churn is silent)

  DayNumber cutoff() const { return start_day + history_days; }
};

/// Reads a world config. Unknown tables or keys, wrong types and out-of-range values are
/// kInvalidArgument naming the file and line ("world.toml:4: unknown key [world] custmers").
/// kNotFound when the file does not exist.
Result<WorldConfig> LoadWorldConfig(const std::filesystem::path& path);
/// The same from text (`source` names it in messages).
Result<WorldConfig> ParseWorldConfig(std::string_view toml_text, std::string_view source);

struct SimulateOutcome {
  std::filesystem::path out_dir;
  DayNumber cutoff = 0;                ///< the day truth refers to (run.toml's as_of)
  int horizon_days = 90;
  std::int64_t customers = 0;
  std::int64_t transactions = 0;       ///< rows of transactions.csv (order lines and returns)
  std::int64_t orders = 0;
  std::int64_t events = 0;
  std::int64_t active_at_cutoff = 0;   ///< last purchase within H days before the cutoff
  std::int64_t churners_active = 0;    ///< of those, how many leave in (T, T+H]
  std::array<std::int64_t, kChurnCauseCount> churners_by_cause{};  ///< active churners per cause
  double budget = 0;
};

/// Simulates `config` and writes transactions.csv, customers.csv, events.csv, truth.csv,
/// mapping.toml and run.toml into `out_dir` (created if missing; existing files of those
/// names are replaced). kIOError naming the file when a write fails; kInvalidArgument for a
/// config out of range (customers < 1, ...). `threads` (0: the machine's cores, at most 4)
/// changes the speed only, never a byte of the files.
Result<SimulateOutcome> SimulateWorld(const WorldConfig& config, const std::filesystem::path& out_dir, int threads = 0);

}  // namespace churnwatch

#pragma once
// Private to the simulate module: the three files `churnwatch grade` reads, parsed into
// typed rows with every error naming the file, the line and the column.
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "churnwatch/simulate.h"
#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch::simulate_internal {

inline constexpr DayNumber kNoDay = -2147483647;

struct TruthRow {
  std::string customer_id;
  bool active = false;
  DayNumber first_purchase = 0, last_purchase = 0;
  int orders = 0;
  double spend_365 = 0;
  bool churned = false;
  DayNumber churn_day = kNoDay;    ///< kNoDay: stays through the horizon
  ChurnCause cause = ChurnCause::kNone;
  DayNumber cause_start = kNoDay;  ///< kNoDay: no cause under way within the horizon
  double p_churn = 0;
  int orders_in_horizon = 0;
  double value = 0;
  std::vector<double> responses;   ///< per TruthTable::actions
};

struct TruthTable {
  DayNumber cutoff = 0;
  std::vector<std::string> actions;  ///< action keys, from the response_<key> columns
  std::vector<TruthRow> rows;
  std::unordered_map<std::string, std::size_t> index;
  int ActionIndex(std::string_view key) const;
};

/// Reads truth.csv. Every column is required; a column the format does not know is an error
/// too (a truth from another version of simulate must not be graded silently).
Result<TruthTable> ReadTruth(const std::filesystem::path& path);

struct PlanRow {
  std::size_t customer = 0;  ///< index into TruthTable::rows
  int action = 0;            ///< index into TruthTable::actions
  double cost = 0;
};
/// Reads the funded actions of a run (actions.csv): needs customer_id, action, action_cost;
/// other columns are ignored (the action list grows columns over time).
Result<std::vector<PlanRow>> ReadPlan(const std::filesystem::path& path, const TruthTable& truth);

struct ScoredRow {
  std::size_t customer = 0;
  double p_churn = 0;
  std::string zone;
  std::string reasons[3];
};
/// Reads a run's customers.csv (one row per scored customer): needs customer_id, p_churn,
/// zone, reason_1..3. Rows with an empty p_churn are skipped; a customer missing from the
/// truth is an error.
Result<std::vector<ScoredRow>> ReadScored(const std::filesystem::path& path, const TruthTable& truth);

}  // namespace churnwatch::simulate_internal

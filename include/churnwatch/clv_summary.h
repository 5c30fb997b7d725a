#pragma once
/// \file clv_summary.h
/// Per-customer BG/NBD / Gamma-Gamma sufficient statistics built from transaction rows,
/// with the Fader-Hardie conventions (the same as lifetimes'
/// `summary_data_from_transaction_data` and features.h's ComputeRfmSummaries):
///  - history is every non-return row dated strictly before the cutoff day;
///  - all purchases of one day are one transaction (their amounts summed);
///  - x = distinct purchase days - 1 (the first purchase is not a repeat);
///  - t_x = last - first purchase day, T = (cutoff - 1) - first purchase day, both divided by
///    the unit's length in days (1 for days, 7 for weeks);
///  - mean_spend = mean of the repeat days' amounts (0 when x = 0).
/// So the CDNOW calibration period "up to and including 1997-09-30" is cutoff 1997-10-01.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "churnwatch/clv.h"
#include "churnwatch/data_model.h"
#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch::clv {

/// The model's time unit.
enum class TimeUnit : std::uint8_t { kDays = 0, kWeeks };
/// 1 or 7.
double DaysPerUnit(TimeUnit unit);
/// "days" / "weeks" (also "day", "week", "d", "w"); kInvalidArgument names the value.
Result<TimeUnit> ParseTimeUnit(std::string_view text);

/// Summaries of the customers with at least one purchase before the cutoff, in the order
/// of their first appearance in the rows given to the builder.
struct CustomerHistories {
  std::vector<std::string> customer_ids;
  std::vector<CustomerSummary> summaries;
  std::vector<DayNumber> first_purchase_day;
  std::vector<DayNumber> last_purchase_day;
};

/// Collects transactions (in any order, in as many batches as the store streams) and
/// computes summaries at a cutoff. Keeps (customer, day, amount) per row: 16 bytes a row
/// plus the ids. Not thread safe.
class HistoryBuilder {
 public:
  /// Adds rows; return lines (is_return) are ignored.
  void Add(std::span<const Transaction> rows);
  std::size_t rows() const { return day_.size(); }

  /// Summaries at `cutoff` (rows dated before it). Sorts the collected rows once.
  CustomerHistories Summarize(DayNumber cutoff, TimeUnit unit);

  /// Distinct purchase days of each customer of `histories` in [from, to), e.g. the
  /// holdout-period purchases Fader-Hardie compare predictions with.
  std::vector<double> PurchaseDaysBetween(const CustomerHistories& histories, DayNumber from, DayNumber to);

 private:
  void SortRows();
  std::unordered_map<std::string, std::uint32_t> index_;
  std::vector<std::string> ids_;
  std::vector<std::uint32_t> customer_;
  std::vector<DayNumber> day_;
  std::vector<double> amount_;
  std::vector<std::uint64_t> offsets_;  // after SortRows: rows of customer c
  bool sorted_ = false;
};

}  // namespace churnwatch::clv

#pragma once
/// \file quality.h
/// Data-quality profile of a store's canonical tables (`churnwatch quality`): what is in
/// the store, how complete and how plausible it is, before any model sees it.
///
/// Definitions (also in docs/store.md):
///  - missing rate: share of rows with no value in a field (empty text, NaN number,
///    unknown channel, no joined_at, birth_year 0). NaN when the table is empty.
///  - duplicates: transactions and events: rows equal to an earlier row in every field
///    except the row key (e.g. the same order line exported twice under different line
///    numbers); customers: rows whose customer_id already appeared in an earlier row.
///  - extreme values: outside [Q1 - 5*IQR, Q3 + 5*IQR] of the field's non-missing values.
///  - quantiles: linear interpolation between order statistics (numpy's default).
///  - a purchase: a distinct order (order_id; rows without one count one order per
///    customer and timestamp) with at least one line that is not a return.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "churnwatch/status.h"
#include "churnwatch/store.h"
#include "churnwatch/types.h"

namespace churnwatch {

/// Order statistics of a sample; every value NaN when the sample is empty.
struct Distribution {
  std::int64_t count = 0;
  double min = kNaN, q1 = kNaN, median = kNaN, q3 = kNaN, p90 = kNaN, max = kNaN;
};

/// Values of one numeric field outside the rule's bounds.
struct ExtremeValues {
  std::string field;
  double low = kNaN, high = kNaN;  ///< the bounds the rule gives for this table
  std::int64_t below = 0, above = 0;
};
inline constexpr const char* kExtremeRule = "outside [Q1 - 5*IQR, Q3 + 5*IQR]";

struct TableProfile {
  std::string name;  ///< "transactions", "customers", "events"
  std::int64_t rows = 0;
  std::vector<std::pair<std::string, double>> missing;  ///< field -> missing rate, schema order
  std::int64_t duplicates = 0;
  std::string duplicates_rule;
  /// Time range: ts for transactions and events, joined_at (at midnight) for customers.
  std::optional<Timestamp> first_ts, last_ts;
  std::vector<ExtremeValues> extremes;  ///< amount, quantity (transactions); value (events)

  // Transactions only.
  std::int64_t negative_amounts = 0, zero_amounts = 0, returns = 0;
  std::int64_t customers = 0;               ///< distinct non-empty customer_id
  std::int64_t customers_one_purchase = 0;  ///< customers with exactly one purchase
  Distribution purchases_per_customer;      ///< over every customer in the table (0 if only returns)
};

struct QualityReport {
  std::vector<TableProfile> tables;  ///< transactions, customers, events
};

/// Profiles every canonical table with one streaming scan each. Memory: about 40 bytes
/// per transaction row (hashes and amounts for the duplicate and quantile counts).
/// Errors: whatever the store's scans return.
Result<QualityReport> ProfileStore(Store& store);

/// The `--json` form: {"tables": {name: {rows, missing {field: rate}, duplicates,
/// first_ts, last_ts, ...}}}; NaN and absent values are null, timestamps
/// "YYYY-MM-DD HH:MM:SS".
nlohmann::json QualityToJson(const QualityReport& report);

/// The human summary printed by `churnwatch quality`.
std::string FormatQualityText(const QualityReport& report);

/// Order statistics of `values` (sorted in place); exposed for tests.
Distribution Summarise(std::vector<double>& values);

}  // namespace churnwatch

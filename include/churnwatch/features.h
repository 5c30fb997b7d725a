#pragma once
/// \file features.h
/// The columnar point-in-time feature engine (SPEC.md §4–§6).
///
/// 1. Rows (from a Store or in memory) go into a `ColumnarBuilder`, which produces an
///    immutable `RetailColumns`: transactions and events in flat typed arrays sorted by
///    customer then day, with per-customer offsets (CSR); categories, stores and SKUs
///    dictionary-encoded; orders numbered per customer.
/// 2. `BuildFeatureTable` computes, for every cutoff T and every customer eligible at T,
///    every catalogue feature from rows dated strictly before T (day < T), plus the churn
///    label of [T, T+H) and the segments, in one pass per customer over its rows.
///
/// Point in time: a feature at T never reads a row dated on or after T; labels and
/// `days_to_next_purchase` are the only outputs that look forward.
/// Thread safety: RetailColumns is immutable and may be shared by threads; the engine's
/// own threads are explicit (`FeatureOptions::threads`), and results do not depend on them.

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "churnwatch/data_model.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch {

class Store;

inline constexpr DayNumber kNoDay = std::numeric_limits<DayNumber>::min();

/// Transactions and events in CSR columns. Customers are indexed 0..n-1 in byte order of
/// their ids. Per customer, transaction rows are sorted by (day, order); event rows by day.
struct RetailColumns {
  // --- customers ---
  std::vector<std::string> customer_ids;  ///< sorted (byte order), so FindCustomer is a binary search
  std::vector<DayNumber> joined_at;       ///< kNoDay when unknown
  std::vector<std::uint8_t> passive;      ///< 1 when status is closed / moved (passive churn)
  std::vector<DayNumber> first_unsubscribe;  ///< day of the first unsubscribe event, kNoDay if none

  // --- transactions: rows txn_offsets[c] .. txn_offsets[c+1] belong to customer c ---
  std::vector<std::uint64_t> txn_offsets;
  std::vector<DayNumber> day;
  std::vector<double> amount;             ///< net paid, negative on returns
  std::vector<float> quantity;            ///< negative on returns
  std::vector<float> discount;            ///< NaN when unknown
  std::vector<std::uint32_t> order;       ///< order number within the customer, nondecreasing
  std::vector<std::uint32_t> category;    ///< dictionary code, 0 = unknown
  std::vector<std::uint32_t> store;       ///< dictionary code, 0 = unknown
  std::vector<std::uint32_t> sku;         ///< dictionary code, 0 = unknown
  std::vector<std::uint8_t> channel;      ///< Channel as integer
  std::vector<std::uint8_t> is_return;    ///< 1 = return / cancellation line

  // --- events: rows evt_offsets[c] .. evt_offsets[c+1] ---
  std::vector<std::uint64_t> evt_offsets;
  std::vector<DayNumber> evt_day;
  std::vector<std::uint8_t> evt_type;     ///< EventType as integer
  std::vector<float> evt_value;           ///< NaN when absent (e.g. rating of a review)
  std::vector<std::int8_t> evt_sentiment; ///< -1 negative, 0 neutral, 1 positive, 2 no text
  /// Earliest day on which each event type occurs in the data (kNoDay if never); a type
  /// that has not occurred before T makes its features NaN at T (source missing).
  std::array<DayNumber, kEventTypeCount> first_event_day{};

  // --- dictionaries (code - 1 indexes these) ---
  std::vector<std::string> categories, stores, skus;

  DayNumber first_day = kNoDay;  ///< first transaction day in the data
  DayNumber last_day = kNoDay;   ///< last transaction or event day in the data

  std::size_t num_customers() const { return customer_ids.size(); }
  std::size_t num_transactions() const { return day.size(); }
  std::size_t num_events() const { return evt_day.size(); }
  /// Bytes held by the transaction columns, per transaction (dictionaries excluded).
  double TransactionBytesPerRow() const;
  /// Bytes held by all columns, offsets and dictionaries.
  std::size_t MemoryBytes() const;
  /// Index of a customer id (binary search over customer_ids), or nullopt.
  std::optional<CustomerIdx> FindCustomer(std::string_view id) const;
};

/// Accumulates rows in any order, then sorts them into RetailColumns. Orders: an order is a
/// distinct (order_id, day) of one customer; rows with an empty order_id are an order each.
/// Not thread safe.
class ColumnarBuilder {
 public:
  ColumnarBuilder();
  ~ColumnarBuilder();
  ColumnarBuilder(const ColumnarBuilder&) = delete;
  ColumnarBuilder& operator=(const ColumnarBuilder&) = delete;

  void Reserve(std::size_t transactions, std::size_t events);
  void AddTransaction(const Transaction& t);
  void AddCustomer(const Customer& c);
  void AddEvent(const Event& e);
  void AddTransactions(std::span<const Transaction> rows);
  void AddCustomers(std::span<const Customer> rows);
  void AddEvents(std::span<const Event> rows);
  /// Sorts and hands over the columns; the builder is empty afterwards.
  /// `threads` (>= 1) sorts customers' rows in parallel (thread_pool.h); a failed worker
  /// (out of memory) is kInternal.
  Result<RetailColumns> Build(int threads = 1);
  /// Build for tests and benchmarks: throws std::runtime_error where Build returns an error.
  RetailColumns Finish(int threads = 1);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Loads a store's transactions, customers and events into columns.
Result<RetailColumns> LoadColumnsFromStore(Store& store, int threads = 1);

/// Builds columns from in-memory rows (tests, examples).
RetailColumns ColumnsFromRows(std::span<const Transaction> transactions, std::span<const Customer> customers,
                              std::span<const Event> events, int threads = 1);

// ---------------------------------------------------------------------------------------
// Horizons and cutoffs (SPEC.md §4)

/// H of a retail-format preset: grocery 30, general 90, apparel 120, department 180,
/// warehouse 365. kInvalidArgument for other names (the message lists the valid ones).
Result<int> HorizonForFormat(std::string_view format);

/// Parses "2011-03-01,2011-04-01" or "every:30d" / "every:4w". `every:` generates cutoffs
/// spaced by the step, anchored at the last cutoff with a complete label window
/// (T + H - 1 <= columns.last_day), going back while T >= first_day + H.
/// "every:14d:2011-06-01" is anchored at the given date instead (it must have a complete
/// label window). Result sorted, duplicates removed. kInvalidArgument names the bad token.
Result<std::vector<DayNumber>> ParseCutoffs(std::string_view text, const RetailColumns& columns, int horizon_days);

/// The one check of H, used by the feature engine, CLV and the commands: kInvalidArgument
/// unless 1 <= H <= 3650, quoting the value ("horizon_days = -5 must be within 1..3650").
Status ValidateHorizonDays(int horizon_days);

/// The data's date range as text, "2010-12-01 .. 2011-12-09" (first transaction day .. last
/// transaction or event day), or "no transactions" for empty columns.
std::string DataRangeText(const RetailColumns& columns);

/// A cutoff T reads the rows dated before T, so T on or before the first transaction day has
/// no history at all. kDataError for the first such cutoff, naming `what` (e.g. "--as-of"),
/// the cutoff and the data's range; OK for empty columns (callers report those themselves).
Status CheckCutoffsHaveHistory(const RetailColumns& columns, std::span<const DayNumber> cutoffs, std::string_view what);

/// Days from the data's last day to T when T is later than the natural scoring date, the
/// day after it (T - last_day, e.g. 83 for 2012-03-01 on data ending 2011-12-09); 0 otherwise.
/// Recency grows by that much for every customer, so such a cutoff deserves a warning.
int DaysPastDataEnd(const RetailColumns& columns, DayNumber cutoff);

// ---------------------------------------------------------------------------------------
// The engine

enum class Eligibility : std::uint8_t {
  kActive = 0,   ///< SPEC.md §4: a purchase in [T-L, T) and recency <= H (the default)
  kLookback,     ///< any purchase in [T-L, T) (scoring everyone, incl. already lapsed)
};

struct FeatureOptions {
  int horizon_days = 90;     ///< H
  int lookback_days = 365;   ///< L
  int threads = 1;           ///< worker threads (1 = inline); output does not depend on it
  Eligibility eligibility = Eligibility::kActive;
  bool segments = true;      ///< fill FeatureTable::segments
};

/// Every catalogue feature for every eligible (customer, cutoff); rows ordered by cutoff
/// then customer. kInvalidArgument for an empty cutoff list or H/L outside 1..3650.
Result<FeatureTable> BuildFeatureTable(const RetailColumns& columns, std::span<const DayNumber> cutoffs,
                                       const FeatureOptions& options);

/// The same computation restricted to the given customers (e.g. one customer for real-time
/// scoring). Feature values and labels equal those of the same rows in the full table
/// exactly. Segments need peers: they are computed against `segment_reference` (the full
/// table of the same cutoffs) when given, else among the rows returned.
Result<FeatureTable> BuildFeatureTableFor(const RetailColumns& columns, std::span<const CustomerIdx> customers,
                                          std::span<const DayNumber> cutoffs, const FeatureOptions& options,
                                          const FeatureTable* segment_reference = nullptr);

/// (Re)computes FeatureTable::segments (RFM scores and segment, value tier — by the "clv"
/// column when present, else monetary_365 —, frequency tier, lifecycle stage). Quantile
/// ranks are taken among the rows of `reference` with the same cutoff (default: `table`).
Status ComputeSegments(FeatureTable& table, const FeatureTable* reference = nullptr);

// ---------------------------------------------------------------------------------------
// Sufficient statistics for BG/NBD and Gamma-Gamma (clv/)

enum class TimeUnit : std::uint8_t { kDays = 0, kWeeks };

/// Per customer with at least one purchase before the cutoff (Fader-Hardie conventions,
/// same as lifetimes' summary_data_from_transaction_data): purchases on one day are one
/// transaction; x = distinct purchase days - 1; t_x = last - first purchase day; T = the
/// last observed day (cutoff - 1) - first purchase day; in days or weeks (days / 7).
/// mean_repeat_spend = mean over repeat days of the day's purchase amount (non-return
/// lines) times net_share, 0 when x = 0. Returns do not change x, t_x or T (a visit that was
/// later returned was still a visit); they reduce spend through net_share.
struct RfmSummary {
  CustomerIdx customer = 0;
  double x = 0;
  double t_x = 0;
  double T = 0;
  double mean_repeat_spend = 0;
  double first_day_spend = 0;  ///< the first purchase day's amount times net_share (not in mean_repeat_spend)
  /// (purchases − returns) / purchases before the cutoff, clamped to [0, 1]; 1 when the
  /// customer bought nothing with a positive amount. Returns are not matched to the purchase
  /// they undo (an export rarely says which), so every purchase day is scaled alike.
  double net_share = 1;
};

/// Summaries for every customer with a purchase dated before `cutoff`, in customer order.
/// Reads only rows with day < cutoff.
std::vector<RfmSummary> ComputeRfmSummaries(const RetailColumns& columns, DayNumber cutoff, TimeUnit unit);

}  // namespace churnwatch

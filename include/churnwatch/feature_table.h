#pragma once
/// \file feature_table.h
/// The hand-off between the feature engine and everything downstream (CLV, models,
/// explain, policy): one row per (customer, cutoff), features as contiguous columns
/// (NaN = missing), labels and segments beside them. Owned by features/; other stages only
/// read it (CLV may append feature columns, e.g. "p_alive", "clv", with AppendColumn).
/// Columns are only ever added, never renamed (scripts and models rely on names).
///
/// Row order: by cutoff ascending, then by customer id ascending (byte order).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/segments.h"
#include "churnwatch/types.h"

namespace churnwatch {

/// Churn label of one row (SPEC.md §4, exact rule in docs/features.md).
enum class ChurnLabel : std::int8_t {
  kUnknown = -1,   ///< the label window [T, T+H) is not fully observed and has no purchase
  kRetained = 0,
  kChurned = 1,
};

/// Passive churn = the customer's status says closed / moved; active = everyone else.
enum class ChurnKind : std::int8_t { kNone = 0, kActive, kPassive };
/// Days since the last purchase at the end of the label window (recency + H):
/// short <= 90, mid 91..180, long > 180. kNone when the row is not churned.
enum class ChurnSpan : std::int8_t { kNone = 0, kShort, kMid, kLong };

std::string_view ChurnLabelName(ChurnLabel l);  ///< "unknown", "retained", "churned"
std::string_view ChurnKindName(ChurnKind k);    ///< "", "active", "passive"
std::string_view ChurnSpanName(ChurnSpan s);    ///< "", "short", "mid", "long"

struct FeatureTable {
  // --- rows ---
  std::vector<std::string> customer_ids;  ///< the retailer's customer id, one per row
  std::vector<DayNumber> cutoffs;         ///< the cutoff T of each row
  std::vector<ChurnLabel> labels;         ///< one per row
  int horizon_days = 90;                  ///< H used for eligibility and labels
  int lookback_days = 365;                ///< L used for eligibility

  // --- label details, one per row ---
  std::vector<ChurnKind> churn_kinds;
  std::vector<ChurnSpan> churn_spans;
  /// Days from T to the first purchase on or after T (0 = bought on day T); NaN when no
  /// later purchase is in the data. With `observed_days` this is the survival target.
  std::vector<double> days_to_next_purchase;
  /// Days of data observed from T on (last data day - T + 1, at least 0).
  std::vector<double> observed_days;

  // --- segments, one per row (filled by ComputeSegments) ---
  std::vector<SegmentRow> segments;

  // --- features: columns[f][row], names[f] ---
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;

  std::size_t num_rows() const { return customer_ids.size(); }
  std::size_t num_features() const { return names.size(); }
  /// Index of a feature by name, or nullopt.
  std::optional<std::size_t> FeatureIndex(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return i;
    return std::nullopt;
  }
  /// Values of a feature column by name; empty span if absent.
  std::span<const double> Column(std::string_view name) const {
    auto i = FeatureIndex(name);
    return i ? std::span<const double>(columns[*i]) : std::span<const double>();
  }
  /// Appends (or replaces, if the name exists) a feature column; `values` must have
  /// num_rows() entries.
  void AppendColumn(std::string name, std::vector<double> values) {
    if (auto i = FeatureIndex(name)) {
      columns[*i] = std::move(values);
      return;
    }
    names.push_back(std::move(name));
    columns.push_back(std::move(values));
  }
};

}  // namespace churnwatch

#pragma once
/// \file feature_table.h
/// The hand-off between the feature engine and everything downstream (CLV, models,
/// explain, policy): one row per (customer, cutoff), features as contiguous columns
/// (NaN = missing), labels and segments beside them. Owned by features/; other stages only
/// read it. Columns are only ever added, never renamed (scripts and models rely on names).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/types.h"

namespace churnwatch {

/// Churn label of one row (SPEC.md §4).
enum class ChurnLabel : std::int8_t {
  kUnknown = -1,   ///< the label window (T, T+H] is not fully observed yet
  kRetained = 0,
  kChurned = 1,
};

struct FeatureTable {
  // --- rows ---
  std::vector<std::string> customer_ids;  ///< the retailer's customer id, one per row
  std::vector<DayNumber> cutoffs;         ///< the cutoff T of each row
  std::vector<ChurnLabel> labels;         ///< one per row
  int horizon_days = 90;                  ///< H used for eligibility and labels

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
};

}  // namespace churnwatch

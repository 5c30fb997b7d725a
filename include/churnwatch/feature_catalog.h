#pragma once
/// \file feature_catalog.h
/// The feature catalogue: every feature the engine computes, with its group (SPEC.md §5),
/// unit, one-line definition and the SPEC.md §8 reason category it speaks to. Names are
/// stable (models, rules and scripts refer to them) and docs/features.md lists the same
/// catalogue (a test checks that every name appears there).

#include <span>
#include <string_view>

#include "churnwatch/scored_customer.h"

namespace churnwatch {

enum class FeatureGroup : std::uint8_t { kBehaviour = 0, kValue, kEmotion };
std::string_view FeatureGroupName(FeatureGroup g);  ///< "behaviour", "value", "emotion"
/// Reason key of SPEC.md §14: "price", "experience", "competition", "need_shift",
/// "disengagement", "value_decline".
std::string_view ReasonCategoryKey(ReasonCategory c);

struct FeatureSpec {
  std::string_view name;        ///< e.g. "recency_days"
  FeatureGroup group;
  std::string_view unit;        ///< e.g. "days", "orders", "currency", "ratio", "share"
  ReasonCategory reason;        ///< the §8 category a contribution of this feature counts toward
  std::string_view definition;  ///< one line, exact (windows are [T-W, T) in days)
};

/// All features in the engine's column order (FeatureTable::names matches it).
std::span<const FeatureSpec> FeatureCatalogue();

/// The spec of a feature by name, or nullptr.
const FeatureSpec* FindFeature(std::string_view name);

}  // namespace churnwatch

#pragma once
// Which values of a feature point toward churn in the sense of its reason category
// (docs/models.md "Reasons"), resolved once against a table's columns so the per-row test
// is a few comparisons. Internal to explain/; the public entry is PointsTowardChurn
// (include/churnwatch/explain.h).

#include <span>
#include <string_view>
#include <vector>

#include "churnwatch/feature_table.h"

namespace churnwatch::explain_internal {

/// Side of the bound that points toward churn.
enum class Side : std::uint8_t {
  kAbove,     ///< tested value > bound
  kBelow,     ///< tested value < bound
  kAwayFrom,  ///< |tested value| >= bound (a shift either way, e.g. channel switching)
  kNever,     ///< the feature alone cannot show the category (no prior period to compare)
};

/// One row of the direction table. A feature's rows form one or more alternatives, each a
/// run of rows that must all hold (average order value fell *and* spend fell); a row with
/// `otherwise` starts the next alternative, used only when the one before read a missing
/// value (recency is judged against the usual interval when there is one, else against a
/// fixed level). An alternative that holds or fails on known values decides.
struct DirectionRule {
  std::string_view feature;   ///< the feature named as a reason
  std::string_view tested;    ///< the value tested: the feature itself or the one its sentence compares
  Side side;
  double level;               ///< the bound, or a multiple of `baseline` when that is set
  std::string_view baseline;  ///< the bound is level × this feature's value when non-empty
  bool otherwise = false;     ///< starts an alternative for when the previous one is unknown
};

/// The whole table, in catalogue order.
std::span<const DirectionRule> DirectionTable();

/// The table's rules bound to one table's columns for a list of features.
class DirectionCheck {
 public:
  DirectionCheck(const FeatureTable& table, std::span<const std::string> features);
  /// Whether row `row`'s value of features[f] may be given as a reason: the value is finite
  /// and, for a feature of the table, the first applicable rule holds. A feature with no
  /// rule (outside the catalogue) passes when its value is finite.
  bool PointsTowardChurn(std::size_t f, std::size_t row) const;

 private:
  struct Bound {
    std::span<const double> tested;
    std::span<const double> baseline;  // empty: the level alone
    Side side;
    double level;
    bool known;      // false when the table lacks a column the rule reads: the rule never applies
    bool otherwise;  // starts a new alternative
  };
  struct Feature {
    std::span<const double> values;
    std::vector<Bound> rules;
    bool catalogued = false;
  };
  std::vector<Feature> features_;
};

}  // namespace churnwatch::explain_internal

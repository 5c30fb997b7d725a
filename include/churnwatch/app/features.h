#pragma once
/// \file features.h
/// The features use case (`churnwatch features`): point-in-time features, churn labels and
/// segments at one or many cutoffs, to CSV and/or a store table.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "churnwatch/app/common.h"
#include "churnwatch/features.h"
#include "churnwatch/status.h"

namespace churnwatch::app {

struct FeaturesRequest {
  std::string db_url;
  /// Exactly one of the two: one cutoff, or a cutoff list in ParseCutoffs' grammar
  /// ("2011-03-01,2011-04-01", "every:30d"), which is resolved against the data.
  std::optional<DayNumber> as_of;
  std::string cutoffs;
  /// H: `horizon_days` or the retail format's preset (HorizonForFormat), not both;
  /// neither is the "general" format.
  std::optional<int> horizon_days;
  std::string format;
  int lookback_days = 365;
  int threads = 2;
  Eligibility eligibility = Eligibility::kActive;
  std::string out;          ///< CSV path, or empty
  std::string store_table;  ///< result table name, or empty
  Notify warn;              ///< a cutoff past the data's end
};

/// Eligible rows at one cutoff and their labels (unknown = label window not observed).
struct CutoffCounts {
  DayNumber cutoff = 0;
  std::size_t eligible = 0, churned = 0, retained = 0;
  std::size_t known() const { return churned + retained; }
};

struct FeaturesOutcome {
  std::size_t customers = 0, rows = 0, features = 0;
  int horizon_days = 0, lookback_days = 0;
  std::vector<CutoffCounts> cutoffs;
  std::size_t transactions = 0, events = 0;
  double load_seconds = 0, feature_seconds = 0;
  std::string out, store_table;
  nlohmann::json ToJson() const;
};

Result<FeaturesOutcome> Features(const FeaturesRequest& request);

/// The feature catalogue as the --json object {count, features: [{name, group, unit,
/// reason, definition}]}.
nlohmann::json FeatureCatalogueJson();

}  // namespace churnwatch::app

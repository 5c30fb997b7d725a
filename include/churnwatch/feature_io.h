#pragma once
/// \file feature_io.h
/// A FeatureTable out of the engine: as CSV (`churnwatch features --out`) and as a store
/// result table (`--store-table`). Both carry the same columns in the same order:
/// customer_id, cutoff, label, churn_kind, churn_span, days_to_next_purchase,
/// observed_days, r_score, f_score, m_score, segment, value_tier, frequency_tier,
/// lifecycle_stage, then every feature. Missing numbers are empty in CSV, NaN in the store.

#include <ostream>
#include <string>

#include "churnwatch/feature_table.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch {

/// Writes the table as CSV with a header line; numbers with up to 17 significant digits
/// (round-trip exact). kIOError names the path when it cannot be written.
Status WriteFeatureCsv(const FeatureTable& table, const std::string& path);
void WriteFeatureCsv(const FeatureTable& table, std::ostream& out);

/// The table as a store result table (labels and segments as text columns).
ResultTable FeatureTableToResult(const FeatureTable& table);

}  // namespace churnwatch

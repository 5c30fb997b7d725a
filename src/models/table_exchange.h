#pragma once
// Feature tables exchanged between the members of a distributed training (churn_pipeline.h,
// TrainOnSnapshotsAcross).

#include <cstdint>
#include <span>
#include <vector>

#include "churnwatch/collective.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/types.h"

namespace churnwatch::models_internal {

/// Every member's `mine` (same feature names, rows at `cutoffs` only) joined into one
/// table on every member, rows in the order one process would have built them: by the
/// cutoff's position in `cutoffs`, then by customer id in byte order. Keeps the rows'
/// ids, cutoffs, labels, days to next purchase and feature values (the columns training
/// reads). `is_mine`, when given, receives 1 for the rows that came from this member.
/// kInternal when the members' feature names differ.
Result<FeatureTable> GatherTable(Collective& collective, const FeatureTable& mine, std::span<const DayNumber> cutoffs,
                                 std::vector<std::uint8_t>* is_mine);

}  // namespace churnwatch::models_internal

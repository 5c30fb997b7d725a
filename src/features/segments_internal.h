#pragma once
// ComputeSegments with the engine's worker threads (BuildFeatureTable passes its
// FeatureOptions::threads; the public ComputeSegments runs on the calling thread).
// Results do not depend on the thread count.

#include "churnwatch/feature_table.h"
#include "churnwatch/status.h"

namespace churnwatch::features_internal {

Status ComputeSegments(FeatureTable& table, const FeatureTable* reference, int threads);

}  // namespace churnwatch::features_internal

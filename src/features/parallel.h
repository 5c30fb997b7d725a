#pragma once
// The feature engine's chunking of the library's fork-join helper (common/parallel.h).

#include <cstddef>

#include "common/parallel.h"

namespace churnwatch::features_internal {

inline constexpr std::size_t kChunk = 2048;

using common_internal::ParallelForEach;

/// Calls fn(begin, end) for consecutive chunks of at most kChunk items covering [0, n).
template <typename Fn>
void ParallelFor(std::size_t n, int threads, Fn&& fn) {
  common_internal::ParallelForChunks(n, kChunk, threads, fn);
}

}  // namespace churnwatch::features_internal

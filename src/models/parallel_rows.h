#pragma once
// Row-parallel loops of the models and explain stages: the library's fork-join helper
// (common/parallel.h) over fixed blocks of rows, so results are identical serial and
// parallel.

#include <cstddef>

#include "common/parallel.h"

namespace churnwatch::models_internal {

inline constexpr std::size_t kRowBlock = 4096;

template <typename Fn>
void ParallelBlocks(std::size_t n, int threads, Fn&& fn) {
  common_internal::ParallelForChunks(n, kRowBlock, threads, fn);
}

}  // namespace churnwatch::models_internal

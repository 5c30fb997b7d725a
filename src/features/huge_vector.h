#pragma once
// Large columns are touched for the first time right after allocation; on virtual machines
// each 4 KiB page fault is expensive, so big columns ask for transparent huge pages before
// the first touch (a hint: where THP is off this is a plain resize).

#include <cstdint>
#include <vector>

#include "churnwatch/platform.h"

namespace churnwatch::features_internal {

inline constexpr std::size_t kHugePage = kHugePageBytes;

/// Reserves room for n elements in an empty vector, advising huge pages before first touch.
template <typename T>
void ReserveHuge(std::vector<T>& v, std::size_t n) {
  if (n * sizeof(T) < 4 * kHugePage || v.capacity() >= n) {
    v.reserve(n);
    return;
  }
  std::vector<T>().swap(v);
  v.reserve(n);
  AdviseHugePages(v.data(), n * sizeof(T));
}

/// Resizes an empty vector to n value-initialised elements, advising huge pages first.
template <typename T>
void ResizeHuge(std::vector<T>& v, std::size_t n) {
  ReserveHuge(v, n);
  v.resize(n);
}

}  // namespace churnwatch::features_internal

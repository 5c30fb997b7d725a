#pragma once
// Large columns are touched for the first time right after allocation; on virtual machines
// each 4 KiB page fault is expensive, so big columns ask for transparent huge pages before
// the first touch (a hint: where THP is off this is a plain resize).

#include <sys/mman.h>

#include <cstdint>
#include <vector>

namespace churnwatch::features_internal {

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

/// Reserves room for n elements in an empty vector, advising huge pages before first touch.
template <typename T>
void ReserveHuge(std::vector<T>& v, std::size_t n) {
  if (n * sizeof(T) < 4 * kHugePage || v.capacity() >= n) {
    v.reserve(n);
    return;
  }
  std::vector<T>().swap(v);
  v.reserve(n);
  const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
  const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (begin + n * sizeof(T)) & ~(kHugePage - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

/// Resizes an empty vector to n value-initialised elements, advising huge pages first.
template <typename T>
void ResizeHuge(std::vector<T>& v, std::size_t n) {
  ReserveHuge(v, n);
  v.resize(n);
}

}  // namespace churnwatch::features_internal

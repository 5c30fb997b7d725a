#pragma once
// Row-parallel loops of the models and explain stages: [0, n) is cut into fixed blocks
// handed to `threads` workers (inline when 1 or when there is a single block). Block
// boundaries do not depend on the thread count, so results are identical serial and
// parallel. The callback must not throw.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace churnwatch::models_internal {

inline constexpr std::size_t kRowBlock = 4096;

template <typename Fn>
void ParallelBlocks(std::size_t n, int threads, Fn&& fn) {
  const std::size_t blocks = (n + kRowBlock - 1) / kRowBlock;
  if (threads <= 1 || blocks <= 1) {
    if (n > 0) fn(std::size_t{0}, n);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t b = next++; b < blocks; b = next++) fn(b * kRowBlock, std::min(n, (b + 1) * kRowBlock));
  };
  std::vector<std::thread> pool;
  const auto n_threads = static_cast<std::size_t>(std::min<std::size_t>(static_cast<std::size_t>(threads), blocks));
  for (std::size_t t = 1; t < n_threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace churnwatch::models_internal

#pragma once
// The engine's one thread pool shape (STYLE.md §21): split [0, n) into fixed chunks, hand
// them to `threads` workers (inline when 1), rethrow the first worker exception on the
// calling thread. Chunk boundaries do not depend on the thread count, so work that writes
// per-chunk results is identical serial and parallel.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace churnwatch::features_internal {

inline constexpr std::size_t kChunk = 2048;

/// Calls fn(begin, end) for consecutive chunks of at most kChunk items covering [0, n).
template <typename Fn>
void ParallelFor(std::size_t n, int threads, Fn&& fn) {
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  auto run_chunk = [&](std::size_t k) { fn(k * kChunk, std::min(n, (k + 1) * kChunk)); };
  if (threads <= 1 || chunks <= 1) {
    for (std::size_t k = 0; k < chunks; ++k) run_chunk(k);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    try {
      for (std::size_t k = next++; k < chunks; k = next++) run_chunk(k);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = chunks;  // stop the others early
    }
  };
  std::vector<std::thread> pool;
  const int n_threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), chunks));
  for (int t = 0; t < n_threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace churnwatch::features_internal

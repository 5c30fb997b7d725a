#pragma once
// The library's one fork-join shape (STYLE.md §21): split [0, n) into fixed chunks, hand
// them to `threads` workers (inline when 1), rethrow the first worker exception on the
// calling thread. Chunk boundaries do not depend on the thread count, so work that writes
// per-chunk results is identical serial and parallel. (The clv stage's TaskPool is the
// other shape: persistent helpers for many short rounds of an optimiser.)

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace churnwatch::common_internal {

/// Calls fn(j) for each j in [0, n), items handed out one at a time to `threads` workers,
/// the calling thread being one of them.
template <typename Fn>
void ParallelForEach(std::size_t n, int threads, Fn&& fn) {
  if (threads <= 1 || n <= 1) {
    for (std::size_t j = 0; j < n; ++j) fn(j);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    try {
      for (std::size_t j = next++; j < n; j = next++) fn(j);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = n;
    }
  };
  std::vector<std::thread> pool;
  const int n_threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), n));
  for (int t = 1; t < n_threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

/// Calls fn(begin, end) for consecutive chunks of at most `chunk` items covering [0, n).
template <typename Fn>
void ParallelForChunks(std::size_t n, std::size_t chunk, int threads, Fn&& fn) {
  const std::size_t chunks = (n + chunk - 1) / chunk;
  ParallelForEach(chunks, threads, [&](std::size_t k) { fn(k * chunk, std::min(n, (k + 1) * chunk)); });
}

}  // namespace churnwatch::common_internal

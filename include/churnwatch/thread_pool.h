#pragma once
/// \file thread_pool.h
/// The library's one threading runtime (docs/design.md, "One runtime"). Every parallel loop
/// of every stage runs through it, with the thread count its options struct names:
///
///  - `threads` counts the calling thread, which always works too; 1 runs everything
///    inline on the caller and starts no thread.
///  - Work is cut into the same tasks whatever the thread count, and each task writes only
///    its own slots, so results are identical serial and parallel.
///  - An exception thrown by a task (std::bad_alloc included) never leaves its thread: the
///    first one is captured, the tasks not yet started are skipped, and it comes back to
///    the calling thread as a Status (kInternal naming what was thrown). Nothing
///    std::terminate()s.
///
/// XGBoost keeps its own OpenMP threads inside the models stage (openmp_wait.h); they are
/// not this runtime's.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "churnwatch/status.h"

namespace churnwatch {

/// The Status of the exception being handled (call inside a catch block).
Status StatusFromCurrentException();

/// Persistent helper threads that run tasks together with the calling thread: for many
/// short rounds (one likelihood evaluation per optimiser step) and for pipelines that hand
/// work to helpers while the caller reads on (ingest's chunks). ParallelFor/Submit must be
/// called from one thread at a time.
class ThreadPool {
 public:
  /// `threads` counts the caller: ThreadPool(1) starts no helper.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(helpers_.size()) + 1; }

  /// Runs task(i) for every i in [0, n), the caller among the workers. A helper that has
  /// not claimed a task is never waited for, so on busy cores the caller simply does the
  /// work itself.
  Status ParallelFor(std::size_t n, const std::function<void(std::size_t)>& task);

  /// A background job (Submit); Wait() for its Status.
  struct Job;
  using JobHandle = std::shared_ptr<Job>;
  /// Queues `job` for a helper; with no helper it runs at once on the caller.
  JobHandle Submit(std::function<void()> job);
  /// Blocks until `job` has run; its exception, if any, as a Status.
  Status Wait(const JobHandle& job);

 private:
  void HelperLoop();
  void WorkOnRound(std::unique_lock<std::mutex>& lock);

  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  bool stopping_ = false;
  // The current ParallelFor round.
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::size_t tasks_ = 0, next_ = 0, finished_ = 0;
  Status round_status_;
  // Submitted jobs not yet claimed.
  std::vector<JobHandle> queue_;
  std::size_t queue_head_ = 0;
};

namespace thread_pool_internal {
/// Runs task(i) and turns what it throws into a Status (the injected test failure first).
Status RunTask(const std::function<void(std::size_t)>& task, std::size_t i);
}  // namespace thread_pool_internal

/// One loop on a pool of `threads` made for it (inline when 1, or when n <= 1).
template <typename Fn>
Status ParallelFor(std::size_t n, int threads, Fn&& fn) {
  const std::function<void(std::size_t)> task = [&fn](std::size_t i) { fn(i); };
  if (threads <= 1 || n <= 1) {
    for (std::size_t i = 0; i < n; ++i) CW_RETURN_IF_ERROR(thread_pool_internal::RunTask(task, i));
    return Status::OK();
  }
  ThreadPool pool(static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), n)));
  return pool.ParallelFor(n, task);
}

/// Calls fn(begin, end) for consecutive chunks of at most `chunk` items covering [0, n).
/// Chunk boundaries do not depend on the thread count.
template <typename Fn>
Status ParallelForChunks(std::size_t n, std::size_t chunk, int threads, Fn&& fn) {
  const std::size_t chunks = (n + chunk - 1) / chunk;
  return ParallelFor(chunks, threads, [&](std::size_t k) { fn(k * chunk, std::min(n, (k + 1) * chunk)); });
}

/// Test-only fault injection: while on, every task of every pool (and every inline loop)
/// throws std::runtime_error before it runs, so a test can check that each parallel path
/// of the library returns an error Status instead of crashing. Never on in production.
void SetWorkerFailureForTesting(bool on);

}  // namespace churnwatch

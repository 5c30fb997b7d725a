#pragma once
// A small fork-join helper for the clv stage. Work is always cut into the same tasks
// whatever the number of threads, and each task writes only its own result slot, so the
// callers' results (summed in task order) do not depend on how many threads ran them.

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace churnwatch::clv::internal {

/// Threads worth using: the hardware's, at most `cap`, at least 1.
inline int UsefulThreads(int cap) {
  const unsigned hw = std::thread::hardware_concurrency();
  const int n = hw == 0 ? 1 : static_cast<int>(hw);
  return n < cap ? (n < 1 ? 1 : n) : cap;
}

/// Persistent helper threads that run tasks 0..n-1 of a function together with the calling
/// thread. Meant for many short rounds, such as one likelihood evaluation per optimiser
/// step: the helpers sleep between rounds instead of being created each time. The caller
/// never waits for a helper that has not claimed a task, so on a busy machine, where a
/// helper may not get a core for milliseconds, the caller simply does the work itself.
/// Run() must be called from one thread at a time; an exception thrown by a task is
/// rethrown by Run() after the claimed tasks have finished (the rest are skipped).
class TaskPool {
 public:
  /// `threads` counts the caller, so TaskPool(1) runs everything inline.
  explicit TaskPool(int threads) {
    for (int t = 1; t < threads; ++t) helpers_.emplace_back([this] { HelperLoop(); });
  }
  ~TaskPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& h : helpers_) h.join();
  }
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  int threads() const { return static_cast<int>(helpers_.size()) + 1; }

  void Run(std::size_t tasks, const std::function<void(std::size_t)>& task) {
    if (helpers_.empty() || tasks <= 1) {
      for (std::size_t i = 0; i < tasks; ++i) task(i);
      return;
    }
    std::unique_lock lock(mutex_);
    task_ = &task;
    tasks_ = tasks;
    next_ = 0;
    finished_ = 0;
    error_ = nullptr;
    lock.unlock();
    wake_.notify_all();
    lock.lock();
    Work(lock);
    done_.wait(lock, [&] { return finished_ == tasks_; });
    task_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  // Claims and runs tasks until none is left; called and returns with `lock` held.
  void Work(std::unique_lock<std::mutex>& lock) {
    while (task_ != nullptr && next_ < tasks_) {
      const std::size_t i = next_++;
      const auto* task = task_;
      lock.unlock();
      std::exception_ptr error;
      try {
        (*task)(i);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      if (error) {
        if (!error_) error_ = error;
        finished_ += tasks_ - next_;  // skip what is left
        next_ = tasks_;
      }
      if (++finished_ == tasks_) done_.notify_one();
    }
  }
  void HelperLoop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || (task_ != nullptr && next_ < tasks_); });
      if (stopping_) return;
      Work(lock);
    }
  }

  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  bool stopping_ = false;
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::size_t tasks_ = 0, next_ = 0, finished_ = 0;
  std::exception_ptr error_;
};

}  // namespace churnwatch::clv::internal

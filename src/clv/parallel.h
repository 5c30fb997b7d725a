#pragma once
// A small fork-join helper for the clv stage. Work is always cut into the same tasks
// whatever the number of threads, and each task writes only its own result slot, so the
// callers' results (summed in task order) do not depend on how many threads ran them.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

namespace churnwatch::clv::internal {

/// Threads worth using: the hardware's, at most `cap`, at least 1.
inline int UsefulThreads(int cap) {
  const unsigned hw = std::thread::hardware_concurrency();
  const int n = hw == 0 ? 1 : static_cast<int>(hw);
  return n < cap ? (n < 1 ? 1 : n) : cap;
}

/// Persistent helper threads that run tasks 0..n-1 of a function together with the calling
/// thread (tasks are taken in order from a shared counter). Meant for many short rounds,
/// such as one likelihood evaluation per optimiser step: the helpers sleep on a semaphore
/// between rounds instead of being created each time. Run() is not reentrant and must be
/// called from one thread at a time; an exception thrown by a task is rethrown by Run()
/// after every task has finished or been skipped.
class TaskPool {
 public:
  /// `threads` counts the caller, so TaskPool(1) runs everything inline.
  explicit TaskPool(int threads) {
    for (int t = 1; t < threads; ++t) helpers_.emplace_back([this] { HelperLoop(); });
  }
  ~TaskPool() {
    stopping_ = true;
    for (std::size_t t = 0; t < helpers_.size(); ++t) start_.release();
    for (auto& h : helpers_) h.join();
  }
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  int threads() const { return static_cast<int>(helpers_.size()) + 1; }

  void Run(std::size_t tasks, const std::function<void(std::size_t)>& task) {
    task_ = &task;
    tasks_ = tasks;
    next_.store(0);
    error_ = nullptr;
    const std::size_t wake = std::min(helpers_.size(), tasks > 0 ? tasks - 1 : 0);
    for (std::size_t t = 0; t < wake; ++t) start_.release();
    Work();
    for (std::size_t t = 0; t < wake; ++t) done_.acquire();
    task_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void Work() {
    for (std::size_t i = next_.fetch_add(1); i < tasks_; i = next_.fetch_add(1)) {
      try {
        (*task_)(i);
      } catch (...) {
        std::lock_guard lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
        next_.store(tasks_);  // skip what is left
      }
    }
  }
  void HelperLoop() {
    for (;;) {
      start_.acquire();
      if (stopping_) return;
      Work();
      done_.release();
    }
  }

  std::vector<std::thread> helpers_;
  std::counting_semaphore<> start_{0}, done_{0};
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopping_{false};
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::size_t tasks_ = 0;
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

}  // namespace churnwatch::clv::internal

// The threading runtime (thread_pool.h). Modelled on the fork-join loops of XGBoost's
// threading_utils.h / OMPException: exceptions are caught in the worker and re-raised on
// the caller — here as a Status, since errors are values in this library.
#include "churnwatch/thread_pool.h"

#include <atomic>
#include <new>
#include <stdexcept>
#include <utility>

namespace churnwatch {
namespace {

std::atomic<bool> g_fail_workers{false};

}  // namespace

struct ThreadPool::Job {
  std::function<void()> run;
  bool done = false;
  Status status;
};

void SetWorkerFailureForTesting(bool on) { g_fail_workers.store(on); }

Status StatusFromCurrentException() {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return Status::Internal("out of memory in a worker thread (std::bad_alloc)");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("a worker thread failed: ") + e.what());
  } catch (...) {
    return Status::Internal("a worker thread failed with an unknown exception");
  }
}

namespace thread_pool_internal {

Status RunTask(const std::function<void(std::size_t)>& task, std::size_t i) {
  try {
    if (g_fail_workers.load(std::memory_order_relaxed))
      throw std::runtime_error("injected by SetWorkerFailureForTesting");
    task(i);
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace thread_pool_internal

ThreadPool::ThreadPool(int threads) {
  for (int t = 1; t < threads; ++t) helpers_.emplace_back([this] { HelperLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& h : helpers_) h.join();
}

Status ThreadPool::ParallelFor(std::size_t n, const std::function<void(std::size_t)>& task) {
  if (helpers_.empty() || n <= 1) {
    for (std::size_t i = 0; i < n; ++i) CW_RETURN_IF_ERROR(thread_pool_internal::RunTask(task, i));
    return Status::OK();
  }
  std::unique_lock lock(mutex_);
  task_ = &task;
  tasks_ = n;
  next_ = 0;
  finished_ = 0;
  round_status_ = Status::OK();
  lock.unlock();
  wake_.notify_all();
  lock.lock();
  WorkOnRound(lock);
  done_.wait(lock, [&] { return finished_ == tasks_; });
  task_ = nullptr;
  return std::exchange(round_status_, Status::OK());
}

// Claims and runs tasks of the current round until none is left; called and returns with
// `lock` held.
void ThreadPool::WorkOnRound(std::unique_lock<std::mutex>& lock) {
  while (task_ != nullptr && next_ < tasks_) {
    const std::size_t i = next_++;
    const auto* task = task_;
    lock.unlock();
    Status status = thread_pool_internal::RunTask(*task, i);
    lock.lock();
    if (!status.ok()) {
      if (round_status_.ok()) round_status_ = std::move(status);
      finished_ += tasks_ - next_;  // skip what is left
      next_ = tasks_;
    }
    if (++finished_ == tasks_) done_.notify_all();
  }
}

void ThreadPool::HelperLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] {
      return stopping_ || (task_ != nullptr && next_ < tasks_) || queue_head_ < queue_.size();
    });
    if (task_ != nullptr && next_ < tasks_) {
      WorkOnRound(lock);
      continue;
    }
    if (queue_head_ < queue_.size()) {
      JobHandle job = std::move(queue_[queue_head_++]);
      if (queue_head_ == queue_.size()) {
        queue_.clear();
        queue_head_ = 0;
      }
      lock.unlock();
      Status status = thread_pool_internal::RunTask([&job](std::size_t) { job->run(); }, 0);
      lock.lock();
      job->status = std::move(status);
      job->done = true;
      done_.notify_all();
      continue;
    }
    if (stopping_) return;
  }
}

ThreadPool::JobHandle ThreadPool::Submit(std::function<void()> run) {
  auto job = std::make_shared<Job>();
  job->run = std::move(run);
  if (helpers_.empty()) {
    job->status = thread_pool_internal::RunTask([&job](std::size_t) { job->run(); }, 0);
    job->done = true;
    return job;
  }
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(job);
  }
  wake_.notify_one();
  return job;
}

Status ThreadPool::Wait(const JobHandle& job) {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return job->done; });
  return job->status;
}

}  // namespace churnwatch

// The threading runtime (include/churnwatch/thread_pool.h): inline when 1, every task run
// once whatever the thread count, and a worker's exception returned as a Status on the
// calling thread — never a crash.
#include "churnwatch/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

namespace churnwatch {
namespace {

TEST(ThreadPool, OneThreadRunsInlineInOrderOnTheCaller) {
  std::vector<std::size_t> order;
  const auto caller = std::this_thread::get_id();
  bool elsewhere = false;
  ASSERT_TRUE(ParallelFor(5, 1, [&](std::size_t i) {
                order.push_back(i);
                elsewhere |= std::this_thread::get_id() != caller;
              }).ok());
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(elsewhere);
  ThreadPool pool(1);
  EXPECT_EQ(pool.threads(), 1);
}

TEST(ThreadPool, EveryTaskRunsOnceForAnyThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    std::vector<std::atomic<int>> runs(1000);
    ASSERT_TRUE(ParallelFor(runs.size(), threads, [&](std::size_t i) { ++runs[i]; }).ok());
    for (const auto& r : runs) ASSERT_EQ(r.load(), 1) << threads << " threads";
    // Chunks cover [0, n) exactly, with boundaries that do not depend on the threads.
    std::vector<int> covered(1001, 0);
    ASSERT_TRUE(ParallelForChunks(1001, 64, threads, [&](std::size_t b, std::size_t e) {
                  EXPECT_EQ(b % 64, 0u);
                  for (std::size_t i = b; i < e; ++i) ++covered[i];
                }).ok());
    for (int c : covered) ASSERT_EQ(c, 1);
  }
}

TEST(ThreadPool, AThrowingWorkerIsAnInternalStatusAndTheRestIsSkipped) {
  for (int threads : {1, 2, 4}) {
    std::atomic<int> ran{0};
    const Status s = ParallelFor(10000, threads, [&](std::size_t i) {
      ++ran;
      if (i == 3) throw std::runtime_error("boom at 3");
    });
    ASSERT_FALSE(s.ok()) << threads;
    EXPECT_EQ(s.code(), StatusCode::kInternal);
    EXPECT_NE(s.message().find("boom at 3"), std::string::npos) << s.message();
    EXPECT_LT(ran.load(), 10000) << "tasks after the failure are skipped";
  }
  const Status oom = ParallelFor(4, 2, [](std::size_t) { throw std::bad_alloc(); });
  EXPECT_EQ(oom.code(), StatusCode::kInternal);
  EXPECT_NE(oom.message().find("out of memory"), std::string::npos) << oom.message();
}

TEST(ThreadPool, APersistentPoolRunsManyRoundsAndRecoversAfterAFailure) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.threads(), 3);
  std::atomic<long> sum{0};
  for (int round = 0; round < 200; ++round)
    ASSERT_TRUE(pool.ParallelFor(16, [&](std::size_t i) { sum += static_cast<long>(i); }).ok());
  EXPECT_EQ(sum.load(), 200L * 120);
  EXPECT_FALSE(pool.ParallelFor(16, [](std::size_t i) { if (i == 7) throw std::logic_error("x"); }).ok());
  EXPECT_TRUE(pool.ParallelFor(16, [](std::size_t) {}).ok());
}

TEST(ThreadPool, SubmittedJobsReturnTheirStatusOnWait) {
  for (int threads : {1, 3}) {
    ThreadPool pool(threads);
    int value = 0;
    auto good = pool.Submit([&] { value = 42; });
    auto bad = pool.Submit([] { throw std::runtime_error("job failed"); });
    EXPECT_TRUE(pool.Wait(good).ok());
    EXPECT_EQ(value, 42);
    const Status s = pool.Wait(bad);
    EXPECT_EQ(s.code(), StatusCode::kInternal);
    EXPECT_NE(s.message().find("job failed"), std::string::npos);
  }
}

TEST(ThreadPool, TheTestHookFailsEveryTask) {
  SetWorkerFailureForTesting(true);
  const Status s = ParallelFor(3, 2, [](std::size_t) {});
  SetWorkerFailureForTesting(false);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(ParallelFor(3, 2, [](std::size_t) {}).ok());
}

}  // namespace
}  // namespace churnwatch

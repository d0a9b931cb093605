#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace camroll {
namespace {

TEST(ThreadPool, RunsEveryTaskBeforeWaitReturns) {
  ThreadPool pool(2);
  std::atomic<int> sum{0};
  for (int i = 1; i <= 1000; ++i) pool.Submit([&sum, i] { sum += i; });
  pool.Wait();
  EXPECT_EQ(sum.load(), 500500);
}

TEST(BlockingQueue, DrainsAfterClose) {
  BlockingQueue<int> q;
  q.Push(1);
  q.Push(2);
  q.Close();
  EXPECT_EQ(q.Pop(), 1);
  EXPECT_EQ(q.Pop(), 2);
  EXPECT_EQ(q.Pop(), std::nullopt);
}

}  // namespace
}  // namespace camroll

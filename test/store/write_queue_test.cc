#include "store/write_queue.h"

#include <gtest/gtest.h>

#include <optional>
#include <thread>
#include <vector>

namespace rivulet::store {
namespace {

Store::WriteFn Noop() {
  return [](WriteTxn&) { return Status::Ok(); };
}

TEST(WriteQueueTest, HandsOutBatchesOldestFirstUpToTheMaximum) {
  WriteQueue q(10);
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) q.Push(Noop(), [&order, i](Status) { order.push_back(i); });
  EXPECT_EQ(q.size(), 5u);
  std::vector<WriteQueue::Job> batch;
  ASSERT_TRUE(q.TakeBatch(batch, 3));
  ASSERT_EQ(batch.size(), 3u);
  for (auto& job : batch) job.done(Status::Ok());
  ASSERT_TRUE(q.TakeBatch(batch, 3));
  ASSERT_EQ(batch.size(), 2u);
  for (auto& job : batch) job.done(Status::Ok());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(q.size(), 0u);
}

TEST(WriteQueueTest, AFullQueueRefusesAtOnceAndRetryably) {
  WriteQueue q(2);
  std::optional<Status> third;
  q.Push(Noop(), [](Status) {});
  q.Push(Noop(), [](Status) {});
  q.Push(Noop(), [&third](Status st) { third = st; });
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->code(), core::Code::kResourceExhausted);
  EXPECT_TRUE(third->retryable());
  EXPECT_EQ(q.size(), 2u);
}

TEST(WriteQueueTest, StopDrainsWhatIsQueuedThenRefuses) {
  WriteQueue q(10);
  q.Push(Noop(), [](Status) {});
  q.Stop();
  EXPECT_TRUE(q.stopping());
  std::optional<Status> late;
  q.Push(Noop(), [&late](Status st) { late = st; });
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->code(), core::Code::kUnavailable);
  std::vector<WriteQueue::Job> batch;
  EXPECT_TRUE(q.TakeBatch(batch, 10));
  EXPECT_EQ(batch.size(), 1u);
  EXPECT_FALSE(q.TakeBatch(batch, 10));
  EXPECT_TRUE(batch.empty());
}

TEST(WriteQueueTest, TakeBatchWaitsForAPushFromAnotherThread) {
  WriteQueue q(10);
  std::vector<WriteQueue::Job> batch;
  std::thread pusher([&q] { q.Push(Noop(), [](Status) {}); });
  EXPECT_TRUE(q.TakeBatch(batch, 10));
  EXPECT_EQ(batch.size(), 1u);
  pusher.join();
}

}  // namespace
}  // namespace rivulet::store

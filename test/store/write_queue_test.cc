#include "store/write_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
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

// Waits long enough that a test would time out if TakeBatch ever sat out the whole wait.
constexpr WriteQueue::Gather kGatherThree{3, std::chrono::hours(1)};

// Leaves q with one writer busy (it took a gathered batch and has not called BatchDone) and
// one more job queued.
void OneWriterBusyOneJobQueued(WriteQueue& q, std::vector<WriteQueue::Job>& busy) {
  q.Push(Noop(), [](Status) {});
  ASSERT_TRUE(q.TakeBatch(busy, 10, kGatherThree));
  q.Push(Noop(), [](Status) {});
}

TEST(WriteQueueTest, WithEveryWriterIdleAGatheringTakeDoesNotWait) {
  WriteQueue q(10);
  q.Push(Noop(), [](Status) {});
  std::vector<WriteQueue::Job> batch;
  ASSERT_TRUE(q.TakeBatch(batch, 10, kGatherThree));
  EXPECT_EQ(batch.size(), 1u);
}

TEST(WriteQueueTest, WhileAnotherWriterIsBusyATakeWaitsForItsGroupToFill) {
  WriteQueue q(10);
  std::vector<WriteQueue::Job> first, second;
  OneWriterBusyOneJobQueued(q, first);
  std::thread writer([&] { ASSERT_TRUE(q.TakeBatch(second, 10, kGatherThree)); });
  // Without gathering the writer would have taken the single job by now.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  q.Push(Noop(), [](Status) {});
  q.Push(Noop(), [](Status) {});
  writer.join();
  EXPECT_EQ(second.size(), 3u);
  q.BatchDone();
  q.BatchDone();
}

TEST(WriteQueueTest, AGatheringTakeEndsWhenItsWaitIsOverOrTheBusyWriterIsDone) {
  WriteQueue q(10);
  std::vector<WriteQueue::Job> busy, batch;
  OneWriterBusyOneJobQueued(q, busy);
  ASSERT_TRUE(q.TakeBatch(batch, 10, {3, std::chrono::milliseconds(20)}));
  EXPECT_EQ(batch.size(), 1u);  // what had come when the wait was over
  q.BatchDone();
  q.BatchDone();  // no writer is busy any more
  q.Push(Noop(), [](Status) {});
  ASSERT_TRUE(q.TakeBatch(batch, 10, kGatherThree));
  EXPECT_EQ(batch.size(), 1u);
}

TEST(WriteQueueTest, StopEndsAGatheringWait) {
  WriteQueue q(10);
  std::vector<WriteQueue::Job> busy, batch;
  OneWriterBusyOneJobQueued(q, busy);
  std::thread stopper([&q] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.Stop();
  });
  ASSERT_TRUE(q.TakeBatch(batch, 10, kGatherThree));  // drains what is queued
  EXPECT_EQ(batch.size(), 1u);
  stopper.join();
  EXPECT_FALSE(q.TakeBatch(batch, 10, kGatherThree));
}

TEST(WriteQueueTest, TakeWhileAppendsTheJobsThatArriveWhileTheGroupIsOpen) {
  WriteQueue q(10);
  std::vector<WriteQueue::Job> batch;
  q.Push(Noop(), [](Status) {});
  ASSERT_TRUE(q.TakeBatch(batch, 10));
  std::thread pusher([&q] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.Push(Noop(), [](Status) {});
    q.Push(Noop(), [](Status) {});
  });
  size_t added = 0;
  while (added < 2) {
    size_t n = q.TakeWhile(batch, 10, 1, [] { return true; });  // waits for the pushes
    ASSERT_GT(n, 0u);
    added += n;
  }
  pusher.join();
  EXPECT_EQ(batch.size(), 3u);  // appended to what the group already held
  EXPECT_EQ(q.size(), 0u);
}

TEST(WriteQueueTest, TakeWhileSleepsUntilEnoughJobsAreQueuedOrTheGroupMustClose) {
  WriteQueue q(10);
  std::atomic<bool> keep_open{true};
  std::atomic<size_t> taken{0};
  std::vector<WriteQueue::Job> batch;
  std::thread writer([&] { taken = q.TakeWhile(batch, 10, 3, [&] { return keep_open.load(); }); });
  q.Push(Noop(), [](Status) {});
  q.Push(Noop(), [](Status) {});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(taken, 0u);  // two of three: still asleep
  EXPECT_EQ(q.size(), 2u);
  q.Push(Noop(), [](Status) {});
  writer.join();
  EXPECT_EQ(taken, 3u);

  // Closing the group hands over what is queued, however little.
  writer = std::thread([&] { taken = q.TakeWhile(batch, 10, 3, [&] { return keep_open.load(); }); });
  q.Push(Noop(), [](Status) {});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  keep_open = false;
  q.Recheck();
  writer.join();
  EXPECT_EQ(taken, 1u);
  EXPECT_EQ(batch.size(), 4u);
}

TEST(WriteQueueTest, TakeWhileTakesNoMoreThanItsMaximum) {
  WriteQueue q(10);
  for (int i = 0; i < 4; ++i) q.Push(Noop(), [](Status) {});
  std::vector<WriteQueue::Job> batch;
  EXPECT_EQ(q.TakeWhile(batch, 3, 1, [] { return true; }), 3u);
  EXPECT_EQ(q.size(), 1u);
}

TEST(WriteQueueTest, TakeWhileEndsWhenRecheckFindsTheGroupMustClose) {
  WriteQueue q(10);
  std::atomic<bool> keep_open{true};
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    keep_open = false;
    q.Recheck();
  });
  std::vector<WriteQueue::Job> batch;
  EXPECT_EQ(q.TakeWhile(batch, 10, 1, [&] { return keep_open.load(); }), 0u);
  EXPECT_TRUE(batch.empty());
  closer.join();
}

TEST(WriteQueueTest, StopEndsTakeWhile) {
  WriteQueue q(10);
  std::thread stopper([&q] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.Stop();
  });
  std::vector<WriteQueue::Job> batch;
  EXPECT_EQ(q.TakeWhile(batch, 10, 1, [] { return true; }), 0u);
  stopper.join();
}

// Keeps what is posted to it, to be run when the test says.
struct HeldExecutor : core::Executor {
  void Post(std::function<void()> work) override { posted.push_back(std::move(work)); }
  std::vector<std::function<void()>> posted;
};

TEST(WriteQueueTest, DeliverPostsBoundDonesOncePerExecutorThenCallsTheOthers) {
  HeldExecutor a, b;
  std::vector<std::string> calls;
  auto done = [&calls](std::string name) {
    return [&calls, name](Status st) { calls.push_back(name + (st.ok() ? "" : " failed")); };
  };
  // An unbound done may be the last write a shutdown waits for: the posts come before it.
  auto unbound = [&](std::string name) {
    return [&, name](Status) {
      calls.push_back(name + (a.posted.size() == 1 && b.posted.size() == 1 ? " after the posts"
                                                                           : " too early"));
    };
  };
  std::vector<WriteQueue::Outcome> outcomes;
  outcomes.push_back({done("a1"), Status::Ok(), &a});
  outcomes.push_back({unbound("here1"), Status::Ok(), nullptr});
  outcomes.push_back({done("b1"), core::Unavailable("down"), &b});
  outcomes.push_back({done("a2"), core::Unavailable("down"), &a});
  outcomes.push_back({unbound("here2"), Status::Ok(), nullptr});
  WriteQueue::Deliver(std::move(outcomes));
  EXPECT_EQ(calls, (std::vector<std::string>{"here1 after the posts", "here2 after the posts"}));
  ASSERT_EQ(a.posted.size(), 1u);
  ASSERT_EQ(b.posted.size(), 1u);
  a.posted[0]();
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[2], "a1");
  EXPECT_EQ(calls[3], "a2 failed");
  b.posted[0]();
  ASSERT_EQ(calls.size(), 5u);
  EXPECT_EQ(calls[4], "b1 failed");
}

}  // namespace
}  // namespace rivulet::store

#include "store/write_queue.h"

#include <algorithm>

namespace rivulet::store {

void WriteQueue::Push(Store::WriteFn fn, Store::Done done, WriteHint hint) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      done(core::Unavailable("store is shutting down"));
      return;
    }
    if (jobs_.size() >= max_jobs_) {
      done(Status(core::Code::kResourceExhausted, "write queue full", /*retryable=*/true));
      return;
    }
    jobs_.push_back(Job{std::move(fn), std::move(done), std::move(hint)});
    // A gathering writer shares the condition with idle ones, which would take the wake-up.
    // It needs waking only once its group is full enough.
    if (gathering_) {
      if (jobs_.size() >= wake_at_) cv_.notify_all();
      return;
    }
  }
  cv_.notify_one();
}

void WriteQueue::Deliver(std::vector<Outcome> outcomes) {
  // A commit's outcomes go to a few executors (the HTTP server's I/O threads) at most.
  std::vector<std::pair<core::Executor*, std::vector<Outcome>>> posts;
  for (Outcome& o : outcomes) {
    if (!o.complete_on) continue;
    auto post = std::find_if(posts.begin(), posts.end(),
                             [&](const auto& p) { return p.first == o.complete_on; });
    if (post == posts.end()) post = posts.insert(posts.end(), {o.complete_on, {}});
    post->second.push_back(std::move(o));
  }
  // Posted before the others are called: one of those may be the last write a shutdown
  // waits for before it destroys the executors (app::Serve).
  for (auto& [executor, bound] : posts) {
    executor->Post([bound = std::move(bound)]() mutable {
      for (Outcome& o : bound) o.done(std::move(o.status));
    });
  }
  for (Outcome& o : outcomes) {
    if (!o.complete_on) o.done(std::move(o.status));
  }
}

bool WriteQueue::TakeBatch(std::vector<Job>& batch, size_t max, const Gather& gather) {
  batch.clear();
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return stopping_ || (!jobs_.empty() && !gathering_); });
  if (jobs_.empty()) return false;  // stopping and drained
  if (gather.jobs > 0 && jobs_.size() < gather.jobs && busy_ > 0 && !stopping_) {
    gathering_ = true;
    wake_at_ = gather.jobs;
    cv_.wait_for(lock, gather.wait, [&] { return stopping_ || jobs_.size() >= gather.jobs; });
    gathering_ = false;
  }
  MoveOldest(batch, max);
  if (gather.jobs > 0) ++busy_;
  if (!jobs_.empty()) cv_.notify_one();  // more than one batch, or writers held back above
  return true;
}

bool WriteQueue::TakeBatch(std::vector<Job>& batch, size_t max) {
  return TakeBatch(batch, max, Gather{});
}

size_t WriteQueue::TakeWhile(std::vector<Job>& batch, size_t max, size_t wake_at,
                             const std::function<bool()>& keep_open) {
  std::unique_lock lock(mu_);
  gathering_ = true;  // Push must wake this writer, not an idle one
  wake_at_ = std::max<size_t>(wake_at, 1);
  cv_.wait(lock, [&] { return stopping_ || jobs_.size() >= wake_at_ || !keep_open(); });
  gathering_ = false;
  size_t n = MoveOldest(batch, max);
  if (!jobs_.empty()) cv_.notify_one();  // writers held back while this one gathered
  return n;
}

size_t WriteQueue::MoveOldest(std::vector<Job>& batch, size_t max) {
  size_t n = std::min(jobs_.size(), max);
  for (size_t i = 0; i < n; ++i) {
    batch.push_back(std::move(jobs_.front()));
    jobs_.pop_front();
  }
  return n;
}

void WriteQueue::Recheck() {
  std::lock_guard lock(mu_);
  cv_.notify_all();
}

void WriteQueue::BatchDone() {
  std::lock_guard lock(mu_);
  if (busy_ > 0) --busy_;
}

void WriteQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

bool WriteQueue::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

size_t WriteQueue::size() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

}  // namespace rivulet::store

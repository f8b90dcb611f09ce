#ifndef RIVULET_STORE_WRITE_QUEUE_H_
#define RIVULET_STORE_WRITE_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "store/store.h"

namespace rivulet::store {

// The jobs waiting for a store's single writer thread. Any thread pushes; the writer takes
// them in batches, one group commit each. Bounded: a full queue refuses a job at once
// (retryable kResourceExhausted) so that latency cannot grow without limit.
class WriteQueue {
 public:
  struct Job {
    Store::WriteFn fn;
    Store::Done done;
    WriteHint hint;
  };

  explicit WriteQueue(size_t max_jobs) : max_jobs_(max_jobs) {}

  // Queues the job, or calls done at once with why not (stopping, full).
  void Push(Store::WriteFn fn, Store::Done done, WriteHint hint = {});
  // Blocks until jobs are queued, then moves up to max of them, oldest first, into batch
  // (cleared first). False once stopped and drained.
  bool TakeBatch(std::vector<Job>& batch, size_t max);
  // Refuses new jobs; TakeBatch hands out those already queued, then returns false.
  void Stop();
  bool stopping() const;
  size_t size() const;

 private:
  const size_t max_jobs_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
};

}  // namespace rivulet::store

#endif  // RIVULET_STORE_WRITE_QUEUE_H_

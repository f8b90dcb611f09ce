#ifndef RIVULET_STORE_WRITE_QUEUE_H_
#define RIVULET_STORE_WRITE_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "store/store.h"

namespace rivulet::store {

// The jobs waiting for a store's writer threads. Any thread pushes; a writer takes them in
// batches, one group commit each. Bounded: a full queue refuses a job at once
// (retryable kResourceExhausted) so that latency cannot grow without limit.
class WriteQueue {
 public:
  struct Job {
    Store::WriteFn fn;
    Store::Done done;
    WriteHint hint;
  };
  // A job's result on its way to its `done`.
  struct Outcome {
    Store::Done done;
    Status status;
    core::Executor* complete_on = nullptr;  // the job's hint.complete_on
  };
  // The job's outcome: its done (moved out of the job) with status, bound where it asked.
  static Outcome OutcomeOf(Job& job, Status status) {
    return {std::move(job.done), std::move(status), job.hint.complete_on};
  }

  // How several writers taking from one queue let a group fill up. A writer that wakes to
  // fewer than `jobs` queued while another writer is busy with a group commit waits up to
  // `wait` for more. Without this, the first job of a wave of new ones is taken alone,
  // costs a whole group commit (round trips, a WAL flush) and the rest wait behind it. With
  // every writer idle the jobs are taken at once: light load gets no added latency.
  struct Gather {
    size_t jobs = 0;  // 0: never wait
    std::chrono::microseconds wait{0};
  };

  explicit WriteQueue(size_t max_jobs) : max_jobs_(max_jobs) {}

  // Queues the job, or calls done at once with why not (stopping, full).
  void Push(Store::WriteFn fn, Store::Done done, WriteHint hint = {});
  // Blocks until jobs are queued, then moves up to max of them, oldest first, into batch
  // (cleared first). False once stopped and drained. With a Gather, the caller counts as
  // busy until its BatchDone.
  bool TakeBatch(std::vector<Job>& batch, size_t max, const Gather& gather);
  bool TakeBatch(std::vector<Job>& batch, size_t max);  // never waits for more
  // For a writer whose group is still open: waits while keep_open() holds and fewer than
  // wake_at jobs are queued (so that it is not woken for every job), then appends up to max
  // queued jobs to batch. Returns how many it appended: 0 once keep_open() is false (or the
  // queue is stopping) with nothing queued. keep_open is checked under the queue's lock;
  // whoever makes it false calls Recheck().
  size_t TakeWhile(std::vector<Job>& batch, size_t max, size_t wake_at,
                   const std::function<bool()>& keep_open);
  // Wakes a TakeWhile to check its keep_open again.
  void Recheck();
  // The group commit of a batch taken with a Gather has ended.
  void BatchDone();
  // Calls each outcome's done with its status: those bound to an executor (complete_on) in
  // one post per executor, which runs them in order; then the others at once, in order.
  static void Deliver(std::vector<Outcome> outcomes);
  // Refuses new jobs; TakeBatch hands out those already queued, then returns false.
  void Stop();
  bool stopping() const;
  size_t size() const;

 private:
  // Appends up to max of the oldest queued jobs to batch; returns how many. Holds mu_.
  size_t MoveOldest(std::vector<Job>& batch, size_t max);

  const size_t max_jobs_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  size_t busy_ = 0;         // writers between a gathered TakeBatch and its BatchDone
  bool gathering_ = false;  // a writer waits for its group to fill; the others stay back
  size_t wake_at_ = 0;      // while gathering: the queue length that wakes that writer
};

}  // namespace rivulet::store

#endif  // RIVULET_STORE_WRITE_QUEUE_H_

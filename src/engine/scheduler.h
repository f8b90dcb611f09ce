#ifndef RIVULET_ENGINE_SCHEDULER_H_
#define RIVULET_ENGINE_SCHEDULER_H_

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "core/clock.h"
#include "engine/journeys.h"
#include "store/store.h"

namespace rivulet::engine {

struct SchedulerOptions {
  int batch = 512;                // tokens advanced per transaction, at first
  int max_batch = 8192;           // doubled up to this while a backlog is due (fewer fsyncs)
  core::Millis max_sleep = 1000;  // safety-net poll, for work other processes make due
  uint64_t lanes = 0;             // batches in flight at once; 0: the store's writer count
};

// Durable timers: runs tokens when their wake-up time comes. The due index lives in the
// database; the scheduler keeps only the next due time in memory, sleeps until then (or
// until told of an earlier one), and advances due tokens in batches, one transaction each,
// with as many batches in flight as the store has writers.
class Scheduler {
 public:
  Scheduler(store::Store& store, Journeys& journeys, const core::Clock& clock,
            const EngineHooks* hooks, SchedulerOptions options = {})
      : store_(store), journeys_(journeys), clock_(clock), hooks_(hooks), options_(options) {}
  ~Scheduler() { Stop(); }

  void Start();
  void Stop();  // finishes the batch in progress

  // Some token is due at `at`; wakes the loop if that is earlier than it planned. Thread-safe.
  void Wake(core::Millis at);

  // Advances every token due now, in batches; returns how many were claimed. For tests
  // with a simulated clock, and used by the loop.
  Result<int> RunDueNow();

  uint64_t transitions() const { return transitions_; }
  core::Millis last_lateness() const { return last_lateness_; }

 private:
  void Loop();

  store::Store& store_;
  Journeys& journeys_;
  const core::Clock& clock_;
  const EngineHooks* hooks_;
  SchedulerOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::optional<core::Millis> wake_hint_;
  std::thread thread_;
  std::atomic<uint64_t> transitions_{0};
  std::atomic<core::Millis> last_lateness_{0};
};

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_SCHEDULER_H_

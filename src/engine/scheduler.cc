#include "engine/scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>

#include "core/thread_name.h"

namespace rivulet::engine {

void Scheduler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Wake(core::Millis at) {
  {
    std::lock_guard lock(mu_);
    if (wake_hint_ && *wake_hint_ <= at) return;
    wake_hint_ = at;
  }
  cv_.notify_one();
}

Result<int> Scheduler::RunDueNow() {
  // One transaction per batch. A store with several writer connections (PostgreSQL) runs
  // that many at once: while one batch commits, the next is claimed (its claim skips rows
  // the others have locked) and advanced, so client and database work overlap.
  const uint64_t lanes =
      std::max<uint64_t>(1, options_.lanes ? options_.lanes : store_.Stats().writers);
  struct Finished {
    Status status;
    int batch = 0;
    int claimed = 0;
    std::shared_ptr<Effects> effects;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Finished> finished;

  auto launch = [&](int batch) {
    auto effects = std::make_shared<Effects>();
    auto claimed = std::make_shared<int>(0);
    core::Millis now = clock_.Now();
    store_.Write(
        [this, now, batch, effects, claimed](store::WriteTxn& txn) -> Status {
          *effects = Effects();
          RIVULET_ASSIGN_OR_RETURN(*claimed, journeys_.RunDue(txn, now, batch, *effects));
          return effects->Flush(txn);
        },
        [&, batch, effects, claimed](Status st) {
          std::lock_guard lock(mu);
          finished.push_back({std::move(st), batch, *claimed, effects});
          cv.notify_one();
        });
  };

  int total = 0;
  int batch = options_.batch;
  uint64_t in_flight = 0;
  bool drained = false;
  Status failure = Status::Ok();
  while (true) {
    for (; !drained && failure.ok() && in_flight < lanes; ++in_flight) launch(batch);
    if (in_flight == 0) break;
    Finished f;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return !finished.empty(); });
      f = std::move(finished.front());
      finished.pop_front();
    }
    --in_flight;
    if (!f.status.ok()) {
      if (failure.ok()) failure = std::move(f.status);
      continue;  // wait for the others before returning: they refer to this frame
    }
    transitions_ += f.effects->transitions;
    if (hooks_) {
      // Our own future wake-ups are found by the loop's next-due query; tell the others.
      EngineHooks others = *hooks_;
      others.wake_scheduler = nullptr;
      others.After(*f.effects);
    }
    total += f.claimed;
    if (f.claimed < f.batch) {
      drained = true;
    } else {
      // A backlog: each transaction costs a sync, so take more per transaction.
      batch = std::min(batch * 2, std::max(options_.batch, options_.max_batch));
    }
  }
  if (!failure.ok()) return failure;
  return total;
}

void Scheduler::Loop() {
  core::NameThisThread("rivulet-sched");
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      wake_hint_.reset();
    }
    auto ran = RunDueNow();
    if (!ran.ok()) spdlog::error("scheduler: {}", ran.status().ToString());

    core::Millis now = clock_.Now();
    core::Millis next = now + options_.max_sleep;
    std::optional<core::Millis> due;
    Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(due, txn.NextWakeAt());
      return Status::Ok();
    });
    if (st.ok() && due) next = std::min(next, *due);
    if (!ran.ok()) next = std::max(next, now + 200);  // back off after a failure

    std::unique_lock lock(mu_);
    while (!stop_) {
      core::Millis target = wake_hint_ ? std::min(next, *wake_hint_) : next;
      core::Millis wait = target - clock_.Now();
      if (wait <= 0) break;
      cv_.wait_for(lock,
                   std::chrono::milliseconds(std::min<core::Millis>(wait, options_.max_sleep)));
      if (wake_hint_ && *wake_hint_ <= clock_.Now()) break;
    }
  }
}

}  // namespace rivulet::engine

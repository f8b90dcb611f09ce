#include "engine/scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

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
  int total = 0;
  int batch = options_.batch;
  while (true) {
    core::Millis now = clock_.Now();
    auto effects = std::make_shared<Effects>();
    int claimed = 0;
    Status st = store_.WriteAndWait([&](store::WriteTxn& txn) -> Status {
      *effects = Effects();
      RIVULET_ASSIGN_OR_RETURN(claimed, journeys_.RunDue(txn, now, batch, *effects));
      return effects->Flush(txn);
    });
    if (!st.ok()) return st;
    transitions_ += effects->transitions;
    if (hooks_) {
      // Our own future wake-ups are found by the loop's next-due query; tell the others.
      EngineHooks others = *hooks_;
      others.wake_scheduler = nullptr;
      others.After(*effects);
    }
    total += claimed;
    if (claimed < batch) return total;
    // A backlog: each transaction costs a sync, so take more per transaction.
    batch = std::min(batch * 2, std::max(options_.batch, options_.max_batch));
  }
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

#ifndef RIVULET_DELIVERY_OUTBOX_WORKER_H_
#define RIVULET_DELIVERY_OUTBOX_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "delivery/http_sender.h"
#include "delivery/smtp_sender.h"
#include "engine/journeys.h"
#include "store/store.h"

namespace rivulet::delivery {

struct OutboxOptions {
  int threads = 4;  // each claims a batch and sends it concurrently (see the senders)
  int batch = 64;   // messages claimed per thread and transaction
  core::Millis max_sleep = 1000;
  int http_timeout_ms = 10000;  // a whole webhook or SMS-gateway exchange
};

// How delivery is going, for /readyz and metrics: failures (retryable or permanent) since the
// last successful delivery, and the last failure's detail.
struct DeliveryHealth {
  uint64_t consecutive_failures = 0;
  std::string last_error;  // "<channel>: <detail>"; empty when none yet
  core::Millis last_error_at = 0;
};

// Takes messages from the outbox and delivers them: e-mail over SMTP, SMS through the
// workspace's HTTP gateway, webhooks over HTTP. Each thread claims a batch under a lease in
// one transaction and hands it to the senders' SendMany, which send its messages
// concurrently (decision 17); outcomes are recorded (with each token's next step) as they
// come, one transaction per group of sends that finished together, outside which nothing is
// sent. A crash between send and record lets the lease expire and the message is sent again
// with the same Message-ID / Idempotency-Key; so does a failed record (the whole group).
class OutboxWorker {
 public:
  OutboxWorker(store::Store& store, engine::Journeys& journeys, const core::Clock& clock,
               const engine::EngineHooks* hooks, EmailSender& email, HttpSender& http,
               OutboxOptions options = {});
  ~OutboxWorker() { Stop(); }

  void Start();
  void Stop();  // lets messages being sent finish
  void Wake();  // messages were queued; thread-safe

  // Claims and delivers one batch on the calling thread; returns how many were claimed.
  core::Result<int> DeliverDueNow();

  uint64_t delivered() const { return delivered_; }
  uint64_t failed() const { return failed_; }
  uint64_t retried() const { return retried_; }
  DeliveryHealth health() const;  // thread-safe

 private:
  struct BatchContext;
  struct Pending;

  // Records outcomes of one claimed batch: Commit adds them to the group whose write is queued
  // but not yet started, or queues a write for a new group (so the busier the writer, the
  // larger the groups); Wait blocks until every message of the batch was committed and
  // returns the first failure.
  class Committer {
   public:
    struct Done {
      size_t position;  // in the claimed batch
      engine::Journeys::DeliveryResult result;
      std::string detail;
    };
    Committer(OutboxWorker& worker, const std::vector<core::OutboxMessage>& claimed);
    void Commit(std::vector<Done> done);
    core::Status Wait();

   private:
    struct Group;
    OutboxWorker& worker_;
    const std::vector<core::OutboxMessage>& claimed_;
    std::mutex mu_;
    std::shared_ptr<Group> open_;  // queued, not yet taken by the writer; guarded by mu_
    std::condition_variable cv_;
    size_t outstanding_;
    core::Status first_error_;
  };

  void Loop();
  core::Status ReadBatchContext(const std::vector<core::OutboxMessage>& claimed, BatchContext& ctx);
  // Builds what m needs sent, or decides its result (kFailed with the reason) without sending.
  void Prepare(const core::OutboxMessage& m, const BatchContext& ctx, Pending& out);
  static std::vector<Committer::Done> ToDone(Completions& completions,
                                             const std::vector<size_t>& positions);

  store::Store& store_;
  engine::Journeys& journeys_;
  const core::Clock& clock_;
  const engine::EngineHooks* hooks_;
  EmailSender& email_;
  HttpSender& http_;
  OutboxOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t wake_generation_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> delivered_{0}, failed_{0}, retried_{0};
  mutable std::mutex health_mu_;
  DeliveryHealth health_;
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_OUTBOX_WORKER_H_

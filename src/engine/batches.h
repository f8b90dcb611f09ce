#ifndef RIVULET_ENGINE_BATCHES_H_
#define RIVULET_ENGINE_BATCHES_H_

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/journey.h"
#include "engine/contacts.h"
#include "engine/journeys.h"

namespace rivulet::engine {

// One packet of a batch enrollment.
struct BatchPacket {
  enum class Kind { kFirst, kMiddle, kLast };
  Kind kind = Kind::kFirst;
  std::string source_uuid;
  std::string label;              // kept from the FIRST packet unless a later one names it
  std::string notification_json;  // empty: keep the source's
  std::vector<ContactInput> customers;
  std::vector<std::string> run_data_json;  // parallel to customers ("{}" when none)
};

// A closed source's notification (webhook POST, or e-mail through the workspace's SMTP setting
// from its first sender) is an outbox message queued in the LAST packet's transaction: no
// token (token_id 0), step_uuid kBatchNotificationStep + source uuid. The outbox delivers it
// like any message (lease, retries with backoff, a stable Idempotency-Key / Message-ID, sent
// again after a crash between send and record) and Journeys::CompleteDelivery records the
// outcome on the source with RecordBatchNotification. So a notification survives a crash of
// the process at any point after the LAST packet was acknowledged.
inline constexpr std::string_view kBatchNotificationStep = "batch:";

// The source uuid of a batch notification message; nullopt for any other message.
std::optional<std::string> BatchNotificationSource(const core::OutboxMessage& m);

// Moves the source from *_NOTIFYING to *_NOTIFIED (delivered) or *_NOT_NOTIFIED (detail says
// why), inside the caller's transaction. FailedPrecondition when it is not notifying.
Result<core::BatchSource> RecordBatchNotification(store::WriteTxn& txn, int64_t workspace_id,
                                                  int64_t automation_id,
                                                  const std::string& source_uuid, bool delivered,
                                                  const std::string& detail, core::Millis now);

// Batch enrollment (Contactflow customer batches): a FIRST packet opens a source, MIDDLE
// packets append, LAST appends and closes it. A packet is accepted by storing it whole (one
// row, one transaction) and expanded later, in the background, in the order packets were
// accepted: every customer becomes a held token of the automation (entered, counted, but not
// due), and expanding the LAST packet releases them all at once, so none starts before the
// whole batch is in. An OPEN source may be deleted with its packets and tokens.
// A packet is expanded in chunks of `chunk` customers, one transaction each, so that other
// writes never queue long behind a 10,000-customer packet.
// Thread-safe; callbacks run on a store thread after the commit.
class Batches {
 public:
  static constexpr size_t kMaxPacket = 10'000;
  // Customers per expansion transaction, by default: other writes wait at most this long
  // behind one.
  static constexpr int64_t kDefaultChunk = 4'000;

  Batches(store::Store& store, const core::Clock& clock, Journeys& journeys,
          const EngineHooks* hooks, int64_t chunk = kDefaultChunk)
      : store_(store), clock_(clock), journeys_(journeys), hooks_(hooks), chunk_(chunk) {}

  // FIRST on an existing source → AlreadyExists; MIDDLE/LAST on an unknown source →
  // NotFound, on a closed one → FailedPrecondition. The automation must take customers
  // (COMMITTED, RUNNING or PAUSED). Returns the source after the packet: OPEN, or CLOSED
  // after LAST. Expanding the LAST packet makes it ENABLED (no notification) or
  // ENABLED_{OK,ERROR}_NOTIFYING (ERROR when some customers were refused) with the
  // notification queued in the outbox; an e-mail notification on a workspace without SMTP
  // setting or sender is ENABLED_{OK,ERROR}_NOT_NOTIFIED at once.
  void AddPacket(int64_t workspace_id, const std::string& automation_uuid, BatchPacket packet,
                 Callback<core::BatchSource> done);

  // Expands the next chunk of the oldest staged packet that may go next (see
  // WriteTxn::ClaimStagedPacket) in one transaction; true when there was one. A customer the
  // automation refuses now (it stopped, uniqueToken, …) counts as rejected. A packet that cannot be
  // expanded for any other lasting reason is rejected whole, so one bad packet never blocks the
  // others.
  void ExpandNext(Callback<bool> done);

  // Expands staged packets until none is left (or *stop is set); returns how many
  // transactions (chunks) it committed. Keeps `lanes` transactions queued, so the writer
  // starts the next chunk while the last one's commit is synced (and PostgreSQL's writers
  // expand packets of different sources at once). Blocks; for tests and the BatchExpander.
  Result<int> ExpandStagedNow(int lanes = 2, const std::atomic<bool>* stop = nullptr);

  // Deletes an OPEN source, its staged packets and its held tokens (their entered counters
  // are taken back). FailedPrecondition once the source is closed.
  void DeleteOpen(int64_t workspace_id, const std::string& automation_uuid,
                  const std::string& source_uuid, Callback<bool> done);

  // Moves a *_NOTIFYING source to *_NOTIFIED or *_NOT_NOTIFIED (the outbox does this through
  // RecordBatchNotification when it has delivered the notification or given up).
  void RecordNotification(int64_t workspace_id, int64_t automation_id,
                          const std::string& source_uuid, bool delivered, const std::string& detail,
                          Callback<core::BatchSource> done);

  // Expansion transactions committed so far by this object.
  uint64_t chunks_expanded() const { return chunks_expanded_; }

 private:
  // One expansion transaction; reject_whole: the packet with this id is rejected for reason,
  // not expanded (it failed before with a lasting error). Sets *claimed to the packet's id.
  void Expand(std::optional<int64_t> reject_whole, const std::string& reason,
              std::shared_ptr<int64_t> claimed, Callback<bool> done);
  // The staged packet's customers, decoded once for all its chunks.
  Result<std::shared_ptr<const BatchPacket>> Decoded(const core::StagedPacket& staged);
  void Forget(int64_t packet_id);

  static constexpr size_t kDecodedPackets = 4;

  store::Store& store_;
  const core::Clock& clock_;
  Journeys& journeys_;
  const EngineHooks* hooks_;
  const int64_t chunk_;
  std::atomic<uint64_t> chunks_expanded_{0};
  std::mutex decoded_mu_;
  std::map<int64_t, std::shared_ptr<const BatchPacket>> decoded_;  // by packet id
};

// Expands staged packets in the background: woken after a packet is staged, and polling for
// packets that another process staged or that a crash left behind.
class BatchExpander {
 public:
  BatchExpander(store::Store& store, const core::Clock& clock, Journeys& journeys,
                const EngineHooks* hooks, core::Millis poll = 1000)
      : batches_(store, clock, journeys, hooks), poll_(poll) {}
  ~BatchExpander() { Stop(); }

  void Start();
  void Stop();  // finishes the chunks in progress
  void Wake();  // thread-safe

  uint64_t chunks_expanded() const { return batches_.chunks_expanded(); }

 private:
  void Loop();

  static constexpr int kLanes = 2;

  Batches batches_;
  core::Millis poll_;
  // Set under mu_ (so cv_ sees it) and read without it by the expansion in progress, which
  // stops between chunks.
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_BATCHES_H_

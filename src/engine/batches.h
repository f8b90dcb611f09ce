#ifndef RIVULET_ENGINE_BATCHES_H_
#define RIVULET_ENGINE_BATCHES_H_

#include <optional>
#include <string>
#include <string_view>
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
// packets append, LAST appends and closes it. Every customer becomes a held token of the
// automation (entered, counted, but not due); closing releases them all at once, so none
// starts before the whole batch is in. An OPEN source may be deleted with its tokens.
// Each packet commits in one transaction (all of its customers or none). Thread-safe;
// callbacks run on a store thread after the commit.
class Batches {
 public:
  static constexpr size_t kMaxPacket = 10'000;

  Batches(store::Store& store, const core::Clock& clock, Journeys& journeys,
          const EngineHooks* hooks)
      : store_(store), clock_(clock), journeys_(journeys), hooks_(hooks) {}

  // FIRST on an existing source → AlreadyExists; MIDDLE/LAST on an unknown source →
  // NotFound, on a closed one → FailedPrecondition. The automation must take customers
  // (COMMITTED, RUNNING or PAUSED). Returns the source after the packet: OPEN, or on LAST
  // ENABLED (no notification) or ENABLED_{OK,ERROR}_NOTIFYING (ERROR when some customers
  // were refused) with the notification queued in the outbox; an e-mail notification on a
  // workspace without SMTP setting or sender is ENABLED_{OK,ERROR}_NOT_NOTIFIED at once.
  void AddPacket(int64_t workspace_id, const std::string& automation_uuid, BatchPacket packet,
                 Callback<core::BatchSource> done);

  // Deletes an OPEN source and its held tokens (their entered counters are taken back).
  // FailedPrecondition once the source is closed.
  void DeleteOpen(int64_t workspace_id, const std::string& automation_uuid,
                  const std::string& source_uuid, Callback<bool> done);

  // Moves a *_NOTIFYING source to *_NOTIFIED or *_NOT_NOTIFIED (the outbox does this through
  // RecordBatchNotification when it has delivered the notification or given up).
  void RecordNotification(int64_t workspace_id, int64_t automation_id,
                          const std::string& source_uuid, bool delivered, const std::string& detail,
                          Callback<core::BatchSource> done);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  Journeys& journeys_;
  const EngineHooks* hooks_;
};

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_BATCHES_H_

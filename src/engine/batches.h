#ifndef RIVULET_ENGINE_BATCHES_H_
#define RIVULET_ENGINE_BATCHES_H_

#include <optional>
#include <string>
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
  // were refused), for the caller to deliver the notification and RecordNotification.
  void AddPacket(int64_t workspace_id, const std::string& automation_uuid, BatchPacket packet,
                 Callback<core::BatchSource> done);

  // Deletes an OPEN source and its held tokens (their entered counters are taken back).
  // FailedPrecondition once the source is closed.
  void DeleteOpen(int64_t workspace_id, const std::string& automation_uuid,
                  const std::string& source_uuid, Callback<bool> done);

  // Moves a *_NOTIFYING source to *_NOTIFIED or *_NOT_NOTIFIED.
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

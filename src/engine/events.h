#ifndef RIVULET_ENGINE_EVENTS_H_
#define RIVULET_ENGINE_EVENTS_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/contacts.h"

namespace rivulet::engine {

// A validated event to ingest. The contact is matched by its identifiers and created
// (with a `contact_created` event) when absent and not referenced by uuid alone.
struct EventInput {
  std::string type;
  ContactInput contact;
  std::string data_json = "{}";
  std::optional<core::Millis> occurred_at;
  std::optional<std::string> idempotency_key;
};

struct IngestedEvent {
  core::Event event;
  bool duplicate = false;  // the idempotency key was seen before; nothing new stored
};

// Event ingestion: idempotent on the optional key, one transaction per call.
class Events {
 public:
  // With journeys, events trigger automations and wake waiting tokens (see Contacts).
  Events(store::Store& store, const core::Clock& clock, Journeys* journeys = nullptr,
         const EngineHooks* hooks = nullptr)
      : store_(store), clock_(clock), journeys_(journeys), hooks_(hooks) {}

  // Stores events in order; all or none. done runs after the commit, on complete_on when
  // one is given (see store::WriteHint).
  void Ingest(int64_t workspace_id, std::vector<EventInput> events,
              Callback<std::vector<IngestedEvent>> done, core::Executor* complete_on = nullptr);

  static constexpr size_t kMaxBatch = 1'000;

 private:
  store::Store& store_;
  const core::Clock& clock_;
  Journeys* journeys_;
  const EngineHooks* hooks_;
};

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_EVENTS_H_

#include "engine/events.h"

#include "core/uuid.h"
#include "engine/journeys.h"

namespace rivulet::engine {

void Events::Ingest(int64_t ws, std::vector<EventInput> events,
                    Callback<std::vector<IngestedEvent>> done, core::Executor* complete_on) {
  if (events.empty()) return done(core::InvalidArgument("no events given"));
  if (events.size() > kMaxBatch) {
    return done(core::PayloadTooLarge("at most 1000 events per request"));
  }
  core::Millis now = clock_.Now();
  store::WriteHint hint{.workspace_id = ws, .complete_on = complete_on};
  for (const EventInput& in : events) Contacts::AddToHint(hint, in.contact);
  WriteWithEffects<std::vector<IngestedEvent>>(
      store_, hooks_,
      [ws, events = std::move(events), now, journeys = journeys_](
          store::WriteTxn& txn, Effects& effects) -> Result<std::vector<IngestedEvent>> {
        std::vector<IngestedEvent> out;
        out.reserve(events.size());
        for (size_t i = 0; i < events.size(); ++i) {
          const EventInput& in = events[i];
          if (in.idempotency_key) {
            auto seen = txn.FindEventByIdempotencyKey(ws, *in.idempotency_key);
            if (seen.ok()) {
              out.push_back({std::move(seen).value(), true});
              continue;
            }
            if (seen.status().code() != core::Code::kNotFound) return seen.status();
          }
          auto contact = Contacts::Identify(txn, ws, in.contact, now, journeys, effects);
          if (!contact.ok()) {
            Status st = contact.status();
            if (st.code() == core::Code::kNotFound) {
              st.WithField("events[" + std::to_string(i) + "].contact", "contact not found");
            }
            return st;
          }
          core::Event e;
          e.workspace_id = ws;
          e.uuid = core::NewUuidV7(now);
          e.contact_id = contact->id;
          e.contact_uuid = contact->uuid;
          e.type = in.type;
          e.data_json = in.data_json;
          e.occurred_at = in.occurred_at.value_or(now);
          e.received_at = now;
          e.idempotency_key = in.idempotency_key;
          RIVULET_RETURN_IF_ERROR(Contacts::RecordEvent(txn, e, *contact, now, journeys, effects));
          out.push_back({std::move(e), false});
        }
        return out;
      },
      std::move(done), std::move(hint));
}

}  // namespace rivulet::engine

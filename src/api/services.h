#ifndef RIVULET_API_SERVICES_H_
#define RIVULET_API_SERVICES_H_

#include "core/clock.h"
#include "engine/accounts.h"
#include "engine/automations.h"
#include "engine/contacts.h"
#include "engine/events.h"
#include "engine/journeys.h"
#include "http/limits.h"
#include "http/metrics.h"
#include "store/store.h"

namespace rivulet::api {

// What every face's handlers may use. Owned by the app; outlives the server.
struct Services {
  store::Store& store;
  engine::Accounts& accounts;
  engine::Contacts& contacts;
  engine::Events& events;
  engine::Automations& automations;
  engine::Journeys& journeys;
  http::Metrics& metrics;
  const core::Clock& clock;
  http::Limits limits;
  // Told after commits that create due work (e.g. a released batch); may be null.
  const engine::EngineHooks* hooks = nullptr;
};

}  // namespace rivulet::api

#endif  // RIVULET_API_SERVICES_H_

#ifndef RIVULET_API_SERVICES_H_
#define RIVULET_API_SERVICES_H_

#include <functional>

#include "core/clock.h"
#include "delivery/outbox_worker.h"
#include "engine/accounts.h"
#include "engine/automations.h"
#include "engine/contacts.h"
#include "engine/events.h"
#include "engine/journeys.h"
#include "http/auth_limiter.h"
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
  // Counts failed authentications outside the dispatcher (token endpoints); may be null.
  http::AuthLimiter* auth_limiter = nullptr;
  // How outbound delivery is going (shown by /readyz); may be empty.
  std::function<delivery::DeliveryHealth()> delivery_health = nullptr;
  // Told after commits that create due work (e.g. a released batch); may be null.
  const engine::EngineHooks* hooks = nullptr;
};

}  // namespace rivulet::api

#endif  // RIVULET_API_SERVICES_H_

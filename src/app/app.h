#ifndef RIVULET_APP_APP_H_
#define RIVULET_APP_APP_H_

#include <memory>

#include "api/services.h"
#include "app/config.h"
#include "engine/accounts.h"
#include "engine/contacts.h"
#include "engine/events.h"
#include "engine/automations.h"
#include "engine/journeys.h"
#include "http/metrics.h"
#include "store/store.h"

namespace rivulet::app {

// Opens the configured store and migrates it. Every subcommand starts here.
core::Result<std::unique_ptr<store::Store>> OpenStore(const Config& config);

// The engine services over one store, as the CLI and the server use them. Hooks start
// empty; Serve connects them to the scheduler and the delivery workers.
struct Engine {
  // clock is shared by every component (the test clock under `serve --test-clock`).
  Engine(store::Store& store, const Config& config, std::string link_secret,
         const core::Clock& clock = core::SystemClock::Get());
  store::Store& store;
  engine::EngineHooks hooks;
  engine::Journeys journeys;
  engine::Accounts accounts;
  engine::Contacts contacts;
  engine::Events events;
  engine::Automations automations;
};

// The link-signing key shared by every process on the database.
core::Result<std::string> LoadLinkSecret(store::Store& store);

// Creates the demo workspace and one credential of each kind (plus an admin API key) when
// no workspace exists yet, printing the secrets once. Returns true when it created them.
core::Result<bool> EnsureDemoWorkspace(Engine& engine, const Config& config);

// Serves HTTP until SIGINT/SIGTERM. Blocks.
core::Status Serve(const Config& config, bool demo);

}  // namespace rivulet::app

#endif  // RIVULET_APP_APP_H_

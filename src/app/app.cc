#include "app/app.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "api/allstech/allstech_api.h"
#include "api/contactflow/contactflow_api.h"
#include "api/leat/leat_api.h"
#include "api/native/native_api.h"
#include "api/system/system_routes.h"
#include "api/tracking/tracking_routes.h"
#include "core/crypto.h"
#include "delivery/outbox_worker.h"
#include "engine/batches.h"
#include "engine/scheduler.h"
#include "http/dispatcher.h"
#include "http/server.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace rivulet::app {

core::Result<std::unique_ptr<store::Store>> OpenStore(const Config& config) {
  std::unique_ptr<store::Store> store;
  if (store::postgres::IsPostgresUrl(config.database)) {
    store::postgres::PgOptions options;
    options.url = config.database;
    options.readers = static_cast<size_t>(config.postgres_pool);
    options.writers = static_cast<size_t>(config.postgres_writers);
    options.session.statement_timeout_ms = config.postgres_statement_timeout_ms;
    RIVULET_ASSIGN_OR_RETURN(store, store::postgres::PgStore::Open(std::move(options)));
  } else {
    store::sqlite::SqliteOptions options;
    options.path = config.database;
    options.synchronous = config.sqlite_synchronous;
    RIVULET_ASSIGN_OR_RETURN(store, store::sqlite::SqliteStore::Open(options));
  }
  RIVULET_ASSIGN_OR_RETURN(int version, store->Migrate());
  spdlog::debug("database {} at schema version {}", store::postgres::RedactUrl(config.database),
                version);
  return store;
}

namespace {
engine::EngineConfig EngineConfigFrom(const Config& config, std::string link_secret) {
  engine::EngineConfig c;
  c.public_base_url = config.public_base_url;
  while (!c.public_base_url.empty() && c.public_base_url.back() == '/')
    c.public_base_url.pop_back();
  c.link_secret = std::move(link_secret);
  c.delivery_lease = static_cast<core::Millis>(config.delivery_lease_seconds) * 1000;
  return c;
}
}  // namespace

Engine::Engine(store::Store& s, const Config& config, std::string link_secret,
               const core::Clock& clock)
    : store(s),
      journeys(EngineConfigFrom(config, std::move(link_secret))),
      accounts(s, clock, config.token_ttl_seconds),
      contacts(s, clock, &journeys, &hooks),
      events(s, clock, &journeys, &hooks),
      automations(s, clock, journeys, &hooks) {}

core::Result<std::string> LoadLinkSecret(store::Store& store) {
  std::string secret;
  std::string candidate = core::RandomHex(32);
  RIVULET_RETURN_IF_ERROR(store.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(secret, txn.GetOrCreateSecret("link_signing", candidate));
    return core::Status::Ok();
  }));
  return secret;
}

core::Result<bool> EnsureDemoWorkspace(Engine& engine, const Config& config) {
  std::vector<core::Workspace> existing;
  RIVULET_RETURN_IF_ERROR(engine.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(existing, txn.ListWorkspaces());
    return core::Status::Ok();
  }));
  if (!existing.empty()) {
    std::printf(
        "Workspace '%s' (%s) exists; its credentials were printed when it was created.\n"
        "Mint a new one with: rivulet credentials create --database %s --workspace %s "
        "--kind apikey\n",
        existing.front().name.c_str(), existing.front().uuid.c_str(), config.database.c_str(),
        existing.front().uuid.c_str());
    return false;
  }
  RIVULET_ASSIGN_OR_RETURN(core::Workspace ws, engine.accounts.CreateWorkspace("Demo"));
  using K = core::CredentialKind;
  RIVULET_ASSIGN_OR_RETURN(
      auto oauth, engine.accounts.CreateCredential(ws.id, K::kOAuthClient, false, "demo oauth"));
  RIVULET_ASSIGN_OR_RETURN(
      auto apikey, engine.accounts.CreateCredential(ws.id, K::kApiKey, false, "demo api key"));
  RIVULET_ASSIGN_OR_RETURN(
      auto pair, engine.accounts.CreateCredential(ws.id, K::kKeyPair, false, "demo key pair"));
  RIVULET_ASSIGN_OR_RETURN(auto admin,
                           engine.accounts.CreateCredential(0, K::kApiKey, true, "admin"));
  std::printf(
      "\nCreated the demo workspace. These secrets are shown once; keep them.\n"
      "  workspace uuid      %s\n"
      "  OAuth2 client_id    %s\n"
      "  OAuth2 secret       %s\n"
      "  API key             %s\n"
      "  PublicKey           %s\n"
      "  SecretKey           %s\n"
      "  admin API key       %s\n\n",
      ws.uuid.c_str(), oauth.id.c_str(), oauth.secret.c_str(), apikey.secret.c_str(),
      pair.id.c_str(), pair.secret.c_str(), admin.secret.c_str());
  std::fflush(stdout);
  return true;
}

core::Status Serve(const Config& config, bool demo) {
  if (config.delivery_lease_seconds <= config.webhook_timeout_seconds) {
    return core::InvalidArgument(
        "delivery_lease_seconds must exceed webhook_timeout_seconds, or a slow send would be "
        "repeated while it is still running");
  }
  RIVULET_ASSIGN_OR_RETURN(auto store, OpenStore(config));
  RIVULET_ASSIGN_OR_RETURN(std::string link_secret, LoadLinkSecret(*store));
  // One clock for every component: the system clock, or the test clock when enabled.
  core::OffsetClock test_clock;
  const core::Clock& clock =
      config.test_clock ? static_cast<const core::Clock&>(test_clock) : core::SystemClock::Get();
  if (config.test_clock)
    spdlog::warn("test clock enabled: POST /v1/admin/clock/advance moves time");
  Engine engine(*store, config, link_secret, clock);
  if (demo) RIVULET_RETURN_IF_ERROR(EnsureDemoWorkspace(engine, config).status());

  // The engine's workers: timers, then delivery; hooks wake them after commits.
  engine::Scheduler scheduler(*store, engine.journeys, clock, &engine.hooks);
  // One outbound address policy for SMTP servers, webhooks and SMS gateways.
  RIVULET_ASSIGN_OR_RETURN(auto outbound_allow, delivery::ParseCidrList(config.outbound_allow));
  delivery::SmtpSenderOptions smtp_options;
  smtp_options.address_policy.emplace(outbound_allow);
  delivery::CurlSmtpSender smtp(std::move(smtp_options));
  delivery::HttpSenderOptions http_options;
  http_options.address_policy.emplace(std::move(outbound_allow));
  delivery::CurlHttpSender http_sender(std::move(http_options));
  delivery::OutboxOptions outbox_options;
  outbox_options.threads = config.delivery_threads;
  outbox_options.http_timeout_ms = config.webhook_timeout_seconds * 1000;
  delivery::OutboxWorker outbox(*store, engine.journeys, clock, &engine.hooks, smtp, http_sender,
                                outbox_options);
  // Contactflow batch packets are accepted whole and expanded into held tokens here.
  engine::BatchExpander batch_expander(*store, clock, engine.journeys, &engine.hooks);
  engine.hooks.wake_scheduler = [&scheduler](core::Millis at) { scheduler.Wake(at); };
  engine.hooks.wake_delivery = [&outbox] { outbox.Wake(); };
  engine.hooks.wake_batches = [&batch_expander] { batch_expander.Wake(); };
  // Work another process made due (PostgreSQL NOTIFY); polling remains the safety net.
  auto* shared_db = dynamic_cast<store::postgres::PgStore*>(store.get());
  if (shared_db) {
    shared_db->SetWorkListener([&scheduler, &outbox, &batch_expander] {
      scheduler.Wake(core::SystemClock::Get().Now());
      outbox.Wake();
      batch_expander.Wake();
    });
  }
  scheduler.Start();
  outbox.Start();
  batch_expander.Start();

  http::Metrics metrics;
  metrics.AddSource([&store = *store](std::string& out) {
    store::StoreStats s = store.Stats();
    out += "# TYPE rivulet_db_commits_total counter\nrivulet_db_commits_total " +
           std::to_string(s.commits) + "\n";
    out += "# TYPE rivulet_db_committed_writes_total counter\nrivulet_db_committed_writes_total " +
           std::to_string(s.committed_jobs) + "\n";
    out += "# TYPE rivulet_db_syncs_total counter\nrivulet_db_syncs_total " +
           std::to_string(s.syncs) + "\n";
    if (s.sync_micros) {
      out += "# TYPE rivulet_db_sync_seconds_total counter\nrivulet_db_sync_seconds_total " +
             std::to_string(static_cast<double>(*s.sync_micros) / 1e6) + "\n";
    }
    if (s.wal_writes_requested > 0) {
      out += "# TYPE rivulet_db_wal_writes_total counter\nrivulet_db_wal_writes_total " +
             std::to_string(s.wal_writes_requested) + "\n";
      out += "# TYPE rivulet_db_wal_write_calls_total counter\nrivulet_db_wal_write_calls_total " +
             std::to_string(s.wal_writes_issued) + "\n";
    }
    out += "# TYPE rivulet_db_failed_commits_total counter\nrivulet_db_failed_commits_total " +
           std::to_string(s.failed_commits) + "\n";
    out += "# TYPE rivulet_db_write_queue_depth gauge\nrivulet_db_write_queue_depth " +
           std::to_string(s.queue_depth) + "\n";
    out += "# TYPE rivulet_db_max_group_commit gauge\nrivulet_db_max_group_commit " +
           std::to_string(s.max_batch) + "\n";
  });
  metrics.AddSource([&scheduler, &outbox, &batch_expander](std::string& out) {
    out += "# TYPE rivulet_engine_transitions_total counter\nrivulet_engine_transitions_total " +
           std::to_string(scheduler.transitions()) + "\n";
    out +=
        "# TYPE rivulet_engine_batch_chunks_expanded_total counter\n"
        "rivulet_engine_batch_chunks_expanded_total " +
        std::to_string(batch_expander.chunks_expanded()) + "\n";
    out += "# TYPE rivulet_delivery_sent_total counter\nrivulet_delivery_sent_total " +
           std::to_string(outbox.delivered()) + "\n";
    out += "# TYPE rivulet_delivery_failed_total counter\nrivulet_delivery_failed_total " +
           std::to_string(outbox.failed()) + "\n";
    out += "# TYPE rivulet_delivery_retries_total counter\nrivulet_delivery_retries_total " +
           std::to_string(outbox.retried()) + "\n";
    out +=
        "# TYPE rivulet_delivery_consecutive_failures gauge\n"
        "rivulet_delivery_consecutive_failures " +
        std::to_string(outbox.health().consecutive_failures) + "\n";
  });
  http::AuthLimiter auth_limiter(core::SystemClock::Get(),
                                 {.per_client = config.auth_failures_per_client,
                                  .per_address = config.auth_failures_per_address});
  api::Services services{*store,
                         engine.accounts,
                         engine.contacts,
                         engine.events,
                         engine.automations,
                         engine.journeys,
                         metrics,
                         clock,
                         config.limits,
                         &auth_limiter,
                         [&outbox] { return outbox.health(); }};
  services.hooks = &engine.hooks;
  // The Contactflow face's outbound calls (batch notifications, test e-mails).
  api::contactflow::Worker contactflow_worker(smtp, http_sender);
  contactflow_worker.Start();
  http::Router router;
  api::system::RegisterSystemRoutes(router, services);
  api::native::RegisterNativeApi(router, services);
  api::leat::RegisterLeatApi(router, services);
  api::contactflow::RegisterContactflowApi(router, services, contactflow_worker);
  api::tracking::RegisterTrackingRoutes(router, services);
  api::allstech::RegisterAllsTechApi(router, services);
  if (config.test_clock) {
    api::native::RegisterTestClockRoute(router, test_clock, [&engine, &test_clock, &outbox] {
      // Everything due by the new time runs now.
      engine.hooks.wake_scheduler(test_clock.Now());
      outbox.Wake();
    });
  }

  http::Dispatcher dispatcher(router, engine.accounts, metrics, config.limits, &auth_limiter);
  http::ServerOptions options;
  RIVULET_RETURN_IF_ERROR(ParseListen(config.listen, &options.address, &options.port));
  options.threads = config.http_threads;
  options.access_log = config.access_log;
  options.shutdown_grace_seconds = config.shutdown_grace_seconds;
  http::Server server(options, dispatcher);
  RIVULET_ASSIGN_OR_RETURN(unsigned short port, server.Listen());
  // Tests and scripts wait for this exact line.
  std::printf("rivulet listening on http://%s:%u\n", options.address.c_str(), port);
  std::fflush(stdout);
  spdlog::info("serving on {}:{} with {} threads, database {}", options.address, port,
               options.threads, store::postgres::RedactUrl(config.database));
  server.Run();
  if (shared_db) shared_db->SetWorkListener(nullptr);
  batch_expander.Stop();
  scheduler.Stop();
  outbox.Stop();
  contactflow_worker.Stop();
  engine.hooks = engine::EngineHooks();
  // Stop the store while the server's executors still exist: it lets every queued write
  // finish and answer first (into the stopped server, through executors a write named;
  // decision 36), from every writer, even those of a store with several.
  store.reset();
  spdlog::info("stopped");
  return core::Status::Ok();
}

}  // namespace rivulet::app

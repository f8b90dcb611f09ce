#ifndef RIVULET_APP_CONFIG_H_
#define RIVULET_APP_CONFIG_H_

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/limits.h"

namespace rivulet::app {

// Every runtime setting. Sources, lowest precedence first: built-in defaults, the TOML
// file (--config / RIVULET_CONFIG), RIVULET_* environment variables, command-line flags.
struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string database = "data/rivulet.db";
  std::string public_base_url = "http://127.0.0.1:8080";
  int http_threads = 2;
  std::string sqlite_synchronous = "FULL";
  int postgres_pool = 8;                       // pooled read connections per process
  int postgres_writers = 2;                    // write connections (group commits) per process
  int postgres_statement_timeout_ms = 30'000;  // server-side limit on any one statement
  int token_ttl_seconds = 3600;
  std::string log_level = "info";
  bool access_log = true;
  int shutdown_grace_seconds = 10;
  int delivery_threads = 4;
  // Networks outbound webhooks and SMS gateways may reach although they are private,
  // loopback or link-local (delivery::AddressPolicy); comma-separated CIDRs. Empty: none.
  std::string outbound_allow;
  // How long a claimed outbox message is reserved; a message whose sender died is sent again
  // (same Message-ID / Idempotency-Key) once it runs out. Must exceed the send timeouts.
  int delivery_lease_seconds = 60;
  int webhook_timeout_seconds = 10;  // one webhook or SMS-gateway exchange, connect included
  // Failed authentications tolerated per minute per client id and per remote address before
  // further attempts get 429 (http::AuthLimiter). 0 disables that limit.
  int auth_failures_per_client = 20;
  int auth_failures_per_address = 100;
  // Test-only: the clock is system time plus an offset that POST /v1/admin/clock/advance
  // moves forward, so black-box tests can run days of waits at once.
  bool test_clock = false;
  http::Limits limits;
};

// One setting: its TOML key, flag (--key with '_' as '-'), environment variable
// (RIVULET_KEY), help text, and how to read and show it.
struct Setting {
  std::string key;
  std::string help;
  std::function<core::Status(Config&, const std::string&)> set;
  std::function<std::string(const Config&)> get;

  std::string Flag() const;
  std::string EnvName() const;
};

const std::vector<Setting>& Settings();

// Applies a TOML file's values (flat keys as in Settings(), or grouped under [limits]).
core::Status ApplyTomlFile(Config& config, const std::string& path);

// Splits "host:port" ("[::1]:8080" for IPv6).
core::Status ParseListen(const std::string& listen, std::string* host, unsigned short* port);

}  // namespace rivulet::app

#endif  // RIVULET_APP_CONFIG_H_

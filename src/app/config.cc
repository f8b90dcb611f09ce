#include "app/config.h"

#include <toml++/toml.h>

#include <charconv>

#include "delivery/address_policy.h"

namespace rivulet::app {
namespace {

core::Status BadValue(const std::string& key, const std::string& why) {
  return core::InvalidArgument("setting " + key + ": " + why);
}

template <typename T>
Setting IntSetting(std::string key, std::string help, T Config::*field, int64_t min, int64_t max) {
  Setting s;
  s.key = key;
  s.help = std::move(help);
  s.set = [key, field, min, max](Config& c, const std::string& v) -> core::Status {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max) {
      return BadValue(
          key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    c.*field = static_cast<T>(n);
    return core::Status::Ok();
  };
  s.get = [field](const Config& c) { return std::to_string(c.*field); };
  return s;
}

template <typename T>
Setting LimitSetting(std::string key, std::string help, T http::Limits::*field, int64_t min,
                     int64_t max) {
  Setting s;
  s.key = key;
  s.help = std::move(help);
  s.set = [key, field, min, max](Config& c, const std::string& v) -> core::Status {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max) {
      return BadValue(
          key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    c.limits.*field = static_cast<T>(n);
    return core::Status::Ok();
  };
  s.get = [field](const Config& c) { return std::to_string(c.limits.*field); };
  return s;
}

Setting StringSetting(std::string key, std::string help, std::string Config::*field,
                      std::vector<std::string> allowed = {}) {
  Setting s;
  s.key = key;
  s.help = std::move(help);
  s.set = [key, field, allowed](Config& c, const std::string& v) -> core::Status {
    if (v.empty() || v.size() > 4096) return BadValue(key, "must be 1 to 4096 characters");
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return BadValue(key, "must be one of " + list);
    }
    c.*field = v;
    return core::Status::Ok();
  };
  s.get = [field](const Config& c) { return c.*field; };
  return s;
}

Setting BoolSetting(std::string key, std::string help, bool Config::*field) {
  Setting s;
  s.key = key;
  s.help = std::move(help);
  s.set = [key, field](Config& c, const std::string& v) -> core::Status {
    if (v == "true" || v == "1" || v == "yes") {
      c.*field = true;
    } else if (v == "false" || v == "0" || v == "no") {
      c.*field = false;
    } else {
      return BadValue(key, "must be true or false");
    }
    return core::Status::Ok();
  };
  s.get = [field](const Config& c) { return std::string(c.*field ? "true" : "false"); };
  return s;
}

// A comma-separated CIDR list; empty is allowed (no network).
Setting CidrListSetting(std::string key, std::string help, std::string Config::*field) {
  Setting s;
  s.key = key;
  s.help = std::move(help);
  s.set = [key, field](Config& c, const std::string& v) -> core::Status {
    if (v.size() > 65536) return BadValue(key, "must be at most 65536 characters");
    auto list = delivery::ParseCidrList(v);
    if (!list.ok()) return BadValue(key, list.status().message());
    c.*field = v;
    return core::Status::Ok();
  };
  s.get = [field](const Config& c) { return c.*field; };
  return s;
}

}  // namespace

std::string Setting::Flag() const {
  std::string f = "--" + key;
  for (char& ch : f)
    if (ch == '_') ch = '-';
  return f;
}

std::string Setting::EnvName() const {
  std::string e = "RIVULET_" + key;
  for (char& ch : e) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return e;
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = {
      StringSetting("listen", "Address and port to serve HTTP on (host:port)", &Config::listen),
      StringSetting("database",
                    "SQLite file path (created if missing), or a postgres:// URL (also "
                    "RIVULET_DATABASE_URL)",
                    &Config::database),
      StringSetting("public_base_url", "Base URL clients reach this server at (for links)",
                    &Config::public_base_url),
      IntSetting("http_threads", "HTTP I/O threads", &Config::http_threads, 1, 256),
      StringSetting("sqlite_synchronous",
                    "SQLite durability: FULL survives power loss, NORMAL survives process crash",
                    &Config::sqlite_synchronous, {"FULL", "NORMAL"}),
      IntSetting("postgres_pool", "PostgreSQL read connections per process", &Config::postgres_pool,
                 1, 256),
      IntSetting("postgres_writers",
                 "PostgreSQL write connections per process, each committing its own groups",
                 &Config::postgres_writers, 1, 64),
      IntSetting("postgres_statement_timeout_ms", "PostgreSQL statement_timeout for every session",
                 &Config::postgres_statement_timeout_ms, 100, 3'600'000),
      IntSetting("token_ttl_seconds", "Lifetime of OAuth2 access tokens",
                 &Config::token_ttl_seconds, 60, 86400 * 30),
      StringSetting("log_level", "Log level", &Config::log_level,
                    {"trace", "debug", "info", "warn", "error", "off"}),
      BoolSetting("access_log", "Log one line per HTTP request", &Config::access_log),
      IntSetting("delivery_threads", "Outbox workers sending e-mail, SMS and webhooks",
                 &Config::delivery_threads, 1, 256),
      IntSetting("delivery_lease_seconds",
                 "Time a message being sent stays reserved; after a crash it is resent (same "
                 "Message-ID / Idempotency-Key) when this runs out. Keep it above send timeouts",
                 &Config::delivery_lease_seconds, 15, 86400),
      IntSetting("webhook_timeout_seconds",
                 "Time a webhook or SMS-gateway call may take (a slower one is retried)",
                 &Config::webhook_timeout_seconds, 1, 300),
      CidrListSetting("outbound_allow",
                      "Networks webhooks and SMS gateways may reach although private, loopback "
                      "or link-local (denied by default; checked on the resolved address), e.g. "
                      "'127.0.0.0/8,::1/128,10.1.0.0/16'",
                      &Config::outbound_allow),
      IntSetting("auth_failures_per_client",
                 "Failed authentications per minute per client id before 429 (0: no limit)",
                 &Config::auth_failures_per_client, 0, 1'000'000),
      IntSetting("auth_failures_per_address",
                 "Failed authentications per minute per remote address before 429 (0: no limit)",
                 &Config::auth_failures_per_address, 0, 1'000'000),
      BoolSetting("test_clock",
                  "TEST ONLY, never in production: a clock that POST /v1/admin/clock/advance "
                  "moves forward",
                  &Config::test_clock),
      IntSetting("shutdown_grace_seconds", "Time in-flight requests get on SIGTERM/SIGINT",
                 &Config::shutdown_grace_seconds, 0, 600),
      LimitSetting("max_body_bytes", "Default request body limit (batch routes allow more)",
                   &http::Limits::max_body_bytes, 1024, int64_t{1} << 30),
      LimitSetting("max_header_bytes", "Request header limit", &http::Limits::max_header_bytes,
                   1024, 1 << 20),
      LimitSetting("max_json_depth", "Deepest JSON nesting accepted", &http::Limits::max_json_depth,
                   2, 256),
      LimitSetting("max_form_fields", "Most fields in a form or query string",
                   &http::Limits::max_form_fields, 1, 1'000'000),
      LimitSetting("read_timeout_seconds", "Time to receive a request once it has started",
                   &http::Limits::read_timeout_seconds, 1, 3600),
      LimitSetting("idle_timeout_seconds", "Time a keep-alive connection may sit idle",
                   &http::Limits::idle_timeout_seconds, 1, 3600),
      LimitSetting("handler_timeout_seconds", "Time a request may take before a 503",
                   &http::Limits::handler_timeout_seconds, 1, 3600),
  };
  return kSettings;
}

core::Status ApplyTomlFile(Config& config, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {  // toml++ reports errors by throwing
    return core::InvalidArgument("config file " + path + ": " + std::string(e.description()));
  }
  auto apply = [&](const std::string& key, const toml::node& node) -> core::Status {
    const Setting* setting = nullptr;
    for (const auto& s : Settings()) {
      if (s.key == key) setting = &s;
    }
    if (!setting)
      return core::InvalidArgument("config file " + path + ": unknown key '" + key + "'");
    std::string text;
    if (auto v = node.value<std::string>(); v && node.is_string()) {
      text = *v;
    } else if (node.is_integer()) {
      text = std::to_string(*node.value<int64_t>());
    } else if (node.is_boolean()) {
      text = *node.value<bool>() ? "true" : "false";
    } else {
      return core::InvalidArgument("config file " + path + ": '" + key +
                                   "' must be a string, integer or boolean");
    }
    return setting->set(config, text);
  };
  for (const auto& [k, node] : table) {
    std::string key(k.str());
    if (key == "limits" && node.is_table()) {
      for (const auto& [lk, lnode] : *node.as_table()) {
        RIVULET_RETURN_IF_ERROR(apply(std::string(lk.str()), lnode));
      }
      continue;
    }
    RIVULET_RETURN_IF_ERROR(apply(key, node));
  }
  return core::Status::Ok();
}

core::Status ParseListen(const std::string& listen, std::string* host, unsigned short* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return core::InvalidArgument("listen must be host:port, got '" + listen + "'");
  }
  *host = listen.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  std::string p = listen.substr(colon + 1);
  unsigned int n = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
  if (ec != std::errc() || ptr != p.data() + p.size() || n > 65535) {
    return core::InvalidArgument("listen port must be 0 to 65535, got '" + p + "'");
  }
  *port = static_cast<unsigned short>(n);
  return core::Status::Ok();
}

}  // namespace rivulet::app

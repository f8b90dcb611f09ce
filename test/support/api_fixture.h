#ifndef RIVULET_TEST_SUPPORT_API_FIXTURE_H_
#define RIVULET_TEST_SUPPORT_API_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "api/services.h"
#include "core/clock.h"
#include "engine/accounts.h"
#include "engine/automations.h"
#include "engine/contacts.h"
#include "engine/events.h"
#include "engine/journeys.h"
#include "http/limits.h"
#include "http/metrics.h"
#include "store/sqlite/sqlite_store.h"

namespace rivulet::test_support {

// The services the API faces are built on, over a fresh, migrated SQLite file in a temporary
// directory, made as src/app/app.cc makes them (the journeys executor first, then the
// services that enroll into it). Hooks stay empty: no scheduler or delivery worker runs.
// A test's own SetUp calls this one, then registers the routes it checks on services_.
class ApiServicesFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const char* base = std::getenv("RIVULET_TEST_TMP");
    std::filesystem::path root =
        base && *base ? std::filesystem::path(base) : std::filesystem::temp_directory_path();
    dir_ = root / ("api_fixture_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    store::sqlite::SqliteOptions options;
    options.path = (dir_ / "rivulet.db").string();
    auto opened = store::sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    auto migrated = store_->Migrate();
    ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
    engine::EngineConfig config;
    config.link_secret = "api-fixture-link-secret";
    const core::Clock& clock = core::SystemClock::Get();
    journeys_ = std::make_unique<engine::Journeys>(config);
    accounts_ = std::make_unique<engine::Accounts>(*store_, clock);
    contacts_ = std::make_unique<engine::Contacts>(*store_, clock, journeys_.get(), &hooks_);
    events_ = std::make_unique<engine::Events>(*store_, clock, journeys_.get(), &hooks_);
    automations_ = std::make_unique<engine::Automations>(*store_, clock, *journeys_, &hooks_);
    services_.reset(new api::Services{*store_, *accounts_, *contacts_, *events_, *automations_,
                                      *journeys_, metrics_, clock, http::Limits{}});
  }

  void TearDown() override {
    services_.reset();
    automations_.reset();
    events_.reset();
    contacts_.reset();
    accounts_.reset();
    journeys_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  engine::EngineHooks hooks_;
  std::unique_ptr<engine::Journeys> journeys_;
  std::unique_ptr<engine::Accounts> accounts_;
  std::unique_ptr<engine::Contacts> contacts_;
  std::unique_ptr<engine::Events> events_;
  std::unique_ptr<engine::Automations> automations_;
  http::Metrics metrics_;
  std::unique_ptr<api::Services> services_;
};

}  // namespace rivulet::test_support

#endif  // RIVULET_TEST_SUPPORT_API_FIXTURE_H_

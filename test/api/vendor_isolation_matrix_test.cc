// The isolation matrix of the vendor faces (test/integration/vendor_isolation_matrix.json,
// run by test/integration/test_isolation_vendor.py) must cover every route that the Leat,
// Contactflow and AllsTechnology faces register, and nothing else: a new endpoint that is
// not added to the matrix fails here, before it can leak one workspace's data to another.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "api/allstech/allstech_api.h"
#include "api/contactflow/contactflow_api.h"
#include "api/leat/leat_api.h"
#include "api/services.h"
#include "core/clock.h"
#include "engine/accounts.h"
#include "engine/automations.h"
#include "engine/contacts.h"
#include "engine/events.h"
#include "engine/journeys.h"
#include "http/metrics.h"
#include "http/router.h"
#include "store/sqlite/sqlite_store.h"
#include "support/api_fixture.h"
#include "support/peer_process.h"

namespace rivulet::api {
namespace {
namespace json = boost::json;

// (face, method, pattern)
using RouteKey = std::tuple<std::string, std::string, std::string>;

std::string Name(const RouteKey& k) {
  return std::get<0>(k) + " " + std::get<1>(k) + " " + std::get<2>(k);
}

class NoEmail final : public delivery::EmailSender {
 public:
  delivery::Outcome Send(const delivery::SmtpSettings&, const delivery::EmailMessage&,
                         core::Millis) override {
    return {};
  }
};

class NoHttp final : public delivery::HttpSender {
 public:
  delivery::Outcome Send(const delivery::HttpRequest&) override { return {}; }
};

class VendorIsolationMatrixTest : public test_support::ApiServicesFixture {
 protected:
  void SetUp() override {
    ApiServicesFixture::SetUp();
    if (HasFatalFailure()) return;
    worker_ = std::make_unique<contactflow::Worker>(email_, http_);
    // As src/app/app.cc registers the vendor faces.
    leat::RegisterLeatApi(router_, *services_);
    contactflow::RegisterContactflowApi(router_, *services_, *worker_);
    allstech::RegisterAllsTechApi(router_, *services_);
  }

  void TearDown() override {
    worker_.reset();
    ApiServicesFixture::TearDown();
  }

  // The authenticated routes of the three faces (public ones, such as the OpenAPI document,
  // are the same for every caller).
  std::map<RouteKey, const http::Route*> Registered() const {
    std::map<RouteKey, const http::Route*> out;
    for (const http::Route* r : router_.Routes()) {
      if (!r->face || r->options.public_route) continue;
      out[{r->face->name, r->method, r->pattern}] = r;
    }
    return out;
  }

  NoEmail email_;
  NoHttp http_;
  std::unique_ptr<contactflow::Worker> worker_;
  http::Router router_;
};

json::value ReadMatrix() {
  std::string path = test_support::SourcePath("test/integration/vendor_isolation_matrix.json");
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  EXPECT_FALSE(ec) << path << " is not JSON: " << ec.message();
  return v;
}

TEST_F(VendorIsolationMatrixTest, EveryRouteOfTheVendorFacesIsInTheMatrix) {
  json::value matrix = ReadMatrix();
  ASSERT_TRUE(matrix.is_object());
  const json::value* calls = matrix.as_object().if_contains("calls");
  ASSERT_TRUE(calls && calls->is_array());
  std::set<RouteKey> covered;
  for (const json::value& c : calls->as_array()) {
    ASSERT_TRUE(c.is_object());
    const json::object& o = c.as_object();
    RouteKey k{std::string(o.at("face").as_string()), std::string(o.at("method").as_string()),
               std::string(o.at("pattern").as_string())};
    covered.insert(k);
  }
  auto registered = Registered();
  EXPECT_GT(registered.size(), 50u);
  for (const auto& [k, route] : registered) {
    EXPECT_TRUE(covered.count(k)) << "not in vendor_isolation_matrix.json: " << Name(k);
  }
  for (const RouteKey& k : covered) {
    EXPECT_TRUE(registered.count(k)) << "in the matrix but not registered: " << Name(k);
  }
}

// The matrix calls Contactflow routes that need no Node header only without one (and the
// others with B's node, A's node and an unknown one): its "node" flags must follow the routes.
TEST_F(VendorIsolationMatrixTest, NodeFlagsFollowTheRoutes) {
  json::value matrix = ReadMatrix();
  const json::value* calls = matrix.as_object().if_contains("calls");
  ASSERT_TRUE(calls && calls->is_array());
  auto registered = Registered();
  for (const json::value& c : calls->as_array()) {
    const json::object& o = c.as_object();
    RouteKey k{std::string(o.at("face").as_string()), std::string(o.at("method").as_string()),
               std::string(o.at("pattern").as_string())};
    auto it = registered.find(k);
    if (it == registered.end() || std::get<0>(k) != "contactflow") continue;
    const json::value* node = o.if_contains("node");
    bool node_header = !(node && node->is_bool() && !node->as_bool());
    EXPECT_EQ(node_header, it->second->options.needs_workspace) << Name(k);
  }
}

}  // namespace
}  // namespace rivulet::api

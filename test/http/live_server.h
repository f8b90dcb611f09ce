#ifndef RIVULET_TEST_HTTP_LIVE_SERVER_H_
#define RIVULET_TEST_HTTP_LIVE_SERVER_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <string>
#include <thread>

#include "core/clock.h"
#include "engine/accounts.h"
#include "http/dispatcher.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "store/sqlite_test_util.h"

namespace rivulet::http::testing {

// A real http::Server on a free loopback port, for tests that talk to it over a socket.
// Add routes to router() under face() (which owns `prefix`), then Start(). The destructor
// shuts the server down and waits for Run() to return.
class LiveServer {
 public:
  explicit LiveServer(const std::string& prefix) {
    store_ = rivulet::testing::OpenMigrated(dir_.File("live.db"));
    accounts_ = std::make_unique<engine::Accounts>(*store_, clock_, 3600);
    face_.name = "test";
    face_.prefix = prefix;
    face_.render_error = [](const core::Status& st, const Request&) {
      return Response::Text(HttpStatusFor(st.code()), st.message());
    };
  }
  ~LiveServer() {
    if (server_) server_->Shutdown();
    if (thread_.joinable()) thread_.join();
  }
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  Router& router() { return router_; }
  // Adds a route under face() that needs no credentials.
  void AddPublic(std::string method, std::string pattern, Handler handler) {
    RouteOptions options;
    options.public_route = true;
    router_.Add(&face_, std::move(method), std::move(pattern), std::move(handler), options);
  }
  const Face* face() const { return &face_; }
  rivulet::testing::TempDir& dir() { return dir_; }

  void Start(int threads, Limits limits = {}, int shutdown_grace_seconds = 10) {
    ASSERT_NE(store_, nullptr);
    dispatcher_ = std::make_unique<Dispatcher>(router_, *accounts_, metrics_, limits);
    ServerOptions options;
    options.port = 0;
    options.threads = threads;
    options.access_log = false;
    options.shutdown_grace_seconds = shutdown_grace_seconds;
    server_ = std::make_unique<Server>(options, *dispatcher_);
    auto port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }

  // A socket connected to the server.
  int Connect() const {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    timeval wait{15, 0};  // a test that gets no answer fails rather than hangs
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  }

 private:
  rivulet::testing::TempDir dir_;
  core::FakeClock clock_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::unique_ptr<engine::Accounts> accounts_;
  Face face_;
  Router router_;
  Metrics metrics_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  unsigned short port_ = 0;
};

}  // namespace rivulet::http::testing

#endif  // RIVULET_TEST_HTTP_LIVE_SERVER_H_

// The server deals connections to its I/O threads in turn, and a connection stays on its
// thread: every request on it is read, handled and answered there. Shutdown stops every
// thread, idle or not.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "engine/accounts.h"
#include "http/dispatcher.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "store/sqlite_test_util.h"

namespace rivulet::http {
namespace {

class ServerThreadsTest : public ::testing::Test {
 protected:
  void Start(int threads) {
    store_ = testing::OpenMigrated(dir_.File("threads.db"));
    ASSERT_NE(store_, nullptr);
    accounts_ = std::make_unique<engine::Accounts>(*store_, clock_, 3600);
    face_.name = "test";
    face_.prefix = "/t";
    RouteOptions pub;
    pub.public_route = true;
    // Answers with the id of the thread that ran the handler.
    router_.Add(&face_, "GET", "/t/thread", Sync([](const Call&) {
      return Response::Text(
          200, std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
    }),
                pub);
    dispatcher_ = std::make_unique<Dispatcher>(router_, *accounts_, metrics_, Limits{});
    ServerOptions options;
    options.port = 0;
    options.threads = threads;
    options.access_log = false;
    server_ = std::make_unique<Server>(options, *dispatcher_);
    auto port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    if (thread_.joinable()) thread_.join();  // hangs here if a thread kept running
  }

  int Connect() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  }

  // Sends one keep-alive request and returns the response body (the handler's thread).
  static std::string HandlerThread(int fd) {
    std::string req = "GET /t/thread HTTP/1.1\r\nHost: x\r\n\r\n";
    EXPECT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    std::string in;
    char buf[4096];
    while (true) {
      size_t head_end = in.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t at = in.find("Content-Length: ");
        if (at != std::string::npos) {
          size_t length = std::stoul(in.substr(at + 16));
          if (in.size() >= head_end + 4 + length) return in.substr(head_end + 4, length);
        }
      }
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return "";
      in.append(buf, static_cast<size_t>(n));
    }
  }

  testing::TempDir dir_;
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

TEST_F(ServerThreadsTest, ConnectionsAreSpreadOverTheThreadsAndStayOnTheirs) {
  Start(2);
  std::vector<int> fds;
  std::vector<std::string> first;
  for (int i = 0; i < 4; ++i) {
    fds.push_back(Connect());
    first.push_back(HandlerThread(fds.back()));
    ASSERT_FALSE(first.back().empty());
  }
  std::set<std::string> threads(first.begin(), first.end());
  EXPECT_EQ(threads.size(), 2u) << "4 connections should be dealt to both threads";
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < fds.size(); ++i) {
      EXPECT_EQ(HandlerThread(fds[i]), first[i]) << "connection " << i << " changed thread";
    }
  }
  for (int fd : fds) close(fd);
}

TEST_F(ServerThreadsTest, ShutdownStopsThreadsThatHaveNoConnection) {
  Start(3);
  int fd = Connect();  // lands on the first thread; the other two stay idle
  EXPECT_FALSE(HandlerThread(fd).empty());
  close(fd);
  // TearDown's Shutdown() must end Run() although two threads never had work.
}

}  // namespace
}  // namespace rivulet::http

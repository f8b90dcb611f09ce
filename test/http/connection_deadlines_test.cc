// Every wait of a connection ends at its deadline, enforced by its I/O thread's watchdog: an
// idle keep-alive connection at the idle timeout, a request that stops arriving at the read
// timeout, a client that stops taking its response at the same timeout. A session whose
// handler never answers is ended at shutdown, without leaking (LeakSanitizer in Debug).
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/live_server.h"

namespace rivulet::http {
namespace {

using namespace std::chrono_literals;
using std::chrono::steady_clock;

// Reads and drops what the server sends until it closes the connection; returns how long
// that took from `since`, or nothing if it stays open for `limit`.
std::optional<steady_clock::duration> TimeUntilClosed(int fd, steady_clock::time_point since,
                                                      steady_clock::duration limit) {
  char buf[4096];
  while (steady_clock::now() - since < limit) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return steady_clock::now() - since;
  }
  return std::nullopt;
}

class ConnectionDeadlinesTest : public ::testing::Test {
 protected:
  void Start(Limits limits) {
    server_.AddPublic("GET", "/d/now",
                      Sync([](const Call&) { return Response::Text(200, "now"); }));
    // An endless body; `producer_gone_` is set when the session lets go of its producer.
    server_.AddPublic("GET", "/d/endless", Sync([this](const Call&) {
                        Response r = Response::Text(200, "", "application/octet-stream");
                        auto gone = std::shared_ptr<void>(nullptr,
                                                          [this](void*) { producer_gone_ = true; });
                        r.stream = [gone](char* buf, size_t cap) -> std::ptrdiff_t {
                          std::memset(buf, 'x', cap);
                          return static_cast<std::ptrdiff_t>(cap);
                        };
                        return r;
                      }));
    // Keeps its Respond and never calls it.
    server_.AddPublic("GET", "/d/never", [this](const Call&, Respond respond) {
      std::lock_guard lock(mu_);
      held_.push_back(std::move(respond));
    });
    server_.Start(2, limits, /*shutdown_grace_seconds=*/1);
  }

  int Send(const std::string& data) {
    int fd = server_.Connect();
    EXPECT_EQ(send(fd, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
    return fd;
  }

  std::atomic<bool> producer_gone_{false};  // before server_: its handlers use it
  std::unique_ptr<testing::LiveServer> owned_ = std::make_unique<testing::LiveServer>("/d");
  testing::LiveServer& server_ = *owned_;
  std::mutex mu_;
  std::vector<Respond> held_;  // after server_: dropped, never called, before it shuts down
};

TEST_F(ConnectionDeadlinesTest, AnIdleConnectionIsClosedAtTheIdleTimeout) {
  Limits limits;
  limits.idle_timeout_seconds = 1;
  Start(limits);
  // One request first: the idle timeout runs again after each response.
  int fd = Send("GET /d/now HTTP/1.1\r\nHost: x\r\n\r\n");
  char buf[512];
  ASSERT_GT(recv(fd, buf, sizeof buf, 0), 0);
  auto took = TimeUntilClosed(fd, steady_clock::now(), 5s);
  close(fd);
  ASSERT_TRUE(took) << "an idle connection stayed open for 5 s with a 1 s idle timeout";
  EXPECT_GE(*took, 900ms);
}

TEST_F(ConnectionDeadlinesTest, ARequestThatStopsArrivingIsClosedAtTheReadTimeout) {
  Limits limits;
  limits.read_timeout_seconds = 1;  // the idle timeout stays at 60 s
  Start(limits);
  auto began = steady_clock::now();
  int fd = Send("GET /d/now HTTP/1.1\r\nHo");
  auto took = TimeUntilClosed(fd, began, 5s);
  close(fd);
  ASSERT_TRUE(took) << "a half-sent request kept its connection for 5 s";
  EXPECT_GE(*took, 900ms);
}

TEST_F(ConnectionDeadlinesTest, AClientThatStopsTakingItsResponseIsCutOff) {
  Limits limits;
  limits.read_timeout_seconds = 1;
  Start(limits);
  int fd = Send("GET /d/endless HTTP/1.1\r\nHost: x\r\n\r\n");
  // The client reads nothing: once the socket buffers are full, the write waits, and is
  // cancelled at its deadline; the session ends and drops the producer.
  auto began = steady_clock::now();
  while (!producer_gone_ && steady_clock::now() - began < 10s) std::this_thread::sleep_for(20ms);
  close(fd);
  EXPECT_TRUE(producer_gone_) << "the endless response was still being written after 10 s";
}

TEST_F(ConnectionDeadlinesTest, ShutdownEndsASessionWhoseHandlerNeverAnswers) {
  Start(Limits{});  // a 60 s handler timeout: shutdown comes first
  int fd = Send("GET /d/never HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mu_);
      if (!held_.empty()) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  {
    std::lock_guard lock(mu_);
    ASSERT_EQ(held_.size(), 1u);
    held_.clear();  // the answer will never come
  }
  // The session waits past the 1 s grace period; the server stops regardless, and ends it.
  auto began = steady_clock::now();
  owned_.reset();
  EXPECT_LT(steady_clock::now() - began, 5s);
  close(fd);
}

}  // namespace
}  // namespace rivulet::http

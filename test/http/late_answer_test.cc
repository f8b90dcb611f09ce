// A handler may answer from another thread, later: the answer reaches the client on the
// connection's own thread. One that takes longer than handler_timeout_seconds gets a 503
// instead, and its late answer is dropped: the next request on the connection gets its own.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/live_server.h"

namespace rivulet::http {
namespace {

using namespace std::chrono_literals;

class LateAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Answers "later" from a thread of its own after 50 ms.
    server_.AddPublic(
        "GET", "/a/later", [this](const Call&, Respond respond) {
          std::lock_guard lock(mu_);
          helpers_.emplace_back([respond = std::move(respond)] {
            std::this_thread::sleep_for(50ms);
            respond(Response::Text(200, "later"));
          });
        });
    // Keeps its Respond, to be called by the test when it likes.
    server_.AddPublic("GET", "/a/never", [this](const Call&, Respond respond) {
      std::lock_guard lock(mu_);
      held_.push_back(std::move(respond));
    });
    server_.AddPublic("GET", "/a/now",
                      Sync([](const Call&) { return Response::Text(200, "now"); }));
    // Its completion is posted from a thread of its own to the request's thread
    // (Request::thread, as a store does for a write's complete_on): the body says whether the
    // answer was made on the thread that ran the handler, and carries the completion's value.
    server_.AddPublic("GET", "/a/handed-back", [this](const Call& call, Respond respond) {
      std::function<void(int)> done = [handler = std::this_thread::get_id(),
                                       respond = std::move(respond)](int value) {
        bool here = std::this_thread::get_id() == handler;
        respond(Response::Text(
            200, std::to_string(value) + (here ? " on the request's thread" : " elsewhere")));
      };
      std::lock_guard lock(mu_);
      helpers_.emplace_back([thread = call.request.thread, done = std::move(done)] {
        thread->Post([done] { done(7); });
      });
    });
    Limits limits;
    limits.handler_timeout_seconds = 1;
    server_.Start(2, limits);
  }
  void TearDown() override {
    for (auto& t : helpers_) t.join();
  }

  static void SendGet(int fd, const std::string& path) {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    EXPECT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  }
  // Reads one response: (status line, body). `in` keeps what was received beyond it.
  static std::pair<std::string, std::string> ReadResponse(int fd, std::string& in) {
    char buf[4096];
    while (true) {
      size_t head_end = in.find("\r\n\r\n");
      size_t at = in.find("Content-Length: ");
      if (head_end != std::string::npos && at != std::string::npos) {
        size_t length = std::stoul(in.substr(at + 16));
        if (in.size() >= head_end + 4 + length) {
          std::pair<std::string, std::string> r{in.substr(0, in.find("\r\n")),
                                                in.substr(head_end + 4, length)};
          in.erase(0, head_end + 4 + length);
          return r;
        }
      }
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return {"", ""};
      in.append(buf, static_cast<size_t>(n));
    }
  }
  // Sends a keep-alive GET and reads its response.
  static std::pair<std::string, std::string> Get(int fd, const std::string& path) {
    SendGet(fd, path);
    std::string in;
    return ReadResponse(fd, in);
  }

  testing::LiveServer server_{"/a"};  // first: it outlives the answers held below
  std::mutex mu_;
  std::vector<std::thread> helpers_;
  std::vector<Respond> held_;
};

TEST_F(LateAnswerTest, AnAnswerFromAnotherThreadReachesTheClient) {
  int fd = server_.Connect();
  for (int i = 0; i < 3; ++i) {
    auto [status, body] = Get(fd, "/a/later");
    EXPECT_EQ(status, "HTTP/1.1 200 OK");
    EXPECT_EQ(body, "later");
  }
  close(fd);
}

TEST_F(LateAnswerTest, AnAnswerLaterThanTheTimeoutIsA503AndIsThenDropped) {
  int fd = server_.Connect();
  auto began = std::chrono::steady_clock::now();
  auto [status, body] = Get(fd, "/a/never");
  auto took = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(status, "HTTP/1.1 503 Service Unavailable");
  EXPECT_EQ(body, "request timed out");
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 5s);
  // The answer comes after all; nobody waits for it any more.
  {
    std::lock_guard lock(mu_);
    ASSERT_EQ(held_.size(), 1u);
    held_[0](Response::Text(200, "too late"));
  }
  // The connection goes on, and its next request gets its own answer.
  auto [next_status, next_body] = Get(fd, "/a/now");
  EXPECT_EQ(next_status, "HTTP/1.1 200 OK");
  EXPECT_EQ(next_body, "now");
  close(fd);
}

TEST_F(LateAnswerTest, ACompletionHandedBackRunsOnTheThreadThatRanTheHandler) {
  int fd = server_.Connect();
  for (int i = 0; i < 3; ++i) {
    auto [status, body] = Get(fd, "/a/handed-back");
    EXPECT_EQ(status, "HTTP/1.1 200 OK");
    EXPECT_EQ(body, "7 on the request's thread");
  }
  close(fd);
}

// A client that sends its next request while the last is still being answered (pipelining)
// gets both answers, in order: the next request waits in the socket until its turn.
TEST_F(LateAnswerTest, ARequestSentBeforeTheLastAnswerCameIsAnsweredAfterIt) {
  int fd = server_.Connect();
  for (int i = 0; i < 3; ++i) {
    SendGet(fd, "/a/later");
    std::this_thread::sleep_for(10ms);  // the first is being answered (for 50 ms)
    SendGet(fd, "/a/now");
    std::string in;
    auto [first_status, first_body] = ReadResponse(fd, in);
    auto [second_status, second_body] = ReadResponse(fd, in);
    EXPECT_EQ(first_body, "later");
    EXPECT_EQ(second_status, "HTTP/1.1 200 OK");
    ASSERT_EQ(second_body, "now");
    EXPECT_TRUE(in.empty()) << in;
  }
  close(fd);
}

}  // namespace
}  // namespace rivulet::http

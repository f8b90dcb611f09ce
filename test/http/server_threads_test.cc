// The server deals connections to its I/O threads in turn, and a connection stays on its
// thread: every request on it is read, handled and answered there. Shutdown stops every
// thread, idle or not.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/live_server.h"

namespace rivulet::http {
namespace {

class ServerThreadsTest : public ::testing::Test {
 protected:
  void Start(int threads) {
    // Answers with the id of the thread that ran the handler.
    server_.AddPublic(
        "GET", "/t/thread", Sync([](const Call&) {
          return Response::Text(
              200, std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
        }));
    server_.Start(threads);
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

  testing::LiveServer server_{"/t"};  // its destructor hangs if a thread kept running
};

TEST_F(ServerThreadsTest, ConnectionsAreSpreadOverTheThreadsAndStayOnTheirs) {
  Start(2);
  std::vector<int> fds;
  std::vector<std::string> first;
  for (int i = 0; i < 4; ++i) {
    fds.push_back(server_.Connect());
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
  int fd = server_.Connect();  // lands on the first thread; the other two stay idle
  EXPECT_FALSE(HandlerThread(fd).empty());
  close(fd);
  // Shutting the server down must end Run() although two threads never had work.
}

}  // namespace
}  // namespace rivulet::http

// The server writes a streamed body (Response::stream) piece by piece, as the client takes
// it: the producer is not run ahead of a client that stops reading, and a producer error cuts
// the chunked body short instead of ending it cleanly.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "http/file_body.h"
#include "http/live_server.h"

namespace rivulet::http {
namespace {

constexpr size_t kTotal = 64u << 20;  // 64 MiB, produced lazily

class StreamedBodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.AddPublic("GET", "/s/big", Sync([this](const Call&) {
                        Response r = Response::Text(200, "", "application/octet-stream");
                        r.stream = [this](char* buf, size_t cap) -> std::ptrdiff_t {
                          size_t n = std::min(cap, kTotal - produced_.load());
                          std::memset(buf, 'x', n);
                          produced_ += n;
                          return static_cast<std::ptrdiff_t>(n);
                        };
                        return r;
                      }));
    server_.AddPublic("GET", "/s/broken", Sync([](const Call&) {
                        Response r = Response::Text(200, "", "text/plain");
                        auto calls = std::make_shared<int>(0);
                        r.stream = [calls](char* buf, size_t cap) -> std::ptrdiff_t {
                          if ((*calls)++ > 0) return -1;
                          std::memset(buf, 'y', std::min<size_t>(cap, 10));
                          return static_cast<std::ptrdiff_t>(std::min<size_t>(cap, 10));
                        };
                        return r;
                      }));
    server_.AddPublic("GET", "/s/file", Sync([this](const Call&) -> Response {
                        auto body = FileBody(server_.dir().File("report.csv"), true);
                        if (!body.ok()) return Response::Text(500, body.status().message());
                        Response r = Response::Text(200, "", "text/csv");
                        r.stream = std::move(body).value();
                        return r;
                      }));
    server_.Start(1);
  }

  int Connect(const std::string& path, const std::string& version = "HTTP/1.1") {
    int fd = server_.Connect();
    std::string req = "GET " + path + " " + version + "\r\nHost: x\r\nConnection: close\r\n\r\n";
    EXPECT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    return fd;
  }

  // The file /s/file streams (and then removes).
  void WriteReport(const std::string& content) {
    FILE* f = std::fopen(server_.dir().File("report.csv").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
  }

  // Reads up to max bytes (until the peer closes when max is 0).
  static std::string Read(int fd, size_t max) {
    std::string out;
    char buf[65536];
    while (max == 0 || out.size() < max) {
      size_t want = max == 0 ? sizeof buf : std::min(sizeof buf, max - out.size());
      ssize_t n = recv(fd, buf, want, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  std::atomic<size_t> produced_{0};  // before server_: its handlers use it until shutdown
  testing::LiveServer server_{"/s"};
};

TEST_F(StreamedBodyTest, ProducerWaitsForASlowClient) {
  int fd = Connect("/s/big");
  std::string head = Read(fd, 1 << 20);
  ASSERT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head.substr(0, 300);
  // The client stops reading: the producer stops once the socket buffers are full.
  size_t last = 0;
  for (int stable = 0, round = 0; stable < 5 && round < 200; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    size_t now = produced_.load();
    stable = now == last ? stable + 1 : 0;
    last = now;
  }
  EXPECT_LT(produced_.load(), kTotal / 2) << "the body was produced ahead of the client";
  // Reading on gets the whole body, framed in chunks of at most 64 KiB.
  std::string rest = head + Read(fd, 0);
  close(fd);
  EXPECT_EQ(produced_.load(), kTotal);
  size_t body = rest.find("\r\n\r\n") + 4, payload = 0;
  while (true) {
    size_t eol = rest.find("\r\n", body);
    ASSERT_NE(eol, std::string::npos);
    size_t size = std::stoul(rest.substr(body, eol - body), nullptr, 16);
    ASSERT_LE(size, 64u * 1024);
    if (size == 0) break;
    payload += size;
    body = eol + 2 + size + 2;
  }
  EXPECT_EQ(payload, kTotal);
}

TEST_F(StreamedBodyTest, AnHttp10ClientGetsTheBodyAsItIsAndThenTheClose) {
  std::string content = "a,b\r\n1,2\r\n";
  WriteReport(content);
  int fd = Connect("/s/file", "HTTP/1.0");
  std::string all = Read(fd, 0);  // returns once the server closes
  close(fd);
  ASSERT_EQ(all.rfind("HTTP/1.0 200", 0), 0u) << all;
  size_t body = all.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos) << all;
  EXPECT_EQ(all.substr(0, body).find("Transfer-Encoding"), std::string::npos) << all;
  EXPECT_EQ(all.substr(body + 4), content);
}

TEST_F(StreamedBodyTest, ProducerErrorCutsTheBodyShort) {
  int fd = Connect("/s/broken");
  std::string all = Read(fd, 0);
  close(fd);
  ASSERT_NE(all.find("HTTP/1.1 200"), std::string::npos) << all;
  EXPECT_NE(all.find("yyyyyyyyyy"), std::string::npos) << all;
  EXPECT_EQ(all.find("\r\n0\r\n\r\n"), std::string::npos) << "ended like a complete body";
}

TEST_F(StreamedBodyTest, FileBodyStreamsAndRemovesTheFile) {
  std::string content;
  for (int i = 0; i < 20000; ++i) content += "row " + std::to_string(i) + ",value\r\n";
  WriteReport(content);
  int fd = Connect("/s/file");
  std::string all = Read(fd, 0);
  close(fd);
  std::string body;
  size_t at = all.find("\r\n\r\n") + 4;
  while (true) {
    size_t eol = all.find("\r\n", at);
    ASSERT_NE(eol, std::string::npos);
    size_t size = std::stoul(all.substr(at, eol - at), nullptr, 16);
    if (size == 0) break;
    body += all.substr(eol + 2, size);
    at = eol + 2 + size + 2;
  }
  EXPECT_EQ(body, content);
  EXPECT_NE(access(server_.dir().File("report.csv").c_str(), F_OK), 0)
      << "the file was not removed";
  EXPECT_EQ(FileBody(server_.dir().File("report.csv"), true).status().code(),
            core::Code::kNotFound);
}

}  // namespace
}  // namespace rivulet::http

#include "delivery/http_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "delivery/webhook_signature.h"
#include "support/peer_process.h"

namespace rivulet::delivery {
namespace {

namespace json = boost::json;
using test_support::PeerProcess;
using test_support::ReadFileOrEmpty;
using test_support::ScopedTempDir;
using test_support::WaitFor;
using SteadyClock = std::chrono::steady_clock;

// Runs test/support/http_receiver.py for one test; its log holds one JSON line per request.
class HttpSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto peer = PeerProcess::Start(
        {test_support::kPeerPython, test_support::SourcePath("test/support/http_receiver.py"),
         "--log", dir_.File("requests.jsonl"), "--watch-stdin"},
        std::chrono::seconds(15), dir_.File("receiver.log"));
    ASSERT_TRUE(peer.ok()) << peer.status().ToString() << "\n"
                           << ReadFileOrEmpty(dir_.File("receiver.log"));
    receiver_ = std::move(peer).value();
    base_ = "http://127.0.0.1:" + std::to_string(receiver_->port());
  }

  HttpRequest Post(const std::string& path, std::string body = R"({"event":"test"})") {
    HttpRequest r;
    r.url = base_ + path;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = std::move(body);
    return r;
  }

  // Every request the receiver logged so far, in order.
  std::vector<json::object> Requests() {
    std::vector<json::object> out;
    std::istringstream lines(ReadFileOrEmpty(dir_.File("requests.jsonl")));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) out.push_back(json::parse(line).as_object());
    }
    return out;
  }

  // Sends a marker request with a plain sender and waits until the receiver logged it; any
  // request an earlier Send caused is then in the log too (the receiver logs before answering
  // and answers in order on one thread per connection).
  std::vector<json::object> RequestsAfterSentinel() {
    CurlHttpSender plain;
    HttpRequest r;
    r.method = "GET";
    r.url = base_ + "/sentinel";
    EXPECT_TRUE(plain.Send(r).delivered());
    std::vector<json::object> all;
    EXPECT_TRUE(WaitFor([&] {
      all = Requests();
      return !all.empty() && all.back()["path"] == "/sentinel";
    }));
    if (!all.empty()) all.pop_back();
    return all;
  }

  static std::string Header(const json::object& request, std::string_view name) {
    for (const json::value& h : request.at("headers").as_array()) {
      const json::array& pair = h.as_array();
      std::string key(pair[0].as_string());
      if (key.size() == name.size() &&
          std::equal(key.begin(), key.end(), name.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        return std::string(pair[1].as_string());
      }
    }
    return {};
  }

  ScopedTempDir dir_;
  std::unique_ptr<PeerProcess> receiver_;
  std::string base_;
};

TEST_F(HttpSenderTest, DeliversOn200AndKeepsTheResponseBody) {
  CurlHttpSender sender;
  HttpRequest r = Post("/hooks/order", R"({"order":42})");
  r.headers.push_back({"X-Idempotency-Key", "tok-1.step-2.0"});
  Outcome out = sender.Send(r);
  ASSERT_TRUE(out.delivered()) << out.ToString();
  EXPECT_EQ(out.code, 200);
  EXPECT_EQ(out.response_body, R"({"ok":true})");
  EXPECT_FALSE(out.response_truncated);

  std::vector<json::object> requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["method"], "POST");
  EXPECT_EQ(requests[0]["path"], "/hooks/order");
  EXPECT_EQ(requests[0]["body"], R"({"order":42})");
  EXPECT_EQ(Header(requests[0], "Content-Type"), "application/json");
  EXPECT_EQ(Header(requests[0], "X-Idempotency-Key"), "tok-1.step-2.0");
  EXPECT_EQ(Header(requests[0], "User-Agent"), "Rivulet");
  EXPECT_EQ(Header(requests[0], "Expect"), "");
}

TEST_F(HttpSenderTest, SendsNoFormContentTypeByDefault) {
  CurlHttpSender sender;
  HttpRequest r = Post("/plain", "raw");
  r.headers.clear();
  ASSERT_TRUE(sender.Send(r).delivered());
  EXPECT_EQ(Header(Requests().at(0), "Content-Type"), "");
}

TEST_F(HttpSenderTest, SupportsOtherMethods) {
  CurlHttpSender sender;
  for (std::string method : {"PUT", "PATCH", "DELETE", "GET"}) {
    HttpRequest r = Post("/m", method == "GET" ? "" : "{}");
    r.method = method;
    Outcome out = sender.Send(r);
    EXPECT_TRUE(out.delivered()) << method << ": " << out.ToString();
  }
  std::vector<json::object> requests = Requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0]["method"], "PUT");
  EXPECT_EQ(requests[0]["body"], "{}");
  EXPECT_EQ(requests[1]["method"], "PATCH");
  EXPECT_EQ(requests[2]["method"], "DELETE");
  EXPECT_EQ(requests[3]["method"], "GET");
  EXPECT_EQ(requests[3]["body"], "");
}

TEST_F(HttpSenderTest, ReusesOneConnectionPerHost) {
  CurlHttpSender sender;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(sender.Send(Post("/r/" + std::to_string(i))).delivered());
  std::vector<json::object> requests = Requests();
  ASSERT_EQ(requests.size(), 5u);
  for (const json::object& r : requests)
    EXPECT_EQ(r.at("connection"), requests[0].at("connection"));
}

TEST_F(HttpSenderTest, SendsFromSeveralThreadsWithAConnectionEach) {
  CurlHttpSender sender;
  constexpr int kThreads = 4, kPerThread = 5;
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        if (sender.Send(Post("/concurrent")).delivered()) ++delivered;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(delivered.load(), kThreads * kPerThread);
  std::set<int64_t> connections;
  for (const json::object& r : Requests()) connections.insert(r.at("connection").as_int64());
  EXPECT_LE(connections.size(), static_cast<size_t>(kThreads));
}

TEST_F(HttpSenderTest, SendManyRunsRequestsConcurrentlyAndReportsEachOnce) {
  HttpSenderOptions options;
  options.max_in_flight = 8;
  CurlHttpSender sender(options);
  constexpr size_t kRequests = 16;
  std::vector<HttpRequest> requests;
  for (size_t i = 0; i < kRequests; ++i) requests.push_back(Post("/slow/300"));
  requests[5] = Post("/status/500");
  requests[9] = Post("/status/404");
  requests[12].method = "post";  // invalid: never sent
  std::vector<std::optional<Outcome>> got(kRequests);
  auto start = SteadyClock::now();
  size_t reports = 0;
  sender.SendMany(requests, [&](Completions& done) {
    ASSERT_FALSE(done.empty());
    ++reports;
    for (auto& [i, outcome] : done) {
      ASSERT_LT(i, kRequests);
      EXPECT_FALSE(got[i].has_value()) << "request " << i << " reported twice";
      got[i] = std::move(outcome);
    }
  });
  auto elapsed = SteadyClock::now() - start;
  // 13 requests of 300 ms, 8 at a time: two rounds, not thirteen.
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
  EXPECT_GE(reports, 2u);
  for (size_t i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(got[i].has_value()) << "request " << i << " never reported";
    if (i == 5) {
      EXPECT_TRUE(got[i]->retryable()) << got[i]->ToString();
      EXPECT_EQ(got[i]->code, 500);
    } else if (i == 9) {
      EXPECT_TRUE(got[i]->permanent()) << got[i]->ToString();
      EXPECT_EQ(got[i]->code, 404);
    } else if (i == 12) {
      EXPECT_TRUE(got[i]->permanent()) << got[i]->ToString();
      EXPECT_NE(got[i]->detail.find("method"), std::string::npos);
    } else {
      EXPECT_TRUE(got[i]->delivered()) << i << ": " << got[i]->ToString();
    }
  }
  // A second call reuses the connections: never more than 8 in all.
  std::vector<HttpRequest> more(8, Post("/more"));
  size_t delivered = 0;
  sender.SendMany(more, [&](Completions& done) {
    for (auto& [i, outcome] : done) delivered += outcome.delivered();
  });
  EXPECT_EQ(delivered, 8u);
  std::set<int64_t> connections;
  auto logged = RequestsAfterSentinel();
  EXPECT_EQ(logged.size(), kRequests - 1 + 8);
  for (const json::object& r : logged) connections.insert(r.at("connection").as_int64());
  EXPECT_LE(connections.size(), 8u);
}

TEST_F(HttpSenderTest, SendManyBoundsEveryResponseAndRefusesDeniedAddresses) {
  HttpSenderOptions options;
  options.address_policy.emplace();  // loopback denied
  CurlHttpSender denied(options);
  std::vector<HttpRequest> requests(3, Post("/never"));
  size_t permanent = 0;
  denied.SendMany(requests, [&](Completions& done) {
    for (auto& [i, outcome] : done) {
      permanent += outcome.permanent();
      EXPECT_NE(outcome.detail.find("address not allowed"), std::string::npos) << outcome.detail;
    }
  });
  EXPECT_EQ(permanent, 3u);

  CurlHttpSender sender;
  std::vector<HttpRequest> big(4, Post("/big/100000"));
  for (HttpRequest& r : big) r.max_response_bytes = 1000;
  big[2] = Post("/redirect");
  sender.SendMany(big, [&](Completions& done) {
    for (auto& [i, outcome] : done) {
      if (i == 2) {
        EXPECT_TRUE(outcome.permanent());
        EXPECT_EQ(outcome.code, 302);
      } else {
        EXPECT_TRUE(outcome.delivered()) << outcome.ToString();
        EXPECT_TRUE(outcome.response_truncated);
        EXPECT_EQ(outcome.response_body.size(), 1000u);
      }
    }
  });
  auto logged = RequestsAfterSentinel();
  for (const json::object& r : logged) EXPECT_NE(r.at("path"), "/never");
  for (const json::object& r : logged) EXPECT_NE(r.at("path"), "/ok");  // redirect not followed
}

TEST_F(HttpSenderTest, ServerErrorsAreRetryable) {
  CurlHttpSender sender;
  for (int status : {500, 502, 503, 429, 408, 425}) {
    Outcome out = sender.Send(Post("/status/" + std::to_string(status)));
    EXPECT_TRUE(out.retryable()) << status << ": " << out.ToString();
    EXPECT_EQ(out.code, status);
  }
  Outcome out = sender.Send(Post("/status/503"));
  EXPECT_EQ(out.response_body, R"({"status": 503})");
}

TEST_F(HttpSenderTest, ClientErrorsArePermanent) {
  CurlHttpSender sender;
  for (int status : {400, 401, 403, 404, 410, 422}) {
    Outcome out = sender.Send(Post("/status/" + std::to_string(status)));
    EXPECT_TRUE(out.permanent()) << status << ": " << out.ToString();
    EXPECT_EQ(out.code, status);
  }
}

TEST_F(HttpSenderTest, OtherSuccessStatusesAreDelivered) {
  CurlHttpSender sender;
  for (int status : {201, 202, 204}) {
    Outcome out = sender.Send(Post("/status/" + std::to_string(status)));
    EXPECT_TRUE(out.delivered()) << status << ": " << out.ToString();
  }
}

TEST_F(HttpSenderTest, TimesOutSlowReceiversAsRetryable) {
  CurlHttpSender sender;
  HttpRequest r = Post("/slow/3000");
  r.timeout_ms = 500;
  auto start = SteadyClock::now();
  Outcome out = sender.Send(r);
  auto elapsed = SteadyClock::now() - start;
  EXPECT_TRUE(out.retryable()) << out.ToString();
  EXPECT_EQ(out.code, 0);
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
}

TEST_F(HttpSenderTest, CutsLargeResponsesAndDecidesByStatus) {
  CurlHttpSender sender;
  HttpRequest r = Post("/big/10000000");
  r.max_response_bytes = 64 * 1024;
  auto start = SteadyClock::now();
  Outcome out = sender.Send(r);
  EXPECT_TRUE(out.delivered()) << out.ToString();
  EXPECT_EQ(out.code, 200);
  EXPECT_TRUE(out.response_truncated);
  EXPECT_EQ(out.response_body.size(), 64u * 1024);
  EXPECT_EQ(out.response_body, std::string(64 * 1024, 'x'));
  EXPECT_NE(out.detail.find("cut"), std::string::npos) << out.detail;
  // The transfer was aborted, not drained: far quicker than the request timeout.
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(5));
  // The sender stays usable afterwards.
  EXPECT_TRUE(sender.Send(Post("/after-big")).delivered());
}

TEST_F(HttpSenderTest, ZeroResponseLimitKeepsNoBody) {
  CurlHttpSender sender;
  HttpRequest r = Post("/ok");
  r.max_response_bytes = 0;
  Outcome out = sender.Send(r);
  EXPECT_TRUE(out.delivered()) << out.ToString();
  EXPECT_TRUE(out.response_body.empty());
  EXPECT_TRUE(out.response_truncated);
}

TEST_F(HttpSenderTest, DoesNotFollowRedirects) {
  CurlHttpSender sender;
  Outcome out = sender.Send(Post("/redirect"));
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(out.code, 302);
  std::vector<json::object> requests = RequestsAfterSentinel();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["path"], "/redirect");
}

TEST_F(HttpSenderTest, DroppedConnectionIsRetryable) {
  CurlHttpSender sender;
  Outcome out = sender.Send(Post("/drop"));
  EXPECT_TRUE(out.retryable()) << out.ToString();
  EXPECT_EQ(out.code, 0);
}

TEST_F(HttpSenderTest, ClosedPortIsRetryable) {
  CurlHttpSender sender;
  HttpRequest r = Post("/");
  r.url = "http://127.0.0.1:" + std::to_string(test_support::UnusedLoopbackPort()) + "/x";
  Outcome out = sender.Send(r);
  EXPECT_TRUE(out.retryable()) << out.ToString();
  EXPECT_EQ(out.code, 0);
}

TEST_F(HttpSenderTest, DeniedAddressIsPermanentAndNeverContacted) {
  std::mutex mu;
  std::vector<std::string> asked;
  HttpSenderOptions options;
  options.allow_address = [&](const std::string& ip) {
    std::lock_guard<std::mutex> lock(mu);
    asked.push_back(ip);
    return false;
  };
  CurlHttpSender sender(options);
  Outcome out = sender.Send(Post("/secret"));
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(out.code, 0);
  EXPECT_NE(out.detail.find("address not allowed"), std::string::npos) << out.detail;
  EXPECT_EQ(asked, std::vector<std::string>{"127.0.0.1"});
  EXPECT_TRUE(RequestsAfterSentinel().empty());
}

TEST_F(HttpSenderTest, AllowedAddressIsContacted) {
  std::atomic<int> asked{0};
  HttpSenderOptions options;
  options.allow_address = [&](const std::string& ip) {
    ++asked;
    return ip == "127.0.0.1";
  };
  CurlHttpSender sender(options);
  EXPECT_TRUE(sender.Send(Post("/allowed")).delivered());
  EXPECT_TRUE(sender.Send(Post("/allowed")).delivered());
  EXPECT_EQ(asked.load(), 1);  // the second request reused the approved connection
}

TEST_F(HttpSenderTest, ThrowingAddressPolicyDenies) {
  HttpSenderOptions options;
  options.allow_address = [](const std::string&) -> bool { throw std::runtime_error("boom"); };
  CurlHttpSender sender(options);
  EXPECT_TRUE(sender.Send(Post("/x")).permanent());
  EXPECT_TRUE(RequestsAfterSentinel().empty());
}

TEST_F(HttpSenderTest, DefaultPolicyRefusesLoopbackAfterResolvingTheName) {
  HttpSenderOptions options;
  options.address_policy.emplace();
  CurlHttpSender sender(options);
  HttpRequest r = Post("/by-name");
  r.url = "http://localhost:" + std::to_string(receiver_->port()) + "/by-name";
  Outcome out = sender.Send(r);
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_NE(out.detail.find("is loopback"), std::string::npos) << out.detail;
  EXPECT_NE(out.detail.find("outbound_allow"), std::string::npos) << out.detail;
  EXPECT_TRUE(sender.Send(Post("/by-address")).permanent());
  EXPECT_TRUE(RequestsAfterSentinel().empty());
}

TEST_F(HttpSenderTest, PolicyAllowListLetsLoopbackThrough) {
  HttpSenderOptions options;
  options.address_policy.emplace(*ParseCidrList("127.0.0.0/8,::1/128"));
  CurlHttpSender sender(options);
  Outcome out = sender.Send(Post("/allowed"));
  EXPECT_TRUE(out.delivered()) << out.ToString();
}

TEST_F(HttpSenderTest, RedirectIsNotFollowedEvenWhenAllowed) {
  HttpSenderOptions options;
  options.address_policy.emplace(*ParseCidrList("127.0.0.0/8"));
  CurlHttpSender sender(options);
  Outcome out = sender.Send(Post("/redirect"));
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(out.code, 302);
  EXPECT_NE(out.detail.find("redirect not followed"), std::string::npos) << out.detail;
}

TEST_F(HttpSenderTest, RejectsHeadersWithLineBreaks) {
  CurlHttpSender sender;
  HttpRequest r = Post("/inject");
  r.headers.push_back({"X-Note", "a\r\nX-Injected: 1"});
  Outcome out = sender.Send(r);
  EXPECT_TRUE(out.permanent()) << out.ToString();
  r = Post("/inject");
  r.headers.push_back({"X-Note\r\nX-Injected", "1"});
  EXPECT_TRUE(sender.Send(r).permanent());
  r = Post("/inject");
  r.headers.push_back({"X-Note", "a\nb"});
  EXPECT_TRUE(sender.Send(r).permanent());
  r = Post("/inject");
  r.headers.push_back({"Content-Length", "1"});
  EXPECT_TRUE(sender.Send(r).permanent());
  EXPECT_TRUE(RequestsAfterSentinel().empty());
}

TEST_F(HttpSenderTest, RejectsOtherSchemesAndBadMethods) {
  CurlHttpSender sender;
  HttpRequest r = Post("/");
  r.url = "file:///etc/passwd";
  EXPECT_TRUE(sender.Send(r).permanent());
  r.url = "ftp://127.0.0.1/x";
  EXPECT_TRUE(sender.Send(r).permanent());
  r.url = "not a url";
  EXPECT_TRUE(sender.Send(r).permanent());
  r = Post("/");
  r.method = "GET /x HTTP/1.1\r\n";
  EXPECT_TRUE(sender.Send(r).permanent());
  EXPECT_TRUE(RequestsAfterSentinel().empty());
}

TEST_F(HttpSenderTest, SignsAtTheMomentOfSending) {
  const std::string secret = "whsec_test_secret";
  const std::string body = R"({"event":"contact_created","contact":{"email":"ada@example.org"}})";
  HttpRequest r = Post("/signed", body);
  r.signing_secret = secret;
  core::Millis before = core::SystemClock::Get().Now();
  ASSERT_TRUE(CurlHttpSender().Send(r).delivered());
  core::Millis after = core::SystemClock::Get().Now();

  json::object received = Requests().at(0);
  std::string signature = Header(received, kWebhookSignatureHeader);
  std::string received_body(received["body"].as_string());
  ASSERT_EQ(signature.rfind("t=", 0), 0u) << signature;
  long long t = std::stoll(signature.substr(2));
  EXPECT_GE(t, before / 1000);
  EXPECT_LE(t, after / 1000);
  EXPECT_TRUE(VerifyWebhook(secret, signature, received_body, after, 1000));
  EXPECT_FALSE(VerifyWebhook(secret, signature, received_body + " ", after));
  EXPECT_FALSE(VerifyWebhook("another secret", signature, received_body, after));
  EXPECT_FALSE(VerifyWebhook(secret, signature, received_body, after + 10 * 60 * 1000));
}

TEST_F(HttpSenderTest, UnsignedRequestsCarryNoSignature) {
  ASSERT_TRUE(CurlHttpSender().Send(Post("/plain", "{}")).delivered());
  EXPECT_EQ(Header(Requests().at(0), kWebhookSignatureHeader), "");
}

TEST(HttpOutcomeTest, MapsStatuses) {
  EXPECT_EQ(CurlHttpSender::KindForStatus(200), Outcome::Kind::kDelivered);
  EXPECT_EQ(CurlHttpSender::KindForStatus(299), Outcome::Kind::kDelivered);
  EXPECT_EQ(CurlHttpSender::KindForStatus(301), Outcome::Kind::kPermanent);
  EXPECT_EQ(CurlHttpSender::KindForStatus(400), Outcome::Kind::kPermanent);
  EXPECT_EQ(CurlHttpSender::KindForStatus(408), Outcome::Kind::kRetryable);
  EXPECT_EQ(CurlHttpSender::KindForStatus(425), Outcome::Kind::kRetryable);
  EXPECT_EQ(CurlHttpSender::KindForStatus(429), Outcome::Kind::kRetryable);
  EXPECT_EQ(CurlHttpSender::KindForStatus(499), Outcome::Kind::kPermanent);
  EXPECT_EQ(CurlHttpSender::KindForStatus(500), Outcome::Kind::kRetryable);
  EXPECT_EQ(CurlHttpSender::KindForStatus(599), Outcome::Kind::kRetryable);
}

}  // namespace
}  // namespace rivulet::delivery

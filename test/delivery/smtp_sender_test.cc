#include "delivery/smtp_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "delivery/mime_test_util.h"
#include "support/peer_process.h"

namespace rivulet::delivery {
namespace {

namespace json = boost::json;
using mime_test::BoundaryOf;
using mime_test::DecodeEncodedWords;
using mime_test::DecodeQuotedPrintable;
using mime_test::ParsedMessage;
using mime_test::ParseMessage;
using mime_test::SplitMultipart;
using mime_test::ToCrlf;
using test_support::PeerProcess;
using test_support::ReadFileOrEmpty;
using test_support::ScopedTempDir;
using test_support::WaitFor;

constexpr core::Millis kNow = 1'700'000'000'000;

// Runs test/support/smtp_sink.py for one test, saving mail under a temporary directory.
class SmtpSenderTest : public ::testing::Test {
 protected:
  void StartSink(std::vector<std::string> extra_args = {}) {
    std::vector<std::string> argv = {test_support::kPeerPython,
                                     test_support::SourcePath("test/support/smtp_sink.py"), "--dir",
                                     mail_dir(), "--watch-stdin"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    auto peer = PeerProcess::Start(argv, std::chrono::seconds(15), dir_.File("sink.log"));
    ASSERT_TRUE(peer.ok()) << peer.status().ToString() << "\n"
                           << ReadFileOrEmpty(dir_.File("sink.log"));
    sink_ = std::move(peer).value();
    settings_.url = "smtp://127.0.0.1:" + std::to_string(sink_->port());
    settings_.tls = SmtpSettings::Tls::kNone;
    settings_.helo_domain = "rivulet.test";
    settings_.connect_timeout_ms = 5000;
    settings_.timeout_ms = 10000;
  }

  std::string mail_dir() const { return dir_.File("mail"); }

  // The n-th accepted message (from 1): its metadata and raw bytes.
  json::object Meta(int n) {
    std::string path = mail_dir() + "/" + std::to_string(n) + ".json";
    bool present = WaitFor([&] { return std::filesystem::exists(path); });
    EXPECT_TRUE(present) << "no message " << n;
    if (!present) return {};
    return json::parse(ReadFileOrEmpty(path)).as_object();
  }
  std::string Eml(int n) { return ReadFileOrEmpty(mail_dir() + "/" + std::to_string(n) + ".eml"); }

  int MessageCount() {
    int count = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(mail_dir(), ec)) {
      if (entry.path().extension() == ".json") ++count;
    }
    return count;
  }

  static EmailMessage Message(std::string to = "ada@example.org") {
    EmailMessage m;
    m.from_name = "Rivulet Shop";
    m.from_address = "shop@example.com";
    m.to_name = "Ada Lovelace";
    m.to_address = std::move(to);
    m.subject = "Café 🎉";
    m.text = "Hello Ada,\n.\n..a line with two dots\nPrice = 10 €\n";
    m.html = "<p>Hello <b>Ada</b></p>\n";
    m.message_id = "tok-1.step-2.0@rivulet.test";
    m.list_unsubscribe_mailto = "mailto:unsub@example.com";
    m.list_unsubscribe_url = "https://example.com/u/tok-1";
    return m;
  }

  ScopedTempDir dir_;
  std::unique_ptr<PeerProcess> sink_;
  SmtpSettings settings_;
};

TEST_F(SmtpSenderTest, DeliversAMessageWithItsHeadersAndBothParts) {
  StartSink();
  CurlSmtpSender sender;
  EmailMessage m = Message();
  Outcome out = sender.Send(settings_, m, kNow);
  ASSERT_TRUE(out.delivered()) << out.ToString();
  EXPECT_EQ(out.code, 250);

  json::object meta = Meta(1);
  EXPECT_EQ(meta["mail_from"], "shop@example.com");
  EXPECT_EQ(meta["rcpt_tos"], json::array({"ada@example.org"}));
  EXPECT_EQ(meta["helo"], "rivulet.test");

  ParsedMessage p = ParseMessage(Eml(1));
  EXPECT_EQ(DecodeEncodedWords(*p.Header("Subject")), "Café 🎉");
  EXPECT_EQ(p.Header("Message-ID"), "<tok-1.step-2.0@rivulet.test>");
  EXPECT_EQ(p.Header("From"), "Rivulet Shop <shop@example.com>");
  EXPECT_EQ(p.Header("To"), "Ada Lovelace <ada@example.org>");
  EXPECT_EQ(p.Header("Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(p.Header("List-Unsubscribe"),
            "<mailto:unsub@example.com>, <https://example.com/u/tok-1>");
  EXPECT_EQ(p.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  std::vector<ParsedMessage> parts = SplitMultipart(p.body, BoundaryOf(*p.Header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].Header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(parts[1].Header("Content-Type"), "text/html; charset=UTF-8");
  // Lines starting with '.' survive: libcurl stuffed them, the server unstuffed them.
  EXPECT_EQ(DecodeQuotedPrintable(parts[0].body), ToCrlf(m.text));
  EXPECT_EQ(DecodeQuotedPrintable(parts[1].body), ToCrlf(m.html));
}

TEST_F(SmtpSenderTest, ReusesOneConnectionForConsecutiveMessages) {
  StartSink();
  CurlSmtpSender sender;
  for (int i = 0; i < 10; ++i) {
    EmailMessage m = Message();
    m.message_id = "msg-" + std::to_string(i) + "@rivulet.test";
    Outcome out = sender.Send(settings_, m, kNow);
    ASSERT_TRUE(out.delivered()) << i << ": " << out.ToString();
  }
  json::value first_session = Meta(1)["session"];
  for (int n = 1; n <= 10; ++n) {
    json::object meta = Meta(n);
    EXPECT_EQ(meta["session"], first_session) << "message " << n << " used a new connection";
    EXPECT_EQ(ParseMessage(Eml(n)).Header("Message-ID"),
              "<msg-" + std::to_string(n - 1) + "@rivulet.test>");
  }
}

TEST_F(SmtpSenderTest, SeparateSendersUseSeparateConnections) {
  StartSink();
  CurlSmtpSender a, b;
  ASSERT_TRUE(a.Send(settings_, Message(), kNow).delivered());
  ASSERT_TRUE(b.Send(settings_, Message(), kNow).delivered());
  EXPECT_NE(Meta(1)["session"], Meta(2)["session"]);
}

TEST_F(SmtpSenderTest, ReconnectsWhenTheServerClosedAnIdleConnection) {
  StartSink({"--idle-timeout", "1"});
  CurlSmtpSender sender;
  ASSERT_TRUE(sender.Send(settings_, Message(), kNow).delivered());
  std::string session = std::to_string(Meta(1)["session"].as_int64());
  ASSERT_TRUE(WaitFor(
      [&] { return std::filesystem::exists(mail_dir() + "/session-" + session + ".closed"); }));
  Outcome out = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(out.delivered()) << out.ToString();
  EXPECT_NE(Meta(2)["session"], Meta(1)["session"]);
}

TEST_F(SmtpSenderTest, ClosesItsConnectionsWhenDestroyed) {
  StartSink();
  {
    CurlSmtpSender sender;
    ASSERT_TRUE(sender.Send(settings_, Message(), kNow).delivered());
  }
  std::string session = std::to_string(Meta(1)["session"].as_int64());
  EXPECT_TRUE(WaitFor(
      [&] { return std::filesystem::exists(mail_dir() + "/session-" + session + ".closed"); }));
}

TEST_F(SmtpSenderTest, SendsFromSeveralThreadsWithAConnectionEach) {
  StartSink();
  CurlSmtpSender sender;
  constexpr int kThreads = 4, kPerThread = 5;
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        if (sender.Send(settings_, Message(), kNow).delivered()) ++delivered;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(delivered.load(), kThreads * kPerThread);
  std::set<int64_t> sessions;
  for (int n = 1; n <= kThreads * kPerThread; ++n) sessions.insert(Meta(n)["session"].as_int64());
  EXPECT_LE(sessions.size(), static_cast<size_t>(kThreads));
}

TEST_F(SmtpSenderTest, SendManyUsesAFewConnectionsForManyMessages) {
  StartSink();
  SmtpSenderOptions options;
  options.connections_per_relay = 3;
  CurlSmtpSender sender(options);
  constexpr size_t kMessages = 12;
  std::vector<EmailMessage> messages(kMessages, Message());
  for (size_t i = 0; i < kMessages; ++i) {
    messages[i].message_id = "many-" + std::to_string(i) + "@rivulet.test";
  }
  std::vector<EmailJob> jobs;
  for (const EmailMessage& m : messages) jobs.push_back(EmailJob{&settings_, &m});
  std::vector<int> reported(kMessages, 0);
  sender.SendMany(jobs, kNow, [&](Completions& done) {
    ASSERT_FALSE(done.empty());
    for (auto& [i, outcome] : done) {
      ASSERT_LT(i, kMessages);
      ++reported[i];
      EXPECT_TRUE(outcome.delivered()) << i << ": " << outcome.ToString();
    }
  });
  EXPECT_EQ(reported, std::vector<int>(kMessages, 1));
  // A later call reuses the same connections.
  sender.SendMany(std::span<const EmailJob>(jobs).first(3), kNow, [&](Completions& done) {
    for (auto& [i, outcome] : done) EXPECT_TRUE(outcome.delivered()) << outcome.ToString();
  });
  ASSERT_TRUE(WaitFor([&] { return MessageCount() == 15; })) << MessageCount();
  std::set<int64_t> sessions;
  std::set<std::string> ids;
  for (int n = 1; n <= 15; ++n) {
    sessions.insert(Meta(n)["session"].as_int64());
    ids.insert(ParseMessage(Eml(n)).Header("Message-ID").value_or(""));
  }
  EXPECT_EQ(ids.size(), kMessages);
  EXPECT_LE(sessions.size(), 3u);
  EXPECT_GE(sessions.size(), 2u);  // several at once, not one after the other
}

TEST_F(SmtpSenderTest, SendManyReportsEachOutcomeOnceWhenSomeFail) {
  StartSink();
  SmtpSenderOptions options;
  options.connections_per_relay = 3;
  CurlSmtpSender sender(options);
  constexpr size_t kMessages = 8;
  std::vector<EmailMessage> messages(kMessages, Message());
  messages[1].to_address = "reject-5xx@example.org";  // 550 at RCPT TO
  messages[4].to_address = "reject-4xx@example.org";  // 451 at RCPT TO
  messages[6].from_address = "not an address";        // never sent
  std::vector<EmailJob> jobs;
  for (const EmailMessage& m : messages) jobs.push_back(EmailJob{&settings_, &m});
  std::vector<std::optional<Outcome>> got(kMessages);
  sender.SendMany(jobs, kNow, [&](Completions& done) {
    for (auto& [i, outcome] : done) {
      ASSERT_LT(i, kMessages);
      EXPECT_FALSE(got[i].has_value()) << "message " << i << " reported twice";
      got[i] = std::move(outcome);
    }
  });
  for (size_t i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(got[i].has_value()) << "message " << i << " never reported";
    if (i == 1) {
      EXPECT_TRUE(got[i]->permanent()) << got[i]->ToString();
      EXPECT_EQ(got[i]->code, 550);
    } else if (i == 4) {
      EXPECT_TRUE(got[i]->retryable()) << got[i]->ToString();
      EXPECT_EQ(got[i]->code, 451);
    } else if (i == 6) {
      EXPECT_TRUE(got[i]->permanent()) << got[i]->ToString();
      EXPECT_EQ(got[i]->code, 0);
    } else {
      EXPECT_TRUE(got[i]->delivered()) << i << ": " << got[i]->ToString();
    }
  }
  EXPECT_TRUE(WaitFor([&] { return MessageCount() == 5; })) << MessageCount();
}

TEST_F(SmtpSenderTest, SendManyKeepsConnectionsOfDifferentSettingsApart) {
  StartSink({"--auth", "user:secret"});
  SmtpSettings with_auth = settings_;
  with_auth.username = "user";
  with_auth.password = "secret";
  SmtpSettings wrong = settings_;
  wrong.username = "user";
  wrong.password = "wrong";
  EmailMessage m = Message();
  std::vector<EmailJob> jobs = {{&with_auth, &m}, {&wrong, &m}, {&with_auth, &m}, {&wrong, &m}};
  std::vector<std::optional<Outcome>> got(jobs.size());
  CurlSmtpSender sender;
  sender.SendMany(jobs, kNow, [&](Completions& done) {
    for (auto& [i, outcome] : done) got[i] = std::move(outcome);
  });
  for (size_t i = 0; i < jobs.size(); ++i) {
    ASSERT_TRUE(got[i].has_value());
    if (i % 2 == 0) {
      EXPECT_TRUE(got[i]->delivered()) << i << ": " << got[i]->ToString();
    } else {
      EXPECT_TRUE(got[i]->permanent()) << i << ": " << got[i]->ToString();  // never rides
    }                                                                       // an authed session
  }
  ASSERT_TRUE(WaitFor([&] { return MessageCount() == 2; }));
  EXPECT_EQ(Meta(1)["auth_user"], "user");
  EXPECT_EQ(Meta(2)["auth_user"], "user");
}

TEST_F(SmtpSenderTest, RecipientRejectedWith4xxIsRetryable) {
  StartSink();
  CurlSmtpSender sender;
  Outcome out = sender.Send(settings_, Message("reject-4xx@example.org"), kNow);
  EXPECT_TRUE(out.retryable()) << out.ToString();
  EXPECT_EQ(out.code, 451);
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(SmtpSenderTest, RecipientRejectedWith5xxIsPermanent) {
  StartSink();
  CurlSmtpSender sender;
  Outcome out = sender.Send(settings_, Message("reject-5xx@example.org"), kNow);
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(out.code, 550);
  EXPECT_NE(out.detail.find("550"), std::string::npos) << out.detail;
  // The sender recovers: the next message on the same sender goes through.
  Outcome next = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(next.delivered()) << next.ToString();
  EXPECT_EQ(MessageCount(), 1);
}

TEST_F(SmtpSenderTest, ServerDownIsRetryable) {
  settings_.url = "smtp://127.0.0.1:" + std::to_string(test_support::UnusedLoopbackPort());
  settings_.tls = SmtpSettings::Tls::kNone;
  CurlSmtpSender sender;
  Outcome out = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(out.retryable()) << out.ToString();
  EXPECT_EQ(out.code, 0);
}

TEST_F(SmtpSenderTest, TemporaryFailureThenSuccessOnRetry) {
  StartSink({"--fail-first", "1"});
  CurlSmtpSender sender;
  Outcome first = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(first.retryable()) << first.ToString();
  EXPECT_EQ(first.code, 451);
  Outcome second = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(second.delivered()) << second.ToString();
  EXPECT_EQ(MessageCount(), 1);
}

TEST_F(SmtpSenderTest, AuthenticatesWithUserAndPassword) {
  StartSink({"--auth", "rivulet:s3cret"});
  settings_.username = "rivulet";
  settings_.password = "s3cret";
  CurlSmtpSender sender;
  Outcome out = sender.Send(settings_, Message(), kNow);
  ASSERT_TRUE(out.delivered()) << out.ToString();
  EXPECT_EQ(Meta(1)["auth_user"], "rivulet");
}

TEST_F(SmtpSenderTest, RefusedCredentialsArePermanent) {
  StartSink({"--auth", "rivulet:s3cret"});
  settings_.username = "rivulet";
  settings_.password = "wrong";
  CurlSmtpSender sender;
  Outcome out = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(out.code, 535);
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(SmtpSenderTest, MissingCredentialsArePermanent) {
  StartSink({"--auth", "rivulet:s3cret"});
  CurlSmtpSender sender;
  Outcome out = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(out.code / 100, 5);
}

TEST_F(SmtpSenderTest, RequiredStartTlsThatIsNotOfferedIsPermanent) {
  StartSink();
  settings_.tls = SmtpSettings::Tls::kStartTlsRequired;
  CurlSmtpSender sender;
  Outcome out = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(SmtpSenderTest, OptionalStartTlsFallsBackToPlainText) {
  StartSink();
  settings_.tls = SmtpSettings::Tls::kStartTlsIfAvailable;
  CurlSmtpSender sender;
  Outcome out = sender.Send(settings_, Message(), kNow);
  EXPECT_TRUE(out.delivered()) << out.ToString();
}

TEST_F(SmtpSenderTest, InvalidMessagesArePermanentAndNeverSent) {
  StartSink();
  CurlSmtpSender sender;
  EmailMessage m = Message();
  m.subject = "Hi\r\nBcc: victim@example.net";
  Outcome out = sender.Send(settings_, m, kNow);
  EXPECT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(out.code, 0);
  ASSERT_TRUE(sender.Send(settings_, Message(), kNow).delivered());
  EXPECT_EQ(MessageCount(), 1);
}

TEST_F(SmtpSenderTest, InvalidSettingsArePermanent) {
  CurlSmtpSender sender;
  SmtpSettings s;
  s.url = "http://127.0.0.1:25";
  EXPECT_TRUE(sender.Send(s, Message(), kNow).permanent());
  s.url = "smtp://127.0.0.1:25/path";
  EXPECT_TRUE(sender.Send(s, Message(), kNow).permanent());
  s.url = "smtp://127.0.0.1:25";
  s.helo_domain = "bad domain\r\nRSET";
  EXPECT_TRUE(sender.Send(s, Message(), kNow).permanent());
}

// SMTP servers are under the outbound address policy like webhooks: a relay on loopback is
// refused before any connection unless outbound_allow lists it.
TEST_F(SmtpSenderTest, TheAddressPolicyRefusesALoopbackRelayAndSendsNothing) {
  StartSink();
  SmtpSenderOptions options;
  options.address_policy.emplace();
  CurlSmtpSender sender(std::move(options));
  Outcome out = sender.Send(settings_, Message(), kNow);
  ASSERT_TRUE(out.permanent()) << out.ToString();
  EXPECT_EQ(out.code, 0);
  EXPECT_NE(out.detail.find("address not allowed: 127.0.0.1 is loopback"), std::string::npos)
      << out.detail;
  EXPECT_NE(out.detail.find("outbound_allow"), std::string::npos) << out.detail;
  // By host name, too: the policy judges the resolved address.
  SmtpSettings by_name = settings_;
  by_name.url = "smtp://localhost:" + std::to_string(sink_->port());
  Outcome named = sender.Send(by_name, Message(), kNow);
  ASSERT_TRUE(named.permanent()) << named.ToString();
  EXPECT_NE(named.detail.find("address not allowed"), std::string::npos) << named.detail;
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(SmtpSenderTest, AnAllowedNetworkIsReachedAndAPredicateCanRefuse) {
  StartSink();
  auto allow = ParseCidrList("127.0.0.0/8");
  ASSERT_TRUE(allow.ok());
  SmtpSenderOptions options;
  options.address_policy.emplace(*allow);
  CurlSmtpSender allowed(std::move(options));
  Outcome out = allowed.Send(settings_, Message(), kNow);
  ASSERT_TRUE(out.delivered()) << out.ToString();
  EXPECT_EQ(MessageCount(), 1);

  SmtpSenderOptions refusing;
  refusing.allow_address = [](const std::string& ip) { return ip != "127.0.0.1"; };
  CurlSmtpSender refused(std::move(refusing));
  Outcome no = refused.Send(settings_, Message(), kNow);
  ASSERT_TRUE(no.permanent()) << no.ToString();
  EXPECT_EQ(no.detail, "address not allowed: 127.0.0.1");
  EXPECT_EQ(MessageCount(), 1);
}

TEST(SmtpOutcomeTest, MapsLibcurlResults) {
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_OK, 250, "").delivered());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_LOGIN_DENIED, 535, "").permanent());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_SEND_ERROR, 550, "RCPT failed: 550").permanent());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_SEND_ERROR, 452, "").retryable());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_WEIRD_SERVER_REPLY, 421, "").retryable());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_WEIRD_SERVER_REPLY, 554, "").permanent());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_COULDNT_CONNECT, 0, "").retryable());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_OPERATION_TIMEDOUT, 354, "").retryable());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_GOT_NOTHING, 0, "").retryable());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_RECV_ERROR, 0, "").retryable());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_USE_SSL_FAILED, 0, "").permanent());
  EXPECT_TRUE(CurlSmtpSender::MapResult(CURLE_PEER_FAILED_VERIFICATION, 0, "").permanent());
  Outcome long_detail = CurlSmtpSender::MapResult(CURLE_RECV_ERROR, 0, std::string(5000, 'x'));
  EXPECT_EQ(long_detail.detail.size(), Outcome::kMaxDetailBytes);
}

}  // namespace
}  // namespace rivulet::delivery

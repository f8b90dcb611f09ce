#ifndef RIVULET_DELIVERY_SMTP_SENDER_H_
#define RIVULET_DELIVERY_SMTP_SENDER_H_

#include <curl/curl.h>

#include <functional>
#include <optional>
#include <span>
#include <string>

#include "core/clock.h"
#include "delivery/address_policy.h"
#include "delivery/curl_multi_pool.h"
#include "delivery/mime.h"
#include "delivery/outcome.h"

namespace rivulet::delivery {

// How to reach a workspace's SMTP relay (Contactflow "node settings").
struct SmtpSettings {
  // "smtp://host:port" (plain, optionally upgraded with STARTTLS) or "smtps://host:port"
  // (implicit TLS). No path: the EHLO name comes from helo_domain.
  std::string url;
  std::string username;  // AUTH (PLAIN/LOGIN/... as the server offers) when non-empty
  std::string password;
  enum class Tls { kNone, kStartTlsIfAvailable, kStartTlsRequired } tls = Tls::kStartTlsRequired;
  int connect_timeout_ms = 10000;
  int timeout_ms = 30000;   // the whole transaction, connection included
  bool verify_peer = true;  // certificate chain and host name
  std::string helo_domain;  // EHLO argument; empty: libcurl's default (the local host name)
};

// One e-mail of a SendMany call; both pointers outlive the call.
struct EmailJob {
  const SmtpSettings* settings;
  const EmailMessage* message;
};

// Sends e-mails, each to its one recipient (message.to_address).
class EmailSender {
 public:
  virtual ~EmailSender();
  // Never throws. `now` becomes the Date header. Thread-safe in implementations.
  virtual Outcome Send(const SmtpSettings& settings, const EmailMessage& message,
                       core::Millis now) = 0;

  // Sends every job, concurrently where the implementation can, and reports outcomes as they
  // come: `done` is called on the calling thread with one or more completions at a time (each
  // job exactly once, in completion order) and SendMany returns once all were reported. The
  // default sends them one by one with Send and reports each alone. Thread-safe like Send.
  virtual void SendMany(std::span<const EmailJob> jobs, core::Millis now,
                        const std::function<void(Completions&)>& done);
};

struct SmtpSenderOptions {
  // Messages to one relay (one set of SmtpSettings) that one SendMany call keeps in flight at
  // once, each on its own connection, per calling thread; connections are kept open and
  // reused by later messages with the same settings.
  size_t connections_per_relay = 4;
  // Checked with each resolved address of the SMTP server before a new connection is opened
  // to it, exactly as HttpSenderOptions (one SocketGate, socket_gate.h): a refused address is
  // kPermanent "address not allowed: <ip> is <reason> (...)" and nothing is sent. Unset: no
  // policy. A reused connection was allowed when it was opened.
  std::function<bool(const std::string& ip)> allow_address;
  std::optional<AddressPolicy> address_policy;
};

// EmailSender over libcurl's multi interface (decision 17). SendMany sends the jobs that share
// settings over up to connections_per_relay connections at once, several messages per
// connection one after the other (MAIL FROM on the open session); jobs with different
// settings are sent group after group, and connections are never shared between different
// (url, user, password, TLS settings). Each thread keeps its connections for later calls
// (libcurl stops reusing a connection idle for more than 118 s). Proxies from the environment
// are ignored.
//
// Outcomes:
//   kDelivered  the server answered 250 to the end of DATA (code = that reply);
//   kPermanent  the message is invalid (BuildMime's InvalidArgument, code 0), the settings
//               are (bad URL, TLS required but not offered, certificate rejected), the
//               credentials were refused (CURLE_LOGIN_DENIED), or any reply was 5xx (e.g.
//               550 to RCPT TO, reported by libcurl as CURLE_SEND_ERROR with that code);
//   kRetryable  any reply was 4xx (greeting 421, MAIL/RCPT 451, ...), or the connection
//               failed, broke or timed out. A timeout after the final "." may follow a
//               delivery the server completed, so a retry may duplicate the message.
//
// Destroying the sender closes its connections (QUIT); no Send may be running then.
class CurlSmtpSender final : public EmailSender {
 public:
  explicit CurlSmtpSender(SmtpSenderOptions options = {});
  Outcome Send(const SmtpSettings& settings, const EmailMessage& message,
               core::Millis now) override;  // SendMany of one
  void SendMany(std::span<const EmailJob> jobs, core::Millis now,
                const std::function<void(Completions&)>& done) override;

  // The mapping above, from libcurl's result and CURLINFO_RESPONSE_CODE (last SMTP reply).
  static Outcome MapResult(CURLcode rc, long smtp_code, const std::string& error);

 private:
  SmtpSenderOptions options_;
  CurlMultiPool multis_;
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_SMTP_SENDER_H_

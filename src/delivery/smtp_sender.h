#ifndef RIVULET_DELIVERY_SMTP_SENDER_H_
#define RIVULET_DELIVERY_SMTP_SENDER_H_

#include <curl/curl.h>

#include <functional>
#include <optional>
#include <string>

#include "core/clock.h"
#include "delivery/address_policy.h"
#include "delivery/curl_handle_pool.h"
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

// Sends one e-mail to its one recipient (message.to_address).
class EmailSender {
 public:
  virtual ~EmailSender();
  // Never throws. `now` becomes the Date header. Thread-safe in implementations.
  virtual Outcome Send(const SmtpSettings& settings, const EmailMessage& message,
                       core::Millis now) = 0;
};

struct SmtpSenderOptions {
  // Checked with each resolved address of the SMTP server before a new connection is opened
  // to it, exactly as HttpSenderOptions (one SocketGate, socket_gate.h): a refused address is
  // kPermanent "address not allowed: <ip> is <reason> (...)" and nothing is sent. Unset: no
  // policy. A reused connection was allowed when it was opened.
  std::function<bool(const std::string& ip)> allow_address;
  std::optional<AddressPolicy> address_policy;
};

// EmailSender over libcurl. Each thread keeps one connection per (url, user, password, TLS
// settings) and reuses it for consecutive messages (MAIL FROM on the open session; libcurl
// stops reusing a connection idle for more than 118 s). Proxies from the environment are
// ignored.
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
               core::Millis now) override;

  // The mapping above, from libcurl's result and CURLINFO_RESPONSE_CODE (last SMTP reply).
  static Outcome MapResult(CURLcode rc, long smtp_code, const std::string& error);

 private:
  SmtpSenderOptions options_;
  CurlHandlePool handles_;
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_SMTP_SENDER_H_

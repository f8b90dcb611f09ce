#ifndef RIVULET_DELIVERY_SOCKET_GATE_H_
#define RIVULET_DELIVERY_SOCKET_GATE_H_

#include <curl/curl.h>

#include <functional>
#include <optional>
#include <string>

#include "delivery/address_policy.h"

namespace rivulet::delivery {

// The one place where outbound connections (webhooks, SMS gateways and SMTP servers) meet the
// outbound address policy. Installed on a libcurl handle for one transfer, it sees every
// address libcurl is about to connect to, after name resolution, and refuses those that
// `allow` or `policy` refuse; a reused connection was checked when it was opened.
//
// Usage, on the sending thread:
//   SocketGate gate(&options.allow_address, &options.address_policy);
//   gate.Install(h);
//   CURLcode rc = curl_easy_perform(h);
//   gate.Remove(h);
//   if (gate.Refused(rc)) return Outcome::Permanent(0, gate.Detail());
class SocketGate {
 public:
  // Either may be null or empty (no check). Both must outlive the gate.
  SocketGate(const std::function<bool(const std::string& ip)>* allow,
             const std::optional<AddressPolicy>* policy)
      : allow_(allow), policy_(policy) {}

  void Install(CURL* h);
  // Leaves the handle (which outlives the transfer) no pointer to this gate.
  void Remove(CURL* h);

  // Whether the transfer failed because the gate refused the address it needed.
  bool Refused(CURLcode rc) const { return denied_ && rc == CURLE_COULDNT_CONNECT; }
  // "address not allowed: 127.0.0.1 is loopback (private, loopback and link-local networks
  // must be listed in outbound_allow)"; the reason is left out when `allow` refused it.
  std::string Detail() const;

  // Decides one numeric address; records the refusal. Public for the libcurl callback.
  bool Admit(const std::string& ip);

 private:
  const std::function<bool(const std::string&)>* allow_;
  const std::optional<AddressPolicy>* policy_;
  bool denied_ = false;
  std::string denied_address_;
  std::string denied_reason_;
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_SOCKET_GATE_H_

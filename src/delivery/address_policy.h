#ifndef RIVULET_DELIVERY_ADDRESS_POLICY_H_
#define RIVULET_DELIVERY_ADDRESS_POLICY_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rivulet::delivery {

// One network: an IPv6 address (IPv4 as ::ffff:a.b.c.d) and a prefix length over 128 bits.
struct Cidr {
  std::array<uint8_t, 16> address{};
  int prefix = 0;

  bool Contains(const std::array<uint8_t, 16>& ip) const;
};

// Parses "a.b.c.d/n", "x:y::z/n" or a bare address (a /32 or /128).
core::Result<Cidr> ParseCidr(std::string_view text);
// Parses a comma- or space-separated list of those; empty text is an empty list.
core::Result<std::vector<Cidr>> ParseCidrList(std::string_view text);

// Which addresses outbound HTTP (webhooks, SMS gateways) may connect to, decided on the
// resolved address, so a host name that resolves to 127.0.0.1 is refused like 127.0.0.1.
//
// Denied by default: loopback, private (RFC 1918, IPv6 unique local), link-local (incl. the
// cloud metadata address 169.254.169.254), carrier-grade NAT, "this network", benchmark,
// multicast, reserved and broadcast ranges, the unspecified addresses, and any IPv6 form that
// embeds one of those IPv4 addresses (mapped ::ffff:0:0/96, compatible ::/96, NAT64
// 64:ff9b::/96, 6to4 2002::/16). Every other address is allowed. An address inside one of
// the `allow` networks is allowed whatever the defaults say (tests and private deployments
// list their receivers' networks there). Immutable; thread-safe.
class AddressPolicy {
 public:
  explicit AddressPolicy(std::vector<Cidr> allow = {}) : allow_(std::move(allow)) {}

  // ip is a numeric IPv4 or IPv6 address; anything else is refused.
  bool Allows(std::string_view ip) const;

  // Why Allows(ip) is false, for the error on the token ("loopback", "private", ...);
  // empty when allowed.
  std::string DenialReason(std::string_view ip) const;

 private:
  std::vector<Cidr> allow_;
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_ADDRESS_POLICY_H_

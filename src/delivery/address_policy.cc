#include "delivery/address_policy.h"

#include <arpa/inet.h>

#include <optional>
#include <utility>

namespace rivulet::delivery {
namespace {

using Bytes = std::array<uint8_t, 16>;

Bytes MappedV4(const uint8_t v4[4]) {
  Bytes b{};
  b[10] = b[11] = 0xff;
  for (int i = 0; i < 4; ++i) b[12 + i] = v4[i];
  return b;
}

// The address as 16 bytes (IPv4 mapped into ::ffff:0:0/96), or nullopt.
std::optional<Bytes> ParseAddress(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  uint8_t v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) return MappedV4(v4);
  Bytes b{};
  if (inet_pton(AF_INET6, s.c_str(), b.data()) == 1) return b;
  return std::nullopt;
}

bool IsMapped(const Bytes& b) {
  for (int i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

// The IPv4 address an IPv6 address carries (compatible, NAT64, 6to4), as a mapped address.
std::optional<Bytes> EmbeddedV4(const Bytes& b) {
  bool zero96 = true;
  for (int i = 0; i < 12; ++i) zero96 = zero96 && b[i] == 0;
  // ::a.b.c.d (deprecated "compatible"), but :: and ::1 are IPv6's own unspecified and
  // loopback addresses, not 0.0.0.0 and 0.0.0.1.
  if (zero96 && b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1) return std::nullopt;
  if (zero96) return MappedV4(&b[12]);
  static const uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::equal(kNat64, kNat64 + 12, b.begin())) return MappedV4(&b[12]);
  if (b[0] == 0x20 && b[1] == 0x02) return MappedV4(&b[2]);  // 6to4
  return std::nullopt;
}

struct Range {
  Cidr cidr;
  const char* reason;
};

Cidr Must(std::string_view text) {
  auto c = ParseCidr(text);
  if (!c.ok()) std::abort();  // a typo in the table below
  return *c;
}

const std::vector<Range>& DeniedRanges() {
  static const std::vector<Range> kRanges = {
      {Must("0.0.0.0/8"), "'this network'"},
      {Must("10.0.0.0/8"), "private"},
      {Must("100.64.0.0/10"), "shared (carrier-grade NAT)"},
      {Must("127.0.0.0/8"), "loopback"},
      {Must("169.254.0.0/16"), "link-local"},
      {Must("172.16.0.0/12"), "private"},
      {Must("192.0.0.0/24"), "IETF protocol assignment"},
      {Must("192.168.0.0/16"), "private"},
      {Must("198.18.0.0/15"), "benchmarking"},
      {Must("224.0.0.0/4"), "multicast"},
      {Must("240.0.0.0/4"), "reserved"},
      {Must("::/128"), "unspecified"},
      {Must("::1/128"), "loopback"},
      {Must("64:ff9b:1::/48"), "private (local NAT64)"},
      {Must("100::/64"), "discard-only"},
      {Must("fc00::/7"), "private (unique local)"},
      {Must("fe80::/10"), "link-local"},
      {Must("fec0::/10"), "site-local"},
      {Must("ff00::/8"), "multicast"},
  };
  return kRanges;
}

const char* DeniedBy(const Bytes& b) {
  for (const auto& r : DeniedRanges()) {
    if (r.cidr.Contains(b)) return r.reason;
  }
  return nullptr;
}

}  // namespace

bool Cidr::Contains(const Bytes& ip) const {
  int bits = prefix;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((ip[i] & mask) != (address[i] & mask)) return false;
  }
  return true;
}

core::Result<Cidr> ParseCidr(std::string_view text) {
  auto bad = [&] {
    return core::InvalidArgument("'" + std::string(text) +
                                 "' is not an IP address or CIDR network (a.b.c.d/n, x::y/n)");
  };
  size_t slash = text.find('/');
  auto address = ParseAddress(text.substr(0, slash));
  if (!address) return bad();
  bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  int max = v4 ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return bad();
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return bad();
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > max) return bad();
  }
  Cidr c;
  c.address = *address;
  c.prefix = v4 ? 96 + prefix : prefix;
  return c;
}

core::Result<std::vector<Cidr>> ParseCidrList(std::string_view text) {
  std::vector<Cidr> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of(", \t", i);
    if (end == std::string_view::npos) end = text.size();
    if (end > i) {
      if (out.size() >= 1000) return core::InvalidArgument("at most 1000 networks");
      RIVULET_ASSIGN_OR_RETURN(Cidr c, ParseCidr(text.substr(i, end - i)));
      out.push_back(c);
    }
    i = end + 1;
  }
  return out;
}

std::string AddressPolicy::DenialReason(std::string_view ip) const {
  auto b = ParseAddress(ip);
  if (!b) return "not a numeric IP address";
  std::optional<Bytes> embedded = IsMapped(*b) ? std::nullopt : EmbeddedV4(*b);
  for (const auto& c : allow_) {
    if (c.Contains(*b) || (embedded && c.Contains(*embedded))) return {};
  }
  if (const char* why = DeniedBy(*b)) return why;
  if (embedded) {
    if (const char* why = DeniedBy(*embedded)) return std::string(why) + " (embedded IPv4)";
  }
  return {};
}

bool AddressPolicy::Allows(std::string_view ip) const { return DenialReason(ip).empty(); }

}  // namespace rivulet::delivery

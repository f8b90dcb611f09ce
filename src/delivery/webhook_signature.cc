#include "delivery/webhook_signature.h"

#include <cstdint>
#include <string>

#include "core/crypto.h"

namespace rivulet::delivery {
namespace {

int64_t FloorSeconds(core::Millis t) { return t >= 0 ? t / 1000 : -((-t + 999) / 1000); }

std::string Payload(std::string_view seconds, std::string_view body) {
  std::string payload;
  payload.reserve(seconds.size() + 1 + body.size());
  payload.append(seconds).append(".").append(body);
  return payload;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseSeconds(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 15) return false;  // well past year 30000; keeps math in range
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string SignWebhook(std::string_view secret, core::Millis timestamp, std::string_view body) {
  std::string seconds = std::to_string(FloorSeconds(timestamp));
  return "t=" + seconds + ",v1=" + core::HmacSha256Hex(secret, Payload(seconds, body));
}

bool VerifyWebhook(std::string_view secret, std::string_view header_value, std::string_view body,
                   core::Millis now, core::Millis tolerance) {
  std::string_view t_text;
  bool have_t = false;
  std::string_view rest = header_value;
  // First pass: the timestamp (exactly one).
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.substr(0, 2) == "t=") {
      if (have_t) return false;
      t_text = item.substr(2);
      have_t = true;
    }
  }
  int64_t seconds = 0;
  if (!have_t || !ParseSeconds(t_text, &seconds)) return false;
  int64_t t_ms = seconds * 1000;
  int64_t skew = t_ms > now ? t_ms - now : now - t_ms;
  if (skew > tolerance) return false;

  std::string expected = core::HmacSha256Hex(secret, Payload(t_text, body));
  bool match = false;
  rest = header_value;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.substr(0, 3) == "v1=") {
      // Every candidate is compared, so timing does not reveal which one matched.
      match = core::ConstantTimeEquals(item.substr(3), expected) || match;
    }
  }
  return match;
}

}  // namespace rivulet::delivery

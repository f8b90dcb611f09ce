#ifndef RIVULET_DELIVERY_OUTCOME_H_
#define RIVULET_DELIVERY_OUTCOME_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rivulet::delivery {

// What became of one delivery attempt (an e-mail over SMTP, a webhook or SMS over HTTP).
// The outbox acts on `kind` alone:
//   kDelivered  the peer accepted the message (SMTP 250 after DATA, HTTP 2xx);
//   kRetryable  it may succeed later (SMTP 4xx, HTTP 408/425/429/5xx, network errors,
//               timeouts); the peer may or may not have seen it, so a retry can duplicate;
//   kPermanent  retrying the same input cannot help (SMTP 5xx, HTTP 3xx/4xx, invalid input,
//               refused address, rejected credentials).
struct Outcome {
  enum class Kind { kDelivered, kRetryable, kPermanent };

  // Bounds on the text an outcome carries, so that it can be stored as-is.
  static constexpr size_t kMaxDetailBytes = 1024;

  Kind kind = Kind::kPermanent;
  int code = 0;                     // final SMTP reply or HTTP status; 0 if none was received
  std::string detail;               // human-readable cause, at most kMaxDetailBytes
  std::string response_body;        // HTTP only: at most the request's max_response_bytes
  bool response_truncated = false;  // HTTP only: the body was longer and was cut off

  bool delivered() const { return kind == Kind::kDelivered; }
  bool retryable() const { return kind == Kind::kRetryable; }
  bool permanent() const { return kind == Kind::kPermanent; }

  static Outcome Delivered(int code, std::string detail = {}) {
    return Make(Kind::kDelivered, code, std::move(detail));
  }
  static Outcome Retryable(int code, std::string detail) {
    return Make(Kind::kRetryable, code, std::move(detail));
  }
  static Outcome Permanent(int code, std::string detail) {
    return Make(Kind::kPermanent, code, std::move(detail));
  }

  // "delivered", "retryable" or "permanent".
  static const char* KindName(Kind kind) {
    switch (kind) {
      case Kind::kDelivered:
        return "delivered";
      case Kind::kRetryable:
        return "retryable";
      case Kind::kPermanent:
        return "permanent";
    }
    return "unknown";
  }

  // E.g. "retryable 451: RCPT failed: 451".
  std::string ToString() const {
    std::string s = KindName(kind);
    if (code != 0) s += " " + std::to_string(code);
    if (!detail.empty()) s += ": " + detail;
    return s;
  }

  // Cuts s to at most max bytes without splitting a UTF-8 sequence.
  static std::string Bounded(std::string s, size_t max = kMaxDetailBytes) {
    if (s.size() <= max) return s;
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    return s;
  }

 private:
  static Outcome Make(Kind kind, int code, std::string detail) {
    Outcome o;
    o.kind = kind;
    o.code = code;
    o.detail = Bounded(std::move(detail));
    return o;
  }
};

// What a sender's SendMany reports at a time: (index of the message in the call, its outcome)
// for the messages that finished since the last report.
using Completions = std::vector<std::pair<size_t, Outcome>>;

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_OUTCOME_H_

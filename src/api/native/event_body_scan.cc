#include "api/native/event_body_scan.h"

#include <array>
#include <boost/json.hpp>
#include <cstring>

#include "api/native/contact_json.h"
#include "core/contact_rules.h"
#include "core/time_format.h"
#include "core/uuid.h"

namespace rivulet::api::native {
namespace json = boost::json;

namespace {

// Objects with more keys than this are left to the general parser (a duplicate key check
// per object is quadratic in its keys).
constexpr size_t kMaxScannedKeys = 32;
// Nesting the scanner recurses into; deeper bodies are left to the general parser.
constexpr int kMaxScannedDepth = 16;

// One pass over a JSON text. Every Read… returns false to decline: the text is invalid,
// or valid in a way the scanner leaves to the general parser.
class Scanner {
 public:
  Scanner(std::string_view text, int max_depth)
      : p_(text.data()), end_(text.data() + text.size()), max_depth_(max_depth) {}

  void SkipSpace() {
    const char* start = p_;
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
    if (out_ != nullptr && p_ != start) Drop(start);
  }
  bool Consume(char c) {
    SkipSpace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool Peek(char c) {
    SkipSpace();
    return p_ < end_ && *p_ == c;
  }
  bool AtEnd() {
    SkipSpace();
    return p_ == end_;
  }

  // A string without escapes; out views the text between the quotes.
  bool ReadPlainString(std::string_view& out) {
    if (!Consume('"')) return false;
    // Without escapes, the string ends at the next quote. The check of what lies between
    // has no early exit, so the compiler can do it many bytes at a time.
    const void* quote = std::memchr(p_, '"', static_cast<size_t>(end_ - p_));
    if (quote == nullptr) return false;
    const char* close = static_cast<const char*>(quote);
    bool plain = true;
    for (const char* q = p_; q < close; ++q) {
      unsigned char c = static_cast<unsigned char>(*q);
      plain &= (c != '\\') & (c >= 0x20);
    }
    if (!plain) return false;
    out = std::string_view(p_, static_cast<size_t>(close - p_));
    p_ = close + 1;
    return true;
  }

  // An object's members as (key, action): for each key, `member` reads its value.
  template <typename Member>
  bool ReadObject(int depth, Member&& member) {
    if (depth > max_depth_ - 1 || depth > kMaxScannedDepth || !Consume('{')) return false;
    std::array<std::string_view, kMaxScannedKeys> keys;
    size_t n = 0;
    if (Consume('}')) return true;
    do {
      std::string_view key;
      if (!ReadPlainString(key) || !Consume(':') || n == kMaxScannedKeys) return false;
      for (size_t i = 0; i < n; ++i) {
        if (keys[i] == key) return false;  // the general parser decides which one wins
      }
      keys[n++] = key;
      if (!member(key)) return false;
    } while (Consume(','));
    return Consume('}');
  }

  // From BeginCopy to EndCopy, the text passed over is appended to out as json::serialize
  // would write it after json::parse: without whitespace, with integers as written and other
  // numbers in Boost.JSON's form. The rest is the text itself, so it is appended in runs.
  void BeginCopy(std::string& out) {
    out_ = &out;
    copied_ = p_;
  }
  void EndCopy() {
    Flush(p_);
    out_ = nullptr;
  }

  // Reads the value at the cursor (while copying).
  bool CopyValue(int depth) {
    SkipSpace();
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return ReadObject(depth, [&](std::string_view) { return CopyValue(depth + 1); });
      case '[': {
        if (depth > max_depth_ - 1 || depth > kMaxScannedDepth) return false;
        ++p_;
        if (Consume(']')) return true;
        do {
          if (!CopyValue(depth + 1)) return false;
        } while (Consume(','));
        return Consume(']');
      }
      case '"': {
        std::string_view s;
        return ReadPlainString(s);
      }
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return CopyNumber();
    }
  }

 private:
  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // While copying: appends the text up to `upto`.
  void Flush(const char* upto) {
    out_->append(copied_, static_cast<size_t>(upto - copied_));
    copied_ = upto;
  }
  // While copying: appends the text up to `from`, and leaves out what lies from there to the
  // cursor.
  void Drop(const char* from) {
    Flush(from);
    copied_ = p_;
  }

  static bool IsDigit(const char* p, const char* end) { return p < end && *p >= '0' && *p <= '9'; }

  // JSON's number grammar. An integer of up to 18 digits is written back as it is (what
  // Boost.JSON prints for an int64); any other number goes through Boost.JSON itself.
  bool CopyNumber() {
    const char* start = p_;
    const char* q = p_;
    if (q < end_ && *q == '-') ++q;
    const char* digits = q;
    if (!IsDigit(q, end_)) return false;
    if (*q == '0') {
      ++q;
    } else {
      while (IsDigit(q, end_)) ++q;
    }
    size_t int_digits = static_cast<size_t>(q - digits);
    bool integer = true;
    if (q < end_ && *q == '.') {
      integer = false;
      ++q;
      if (!IsDigit(q, end_)) return false;
      while (IsDigit(q, end_)) ++q;
    }
    if (q < end_ && (*q == 'e' || *q == 'E')) {
      integer = false;
      ++q;
      if (q < end_ && (*q == '+' || *q == '-')) ++q;
      if (!IsDigit(q, end_)) return false;
      while (IsDigit(q, end_)) ++q;
    }
    p_ = q;
    std::string_view text(start, static_cast<size_t>(q - start));
    if (integer && int_digits <= 18 && text != "-0") return true;  // copied as it is
    unsigned char buffer[256];
    json::static_resource arena(buffer);
    boost::system::error_code ec;
    json::value v = json::parse(text, ec, &arena);
    if (ec) return false;
    if (out_ != nullptr) {
      Drop(start);
      out_->append(json::serialize(v));
    }
    return true;
  }

  const char* p_;
  const char* end_;
  int max_depth_;
  std::string* out_ = nullptr;    // set while copying
  const char* copied_ = nullptr;  // the text before this is in out_, or left out
};

// A plain string within FieldReader::String's bound.
bool BoundedString(Scanner& s, size_t max_bytes, std::string_view& out) {
  return s.ReadPlainString(out) && out.size() <= max_bytes;
}

// A contact object holding identifiers only, normalised as ParseContactInput does.
bool ReadContact(Scanner& s, engine::ContactInput& in) {
  return s.ReadObject(/*depth=*/2, [&](std::string_view key) {
    for (const ContactIdentifierField& f : ContactIdentifierFields()) {
      if (key != f.key) continue;
      std::string_view v;
      if (!BoundedString(s, f.max_bytes, v)) return false;
      auto normal = f.normalize(v);
      if (!normal.ok()) return false;
      in.*f.target = std::move(normal).value();
      return true;
    }
    return false;
  });
}

}  // namespace

std::optional<engine::EventInput> ScanCommonEvent(std::string_view body, int max_depth) {
  // The whole body must be valid UTF-8, as ParseBody requires.
  if (!core::IsValidUtf8(body)) return std::nullopt;
  Scanner s(body, max_depth);
  engine::EventInput in;
  bool has_type = false;
  std::optional<std::string> contact_uuid;
  bool ok = s.ReadObject(/*depth=*/1, [&](std::string_view key) {
    std::string_view v;
    if (key == "type") {
      if (!BoundedString(s, kMaxEventTypeBytes, v) || v.empty() || !core::IsValidEventType(v)) {
        return false;
      }
      in.type = std::string(v);
      has_type = true;
    } else if (key == "contact") {
      if (!ReadContact(s, in.contact)) return false;
    } else if (key == "contact_uuid") {
      if (!BoundedString(s, kMaxUuidBytes, v) || !core::IsUuid(v)) return false;
      contact_uuid = core::NormalizeUuid(v);
    } else if (key == "data") {
      if (!s.Peek('{')) return false;
      in.data_json.clear();
      in.data_json.reserve(body.size());  // it is seldom longer than the body
      s.BeginCopy(in.data_json);
      bool copied = s.CopyValue(/*depth=*/2);
      s.EndCopy();
      if (!copied || in.data_json.size() > kMaxEventDataBytes) return false;
    } else if (key == "occurred_at") {
      if (!BoundedString(s, kMaxTimeBytes, v)) return false;
      auto t = core::ParseIsoTime(v);
      if (!t.ok()) return false;
      in.occurred_at = *t;
    } else if (key == "idempotency_key") {
      if (!BoundedString(s, kMaxIdempotencyKeyBytes, v)) return false;
      if (!v.empty()) in.idempotency_key = std::string(v);
    } else {
      return false;  // "events" (a batch) or an unknown field
    }
    return true;
  });
  if (!ok || !s.AtEnd() || !has_type) return std::nullopt;
  // As in ParseEventInput: contact_uuid names the contact, whatever contact's uuid says.
  if (contact_uuid) in.contact.uuid = std::move(contact_uuid);
  if (!in.contact.HasIdentifier()) return std::nullopt;
  return in;
}

}  // namespace rivulet::api::native

#include "delivery/mime.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>

#include "core/crypto.h"

namespace rivulet::delivery {
namespace {

constexpr size_t kMaxLine = 78;         // RFC 5322 §2.1.1 recommendation
constexpr size_t kMaxHardLine = 998;    // RFC 5322 §2.1.1 limit
constexpr size_t kMaxEncodedWord = 75;  // RFC 2047 §2
constexpr std::string_view kCrlf = "\r\n";

bool IsAtext(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
                                std::string_view::npos;
}

bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool IsPrintableAscii(std::string_view s, bool allow_tab) {
  return std::all_of(s.begin(), s.end(), [&](char ch) {
    unsigned char c = static_cast<unsigned char>(ch);
    return (c >= 0x20 && c < 0x7f) || (allow_tab && c == '\t');
  });
}

// Length of the UTF-8 sequence starting at s[i], or 0 if it is not a valid one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;  // overlong, out of range or a surrogate
  }
  return n;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// RFC 2047 B-encoded words for UTF-8 text, joined by single spaces (which decoders drop
// between adjacent encoded-words). The first word is at most first_budget characters, the
// others at most kMaxEncodedWord; no word splits a UTF-8 sequence.
std::string EncodeWords(std::string_view text, size_t first_budget) {
  constexpr std::string_view kPrefix = "=?UTF-8?B?";
  constexpr std::string_view kSuffix = "?=";
  auto raw_bytes_for = [&](size_t budget) {
    size_t b64 = (budget - kPrefix.size() - kSuffix.size()) / 4 * 4;
    return b64 / 4 * 3;
  };
  std::string out;
  size_t budget = std::min(first_budget, kMaxEncodedWord);
  if (budget < kPrefix.size() + kSuffix.size() + 8) budget = kMaxEncodedWord;
  size_t i = 0;
  while (i < text.size()) {
    size_t max_raw = raw_bytes_for(budget);
    size_t end = i;
    while (end < text.size()) {
      size_t n = Utf8SequenceLength(text, end);
      if (n == 0) n = 1;  // callers validate; never loop forever
      if (end + n - i > max_raw) break;
      end += n;
    }
    if (!out.empty()) out.push_back(' ');
    out.append(kPrefix);
    out.append(Base64(text.substr(i, end - i)));
    out.append(kSuffix);
    i = end;
    budget = kMaxEncodedWord;
  }
  return out;
}

// Appends "name: value" to out, folded (CRLF before a space or tab) so that lines stay
// within kMaxLine where the value has a place to break.
void AppendHeader(std::string* out, std::string_view name, std::string_view value) {
  std::string line = fmt::format("{}: {}", name, value);
  size_t start = 0;
  const size_t min_break = name.size() + 2;  // never leave "Name:" alone on a line
  while (line.size() - start > kMaxLine) {
    size_t brk = std::string::npos;
    for (size_t i = start + kMaxLine; i > start; --i) {
      if (i < min_break) break;
      if ((line[i] == ' ' || line[i] == '\t') && line[i - 1] != ' ' && line[i - 1] != '\t') {
        brk = i;
        break;
      }
    }
    if (brk == std::string::npos) {
      for (size_t i = std::max(start + kMaxLine + 1, min_break); i < line.size(); ++i) {
        if ((line[i] == ' ' || line[i] == '\t') && line[i - 1] != ' ' && line[i - 1] != '\t') {
          brk = i;
          break;
        }
      }
    }
    if (brk == std::string::npos) break;
    out->append(line, start, brk - start);
    out->append(kCrlf);
    start = brk;
  }
  out->append(line, start);
  out->append(kCrlf);
}

// The header value for a display name (possibly empty) and an address.
std::string Mailbox(std::string_view header, std::string_view name, std::string_view address) {
  if (name.empty()) return std::string(address);
  bool atoms = std::all_of(name.begin(), name.end(), [](char ch) {
    unsigned char c = static_cast<unsigned char>(ch);
    return IsAtext(c) || c == ' ';
  });
  bool edge_space = name.front() == ' ' || name.back() == ' ';
  if (atoms && !edge_space && name.find("=?") == std::string_view::npos) {
    return fmt::format("{} <{}>", name, address);
  }
  if (IsPrintableAscii(name, false) && name.find("=?") == std::string_view::npos) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    quoted += "\"";
    return fmt::format("{} <{}>", quoted, address);
  }
  return fmt::format("{} <{}>", EncodeWords(name, kMaxLine - header.size() - 2), address);
}

core::Status CheckAddress(std::string_view field, std::string_view address) {
  if (address.empty()) return core::InvalidArgument(fmt::format("{} address is empty", field));
  if (HasLineBreakOrNul(address)) {
    return core::InvalidArgument(fmt::format("{} address contains a line break", field));
  }
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    return core::InvalidArgument(fmt::format("{} address must be local@domain", field));
  }
  if (address.size() > 254) return core::InvalidArgument(fmt::format("{} address too long", field));
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  bool local_ok = std::all_of(local.begin(), local.end(), [](char ch) {
    return IsAtext(static_cast<unsigned char>(ch)) || ch == '.';
  });
  bool domain_ok = std::all_of(domain.begin(), domain.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-';
  });
  if (!local_ok || !domain_ok) {
    return core::InvalidArgument(
        fmt::format("{} address must be a plain ASCII local@domain", field));
  }
  return core::Status::Ok();
}

core::Status CheckHeaderText(std::string_view field, std::string_view value) {
  if (HasLineBreakOrNul(value)) {
    return core::InvalidArgument(fmt::format("{} contains a line break", field));
  }
  if (!IsValidUtf8(value)) return core::InvalidArgument(fmt::format("{} is not UTF-8", field));
  return core::Status::Ok();
}

core::Status CheckUriForHeader(std::string_view field, std::string_view uri,
                               std::string_view scheme) {
  if (uri.substr(0, scheme.size()) != scheme || uri.size() == scheme.size()) {
    return core::InvalidArgument(fmt::format("{} must start with {}", field, scheme));
  }
  if (!IsPrintableAscii(uri, false) || uri.find_first_of(" <>\"") != std::string_view::npos) {
    return core::InvalidArgument(
        fmt::format("{} must be ASCII without spaces, quotes or angle brackets", field));
  }
  return core::Status::Ok();
}

bool IsReservedHeader(std::string_view name) {
  static constexpr std::array<std::string_view, 14> kReserved = {"date",
                                                                 "from",
                                                                 "to",
                                                                 "cc",
                                                                 "bcc",
                                                                 "reply-to",
                                                                 "subject",
                                                                 "message-id",
                                                                 "mime-version",
                                                                 "content-type",
                                                                 "content-transfer-encoding",
                                                                 "sender",
                                                                 "list-unsubscribe",
                                                                 "list-unsubscribe-post"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kReserved.begin(), kReserved.end(), lower) != kReserved.end();
}

core::Status CheckExtraHeader(std::string_view name, std::string_view value) {
  bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-';
  });
  if (!name_ok) {
    return core::InvalidArgument(fmt::format("header name '{}' must be [A-Za-z0-9-]+", name));
  }
  if (IsReservedHeader(name)) {
    return core::InvalidArgument(fmt::format("header '{}' is set by the MIME builder", name));
  }
  if (HasLineBreakOrNul(value)) {
    return core::InvalidArgument(fmt::format("header '{}' contains a line break", name));
  }
  if (!IsPrintableAscii(value, true)) {
    return core::InvalidArgument(fmt::format("header '{}' must be printable ASCII", name));
  }
  return core::Status::Ok();
}

core::Status CheckMessageId(std::string_view id) {
  size_t at = id.find('@');
  bool ok = !id.empty() && id.size() <= 250 && at != std::string_view::npos && at > 0 &&
            at + 1 < id.size() && IsPrintableAscii(id, false) &&
            id.find_first_of(" <>\"\\") == std::string_view::npos;
  return ok ? core::Status::Ok()
            : core::InvalidArgument("message_id must be printable ASCII left@right without <>");
}

// Subject value: as is when printable ASCII without "=?" and folding can keep it within the
// hard line limit, encoded-words otherwise.
std::string SubjectValue(std::string_view subject) {
  bool plain = IsPrintableAscii(subject, true) && subject.find("=?") == std::string_view::npos;
  if (plain) {
    size_t longest_word = 0, run = 0;
    for (char c : subject) {
      run = (c == ' ' || c == '\t') ? 0 : run + 1;
      longest_word = std::max(longest_word, run);
    }
    if (longest_word < kMaxLine - 1) return std::string(subject);
  }
  return EncodeWords(subject, kMaxLine - std::string_view("Subject: ").size());
}

std::string Domain(std::string_view address) {
  return std::string(address.substr(address.rfind('@') + 1));
}

void AppendPart(std::string* out, std::string_view subtype, std::string_view body) {
  out->append(fmt::format("Content-Type: text/{}; charset=UTF-8\r\n", subtype));
  out->append("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  out->append(EncodeQuotedPrintable(body));
}

}  // namespace

std::string FormatRfc5322Date(core::Millis t) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto tp = sys_time<milliseconds>(milliseconds(t));
  auto day = floor<days>(tp);
  year_month_day ymd(day);
  hh_mm_ss hms(floor<seconds>(tp - day));
  return fmt::format("{}, {} {} {:04} {:02}:{:02}:{:02} +0000", kDays[weekday(day).c_encoding()],
                     unsigned(ymd.day()), kMonths[unsigned(ymd.month()) - 1], int(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string EncodeQuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  constexpr size_t kMaxEncoded = 76;
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 16);
  size_t line_len = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out.append(kCrlf);
      line_len = 0;
      continue;
    }
    bool at_line_end = i + 1 == text.size() || text[i + 1] == '\r' || text[i + 1] == '\n';
    char token[3];
    size_t token_len;
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal) {
      token[0] = static_cast<char>(c);
      token_len = 1;
    } else {
      token[0] = '=';
      token[1] = kHex[c >> 4];
      token[2] = kHex[c & 0xF];
      token_len = 3;
    }
    // Leave room for the '=' of a soft break unless this token ends the line.
    size_t limit = at_line_end ? kMaxEncoded : kMaxEncoded - 1;
    if (line_len + token_len > limit) {
      out.append("=\r\n");
      line_len = 0;
    }
    out.append(token, token_len);
    line_len += token_len;
  }
  return out;
}

core::Result<std::string> BuildMime(const EmailMessage& m, core::Millis date) {
  RIVULET_RETURN_IF_ERROR(CheckAddress("from", m.from_address));
  RIVULET_RETURN_IF_ERROR(CheckAddress("to", m.to_address));
  if (!m.reply_to.empty()) RIVULET_RETURN_IF_ERROR(CheckAddress("reply_to", m.reply_to));
  RIVULET_RETURN_IF_ERROR(CheckHeaderText("from_name", m.from_name));
  RIVULET_RETURN_IF_ERROR(CheckHeaderText("to_name", m.to_name));
  RIVULET_RETURN_IF_ERROR(CheckHeaderText("subject", m.subject));
  if (!m.message_id.empty()) RIVULET_RETURN_IF_ERROR(CheckMessageId(m.message_id));
  if (!m.list_unsubscribe_mailto.empty()) {
    RIVULET_RETURN_IF_ERROR(
        CheckUriForHeader("list_unsubscribe_mailto", m.list_unsubscribe_mailto, "mailto:"));
  }
  if (!m.list_unsubscribe_url.empty()) {
    // RFC 8058 wants https; http is accepted for local set-ups (mailbox providers then
    // ignore the one-click header, which does no harm).
    std::string_view url = m.list_unsubscribe_url;
    RIVULET_RETURN_IF_ERROR(CheckUriForHeader(
        "list_unsubscribe_url", url, url.substr(0, 7) == "http://" ? "http://" : "https://"));
  }
  for (const auto& [name, value] : m.extra_headers) {
    RIVULET_RETURN_IF_ERROR(CheckExtraHeader(name, value));
  }
  if (m.html.empty() && m.text.empty()) {
    return core::InvalidArgument("an e-mail needs a text or an html body");
  }

  std::string out;
  out.reserve(m.text.size() + m.html.size() + m.text.size() / 8 + m.html.size() / 8 + 2048);
  AppendHeader(&out, "Date", FormatRfc5322Date(date));
  AppendHeader(&out, "From", Mailbox("From", m.from_name, m.from_address));
  AppendHeader(&out, "To", Mailbox("To", m.to_name, m.to_address));
  if (!m.reply_to.empty()) AppendHeader(&out, "Reply-To", m.reply_to);
  AppendHeader(&out, "Subject", SubjectValue(m.subject));
  std::string id = m.message_id.empty()
                       ? fmt::format("{}@{}", core::RandomHex(16), Domain(m.from_address))
                       : m.message_id;
  AppendHeader(&out, "Message-ID", "<" + id + ">");
  AppendHeader(&out, "MIME-Version", "1.0");
  if (!m.list_unsubscribe_mailto.empty() || !m.list_unsubscribe_url.empty()) {
    std::string value;
    if (!m.list_unsubscribe_mailto.empty()) value = "<" + m.list_unsubscribe_mailto + ">";
    if (!m.list_unsubscribe_url.empty()) {
      if (!value.empty()) value += ", ";
      value += "<" + m.list_unsubscribe_url + ">";
    }
    AppendHeader(&out, "List-Unsubscribe", value);
    if (!m.list_unsubscribe_url.empty()) {
      AppendHeader(&out, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
  }
  for (const auto& [name, value] : m.extra_headers) AppendHeader(&out, name, value);

  // A folded header line longer than the hard limit (an unbreakable value) cannot be sent.
  for (size_t pos = 0; pos < out.size();) {
    size_t eol = out.find(kCrlf, pos);
    if (eol - pos > kMaxHardLine) {
      return core::InvalidArgument("a header line exceeds 998 characters");
    }
    pos = eol + 2;
  }

  if (m.text.empty() || m.html.empty()) {
    AppendPart(&out, m.text.empty() ? "html" : "plain", m.text.empty() ? m.html : m.text);
    return out;
  }
  // "=_" never occurs in quoted-printable output ('=' is always followed by hex or CRLF), so
  // the first boundary always fits; the check keeps that true if the encoding ever changes.
  std::string plain = EncodeQuotedPrintable(m.text);
  std::string html = EncodeQuotedPrintable(m.html);
  std::string boundary;
  do {
    boundary = "=_rivulet_" + core::RandomHex(12);
  } while (plain.find(boundary) != std::string::npos || html.find(boundary) != std::string::npos);
  AppendHeader(&out, "Content-Type",
               fmt::format("multipart/alternative; boundary=\"{}\"", boundary));
  out.append(kCrlf);
  out.append(fmt::format("--{}\r\n", boundary));
  out.append("Content-Type: text/plain; charset=UTF-8\r\n");
  out.append("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  out.append(plain);
  out.append(fmt::format("\r\n--{}\r\n", boundary));
  out.append("Content-Type: text/html; charset=UTF-8\r\n");
  out.append("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  out.append(html);
  out.append(fmt::format("\r\n--{}--\r\n", boundary));
  return out;
}

}  // namespace rivulet::delivery

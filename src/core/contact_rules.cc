#include "core/contact_rules.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/uuid.h"

namespace rivulet::core {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
         c == '-';
}

}  // namespace

Result<std::string> NormalizeEmail(std::string_view email) {
  std::string_view t = Trim(email);
  size_t at = t.find('@');
  if (t.empty() || t.size() > 254 || at == std::string_view::npos || at == 0 ||
      at + 1 == t.size() || t.find('@', at + 1) != std::string_view::npos ||
      std::any_of(t.begin(), t.end(),
                  [](unsigned char c) { return std::isspace(c) || c < 0x20 || c == 0x7f; }) ||
      !IsValidUtf8(t)) {
    return InvalidArgument("invalid e-mail address").WithField("email", "is not an e-mail address");
  }
  std::string out(t);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<std::string> NormalizePhone(std::string_view phone) {
  std::string_view t = Trim(phone);
  std::string out;
  size_t digits = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '+' && out.empty()) {
      out.push_back(c);
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      out.push_back(c);
      ++digits;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      digits = 0;
      break;
    }
  }
  if (digits < 6 || digits > 20) {
    return InvalidArgument("invalid phone number").WithField("phone", "is not a phone number");
  }
  return out;
}

Result<std::string> NormalizeExternalId(std::string_view id) {
  std::string_view t = Trim(id);
  if (t.empty() || t.size() > 255 || !IsValidUtf8(t) ||
      std::any_of(t.begin(), t.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return InvalidArgument("invalid external id")
        .WithField("external_id", "must be 1 to 255 printable characters");
  }
  return std::string(t);
}

bool IsValidEventType(std::string_view type) {
  return !type.empty() && type.size() <= 64 && std::all_of(type.begin(), type.end(), IsNameChar);
}

bool IsValidTag(std::string_view tag) { return IsValidEventType(tag); }

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    // Eight ASCII bytes at a time: most text is ASCII.
    uint64_t word;
    if (i + 8 <= s.size() && (std::memcpy(&word, p + i, 8), (word & 0x8080808080808080ULL) == 0)) {
      i += 8;
      continue;
    }
    unsigned char c = p[i];
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

Result<ContactRef> ParseContactRef(std::string_view text) {
  auto with_prefix = [&](std::string_view prefix) {
    return text.size() > prefix.size() && text.substr(0, prefix.size()) == prefix;
  };
  if (with_prefix("email:")) {
    RIVULET_ASSIGN_OR_RETURN(std::string e, NormalizeEmail(text.substr(6)));
    return ContactRef{ContactRef::Kind::kEmail, e};
  }
  if (with_prefix("phone:")) {
    RIVULET_ASSIGN_OR_RETURN(std::string p, NormalizePhone(text.substr(6)));
    return ContactRef{ContactRef::Kind::kPhone, p};
  }
  if (with_prefix("external_id:")) {
    RIVULET_ASSIGN_OR_RETURN(std::string x, NormalizeExternalId(text.substr(12)));
    return ContactRef{ContactRef::Kind::kExternalId, x};
  }
  if (IsUuid(text)) return ContactRef{ContactRef::Kind::kUuid, NormalizeUuid(text)};
  if (text.find('@') != std::string_view::npos) {
    RIVULET_ASSIGN_OR_RETURN(std::string e, NormalizeEmail(text));
    return ContactRef{ContactRef::Kind::kEmail, e};
  }
  return InvalidArgument(
      "contact reference must be a uuid, an e-mail, or one of email:, phone:, external_id:");
}

}  // namespace rivulet::core

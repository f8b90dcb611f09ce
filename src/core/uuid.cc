#include "core/uuid.h"

#include <cctype>
#include <cstdlib>

#include "core/crypto.h"

namespace rivulet::core {

std::string NewUuidV7(Millis now) {
  unsigned char b[16];
  FillRandom(b + 6, 10);
  uint64_t ms = static_cast<uint64_t>(now);
  for (int i = 5; i >= 0; --i) {
    b[i] = static_cast<unsigned char>(ms & 0xff);
    ms >>= 8;
  }
  b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0f));  // version 7
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3f));  // RFC variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t at = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;  // the dashes of 8-4-4-4-12
    out[at++] = kHex[b[i] >> 4];
    out[at++] = kHex[b[i] & 0x0f];
  }
  return out;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string NormalizeUuid(std::string_view s) {
  std::string out(s);
  if (!IsUuid(s)) return out;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace rivulet::core

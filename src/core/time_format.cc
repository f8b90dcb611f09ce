#include "core/time_format.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

namespace rivulet::core {
namespace {

using namespace std::chrono;

struct Parts {
  int year, month, day, hour, minute, second, millis;
};

Parts Split(Millis t) {
  auto tp = sys_time<milliseconds>(milliseconds(t));
  auto dp = floor<days>(tp);
  year_month_day ymd(dp);
  hh_mm_ss hms(tp - dp);
  return {static_cast<int>(ymd.year()),
          static_cast<int>(unsigned(ymd.month())),
          static_cast<int>(unsigned(ymd.day())),
          static_cast<int>(hms.hours().count()),
          static_cast<int>(hms.minutes().count()),
          static_cast<int>(hms.seconds().count()),
          static_cast<int>(hms.subseconds().count())};
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Writes v as exactly n decimal digits (zero-padded) at out; v must fit.
char* PutDigits(char* out, int v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + n;
}

// Appends "YYYY-MM-DDTHH:MM:SS[.mmm]" and the suffix without fmt's format-string parsing and
// without a string of its own: times are written for every object of every JSON response.
void AppendDateTime(std::string& out, const Parts& p, std::string_view suffix, bool with_millis) {
  if (p.year < 0 || p.year > 9999) {
    out += fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", p.year, p.month, p.day, p.hour,
                       p.minute, p.second);
    if (with_millis) out += fmt::format(".{:03}", p.millis);
    out += suffix;
    return;
  }
  char buf[24];
  char* o = PutDigits(buf, p.year, 4);
  *o++ = '-';
  o = PutDigits(o, p.month, 2);
  *o++ = '-';
  o = PutDigits(o, p.day, 2);
  *o++ = 'T';
  o = PutDigits(o, p.hour, 2);
  *o++ = ':';
  o = PutDigits(o, p.minute, 2);
  *o++ = ':';
  o = PutDigits(o, p.second, 2);
  if (with_millis) {
    *o++ = '.';
    o = PutDigits(o, p.millis, 3);
  }
  out.append(buf, o);
  out += suffix;
}

std::string FormatDateTime(const Parts& p, std::string_view suffix, bool with_millis) {
  std::string out;
  out.reserve(32);
  AppendDateTime(out, p, suffix, with_millis);
  return out;
}

}  // namespace

std::string FormatIsoUtc(Millis t, bool with_millis) {
  return FormatDateTime(Split(t), "Z", with_millis);
}

void AppendIsoUtc(std::string& out, Millis t, bool with_millis) {
  AppendDateTime(out, Split(t), "Z", with_millis);
}

std::string FormatIsoOffset(Millis t) { return FormatDateTime(Split(t), "+00:00", false); }

Result<Millis> ParseIsoTime(std::string_view s) {
  auto bad = [&] {
    return InvalidArgument("not an ISO-8601 date-time: '" + std::string(s.substr(0, 64)) + "'");
  };
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return bad();
  }
  size_t pos = 10;
  int offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return bad();
    if (!Digits(s, pos + 1, 2, &h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &mi)) {
      return bad();
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &sec)) return bad();
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        int scale = 100;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
          ms += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start || pos - start > 9) return bad();
      }
    }
    if (pos < s.size()) {
      char z = s[pos];
      if ((z == 'Z' || z == 'z') && pos + 1 == s.size()) {
        pos += 1;
      } else if ((z == '+' || z == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
        int oh, om;
        if (!Digits(s, pos + 1, 2, &oh) || !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
          return bad();
        }
        offset_minutes = (oh * 60 + om) * (z == '+' ? 1 : -1);
        pos += 6;
      } else {
        return bad();
      }
    }
  }
  if (pos != s.size() && s.size() != 10) return bad();
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return bad();
  Millis days_ms = duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count();
  return days_ms + ((h * 60LL + mi) * 60 + sec) * 1000 + ms - offset_minutes * 60'000LL;
}

}  // namespace rivulet::core

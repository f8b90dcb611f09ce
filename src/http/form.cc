#include "http/form.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rivulet::http {
namespace {

using core::Result;
using core::Status;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  return IsAlnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 bcharsnospace.
bool IsBoundaryChar(char c) {
  return IsAlnum(c) || std::string_view("'()+_,-./:=?").find(c) != std::string_view::npos;
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

Status CheckBoundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70) {
    return core::InvalidArgument("multipart boundary must be 1 to 70 characters long");
  }
  for (char c : boundary) {
    if (!IsBoundaryChar(c) && c != ' ') {
      return core::InvalidArgument("multipart boundary contains an invalid character");
    }
  }
  if (boundary.back() == ' ') {
    return core::InvalidArgument("multipart boundary must not end with a space");
  }
  return Status::Ok();
}

struct Param {
  std::string name;  // lower-cased
  std::string value;
};

// Parses header parameters: *( OWS ";" OWS [ token OWS "=" OWS ( quoted-string / value ) ] ).
// s starts right after the main value (media type or disposition type). Unquoted values run
// to the next ';' (lenient: browsers and libraries disagree on what they put there). In quoted
// strings a backslash escapes only '"' and '\', so Windows paths such as "C:\tmp\a.txt" that
// some clients send unescaped survive intact.
Status ParseParameters(std::string_view s, std::vector<Param>* out) {
  size_t i = 0;
  const size_t n = s.size();
  auto skip_ows = [&] {
    while (i < n && IsOws(s[i])) ++i;
  };
  while (true) {
    skip_ows();
    if (i == n) return Status::Ok();
    if (s[i] != ';') return core::InvalidArgument("malformed header parameters: expected ';'");
    ++i;
    skip_ows();
    if (i == n || s[i] == ';') continue;  // empty parameter, e.g. a trailing ';'
    const size_t name_start = i;
    while (i < n && IsTokenChar(s[i])) ++i;
    if (i == name_start) return core::InvalidArgument("malformed header parameter name");
    Param p;
    p.name.reserve(i - name_start);
    for (char c : s.substr(name_start, i - name_start)) p.name.push_back(ToLowerAscii(c));
    skip_ows();
    if (i == n || s[i] != '=') return core::InvalidArgument("header parameter without a value");
    ++i;
    skip_ows();
    if (i < n && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        const char c = s[i];
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        if (c == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\')) {
          p.value.push_back(s[i + 1]);
          i += 2;
          continue;
        }
        p.value.push_back(c);
        ++i;
      }
      if (!closed) return core::InvalidArgument("unterminated quoted header parameter");
    } else {
      const size_t value_start = i;
      while (i < n && s[i] != ';') ++i;
      p.value = std::string(TrimOws(s.substr(value_start, i - value_start)));
    }
    out->push_back(std::move(p));
  }
}

// A boundary line: [begin, end) covers the leading CRLF (absent at the very start of the
// body), "--boundary", then either "--" (close) or transport padding and CRLF.
struct Delimiter {
  size_t begin;
  size_t end;
  bool close;
};

// Finds the first delimiter at or after from. A "--boundary" match not followed by "--" or
// by optional spaces/tabs and CRLF is content, not a delimiter, and the search goes on.
std::optional<Delimiter> FindDelimiter(std::string_view body, size_t from, bool allow_at_start,
                                       std::string_view dash_boundary,
                                       std::string_view crlf_dash_boundary) {
  size_t search = from;
  while (search <= body.size()) {
    size_t begin;
    size_t p;
    if (allow_at_start && search == 0 && body.starts_with(dash_boundary)) {
      begin = 0;
      p = dash_boundary.size();
    } else {
      const size_t m = body.find(crlf_dash_boundary, search);
      if (m == std::string_view::npos) return std::nullopt;
      begin = m;
      p = m + crlf_dash_boundary.size();
    }
    if (body.substr(p).starts_with("--")) return Delimiter{begin, p + 2, true};
    while (p < body.size() && IsOws(body[p])) ++p;
    if (body.substr(p).starts_with("\r\n")) return Delimiter{begin, p + 2, false};
    search = begin + 1;
  }
  return std::nullopt;
}

struct Part {
  FormField field;  // everything but value
  bool has_filename = false;
  std::string_view content;
};

Status ParseContentDisposition(std::string_view value, Part* part) {
  const size_t semi = value.find(';');
  if (!EqualsIgnoreCase(TrimOws(value.substr(0, semi)), "form-data")) {
    return core::InvalidArgument("multipart part Content-Disposition must be form-data");
  }
  std::vector<Param> params;
  if (semi != std::string_view::npos) {
    RIVULET_RETURN_IF_ERROR(ParseParameters(value.substr(semi), &params));
  }
  bool has_name = false;
  for (Param& p : params) {
    if (p.name == "name") {
      if (has_name) return core::InvalidArgument("multipart part has more than one name");
      has_name = true;
      part->field.name = std::move(p.value);
    } else if (p.name == "filename") {
      if (part->has_filename) {
        return core::InvalidArgument("multipart part has more than one filename");
      }
      part->has_filename = true;
      part->field.filename = std::move(p.value);
    }
  }
  if (!has_name) return core::InvalidArgument("multipart part has no name");
  return Status::Ok();
}

// Parses one part: the text between a boundary line and the CRLF of the next delimiter.
Result<Part> ParsePart(std::string_view raw, const FormLimits& limits) {
  Part part;
  std::string_view headers;
  if (raw.starts_with("\r\n")) {
    part.content = raw.substr(2);
  } else {
    const size_t end = raw.substr(0, kMaxPartHeaderBytes + 4).find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (raw.size() >= kMaxPartHeaderBytes + 4) {
        return core::InvalidArgument("multipart part headers exceed " +
                                     std::to_string(kMaxPartHeaderBytes) + " bytes");
      }
      return core::InvalidArgument("multipart part headers do not end with an empty line");
    }
    headers = raw.substr(0, end);
    part.content = raw.substr(end + 4);
  }

  bool has_disposition = false;
  bool has_content_type = false;
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t eol = headers.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = headers.size();
    const std::string_view line = headers.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return core::InvalidArgument("multipart part headers must end lines with CRLF");
    }
    if (line.empty() || IsOws(line.front())) {
      return core::InvalidArgument("folded or empty multipart part header lines are not allowed");
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return core::InvalidArgument("multipart part header without a colon");
    }
    const std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(c)) return core::InvalidArgument("malformed multipart part header name");
    }
    if (name.empty()) return core::InvalidArgument("malformed multipart part header name");
    const std::string_view value = TrimOws(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "content-disposition")) {
      if (has_disposition) {
        return core::InvalidArgument("multipart part has more than one Content-Disposition");
      }
      has_disposition = true;
      RIVULET_RETURN_IF_ERROR(ParseContentDisposition(value, &part));
    } else if (EqualsIgnoreCase(name, "content-type")) {
      if (has_content_type) {
        return core::InvalidArgument("multipart part has more than one Content-Type");
      }
      has_content_type = true;
      part.field.content_type = std::string(value);
    }
  }
  if (!has_disposition) {
    return core::InvalidArgument("multipart part has no Content-Disposition header");
  }
  if (part.field.name.size() > limits.max_name_bytes) {
    return core::PayloadTooLarge("form field name longer than " +
                                 std::to_string(limits.max_name_bytes) + " bytes");
  }
  if (!IsValidUtf8(part.field.name)) {
    return core::InvalidArgument("multipart part name is not valid UTF-8");
  }
  if (!IsValidUtf8(part.field.filename)) {
    return core::InvalidArgument("multipart part filename is not valid UTF-8")
        .WithField(part.field.name, "filename is not valid UTF-8");
  }
  if (!IsValidUtf8(part.field.content_type)) {
    return core::InvalidArgument("multipart part Content-Type is not valid UTF-8")
        .WithField(part.field.name, "Content-Type is not valid UTF-8");
  }
  return part;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Sequence length, payload bits of the lead byte, smallest code point of that length.
    size_t len = 4;
    uint32_t cp = c & 0x07;
    uint32_t min = 0x10000;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
      min = 0x800;
    } else if ((c & 0xF8) != 0xF0) {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

core::Result<std::string> PercentDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      const int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return core::InvalidArgument("invalid percent-escape at offset " + std::to_string(i));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

core::Result<std::vector<FormField>> ParseUrlEncoded(std::string_view body,
                                                     const FormLimits& limits) {
  std::vector<FormField> fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t amp = body.find('&', start);
    if (amp == std::string_view::npos) amp = body.size();
    const std::string_view pair = body.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    if (fields.size() >= limits.max_fields) {
      return core::PayloadTooLarge("more than " + std::to_string(limits.max_fields) +
                                   " form fields");
    }
    const size_t eq = pair.find('=');
    const std::string_view raw_name = pair.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    // Every decoded byte takes at most 3 raw bytes, so this bounds the work on huge names.
    if (raw_name.size() / 3 > limits.max_name_bytes) {
      return core::PayloadTooLarge("form field name longer than " +
                                   std::to_string(limits.max_name_bytes) + " bytes");
    }
    FormField field;
    RIVULET_ASSIGN_OR_RETURN(field.name, PercentDecode(raw_name, true));
    if (field.name.size() > limits.max_name_bytes) {
      return core::PayloadTooLarge("form field name longer than " +
                                   std::to_string(limits.max_name_bytes) + " bytes");
    }
    if (!IsValidUtf8(field.name)) {
      return core::InvalidArgument("form field name is not valid UTF-8");
    }
    auto value = PercentDecode(raw_value, true);
    if (!value.ok()) {
      Status st = value.status();
      return st.WithField(field.name, "invalid percent-escape");
    }
    if (!IsValidUtf8(*value)) {
      return core::InvalidArgument("form field value is not valid UTF-8")
          .WithField(field.name, "not valid UTF-8");
    }
    field.value = std::move(value).value();
    fields.push_back(std::move(field));
  }
  return fields;
}

core::Result<std::string> MultipartBoundary(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  if (!EqualsIgnoreCase(TrimOws(content_type.substr(0, semi)), "multipart/form-data")) {
    return Status(core::Code::kUnsupportedMedia, "expected a multipart/form-data Content-Type");
  }
  std::vector<Param> params;
  if (semi != std::string_view::npos) {
    RIVULET_RETURN_IF_ERROR(ParseParameters(content_type.substr(semi), &params));
  }
  std::optional<std::string> boundary;
  for (Param& p : params) {
    if (p.name != "boundary") continue;
    if (boundary) return core::InvalidArgument("Content-Type has more than one boundary");
    boundary = std::move(p.value);
  }
  if (!boundary) return core::InvalidArgument("multipart/form-data Content-Type has no boundary");
  RIVULET_RETURN_IF_ERROR(CheckBoundary(*boundary));
  return *std::move(boundary);
}

core::Result<std::vector<FormField>> ParseMultipart(std::string_view body,
                                                    std::string_view boundary,
                                                    const FormLimits& limits) {
  RIVULET_RETURN_IF_ERROR(CheckBoundary(boundary));
  const std::string dash_boundary = "--" + std::string(boundary);
  const std::string crlf_dash_boundary = "\r\n" + dash_boundary;

  std::vector<FormField> fields;
  const std::optional<Delimiter> open =
      FindDelimiter(body, 0, /*allow_at_start=*/true, dash_boundary, crlf_dash_boundary);
  if (!open) {
    return core::InvalidArgument(
        "multipart body has no opening boundary line (boundary lines must end with CRLF)");
  }
  if (open->close) return fields;  // "--boundary--": no parts at all

  size_t pos = open->end;
  size_t total_bytes = 0;
  while (true) {
    const std::optional<Delimiter> next =
        FindDelimiter(body, pos, /*allow_at_start=*/false, dash_boundary, crlf_dash_boundary);
    if (!next) return core::InvalidArgument("multipart body is missing the final boundary");
    if (fields.size() >= limits.max_fields) {
      return core::PayloadTooLarge("more than " + std::to_string(limits.max_fields) +
                                   " multipart parts");
    }
    RIVULET_ASSIGN_OR_RETURN(Part part, ParsePart(body.substr(pos, next->begin - pos), limits));
    total_bytes += part.content.size();
    if (total_bytes > limits.max_parts_bytes) {
      return core::PayloadTooLarge("multipart parts exceed " +
                                   std::to_string(limits.max_parts_bytes) + " bytes");
    }
    if (!part.has_filename && !IsValidUtf8(part.content)) {
      return core::InvalidArgument("multipart field value is not valid UTF-8")
          .WithField(part.field.name, "not valid UTF-8");
    }
    part.field.value = std::string(part.content);
    fields.push_back(std::move(part.field));
    if (next->close) return fields;
    pos = next->end;
  }
}

}  // namespace rivulet::http

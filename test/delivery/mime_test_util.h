#ifndef RIVULET_TEST_DELIVERY_MIME_TEST_UTIL_H_
#define RIVULET_TEST_DELIVERY_MIME_TEST_UTIL_H_

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Small, independent decoders for checking what the MIME builder (and the SMTP sink) produced.
namespace rivulet::delivery::mime_test {

struct ParsedMessage {
  std::vector<std::pair<std::string, std::string>> headers;  // unfolded, in order
  std::vector<std::string> raw_header_lines;                 // as written, folded
  std::string body;

  // First header with this name (case-insensitive), if any.
  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return v;
      }
    }
    return std::nullopt;
  }
};

// Splits a CRLF message into headers (unfolded: CRLF before WSP removed) and body.
inline ParsedMessage ParseMessage(std::string_view raw) {
  ParsedMessage m;
  size_t end = raw.find("\r\n\r\n");
  std::string_view head = raw.substr(0, end);
  m.body = end == std::string_view::npos ? "" : std::string(raw.substr(end + 4));
  size_t pos = 0;
  while (pos <= head.size()) {
    size_t eol = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    m.raw_header_lines.emplace_back(line);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !m.headers.empty()) {
      m.headers.back().second += std::string(line);
    } else {
      size_t colon = line.find(':');
      std::string value(colon == std::string_view::npos ? "" : line.substr(colon + 1));
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      m.headers.emplace_back(std::string(line.substr(0, colon)), value);
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 2;
  }
  return m;
}

inline std::string DecodeQuotedPrintable(std::string_view in) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out.push_back(in[i]);
    } else if (in.substr(i + 1, 2) == "\r\n") {
      i += 2;  // soft line break
    } else if (i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
    } else {
      out.push_back('=');
    }
  }
  return out;
}

inline std::string DecodeBase64(std::string_view in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    size_t v = kAlphabet.find(c);
    if (v == std::string::npos) continue;  // '=' padding and anything else
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// Decodes a header value made of RFC 2047 "=?UTF-8?B?...?=" words (whitespace between
// adjacent encoded words dropped) and plain text.
inline std::string DecodeEncodedWords(std::string_view value,
                                      std::vector<std::string>* words = nullptr) {
  std::string out;
  bool last_was_word = false;
  size_t pos = 0;
  while (pos < value.size()) {
    size_t start = value.find("=?", pos);
    if (start == std::string_view::npos) {
      out.append(value.substr(pos));
      break;
    }
    std::string_view between = value.substr(pos, start - pos);
    bool only_space = between.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!(last_was_word && only_space)) out.append(between);
    size_t q1 = value.find('?', start + 2);
    size_t q2 = value.find('?', q1 + 1);
    size_t end = value.find("?=", q2 + 1);
    if (q1 == std::string_view::npos || q2 == std::string_view::npos ||
        end == std::string_view::npos) {
      out.append(value.substr(start));
      break;
    }
    if (words) words->emplace_back(value.substr(start, end + 2 - start));
    out.append(DecodeBase64(value.substr(q2 + 1, end - q2 - 1)));
    last_was_word = true;
    pos = end + 2;
  }
  return out;
}

// The parts of a multipart body delimited by boundary (each part's headers and body).
inline std::vector<ParsedMessage> SplitMultipart(std::string_view body, std::string_view boundary) {
  std::vector<ParsedMessage> parts;
  std::string delimiter = "--" + std::string(boundary);
  size_t pos = body.find(delimiter);
  while (pos != std::string_view::npos) {
    size_t start = pos + delimiter.size();
    if (body.substr(start, 2) == "--") break;  // close delimiter
    start += 2;                                // CRLF after the delimiter
    size_t next = body.find("\r\n" + delimiter, start);
    if (next == std::string_view::npos) break;
    parts.push_back(ParseMessage(body.substr(start, next - start)));
    pos = next + 2;
  }
  return parts;
}

// "multipart/alternative; boundary=\"x\"" -> "x".
inline std::string BoundaryOf(std::string_view content_type) {
  size_t b = content_type.find("boundary=\"");
  if (b == std::string_view::npos) return {};
  b += 10;
  return std::string(content_type.substr(b, content_type.find('"', b) - b));
}

// Converts LF line breaks to CRLF (what the builder does to bodies).
inline std::string ToCrlf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

}  // namespace rivulet::delivery::mime_test

#endif  // RIVULET_TEST_DELIVERY_MIME_TEST_UTIL_H_

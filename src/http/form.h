#ifndef RIVULET_HTTP_FORM_H_
#define RIVULET_HTTP_FORM_H_

// Bounded parsers for HTML form data: application/x-www-form-urlencoded bodies and query
// strings, and multipart/form-data bodies. They never throw and never do I/O; every size or
// count is checked against FormLimits before memory is spent on it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rivulet::http {

// One form field in the order it was sent. filename and content_type are set only for
// multipart parts: filename is empty for ordinary fields (and for a part whose filename
// parameter is empty), content_type is empty when the part had no Content-Type header.
struct FormField {
  std::string name;
  std::string value;
  std::string filename;
  std::string content_type;
};

struct FormLimits {
  size_t max_fields = 1000;                  // fields (or multipart parts) per body
  size_t max_name_bytes = 256;               // bytes of one field name, after decoding
  int max_depth = 16;                        // bracket subscripts per name, see FieldsToJson
  size_t max_parts_bytes = 8 * 1024 * 1024;  // total content bytes of all multipart parts
};

// Largest header block (all header lines of one part) ParseMultipart accepts.
inline constexpr size_t kMaxPartHeaderBytes = 8 * 1024;

// True when s is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Percent-decodes s; '+' becomes space when plus_as_space. Fails (InvalidArgument) on a '%'
// not followed by two hex digits. Does not check the decoded bytes.
core::Result<std::string> PercentDecode(std::string_view s, bool plus_as_space);

// Parses application/x-www-form-urlencoded text (also used for query strings, without the
// '?'). Pairs are split on '&' and at the first '='; empty pairs ("a=1&&b=2") are skipped and
// a pair without '=' has an empty value. Names and values are decoded with '+' as space.
// Errors: InvalidArgument for bad escapes or invalid UTF-8 in names/values; PayloadTooLarge
// when there are more than max_fields fields or a decoded name is longer than max_name_bytes.
core::Result<std::vector<FormField>> ParseUrlEncoded(std::string_view body,
                                                     const FormLimits& limits);

// Extracts the boundary parameter from a multipart/form-data Content-Type (quoted or not;
// RFC 2046 limits: 1..70 characters from the bchars set). Media type and parameter names are
// case-insensitive. Errors: UnsupportedMedia when the media type is not multipart/form-data;
// InvalidArgument for malformed parameters or a missing, duplicate or invalid boundary.
core::Result<std::string> MultipartBoundary(std::string_view content_type);

// Parses a multipart/form-data body (RFC 7578) delimited by boundary (without the leading
// "--"). Each part needs a "Content-Disposition: form-data" header with a name parameter and
// may carry a filename parameter and a Content-Type header; other headers are ignored. A
// preamble before the first boundary and an epilogue after the final one are ignored. Header
// lines must end in CRLF. Names, filenames and the values of parts without a filename must be
// valid UTF-8; parts with a filename may hold any bytes.
// Errors: InvalidArgument on malformed structure (no opening or final boundary, missing
// Content-Disposition or name, header without colon, bare CR or LF in headers, part headers
// over kMaxPartHeaderBytes, invalid UTF-8); PayloadTooLarge over max_fields parts, a name
// over max_name_bytes or part contents over max_parts_bytes in total.
core::Result<std::vector<FormField>> ParseMultipart(std::string_view body,
                                                    std::string_view boundary,
                                                    const FormLimits& limits);

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_FORM_H_

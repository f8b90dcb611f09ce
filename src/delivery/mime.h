#ifndef RIVULET_DELIVERY_MIME_H_
#define RIVULET_DELIVERY_MIME_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace rivulet::delivery {

// One outbound e-mail as a step produced it. Text fields are UTF-8.
struct EmailMessage {
  std::string from_name;
  std::string from_address;  // also the SMTP envelope sender (MAIL FROM)
  std::string reply_to;      // optional address
  std::string to_name;
  std::string to_address;  // also the only SMTP envelope recipient (RCPT TO)
  std::string subject;
  std::string html;  // at least one of html and text must be non-empty
  std::string text;
  std::string message_id;               // without <>; must contain '@'; empty: one is generated
  std::string list_unsubscribe_mailto;  // optional, "mailto:unsub@example.com?subject=..."
  std::string list_unsubscribe_url;     // optional, "https://..." one-click (RFC 8058);
                                        // "http://" is accepted for local set-ups
  std::vector<std::pair<std::string, std::string>> extra_headers;  // ASCII, e.g. X-Campaign
};

// Renders message as an RFC 5322 / MIME message with CRLF line endings, ready for SMTP DATA.
// The SMTP client does the dot-stuffing (libcurl does for uploads), so lines that begin with
// '.' are left as they are.
//
// - Date is `date` in RFC 5322 form, in UTC ("Tue, 14 Nov 2023 22:13:20 +0000").
// - From/To/Reply-To: a display name made only of atext and spaces is written as is, other
//   ASCII names as a quoted-string, and non-ASCII names as RFC 2047 encoded-words (UTF-8, B).
//   The Subject is written as is when it is printable ASCII (folded at spaces), otherwise as
//   encoded-words. Encoded-words are at most 75 characters, never split a UTF-8 sequence,
//   and header lines are folded to at most 78 characters where the value allows.
// - Message-ID is "<message_id>"; MIME-Version 1.0.
// - Bodies are UTF-8 quoted-printable: text/plain then text/html inside multipart/alternative
//   (random boundary that occurs in neither part), or a single part when only one is given.
//   Line breaks in the bodies (LF, CRLF or CR) become CRLF.
// - List-Unsubscribe: "<mailto:...>, <https://...>" with whichever is set, and
//   "List-Unsubscribe-Post: List-Unsubscribe=One-Click" when the URL is set.
//
// InvalidArgument when: from/to address is empty, lacks '@' or is not a plain ASCII
// addr-spec; any header value holds CR, LF or NUL (header injection); subject or names are
// not valid UTF-8; message_id is malformed; the unsubscribe mailto/URL do not start with
// "mailto:"/"https://" (or "http://") or hold spaces, quotes or angle brackets; an extra
// header's name is not [A-Za-z0-9-]+, names a header this function writes itself, or its
// value is not ASCII; no body is given.
core::Result<std::string> BuildMime(const EmailMessage& message, core::Millis date);

// RFC 5322 date-time in UTC, e.g. "Tue, 14 Nov 2023 22:13:20 +0000".
std::string FormatRfc5322Date(core::Millis t);

// Quoted-printable (RFC 2045 §6.7) of arbitrary bytes treated as text: line breaks (LF, CRLF,
// CR) become CRLF hard breaks, encoded lines are at most 76 characters, trailing spaces and
// tabs are encoded.
std::string EncodeQuotedPrintable(std::string_view text);

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_MIME_H_

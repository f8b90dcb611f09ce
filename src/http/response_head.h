#ifndef RIVULET_HTTP_RESPONSE_HEAD_H_
#define RIVULET_HTTP_RESPONSE_HEAD_H_

#include <string>

#include "http/message.h"

namespace rivulet::http {

// Whether a response with this status carries no body (1xx, 204, 304; RFC 9110 §6.4.1).
bool StatusHasNoBody(int status);

// The status line and header block of `r` (ending with the empty line), as Beast would write
// it: Server, Content-Type, r.headers in order, the framing, and Connection as keep-alive
// requires for `version` (10 or 11). The framing is Content-Length (none for a status
// without a body), or for a streamed body (r.stream) "Transfer-Encoding: chunked" on
// HTTP/1.1 and nothing on HTTP/1.0, whose body ends when the connection closes. A header
// whose name or value holds CR, LF or NUL is left out, so a handler can never split a
// response. Every response, whole or streamed, gets its head from here.
std::string ResponseHead(const Response& r, unsigned version, bool keep_alive);

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_RESPONSE_HEAD_H_

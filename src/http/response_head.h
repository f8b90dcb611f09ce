#ifndef RIVULET_HTTP_RESPONSE_HEAD_H_
#define RIVULET_HTTP_RESPONSE_HEAD_H_

#include <string>

#include "http/message.h"

namespace rivulet::http {

// Whether a response with this status carries no body (1xx, 204, 304; RFC 9110 §6.4.1).
bool StatusHasNoBody(int status);

// The status line and header block of `r` (ending with the empty line), as Beast would write
// it for a string body: Server, Content-Type, r.headers in order, Content-Length (none for
// a status without a body), and Connection as keep-alive requires for `version` (10 or 11).
// A header whose name or value holds CR, LF or NUL is left out, so a handler can never split
// a response. Built in one string: the server sends it and the body with one gathered write.
std::string ResponseHead(const Response& r, unsigned version, bool keep_alive);

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_RESPONSE_HEAD_H_

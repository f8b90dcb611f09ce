#ifndef RIVULET_HTTP_FILE_BODY_H_
#define RIVULET_HTTP_FILE_BODY_H_

#include <string>

#include "core/status.h"
#include "http/message.h"

namespace rivulet::http {

// A streamed response body read from a file in pieces (see BodyProducer). The file is opened
// here and closed when the producer is destroyed; with `unlink_now` its path is removed at
// once, so a temporary file disappears with the response (or the process) whatever happens.
// NotFound/Internal when the file cannot be opened.
core::Result<BodyProducer> FileBody(const std::string& path, bool unlink_now);

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_FILE_BODY_H_

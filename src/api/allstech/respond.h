#ifndef RIVULET_API_ALLSTECH_RESPOND_H_
#define RIVULET_API_ALLSTECH_RESPOND_H_

#include <boost/json/value.hpp>

#include "core/status.h"
#include "http/message.h"

// Answers in the AllsTechnology envelope. Internal to api/allstech/ (brings Boost.JSON).
namespace rivulet::api::allstech {

// 200 {"status":"success","message":message}.
http::Response Success(boost::json::value message);

// The one place a Status becomes {"status":"failed","errors":…}: field errors (Laravel
// validation) as {"field":["message"]} with 422; otherwise the message as a string, with
// the HTTP status of its code (404 "Record not found", 401 for missing or wrong keys).
http::Response Failed(const core::Status& status, const http::Request& request);

// The messages AllsTechnology uses.
inline constexpr const char* kRecordNotFound = "Record not found";

}  // namespace rivulet::api::allstech

#endif  // RIVULET_API_ALLSTECH_RESPOND_H_

#ifndef RIVULET_CORE_TIME_FORMAT_H_
#define RIVULET_CORE_TIME_FORMAT_H_

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace rivulet::core {

// "2024-05-10T12:47:38Z" or, with millis, "2024-05-10T12:47:38.123Z".
std::string FormatIsoUtc(Millis t, bool with_millis = false);
// The same, appended to out.
void AppendIsoUtc(std::string& out, Millis t, bool with_millis = false);
// "2024-05-10T12:47:38+00:00" (the Leat style).
std::string FormatIsoOffset(Millis t);

// Parses RFC 3339 / ISO-8601 date-times: "YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]" (a space may
// replace 'T'; no zone means UTC) and plain dates "YYYY-MM-DD" (midnight UTC).
Result<Millis> ParseIsoTime(std::string_view s);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_TIME_FORMAT_H_

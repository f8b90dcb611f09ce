#ifndef RIVULET_ENGINE_TIMEZONES_H_
#define RIVULET_ENGINE_TIMEZONES_H_

#include <string_view>

namespace rivulet::engine {

// True when name is in the system's IANA time-zone database (e.g. "Europe/Rome", "UTC").
bool IsKnownTimezone(std::string_view name);

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_TIMEZONES_H_

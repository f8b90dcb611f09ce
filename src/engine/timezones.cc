#include "engine/timezones.h"

#include <date/tz.h>

#include <stdexcept>
#include <string>

namespace rivulet::engine {

bool IsKnownTimezone(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {  // the library reports unknown zones by throwing
    return false;
  }
}

}  // namespace rivulet::engine

#ifndef RIVULET_CORE_UUID_H_
#define RIVULET_CORE_UUID_H_

#include <string>
#include <string_view>

#include "core/clock.h"

namespace rivulet::core {

// A new RFC 9562 version-7 UUID (time-ordered, so new rows land at the end of indexes),
// lowercase canonical text form.
std::string NewUuidV7(Millis now);

// True for the canonical 8-4-4-4-12 hex form (either case), any version.
bool IsUuid(std::string_view s);

// Lowercases a valid UUID; returns s unchanged otherwise.
std::string NormalizeUuid(std::string_view s);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_UUID_H_

#ifndef RIVULET_TEST_CORE_STATUS_PRINTERS_H_
#define RIVULET_TEST_CORE_STATUS_PRINTERS_H_

// GoogleTest printers so that failing assertions show "not_found" rather than raw bytes.

#include <ostream>

#include "core/status.h"

namespace rivulet::core {

inline void PrintTo(Code code, std::ostream* os) { *os << CodeName(code); }
inline void PrintTo(const Status& status, std::ostream* os) { *os << status.ToString(); }

}  // namespace rivulet::core

#endif  // RIVULET_TEST_CORE_STATUS_PRINTERS_H_

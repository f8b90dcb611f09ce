#ifndef RIVULET_CORE_CSV_H_
#define RIVULET_CORE_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rivulet::core {

// Incremental RFC 4180 reader: fields separated by ',', optionally quoted with '"' (a
// doubled quote inside quotes is a literal quote), records ended by LF or CRLF.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text, size_t max_field_bytes = 64 * 1024)
      : text_(text), max_field_bytes_(max_field_bytes) {}

  // Reads the next record into fields. Returns false at end of input. Errors: an unclosed
  // quote, text after a closing quote, or a field over the limit.
  Result<bool> Next(std::vector<std::string>& fields);
  // The line the last record started on (1-based).
  size_t line() const { return line_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 0;           // where the current record started
  size_t physical_line_ = 0;  // lines consumed, counting newlines inside quotes
  size_t max_field_bytes_;
};

}  // namespace rivulet::core

#endif  // RIVULET_CORE_CSV_H_

#ifndef RIVULET_CORE_STATUS_H_
#define RIVULET_CORE_STATUS_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace rivulet::core {

// What went wrong, in terms a caller can act on. Each API face maps these to its own
// HTTP status and error envelope in one place.
enum class Code {
  kOk = 0,
  kInvalidArgument,     // malformed or semantically wrong input
  kNotFound,            // no such object (or not visible to this principal)
  kAlreadyExists,       // unique identifier taken
  kUnauthenticated,     // missing or wrong credentials
  kPermissionDenied,    // authenticated, but not allowed
  kFailedPrecondition,  // object is in a state that forbids the operation
  kPayloadTooLarge,     // input exceeds a configured limit
  kUnsupportedMedia,    // unknown content type
  kResourceExhausted,   // rate limit or queue full
  kUnavailable,         // transient environment failure; retrying may succeed
  kInternal,            // a bug or an unexpected environment failure
};

const char* CodeName(Code code);

// Status is the value type for expected errors: cheap to return when ok, carries a
// message, per-field details (field path -> message) and whether retrying may help.
class Status {
 public:
  Status() = default;
  Status(Code code, std::string message, bool retryable = false)
      : code_(code), message_(std::move(message)), retryable_(retryable) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool retryable() const { return retryable_; }
  const std::map<std::string, std::string>& fields() const { return fields_; }

  // Adds a per-field detail; returns *this so calls chain.
  Status& WithField(std::string path, std::string message) {
    fields_[std::move(path)] = std::move(message);
    return *this;
  }

  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  bool retryable_ = false;
  std::map<std::string, std::string> fields_;
};

inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {Code::kFailedPrecondition, std::move(m)};
}
inline Status PayloadTooLarge(std::string m) { return {Code::kPayloadTooLarge, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m), true}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

// Result<T> holds either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(v_).ok()) v_ = Status(Code::kInternal, "Result built from ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &std::get<T>(v_); }
  const T* operator->() const { return &std::get<T>(v_); }
  T& operator*() & { return std::get<T>(v_); }
  const T& operator*() const& { return std::get<T>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace rivulet::core

// Returns early from the enclosing function when expr yields a non-ok Status.
#define RIVULET_RETURN_IF_ERROR(expr)              \
  do {                                             \
    ::rivulet::core::Status _st = (expr);          \
    if (!_st.ok()) return _st;                     \
  } while (0)

#define RIVULET_CONCAT_INNER(a, b) a##b
#define RIVULET_CONCAT(a, b) RIVULET_CONCAT_INNER(a, b)
#define RIVULET_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
// Declares or assigns lhs from a Result, returning its Status on error.
#define RIVULET_ASSIGN_OR_RETURN(lhs, expr) \
  RIVULET_ASSIGN_OR_RETURN_IMPL(RIVULET_CONCAT(_res_, __LINE__), lhs, expr)

#endif  // RIVULET_CORE_STATUS_H_

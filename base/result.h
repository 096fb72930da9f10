// Result<T>: the value of an operation that can fail in an expected way.
//
// Expected failures (bad input, a server that is down, a conflict) are values, not
// exceptions. Result<T> keeps the API of C++23's std::expected<T, Error> so moving to it
// is a rename: has_value(), operator bool, value(), operator*, operator->, error(),
// value_or(). Result<void> carries only success or an Error.
//
//   Result<File> ReadFile(std::string_view path);
//   Result<void> Validate(const Dir& dir);
//
//   SB_TRY_ASSIGN(auto file, ReadFile(path));   // returns the Error on failure
//   SB_TRY(Validate(dir));
//
// Errors read as context chains: err.Wrap("replaying 0003_add.sql") gives
// "replaying 0003_add.sql: relation \"users\" does not exist".
//
// Thread-safety: plain values; no shared state.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace schemabot {

// The few error codes callers act on. Keep this list short.
enum class ErrorCode {
  kNotFound,
  kInvalidArgument,
  kUnavailable,
  kTimeout,
  kConflict,
  kPermissionDenied,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // Set on kUnavailable when the other side said when to come back (Retry-After, a
  // rate-limit reset): retry no sooner than this many seconds. Kept by Wrap.
  std::optional<int> retry_after_seconds;

  // Prefixes context: Error{kNotFound, "x"}.Wrap("reading a") -> "reading a: x".
  Error Wrap(std::string_view context) const& {
    return Error{code, std::string(context) + ": " + message, retry_after_seconds};
  }
  Error Wrap(std::string_view context) && {
    message.insert(0, std::string(context) + ": ");
    return std::move(*this);
  }
  std::string ToString() const { return message; }
  // Error{...}.WithRetryAfter(30): the same error carrying a retry-after hint.
  Error WithRetryAfter(int seconds) && {
    retry_after_seconds = seconds;
    return std::move(*this);
  }
};

inline Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Error InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Error Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Error Timeout(std::string m) { return {ErrorCode::kTimeout, std::move(m)}; }
inline Error Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
inline Error PermissionDenied(std::string m) { return {ErrorCode::kPermissionDenied, std::move(m)}; }
inline Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = Error;

  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!has_value()); return std::get<1>(v_); }
  Error&& error() && { assert(!has_value()); return std::get<1>(std::move(v_)); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  using error_type = Error;

  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  void value() const { assert(has_value()); }
  const Error& error() const& { assert(!has_value()); return *error_; }
  Error&& error() && { assert(!has_value()); return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

inline Result<void> Ok() { return {}; }

}  // namespace schemabot

#define SB_CONCAT_INNER(a, b) a##b
#define SB_CONCAT(a, b) SB_CONCAT_INNER(a, b)

// SB_TRY(expr): evaluates a Result; on failure returns its Error from the enclosing function.
#define SB_TRY(expr)                                      \
  do {                                                    \
    auto&& sb_try_result_ = (expr);                       \
    if (!sb_try_result_) return std::move(sb_try_result_).error(); \
  } while (0)

// SB_TRY_ASSIGN(lhs, expr): lhs = *expr on success, else returns the Error.
#define SB_TRY_ASSIGN(lhs, expr) SB_TRY_ASSIGN_IMPL(SB_CONCAT(sb_try_, __LINE__), lhs, expr)
#define SB_TRY_ASSIGN_IMPL(tmp, lhs, expr)      \
  auto tmp = (expr);                            \
  if (!tmp) return std::move(tmp).error();      \
  lhs = std::move(tmp).value()

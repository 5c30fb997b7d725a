#pragma once
/// \file status.h
/// Expected failures as values (STYLE.md §7–§8): a small closed set of codes, each mapped
/// once to a CLI exit code and an HTTP status. Unexpected internal failures may throw
/// inside the library; CHURNWATCH_ASSERT is for programmer errors only.

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace churnwatch {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   ///< the caller asked for something malformed (bad flag, bad config)
  kNotFound,          ///< a named thing (file, customer, model version) does not exist
  kDataError,         ///< input data is unusable as a whole (not: one bad row — that is a reject)
  kIOError,           ///< reading or writing a file or socket failed
  kUnavailable,       ///< a dependency (database, server) cannot be reached
  kPermissionDenied,  ///< the caller's role may not do this
  kInternal,          ///< a bug or an invariant broken inside churnwatch
  kConflict,          ///< the request contradicts the current state (e.g. closing a closed alert)
};

/// Short stable name of a code ("invalid_argument", ...), used in JSON error bodies.
std::string_view StatusCodeName(StatusCode code);
/// Process exit code for the CLI: 0 for kOk, 2..8 for the others (1 is left to crashes).
int ExitCodeFor(StatusCode code);
/// HTTP status for the server: 400, 404, 422, 500, 503, 403, 500, 409.
int HttpStatusFor(StatusCode code);

/// The outcome of an operation that can fail in an expected way. Cheap to copy when ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  /// "invalid_argument: <message>", or "ok"; always one line (OneLine).
  std::string ToString() const;

  /// Returns a copy whose message is prefixed with `context + ": "`.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

/// `text` as one line: trailing blanks and line breaks dropped, a line break inside (a
/// config value holding "\n", libpq's DETAIL line) written as " | ", other control bytes as
/// \xHH. Error messages are shown through this (docs/cli.md: one line always).
std::string OneLine(std::string_view text);

/// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                           // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {                     // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

/// Thrown only for kInternal failures deep inside the library; caught at each entry point
/// (CLI main, HTTP handler, worker task) and turned back into a Status.
class InternalError : public std::exception {
 public:
  explicit InternalError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

}  // namespace churnwatch

#define CW_CONCAT_INNER(a, b) a##b
#define CW_CONCAT(a, b) CW_CONCAT_INNER(a, b)

/// Returns early from the enclosing function if `expr` (a Status) is not ok.
#define CW_RETURN_IF_ERROR(expr)                     \
  do {                                               \
    ::churnwatch::Status cw_status_ = (expr);        \
    if (!cw_status_.ok()) return cw_status_;         \
  } while (0)

/// `CW_ASSIGN_OR_RETURN(auto x, MakeX());` — unwraps a Result or returns its Status.
#define CW_ASSIGN_OR_RETURN(lhs, rexpr) CW_ASSIGN_OR_RETURN_IMPL(CW_CONCAT(cw_result_, __LINE__), lhs, rexpr)
#define CW_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                             \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

/// Programmer errors only: user input must never be able to reach a failing assert.
#define CHURNWATCH_ASSERT(cond)                                                            \
  do {                                                                                     \
    if (!(cond)) ::churnwatch::internal::AssertFail(#cond, __FILE__, __LINE__);            \
  } while (0)

namespace churnwatch::internal {
[[noreturn]] void AssertFail(const char* cond, const char* file, int line);
}

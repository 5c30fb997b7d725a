#include "churnwatch/status.h"

#include <cstdio>
#include <cstdlib>

namespace churnwatch {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kDataError: return "data_error";
    case StatusCode::kIOError: return "io_error";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kInternal: return "internal";
    case StatusCode::kConflict: return "conflict";
  }
  return "internal";
}

int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kNotFound: return 3;
    case StatusCode::kDataError: return 4;
    case StatusCode::kIOError: return 5;
    case StatusCode::kUnavailable: return 6;
    case StatusCode::kPermissionDenied: return 7;
    case StatusCode::kInternal: return 8;
    case StatusCode::kConflict: return 9;
  }
  return 8;
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kDataError: return 422;
    case StatusCode::kIOError: return 500;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kInternal: return 500;
    case StatusCode::kConflict: return 409;
  }
  return 500;
}

std::string OneLine(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(text[i]);
    if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += " | ";
    } else if (ch < 0x20 || ch == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", ch);
      out += hex;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += OneLine(message_);
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return {code_, std::move(m)};
}

namespace internal {
void AssertFail(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "churnwatch: internal assertion failed: %s (%s:%d)\n", cond, file, line);
  std::abort();
}
}  // namespace internal

}  // namespace churnwatch

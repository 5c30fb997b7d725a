#pragma once
// Field-level parsers of ingest: numbers with a configurable decimal and thousands
// separator (std::from_chars underneath, no allocation) and strftime-like date/time
// formats compiled once per mapping and applied per field.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch::ingest {

struct NumberFormat {
  char decimal = '.';
  char thousands = 0;  ///< 0 = none
  /// Currency symbols/units allowed before or after the number (after a leading sign too):
  /// "¥1,104.15", "-¥3", "1104.15元", "RMB 12".
  std::vector<std::string> currency_symbols;
};

/// Parses a finite decimal number (leading/trailing blanks and a leading '+' allowed,
/// thousands separators skipped, `decimal` as the decimal point). False when `text` is
/// empty, not a number, or not finite.
bool ParseNumber(std::string_view text, const NumberFormat& format, double& out);

/// Removes leading and trailing spaces, tabs and CRs.
std::string_view TrimBlanks(std::string_view text);

/// A compiled strftime-like format. Directives: %Y %y %m %d %H %I %M %S %p %f (fraction of
/// a second, dropped) %b %B %h (English month names, any case) %z (Z, +hh, +hhmm, +hh:mm)
/// %j (day of year) %F (= %Y-%m-%d) %T (= %H:%M:%S) %%; a blank in the format matches one
/// or more blanks; every other character matches itself. Numeric fields take up to their
/// width in digits (so %m and %d also accept 1-digit values such as 1/2/2011).
class DateFormat {
 public:
  /// kInvalidArgument naming the directive when `format` has an unknown one.
  static Result<DateFormat> Compile(std::string_view format);

  /// Parses `text` (surrounding blanks ignored). On success `local` is the wall-clock time
  /// as written (seconds since 1970-01-01 in the source's clock) and `offset_minutes` /
  /// `has_offset` carry a %z offset when the format has one.
  bool Parse(std::string_view text, Timestamp& local, int& offset_minutes, bool& has_offset) const;

  const std::string& text() const { return text_; }

 private:
  struct Token {
    char directive = 0;  // 0 = literal, ' ' = blank run
    char literal = 0;
  };
  std::vector<Token> tokens_;
  std::string text_;
};

/// `text` made safe to quote in a one-line error message: line breaks and tabs as \n, \r, \t,
/// other control characters and every byte that is not part of well-formed UTF-8 as \xNN
/// (so a GBK header shows as \xBD\xF0 instead of raw bytes); valid UTF-8 text, e.g. a
/// Chinese column name, is kept as it is, unless `keep_utf8` is false: then every byte from
/// 0x80 up is escaped (text in another encoding, whose bytes may form UTF-8 by chance).
std::string EscapeForMessage(std::string_view text, bool keep_utf8 = true);

/// Parses a fixed UTC offset: "UTC", "Z", "+08:00", "-0500", "+8". kInvalidArgument otherwise.
Result<int> ParseUtcOffsetMinutes(std::string_view text);

}  // namespace churnwatch::ingest

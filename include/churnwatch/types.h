#pragma once
/// \file types.h
/// Named vocabulary types shared by every stage (STYLE.md §6).
///
/// Time: churnwatch works in the retailer's business time. A `Timestamp` is wall-clock
/// seconds since 1970-01-01T00:00:00 *in the business timezone* (naive local time, like a
/// till receipt); a `DayNumber` is whole days since 1970-01-01 in the same clock, so
/// `DayOf(ts)` is a floor division and dates printed back equal dates read in. Sources that
/// carry an explicit UTC offset are converted into business time at ingest.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace churnwatch {

using Timestamp = std::int64_t;    ///< business-time seconds since 1970-01-01
using DayNumber = std::int32_t;    ///< business-time days since 1970-01-01
using CustomerIdx = std::uint32_t; ///< dense index of a customer inside one in-memory table
using RowIdx = std::uint64_t;

inline constexpr std::int64_t kSecondsPerDay = 86400;
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Floor division, so timestamps before 1970 map to the right day.
inline constexpr DayNumber DayOf(Timestamp ts) {
  return static_cast<DayNumber>(ts >= 0 ? ts / kSecondsPerDay : -((-ts + kSecondsPerDay - 1) / kSecondsPerDay));
}

/// Days from civil date (proleptic Gregorian). `month` 1..12, `day` 1..31; no validation.
DayNumber DaysFromCivil(int year, unsigned month, unsigned day);
/// Inverse of DaysFromCivil.
void CivilFromDays(DayNumber days, int& year, unsigned& month, unsigned& day);

/// Parses "YYYY-MM-DD" (also "YYYYMMDD"); nullopt when malformed or not a real date.
std::optional<DayNumber> ParseIsoDate(std::string_view text);
/// "YYYY-MM-DD".
std::string FormatIsoDate(DayNumber day);
/// "YYYY-MM-DD HH:MM:SS".
std::string FormatIsoTimestamp(Timestamp ts);

/// A count with thousands separators, "1,234,567": how every summary prints counts.
std::string FormatCount(std::int64_t count);

/// A CSV field as every file we write quotes it (RFC 4180): unchanged unless it holds a
/// comma, quote or line break; then in double quotes with quotes doubled. A text that a
/// spreadsheet would run as a formula (IsSpreadsheetFormula) is written as
/// `"'=..."`: a leading apostrophe inside quotes, so it shows as text (CSV injection).
std::string CsvField(std::string_view text);
/// The same, appended to `line` without a temporary (for writers of many rows).
void AppendCsvField(std::string& line, std::string_view text);
/// True for a text starting with `=`, `+`, `-`, `@`, a tab or a carriage return, except a
/// plain number such as `-12.5` or `+3` (numbers stay numbers).
bool IsSpreadsheetFormula(std::string_view text);

/// Splits one CSV record into its fields: RFC 4180 quoting (a field in double quotes may
/// hold the delimiter, and "" inside it is one quote); carriage returns outside quotes are
/// dropped, so CRLF lines split like LF ones. One record, no embedded newline: files are
/// read record by record with the ingest stage's CsvReader, small side files (a product
/// list, a labelled table) line by line with this.
std::vector<std::string> SplitCsvRecord(std::string_view line, char delimiter = ',');

}  // namespace churnwatch

#include <charconv>
#include <cstdio>

#include "churnwatch/types.h"

namespace churnwatch {

// Howard Hinnant's days-from-civil arithmetic: era of 400 years, day of era, year of era.
DayNumber DaysFromCivil(int year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<DayNumber>(era * 146097 + static_cast<int>(doe) - 719468);
}

void CivilFromDays(DayNumber days, int& year, unsigned& month, unsigned& day) {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe) + era * 400 + (month <= 2);
}

namespace {
bool ParseFixed(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

std::optional<DayNumber> ParseIsoDate(std::string_view t) {
  int y = 0, m = 0, d = 0;
  if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
    if (!ParseFixed(t.substr(0, 4), y) || !ParseFixed(t.substr(5, 2), m) || !ParseFixed(t.substr(8, 2), d)) return std::nullopt;
  } else if (t.size() == 8) {
    if (!ParseFixed(t.substr(0, 4), y) || !ParseFixed(t.substr(4, 2), m) || !ParseFixed(t.substr(6, 2), d)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const DayNumber dn = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  int yy;
  unsigned mm, dd;
  CivilFromDays(dn, yy, mm, dd);
  if (yy != y || static_cast<int>(mm) != m || static_cast<int>(dd) != d) return std::nullopt;  // 2011-02-30
  return dn;
}

std::string FormatIsoDate(DayNumber day) {
  int y;
  unsigned m, d;
  CivilFromDays(day, y, m, d);
  char buf[48];  // sized for any int, so the compiler can prove no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string FormatIsoTimestamp(Timestamp ts) {
  const DayNumber day = DayOf(ts);
  const std::int64_t sec = ts - static_cast<std::int64_t>(day) * kSecondsPerDay;
  char buf[48];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(sec / 3600), static_cast<int>(sec / 60 % 60),
                static_cast<int>(sec % 60));
  return FormatIsoDate(day) + buf;
}

}  // namespace churnwatch

// Number and date parsing for ingest. Both run once per field of every row, so they avoid
// allocation: numbers that need separator rewriting are copied into a stack buffer, and
// date formats are interpreted from a token list compiled once.
#include "ingest/value_parsers.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace churnwatch::ingest {
namespace {

inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Reads 1..max_width digits at `s`; false when there is none.
bool ReadInt(const char*& s, const char* e, int max_width, int& out) {
  int v = 0, n = 0;
  while (s < e && n < max_width && IsDigit(*s)) {
    v = v * 10 + (*s - '0');
    ++s;
    ++n;
  }
  out = v;
  return n > 0;
}

constexpr std::array<const char*, 12> kMonths = {"january", "february", "march",     "april",   "may",      "june",
                                                 "july",    "august",   "september", "october", "november", "december"};

bool ReadMonthName(const char*& s, const char* e, int& month) {
  for (int m = 0; m < 12; ++m) {
    const char* name = kMonths[static_cast<std::size_t>(m)];
    std::size_t full = std::strlen(name);
    // Try the full name first, then the 3-letter abbreviation.
    for (std::size_t len : {full, std::size_t{3}}) {
      if (static_cast<std::size_t>(e - s) < len) continue;
      bool match = true;
      for (std::size_t i = 0; i < len && match; ++i) match = Lower(s[i]) == name[i];
      if (match) {
        s += len;
        month = m + 1;
        return true;
      }
    }
  }
  return false;
}

bool ReadOffset(const char*& s, const char* e, int& minutes) {
  if (s < e && (*s == 'Z' || *s == 'z')) {
    ++s;
    minutes = 0;
    return true;
  }
  if (s >= e || (*s != '+' && *s != '-')) return false;
  int sign = *s == '-' ? -1 : 1;
  ++s;
  int hh = 0, mm = 0;
  const char* start = s;
  if (!ReadInt(s, e, 2, hh)) return false;
  if (s < e && *s == ':') {
    ++s;
    if (!ReadInt(s, e, 2, mm)) return false;
  } else if (s - start == 2 && s < e && IsDigit(*s)) {
    if (!ReadInt(s, e, 2, mm)) return false;
  }
  if (hh > 18 || mm > 59) return false;
  minutes = sign * (hh * 60 + mm);
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::string_view TrimBlanks(std::string_view t) {
  while (!t.empty() && IsBlank(t.front())) t.remove_prefix(1);
  while (!t.empty() && IsBlank(t.back())) t.remove_suffix(1);
  return t;
}

bool ParseNumber(std::string_view text, const NumberFormat& format, double& out) {
  text = TrimBlanks(text);
  char signbuf[64];
  if (!format.currency_symbols.empty()) {
    // "-¥1,104.15" / "¥-3" / "1104.15元" / "RMB 12": the symbol goes, the sign stays.
    char sign = 0;
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
      sign = text.front();
      text = TrimBlanks(text.substr(1));
    }
    for (const auto& sym : format.currency_symbols) {
      if (text.starts_with(sym)) {
        text = TrimBlanks(text.substr(sym.size()));
        break;
      }
    }
    for (const auto& sym : format.currency_symbols) {
      if (text.ends_with(sym)) {
        text = TrimBlanks(text.substr(0, text.size() - sym.size()));
        break;
      }
    }
    if (sign != 0) {
      if (text.empty() || text.front() == '-' || text.front() == '+' || text.size() + 1 >= sizeof signbuf) return false;
      signbuf[0] = sign;
      std::memcpy(signbuf + 1, text.data(), text.size());
      text = std::string_view(signbuf, text.size() + 1);
    }
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const char* b = text.data();
  const char* e = b + text.size();
  char buf[64];
  if (format.decimal != '.' || format.thousands != 0) {
    if (text.size() >= sizeof buf) return false;
    std::size_t n = 0;
    for (char c : text) {
      if (format.thousands != 0 && c == format.thousands) continue;
      if (c == format.decimal) {
        buf[n++] = '.';
      } else if (c == '.' && format.decimal != '.') {
        return false;  // a '.' in a ','-decimal file is not a number we can trust
      } else {
        buf[n++] = c;
      }
    }
    b = buf;
    e = buf + n;
  }
  // from_chars would accept "inf" and "nan"; a money or quantity column must not.
  if (b == e || !(IsDigit(*b) || *b == '-' || *b == '.')) return false;
  // Fast path for the common plain decimal ("12", "-3.75"): with at most 15 digits the
  // digits form an exact integer and 10^k is exact, so one division rounds exactly as
  // from_chars does.
  {
    static constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char* s = b;
    const bool neg = *s == '-';
    if (neg) ++s;
    std::uint64_t mant = 0;
    int digits = 0, frac = -1;
    for (; s < e; ++s) {
      if (IsDigit(*s)) {
        mant = mant * 10 + static_cast<std::uint64_t>(*s - '0');
        ++digits;
        if (frac >= 0) ++frac;
      } else if (*s == '.' && frac < 0) {
        frac = 0;
      } else {
        break;
      }
    }
    if (s == e && digits > 0 && digits <= 15) {
      double v = static_cast<double>(mant);
      if (frac > 0) v /= kPow10[frac];
      out = neg ? -v : v;
      return true;
    }
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(b, e, v, std::chars_format::general);
  if (ec != std::errc() || ptr != e || !std::isfinite(v)) return false;
  out = v;
  return true;
}

Result<DateFormat> DateFormat::Compile(std::string_view format) {
  DateFormat f;
  f.text_ = std::string(format);
  auto add = [&](char d) { f.tokens_.push_back(Token{d, 0}); };
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c == '%') {
      if (i + 1 == format.size())
        return Status::InvalidArgument("date format '" + f.text_ + "' ends with a lone '%'");
      char d = format[++i];
      switch (d) {
        case 'Y': case 'y': case 'm': case 'd': case 'H': case 'I': case 'M': case 'S':
        case 'p': case 'f': case 'b': case 'B': case 'h': case 'z': case 'j':
          add(d == 'B' || d == 'h' ? 'b' : d);
          break;
        case 'F':
          for (char x : {'Y', '-', 'm', '-', 'd'}) x == '-' ? f.tokens_.push_back(Token{0, '-'}) : add(x);
          break;
        case 'T':
          for (char x : {'H', ':', 'M', ':', 'S'}) x == ':' ? f.tokens_.push_back(Token{0, ':'}) : add(x);
          break;
        case '%':
          f.tokens_.push_back(Token{0, '%'});
          break;
        default:
          return Status::InvalidArgument("date format '" + f.text_ + "' has unsupported directive '%" +
                                         std::string(1, d) +
                                         "' (supported: %Y %y %m %d %H %I %M %S %p %f %b %B %z %j %F %T %%)");
      }
    } else if (IsBlank(c)) {
      while (i + 1 < format.size() && IsBlank(format[i + 1])) ++i;
      add(' ');
    } else {
      f.tokens_.push_back(Token{0, c});
    }
  }
  return f;
}

bool DateFormat::Parse(std::string_view text, Timestamp& local, int& offset_minutes, bool& has_offset) const {
  text = TrimBlanks(text);
  const char* s = text.data();
  const char* e = s + text.size();
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, yday = 0;
  bool pm = false, has_ampm = false;
  has_offset = false;
  for (const Token& t : tokens_) {
    switch (t.directive) {
      case 0:
        if (s == e || *s != t.literal) return false;
        ++s;
        break;
      case ' ':
        if (s == e || !IsBlank(*s)) return false;
        while (s < e && IsBlank(*s)) ++s;
        break;
      case 'Y':
        if (!ReadInt(s, e, 4, year) || year < 1000) return false;
        break;
      case 'y':
        if (!ReadInt(s, e, 2, year)) return false;
        year += year < 69 ? 2000 : 1900;  // POSIX strptime's pivot
        break;
      case 'm':
        if (!ReadInt(s, e, 2, month)) return false;
        break;
      case 'd':
        if (!ReadInt(s, e, 2, day)) return false;
        break;
      case 'H':
      case 'I':
        if (!ReadInt(s, e, 2, hour)) return false;
        break;
      case 'M':
        if (!ReadInt(s, e, 2, minute)) return false;
        break;
      case 'S':
        if (!ReadInt(s, e, 2, second)) return false;
        break;
      case 'j':
        if (!ReadInt(s, e, 3, yday) || yday < 1 || yday > 366) return false;
        break;
      case 'f': {
        int ignored = 0;
        if (!ReadInt(s, e, 9, ignored)) return false;
        break;
      }
      case 'p':
        if (e - s < 2) return false;
        if (Lower(s[0]) == 'a' || Lower(s[0]) == 'p') {
          if (Lower(s[1]) != 'm') return false;
          pm = Lower(s[0]) == 'p';
          has_ampm = true;
          s += 2;
        } else {
          return false;
        }
        break;
      case 'b':
        if (!ReadMonthName(s, e, month)) return false;
        break;
      case 'z':
        if (!ReadOffset(s, e, offset_minutes)) return false;
        has_offset = true;
        break;
      default:
        return false;
    }
  }
  if (s != e) return false;
  if (has_ampm) {
    if (hour < 1 || hour > 12) return false;
    hour = hour % 12 + (pm ? 12 : 0);
  }
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  DayNumber days;
  if (yday > 0) {
    if (yday > (IsLeap(year) ? 366 : 365)) return false;
    days = DaysFromCivil(year, 1, 1) + (yday - 1);
  } else {
    if (day < 1 || day > DaysInMonth(year, month)) return false;
    days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  }
  local = static_cast<Timestamp>(days) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  return true;
}

Result<int> ParseUtcOffsetMinutes(std::string_view text) {
  std::string_view t = TrimBlanks(text);
  if (t == "UTC" || t == "utc" || t == "Z" || t == "GMT") return 0;
  const char* s = t.data();
  const char* e = s + t.size();
  int minutes = 0;
  if (ReadOffset(s, e, minutes) && s == e) return minutes;
  return Status::InvalidArgument("timezone '" + std::string(text) +
                                 "' is not a fixed UTC offset (use UTC, +08:00, -0500, ...)");
}

}  // namespace churnwatch::ingest

namespace churnwatch::ingest {
namespace {
// Length of the well-formed UTF-8 sequence at [s, e), or 0 when it is not one.
std::size_t Utf8SequenceLength(const unsigned char* s, const unsigned char* e) {
  const unsigned char c = *s;
  std::size_t n;
  std::uint32_t cp;
  if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
  else return 0;
  if (static_cast<std::size_t>(e - s) <= n) return 0;
  for (std::size_t i = 1; i <= n; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n + 1;
}
}  // namespace

std::string EscapeForMessage(std::string_view text, bool keep_utf8) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const auto* e = s + text.size();
  auto hex = [&](unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  };
  while (s < e) {
    const unsigned char c = *s;
    if (c >= 0x80) {
      const std::size_t n = keep_utf8 ? Utf8SequenceLength(s, e) : 0;
      if (n == 0) {
        hex(c);
        ++s;
      } else {
        out.append(reinterpret_cast<const char*>(s), n);
        s += n;
      }
      continue;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) hex(c);
    else out += static_cast<char>(c);
    ++s;
  }
  return out;
}

}  // namespace churnwatch::ingest

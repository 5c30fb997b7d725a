// Number and CSV-field formatting shared by every command's summaries and files.
#include <cctype>
#include <charconv>
#include <string>

#include "churnwatch/types.h"

namespace churnwatch {

std::string FormatCount(std::int64_t count) {
  // Built from the magnitude as unsigned so that the most negative count has one too.
  const std::uint64_t magnitude = count < 0 ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  std::string s = std::to_string(magnitude);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return count < 0 ? "-" + s : s;
}

bool IsSpreadsheetFormula(std::string_view text) {
  if (text.empty()) return false;
  const char first = text.front();
  if (first != '=' && first != '+' && first != '-' && first != '@' && first != '\t' && first != '\r') return false;
  // Numbers are data, not formulas: -12.5 and +3 stay numbers a spreadsheet can add up.
  if (first == '-' || first == '+') {
    std::string_view digits = text.substr(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (!digits.empty() && ec == std::errc() && end == digits.data() + digits.size() &&
        (std::isdigit(static_cast<unsigned char>(digits.front())) || digits.front() == '.'))
      return false;
  }
  return true;
}

void AppendCsvField(std::string& line, std::string_view text) {
  // A text cell a spreadsheet would run as a formula (=HYPERLINK(...), +cmd|..., @SUM(...))
  // is written as text: a leading apostrophe, the whole cell quoted (OWASP's advice against
  // CSV injection). Customer ids, product names and messages come from outside.
  const bool formula = IsSpreadsheetFormula(text);
  if (!formula && text.find_first_of(",\"\n\r") == std::string_view::npos) {
    line += text;
    return;
  }
  line += '"';
  if (formula) line += '\'';
  for (char ch : text) {
    if (ch == '"') line += '"';
    line += ch;
  }
  line += '"';
}

std::string CsvField(std::string_view text) {
  std::string out;
  AppendCsvField(out, text);
  return out;
}

std::vector<std::string> SplitCsvRecord(std::string_view line, char delimiter) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace churnwatch

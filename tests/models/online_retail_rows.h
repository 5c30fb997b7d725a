#pragma once
// Loads the UCI Online Retail file (../shared/data/online_retail) into canonical
// transactions with the rules of examples/mappings/online_retail.toml (lines without a
// customer skipped, exact duplicate lines skipped, non-product stock codes excluded, "C"
// invoices and negative quantities are returns), so model tests and benchmarks can run
// before and independently of the ingest stage.
#include <zlib.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "churnwatch/data_model.h"
#include "churnwatch/types.h"

namespace churnwatch::testing {

inline std::vector<std::string> SplitCsvLine(std::string_view line) { return SplitCsvRecord(line); }

inline bool NonProductCode(const std::string& code) {
  static const std::array<const char*, 12> kCodes = {"POST", "DOT", "M",    "m",         "D", "C2",
                                                     "BANK CHARGES", "AMAZONFEE", "CRUK", "S", "B", "PADS"};
  for (const char* c : kCodes)
    if (code == c) return true;
  return code.rfind("DCGS", 0) == 0 || code.rfind("gift_0001_", 0) == 0;
}

inline std::vector<Transaction> LoadOnlineRetail(const std::filesystem::path& path) {
  std::vector<Transaction> rows;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return rows;
  std::string text;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  std::unordered_set<std::string_view> seen;
  std::size_t pos = text.find('\n') + 1;  // skip the header
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty() || !seen.insert(line).second) continue;
    auto f8 = SplitCsvLine(line);
    if (f8.size() != 8 || f8[6].empty() || NonProductCode(f8[1])) continue;
    Transaction t;
    t.order_id = f8[0];
    t.customer_id = f8[6];
    t.sku = f8[1];
    t.quantity = std::stod(f8[3]);
    t.amount = t.quantity * std::stod(f8[5]);
    const std::string& d = f8[4];  // YYYY-MM-DD HH:MM:SS
    const DayNumber day = DaysFromCivil(std::stoi(d.substr(0, 4)), static_cast<unsigned>(std::stoi(d.substr(5, 2))),
                                        static_cast<unsigned>(std::stoi(d.substr(8, 2))));
    t.ts = static_cast<Timestamp>(day) * kSecondsPerDay + std::stoi(d.substr(11, 2)) * 3600 +
           std::stoi(d.substr(14, 2)) * 60;
    t.channel = Channel::kOnline;
    t.is_return = t.order_id.rfind('C', 0) == 0 || t.quantity < 0;
    t.key.lo = rows.size();
    rows.push_back(std::move(t));
  }
  return rows;
}

}  // namespace churnwatch::testing

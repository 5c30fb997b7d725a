#include "features/fixture_reader.h"

#include <cmath>
#include <sstream>

#include "test_helpers.h"

namespace churnwatch::testing {

std::vector<std::vector<std::string>> ReadTsv(const std::string& relative_path) {
  const std::string text = ReadFile(SourceFile(relative_path));
  EXPECT_FALSE(text.empty()) << relative_path << " is missing or empty";
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::size_t pos = 0;
    while (true) {
      const std::size_t tab = line.find('\t', pos);
      fields.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

namespace {
Timestamp Noon(const std::string& date) {
  auto d = ParseIsoDate(date);
  EXPECT_TRUE(d.has_value()) << "bad fixture date " << date;
  return static_cast<Timestamp>(d.value_or(0)) * kSecondsPerDay + 12 * 3600;
}
}  // namespace

FixtureRows ReadGoldenRows() {
  FixtureRows out;
  auto tx = ReadTsv("tests/fixtures/features/golden_transactions.tsv");
  for (std::size_t i = 1; i < tx.size(); ++i) {
    const auto& f = tx[i];
    EXPECT_EQ(f.size(), 11u) << "transactions line " << i;
    if (f.size() != 11) continue;
    Transaction t;
    t.order_id = f[0];
    t.customer_id = f[1];
    t.ts = Noon(f[2]);
    t.amount = std::stod(f[3]);
    t.quantity = std::stod(f[4]);
    t.discount = f[5].empty() ? kNaN : std::stod(f[5]);
    t.channel = f[6].empty() ? Channel::kUnknown : ParseChannel(f[6]).value_or(Channel::kUnknown);
    t.store_id = f[7];
    t.sku = f[8];
    t.category = f[9];
    t.is_return = f[10] == "1";
    out.transactions.push_back(t);
  }
  auto ev = ReadTsv("tests/fixtures/features/golden_events.tsv");
  for (std::size_t i = 1; i < ev.size(); ++i) {
    const auto& f = ev[i];
    EXPECT_EQ(f.size(), 5u) << "events line " << i;
    if (f.size() != 5) continue;
    Event e;
    e.customer_id = f[0];
    e.ts = Noon(f[1]);
    auto type = ParseEventType(f[2]);
    EXPECT_TRUE(type.has_value()) << f[2];
    e.type = type.value_or(EventType::kVisit);
    e.value = f[3].empty() ? kNaN : std::stod(f[3]);
    e.text = f[4];
    out.events.push_back(e);
  }
  auto cu = ReadTsv("tests/fixtures/features/golden_customers.tsv");
  for (std::size_t i = 1; i < cu.size(); ++i) {
    const auto& f = cu[i];
    Customer c;
    c.customer_id = f[0];
    if (f.size() > 1 && !f[1].empty()) c.joined_at = ParseIsoDate(f[1]);
    if (f.size() > 2) c.status = f[2];
    out.customers.push_back(c);
  }
  return out;
}

double ParseExpectedNumber(const std::string& text) {
  if (text == "nan") return kNaN;
  std::string t = text;
  bool root = false;
  if (t.rfind("sqrt:", 0) == 0) {
    root = true;
    t = t.substr(5);
  }
  double v;
  if (auto slash = t.find('/'); slash != std::string::npos) v = std::stod(t.substr(0, slash)) / std::stod(t.substr(slash + 1));
  else v = std::stod(t);
  return root ? std::sqrt(v) : v;
}

}  // namespace churnwatch::testing

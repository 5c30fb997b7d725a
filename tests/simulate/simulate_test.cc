// Checks `churnwatch simulate` (include/churnwatch/simulate.h): the same seed writes the
// same bytes and another seed other bytes; the truth agrees with the files it describes
// (nobody buys after leaving, an experience churner's complaint comes before they leave,
// a need-shift churner stops a category they used to buy, p_churn is 1 for the gone and 0
// for the never-leaving); the config is strict.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "churnwatch/simulate.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::ReadFile;
using testing::TempDir;

constexpr const char* kFiles[] = {"transactions.csv", "customers.csv", "events.csv", "truth.csv", "mapping.toml", "run.toml"};

WorldConfig Small(std::uint64_t seed) {
  WorldConfig c;
  c.seed = seed;
  c.customers = 600;
  return c;
}

// Splits one CSV line (fields may be quoted, with doubled quotes inside).
std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (ch == '"') quoted = false;
      else out.back() += ch;
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      out.emplace_back();
    } else {
      out.back() += ch;
    }
  }
  return out;
}

// Rows of a CSV file as maps from column name to value.
std::vector<std::map<std::string, std::string>> ReadCsv(const std::filesystem::path& path) {
  std::istringstream in(ReadFile(path));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = Split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const auto fields = Split(line);
    EXPECT_EQ(fields.size(), header.size()) << path << ": " << line;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

TEST(Simulate, SameSeedSameBytesOtherSeedOtherBytes) {
  TempDir a, b, c;
  ASSERT_TRUE(SimulateWorld(Small(3), a.path()).ok());
  ASSERT_TRUE(SimulateWorld(Small(3), b.path()).ok());
  ASSERT_TRUE(SimulateWorld(Small(4), c.path()).ok());
  for (const char* f : kFiles) {
    EXPECT_EQ(ReadFile(a / f), ReadFile(b / f)) << f;
    if (std::string(f) != "mapping.toml") {
      EXPECT_NE(ReadFile(a / f), ReadFile(c / f)) << f;
    }
  }
}

TEST(Simulate, ThreadCountChangesNoByte) {
  TempDir a, b;
  ASSERT_TRUE(SimulateWorld(Small(6), a.path(), 1).ok());
  ASSERT_TRUE(SimulateWorld(Small(6), b.path(), 3).ok());
  for (const char* f : kFiles) EXPECT_EQ(ReadFile(a / f), ReadFile(b / f)) << f;
}

TEST(Simulate, CustomersAreIndependentOfWorldSize) {
  // Each customer has its own random stream, so the first 600 customers of a 900-customer
  // world are the 600-customer world (what makes the files independent of thread count).
  TempDir a, b;
  WorldConfig big = Small(5);
  big.customers = 900;
  ASSERT_TRUE(SimulateWorld(Small(5), a.path()).ok());
  ASSERT_TRUE(SimulateWorld(big, b.path()).ok());
  const std::string small = ReadFile(a / "truth.csv"), large = ReadFile(b / "truth.csv");
  EXPECT_EQ(large.substr(0, small.size()), small);
}

TEST(Simulate, TruthAgreesWithTheFiles) {
  TempDir dir;
  auto outcome = SimulateWorld(Small(9), dir.path());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  const auto truth = ReadCsv(dir / "truth.csv");
  const auto tx = ReadCsv(dir / "transactions.csv");
  const auto ev = ReadCsv(dir / "events.csv");
  ASSERT_EQ(static_cast<std::int64_t>(truth.size()), outcome->customers);
  const std::string cutoff = FormatIsoDate(outcome->cutoff);

  std::map<std::string, std::map<std::string, std::string>> by_id;
  for (const auto& t : truth) by_id[t.at("customer_id")] = t;
  std::map<std::string, std::string> last_order;
  std::map<std::string, std::map<std::string, std::pair<std::string, std::string>>> category_span;  // first, last day
  for (const auto& r : tx) {
    const std::string day = r.at("ts").substr(0, 10);
    ASSERT_LT(day, cutoff) << "a transaction on or after the cutoff";
    const auto& t = by_id.at(r.at("customer_id"));
    if (!t.at("churn_date").empty()) {
      EXPECT_LT(day, t.at("churn_date")) << "bought after leaving: " << r.at("order_id");
    }
    if (r.at("is_return") == "0") {
      auto& last = last_order[r.at("customer_id")];
      last = std::max(last, day);
      auto& span = category_span[r.at("customer_id")][r.at("category")];
      if (span.first.empty() || day < span.first) span.first = day;
      span.second = std::max(span.second, day);
    }
  }
  std::map<std::string, std::vector<std::string>> complaints;
  for (const auto& e : ev) {
    ASSERT_LT(e.at("ts").substr(0, 10), cutoff);
    if (e.at("type") == "complaint") complaints[e.at("customer_id")].push_back(e.at("ts").substr(0, 10));
  }

  int experience_with_complaint = 0, need_shift_checked = 0, gone = 0, never = 0;
  for (const auto& t : truth) {
    const std::string& id = t.at("customer_id");
    EXPECT_EQ(t.at("last_purchase"), last_order[id]) << id;
    const double p = std::stod(t.at("p_churn"));
    if (t.at("cause") == "none") {
      EXPECT_EQ(p, 0.0) << id;
      EXPECT_EQ(t.at("churned"), "0") << id;
      ++never;
    }
    if (!t.at("churn_date").empty() && t.at("churn_date") < cutoff) {
      EXPECT_EQ(p, 1.0) << id;
      ++gone;
    }
    if (t.at("churned") == "1" && t.at("cause") == "experience") {
      for (const auto& day : complaints[id]) {
        if (day < t.at("cause_start")) continue;  // background complaints may come earlier
        EXPECT_LT(day, t.at("churn_date")) << id;
        ++experience_with_complaint;
      }
    }
    // A need-shift churner whose cause began well before the cutoff stopped a category they
    // had bought before it, while still buying something after it.
    if (t.at("cause") == "need_shift" && !t.at("cause_start").empty() && t.at("cause_start") < cutoff &&
        last_order[id] > t.at("cause_start")) {
      bool stopped = false;
      for (const auto& [category, span] : category_span[id])
        stopped = stopped || (span.first < t.at("cause_start") && span.second < t.at("cause_start"));
      EXPECT_TRUE(stopped) << id;
      ++need_shift_checked;
    }
  }
  // The checks above ran on real cases, not on an empty set.
  EXPECT_GT(experience_with_complaint, 0);
  EXPECT_GT(need_shift_checked, 0);
  EXPECT_GT(gone, 0);
  EXPECT_GT(never, 0);
  EXPECT_GT(outcome->churners_active, 0);
}

TEST(Simulate, WithoutCausesNobodyLeaves) {
  // Rate 0 and no one-purchase customers: causes never start, so nobody churns and the
  // truth's p_churn is 0 everywhere.
  TempDir dir;
  WorldConfig c = Small(8);
  c.customers = 200;
  c.cause_rate_per_year = 0;
  c.one_purchase_share = 0;
  auto outcome = SimulateWorld(c, dir.path());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->churners_active, 0);
  for (const auto& t : ReadCsv(dir / "truth.csv")) {
    EXPECT_EQ(t.at("churned"), "0");
    EXPECT_EQ(std::stod(t.at("p_churn")), 0.0);
  }
}

TEST(Simulate, RunConfigPointsAtTheCutoff) {
  TempDir dir;
  auto outcome = SimulateWorld(Small(2), dir.path());
  ASSERT_TRUE(outcome.ok());
  const std::string run = ReadFile(dir / "run.toml");
  EXPECT_NE(run.find("as_of = \"" + FormatIsoDate(outcome->cutoff) + "\""), std::string::npos) << run;
  EXPECT_NE(run.find("total = 300.00"), std::string::npos) << run;  // 0.5 × 600 customers
}

TEST(WorldConfig, UnknownKeyNamesFileAndLine) {
  auto c = ParseWorldConfig("[world]\nseed = 3\ncustmers = 10\n", "w.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("w.toml:3: unknown key [world] custmers"), std::string::npos) << c.status().message();
  auto t = ParseWorldConfig("[wrld]\nseed = 3\n", "w.toml");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("w.toml:1: unknown table [wrld]"), std::string::npos) << t.status().message();
}

TEST(WorldConfig, ValuesAreCheckedAndApplied) {
  auto bad = ParseWorldConfig("[behaviour]\nseasonality = 2\n", "w.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("w.toml:2: [behaviour] seasonality must be a number in [0, 0.9]"),
            std::string::npos)
      << bad.status().message();
  auto frac = ParseWorldConfig("[world]\ncustomers = 10.5\n", "w.toml");
  ASSERT_FALSE(frac.ok());
  auto good = ParseWorldConfig("[world]\ncustomers = 123\nstart_date = \"2023-03-01\"\n[causes]\nprice = 1\nexperience = 1\n"
                               "competition = 0\nneed_shift = 0\nmoved_away = 0\nsilent_lapse = 2\n",
                               "w.toml");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->customers, 123);
  EXPECT_EQ(FormatIsoDate(good->start_day), "2023-03-01");
  EXPECT_DOUBLE_EQ(good->cause_mix[0], 0.25);
  EXPECT_DOUBLE_EQ(good->cause_mix[5], 0.5);
}

}  // namespace
}  // namespace churnwatch

// Checks `churnwatch clv` end to end: the CDNOW sample transactions are loaded into a fresh
// SQLite store through the Store API, then the binary runs with --as-of 1997-10-01 (the
// Fader-Hardie calibration cut) and --json. Asserted: the §14 JSON contract keys, the
// published BG/NBD and Gamma-Gamma estimates (FHL 2005; Fader & Hardie 2013; tolerances as
// in cdnow_fit_test.cc), the holdout actual count 1,882 (data), the CSV row count (2,357
// customers + header) and the stored "clv" result table; and that bad flags exit non-zero
// with a one-line message.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch::clv {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun RunCli(const std::string& args) {
  CliRun r;
  const std::string command = std::string(CHURNWATCH_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Loads CDNOW_sample.txt ("id_master id_sample YYYYMMDD cds dollars") into the store.
void LoadCdnow(const std::filesystem::path& sample, const std::string& url) {
  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<Transaction> rows;
  std::ifstream in(sample);
  std::string line;
  while (std::getline(in, line)) {
    char master[16], id[16], date[16];
    double cds = 0, dollars = 0;
    if (std::sscanf(line.c_str(), "%15s %15s %15s %lf %lf", master, id, date, &cds, &dollars) != 5) continue;
    Transaction t;
    t.key = {0, rows.size() + 1};  // identical lines are separate purchases: distinct keys
    t.order_id = "row" + std::to_string(rows.size());
    t.customer_id = id;
    t.ts = static_cast<Timestamp>(*ParseIsoDate(date)) * kSecondsPerDay;
    t.amount = dollars;
    t.quantity = cds;
    rows.push_back(t);
  }
  auto session = (*store)->BeginLoad({Table::kTransactions, sample.string(), "cdnow-sample"});
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  ASSERT_TRUE((*session)->AppendTransactions(rows).ok());
  auto counts = (*session)->Commit();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  ASSERT_EQ(counts->inserted, 6919);
}

TEST(ClvCli, CdnowThroughTheStore) {
  CW_REQUIRE_SHARED_DATA(sample, "cdnow/CDNOW_sample.txt");
  testing::TempDir dir;
  const std::string url = "sqlite:" + (dir / "cw.db").string();
  LoadCdnow(sample, url);
  const std::string csv = (dir / "clv.csv").string();
  const CliRun r = RunCli("clv --db " + url + " --as-of 1997-10-01 --time-unit weeks --holdout-days 273 --out " + csv +
                       " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"r", "alpha", "a", "b", "log_likelihood", "converged"})
    EXPECT_TRUE(j["bgnbd"].contains(key)) << key;
  for (const char* key : {"p", "q", "gamma", "log_likelihood", "converged"})
    EXPECT_TRUE(j["gamma_gamma"].contains(key)) << key;
  EXPECT_EQ(j["customers"], 2357);
  EXPECT_EQ(j["repeat_buyers"], 946);
  EXPECT_TRUE(j["bgnbd"]["converged"].get<bool>());
  EXPECT_NEAR(j["bgnbd"]["r"].get<double>(), 0.2426, 0.2426e-3);
  EXPECT_NEAR(j["bgnbd"]["alpha"].get<double>(), 4.4136, 4.4136e-3);
  EXPECT_NEAR(j["bgnbd"]["a"].get<double>(), 0.7930, 0.7930e-3);
  EXPECT_NEAR(j["bgnbd"]["b"].get<double>(), 2.4259, 2.4259e-3);
  EXPECT_NEAR(j["gamma_gamma"]["p"].get<double>(), 6.25, 6.25 * 5e-3);
  EXPECT_NEAR(j["gamma_gamma"]["q"].get<double>(), 3.74, 3.74 * 5e-3);
  EXPECT_NEAR(j["gamma_gamma"]["gamma"].get<double>(), 15.44, 15.44 * 5e-3);
  EXPECT_EQ(j["holdout"]["actual"], 1882);
  EXPECT_NEAR(j["holdout"]["predicted"].get<double>(), 1653, 0.01 * 1653);

  const std::string text = testing::ReadFile(csv);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2358);
  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok());
  auto table = (*store)->ReadResultTable("clv");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->rows(), 2357u);

  // The human summary names both models; bad input exits non-zero.
  const CliRun human = RunCli("clv --db " + url + " --as-of 1997-10-01 --no-store");
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("BG/NBD"), std::string::npos) << human.out;
  EXPECT_NE(RunCli("clv --db " + url + " --as-of 1997-10-01 --time-unit months").exit_code, 0);
  EXPECT_NE(RunCli("clv --db " + url + " --as-of not-a-date").exit_code, 0);
  EXPECT_NE(RunCli("clv --db " + url + " --as-of 1990-01-01").exit_code, 0);  // nobody before the cutoff
}

}  // namespace
}  // namespace churnwatch::clv

#pragma once
// Helpers of the distributed-training tests (distributed_train_test.cc and its slow tier):
// a synthetic store, `churnwatch train` runs, every registered model's scores, and the
// workers' share lines.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "churnwatch/bucket.h"
#include "churnwatch/churn_pipeline.h"
#include "churnwatch/features.h"
#include "churnwatch/registry.h"
#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch::scale_test {


using churnwatch::testing::TempDir;

inline bool TrackerAvailable() { return std::system("/usr/bin/python3 -c 'import xgboost.tracker' 2>/dev/null") == 0; }

#define CW_REQUIRE_TRACKER()                                                                   \
  if (!TrackerAvailable()) GTEST_SKIP() << "python3-xgboost (XGBoost's tracker) is not installed; " \
                                           "scripts/install-deps all brings it"

/// Loads seeded synthetic data into a new SQLite store; returns the store URL.
inline std::string MakeStore(const TempDir& dir, int customers, std::uint64_t seed,
                      testing::SyntheticRetail* out_data = nullptr) {
  testing::SyntheticOptions so;
  so.customers = customers;
  so.seed = seed;
  const auto data = testing::MakeSyntheticRetail(so);
  const std::string url = "sqlite:" + (dir / "store.db").string();
  auto store = Store::Open(url);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  auto load = [&](Table t, auto append) {
    auto s = (*store)->BeginLoad({t, "synthetic", "fp"});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(append(**s).ok());
    ASSERT_TRUE((*s)->Commit().ok());
  };
  load(Table::kCustomers, [&](LoadSession& s) { return s.AppendCustomers(data.customers); });
  load(Table::kTransactions, [&](LoadSession& s) { return s.AppendTransactions(data.transactions); });
  load(Table::kEvents, [&](LoadSession& s) { return s.AppendEvents(data.events); });
  if (out_data != nullptr) *out_data = data;
  return url;
}

struct CliRun {
  int exit_code = -1;
  std::string out, err;
  double seconds = 0;
};

inline CliRun Train(const TempDir& dir, const std::string& url, const std::string& extra) {
  const auto out = dir / "out.txt", err = dir / "err.txt";
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " train --db " + url +
                          " --train-cutoffs 2011-05-01,2011-06-01 --valid-cutoff 2011-09-01 --no-bgnbd --no-champion "
                          "--threads 1 --json " +
                          extra + " >" + out.string() + " 2>" + err.string();
  CliRun r;
  const auto t0 = std::chrono::steady_clock::now();
  const int status = std::system(cmd.c_str());
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = testing::ReadFile(out);
  r.err = testing::ReadFile(err);
  return r;
}

/// Scores of every registered model (oldest first) on the validation cutoff's table.
inline std::vector<std::vector<RowScores>> ScoreAllModels(const std::string& url) {
  auto store = Store::OpenExisting(url);
  EXPECT_TRUE(store.ok());
  auto columns = LoadColumnsFromStore(**store, 1);
  EXPECT_TRUE(columns.ok());
  PipelineOptions po;
  po.bgnbd = false;
  const DayNumber cutoff[] = {*ParseIsoDate("2011-09-01")};
  auto table = BuildSnapshotTable(*columns, cutoff, po, Eligibility::kActive, false);
  EXPECT_TRUE(table.ok());
  ModelRegistry registry(**store);
  auto entries = registry.List();
  EXPECT_TRUE(entries.ok());
  std::vector<std::vector<RowScores>> out;
  for (const auto& e : *entries) {
    auto model = registry.Load(e.version);
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    auto scored = (*model)->Score(*table);
    EXPECT_TRUE(scored.ok());
    out.push_back(*scored);
  }
  return out;
}

/// The "worker r/W: buckets [a, b) customers c transactions t events e id_checksum s" lines.
struct Share {
  std::uint32_t begin = 0, end = 0;
  std::uint64_t customers = 0, transactions = 0, events = 0, checksum = 0;
};
inline std::map<int, Share> Shares(const std::string& err) {
  std::map<int, Share> out;
  const std::regex line(
      R"(worker (\d+)/(\d+): buckets \[(\d+), (\d+)\) customers (\d+) transactions (\d+) events (\d+) id_checksum (\d+))");
  for (std::sregex_iterator it(err.begin(), err.end(), line), end; it != end; ++it) {
    const auto& m = *it;
    out[std::stoi(m[1])] = {static_cast<std::uint32_t>(std::stoul(m[3])), static_cast<std::uint32_t>(std::stoul(m[4])),
                            std::stoull(m[5]), std::stoull(m[6]), std::stoull(m[7]), std::stoull(m[8])};
  }
  return out;
}

}  // namespace churnwatch::scale_test

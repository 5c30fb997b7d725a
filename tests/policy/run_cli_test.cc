// Checks `churnwatch run --json` end to end through the CLI on the bundled Online Retail data
// with the demo config (slow tier): the §14 JSON keys, the documented default cutoffs, zone
// counts adding up to the customers scored, the budget respected, and the ensemble beating
// the recency-rule baseline on the unseen test cutoff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "test_helpers.h"

namespace churnwatch {
namespace {

// Slow tier: the demo config on the bundled Online Retail data through the CLI.
TEST(RunCli, OnlineRetailDemoJson) {
  const auto data = testing::SourceFile("examples/data/online_retail.csv.gz");
  if (!std::filesystem::exists(data)) GTEST_SKIP() << "bundled data " << data << " absent";
  testing::TempDir dir;
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " run --quiet --json --config " +
                          testing::SourceFile("examples/demo.toml").string() + " --db sqlite:" +
                          (dir / "cw.db").string() + " --out " + (dir / "out").string() + " > " +
                          (dir / "run.json").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto j = nlohmann::json::parse(testing::ReadFile(dir / "run.json"));
  for (const char* key : {"report", "alerts", "actions", "zones", "model_version", "metrics"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_TRUE(std::filesystem::exists(j["report"].get<std::string>()));
  EXPECT_EQ(j["as_of"], "2011-12-10");      // the day after the last invoice (2011-12-09)
  EXPECT_EQ(j["test_cutoff"], "2011-09-11");  // as_of − 90 days
  const auto& z = j["zones"];
  EXPECT_EQ(z["red"].get<int>() + z["yellow"].get<int>() + z["blue"].get<int>() + z["none"].get<int>(),
            j["customers"].get<int>());
  // At most the 4,363 loaded customers (README of the mapping); active ones only.
  EXPECT_GT(j["customers"].get<int>(), 1000);
  EXPECT_LE(j["customers"].get<int>(), 4363);
  EXPECT_LE(j["budget_spent"].get<double>(), 5000 + 1e-9);
  EXPECT_GT(j["metrics"]["ensemble"]["roc_auc"].get<double>(), j["metrics"]["recency_rule"]["roc_auc"].get<double>());
}

}  // namespace
}  // namespace churnwatch

// `churnwatch simulate` and `churnwatch grade` through the binary: the --json contract, the
// exit codes of their errors, and a grade of a hand-made plan on a simulated world.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "test_helpers.h"

namespace churnwatch {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

CliResult Cli(const testing::TempDir& dir, const std::string& args) {
  const std::string out = (dir / "stdout.txt").string(), err = (dir / "stderr.txt").string();
  const int status = std::system((std::string(CHURNWATCH_BINARY) + " " + args + " > " + out + " 2> " + err).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::ReadFile(out), testing::ReadFile(err)};
}

TEST(SimulateCli, WritesAWorldAndGradesAPlanOnIt) {
  testing::TempDir dir;
  const std::string world = (dir / "world").string();
  const CliResult sim = Cli(dir, "simulate --customers 300 --seed 4 --out " + world + " --json");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const auto s = nlohmann::json::parse(sim.out);
  EXPECT_EQ(s["customers"], 300);
  EXPECT_EQ(s["cutoff"], "2025-12-31");
  for (const char* key : {"orders", "transactions", "events", "active_at_cutoff", "churners", "churners_by_cause", "budget"})
    EXPECT_TRUE(s.contains(key)) << key;

  // A plan giving the first customer a coupon: graded, with the oracle at least as good.
  testing::WriteFile(dir / "actions.csv", "customer_id,action,action_cost\nC000001,coupon,5.00\n");
  const CliResult g = Cli(dir, "grade --truth " + world + "/truth.csv --plan " + (dir / "actions.csv").string() +
                                   " --budget 50 --json");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const auto j = nlohmann::json::parse(g.out);
  EXPECT_EQ(j["plan"]["actions"], 1);
  EXPECT_DOUBLE_EQ(j["budget"].get<double>(), 50.0);
  EXPECT_GE(j["oracle"]["net"].get<double>(), j["plan"]["net"].get<double>());
  EXPECT_LE(j["oracle"]["cost"].get<double>(), 50.0 + 1e-9);
  EXPECT_TRUE(j["auc"].is_null());  // no customers.csv of a run beside the plan

  // The world's own run config is a valid --policy (the decision benchmark passes it): its
  // run tables are not policy keys, and must not be refused as unknown ones.
  const CliResult with_policy = Cli(dir, "grade --truth " + world + "/truth.csv --plan " +
                                             (dir / "actions.csv").string() + " --policy " + world +
                                             "/run.toml --budget 50 --json");
  EXPECT_EQ(with_policy.exit_code, 0) << with_policy.err;
}

TEST(SimulateCli, ErrorsHaveTheirExitCodes) {
  testing::TempDir dir;
  testing::WriteFile(dir / "w.toml", "[world]\ncustomers = 10\nsede = 2\n");
  const CliResult bad_config = Cli(dir, "simulate --out " + (dir / "w").string() + " --config " + (dir / "w.toml").string());
  EXPECT_EQ(bad_config.exit_code, 2) << bad_config.err;
  EXPECT_NE(bad_config.err.find("w.toml:3: unknown key [world] sede"), std::string::npos) << bad_config.err;

  testing::WriteFile(dir / "truth.csv", "customer_id\nA\n");
  testing::WriteFile(dir / "plan.csv", "customer_id,action,action_cost\n");
  const CliResult bad_truth = Cli(dir, "grade --truth " + (dir / "truth.csv").string() + " --plan " + (dir / "plan.csv").string());
  EXPECT_EQ(bad_truth.exit_code, 4) << bad_truth.err;
  EXPECT_NE(bad_truth.err.find("truth.csv:1: missing column 'cutoff'"), std::string::npos) << bad_truth.err;

  const CliResult missing = Cli(dir, "grade --truth " + (dir / "nope.csv").string() + " --plan " + (dir / "plan.csv").string());
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
}

}  // namespace
}  // namespace churnwatch

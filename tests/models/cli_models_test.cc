// Checks the train / evaluate / score commands as a user runs them: `train --labelled`
// on a seeded synthetic CSV prints one JSON object with the §14 keys and registers a
// champion, with the selection figures of every opinion; a malformed --stack, --logistic-c
// or --calibrate-on, --drop-features with --labelled and a malformed date are
// invalid-argument exits with the value quoted; scoring
// against a store without a model is a not-found exit saying to train first.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "churnwatch/status.h"
#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

struct CliRun {
  int exit_code = 0;
  std::string out;
};

CliRun Exec(const std::string& args) {
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " " + args + " 2>&1";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(CliModels, TrainLabelledPrintsJsonAndRegistersChampion) {
  testing::TempDir dir;
  std::ostringstream csv;
  csv << "id,visits,spend,plan,left\n";
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 1500; ++i) {
    const double visits = std::floor(u(rng) * 20), spend = u(rng) * 100;
    const bool basic = u(rng) < 0.5;
    const double p = 1 / (1 + std::exp(-(1.5 - 0.25 * visits + (basic ? 0.8 : -0.8))));
    csv << "c" << i << "," << visits << "," << spend << "," << (basic ? "basic" : "premium") << ","
        << (u(rng) < p ? "yes" : "no") << "\n";
  }
  testing::WriteFile(dir / "table.csv", csv.str());
  const std::string db = "sqlite:" + (dir / "m.db").string();
  const CliRun r = Exec("train --db " + db + " --labelled " + (dir / "table.csv").string() +
                     " --label-column left --id-column id --positive yes --threads 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  ASSERT_TRUE(j.contains("model_version") && j["model_version"].is_string());
  EXPECT_EQ(j["rows"], 1500);
  EXPECT_GT(j["train_rows"].get<std::int64_t>(), 700);
  ASSERT_TRUE(j["valid_metrics"].contains("roc_auc"));
  // The selection figures: every opinion on the validation rows, and the cross-fitted calibration.
  for (const char* key : {"trees", "logistic", "ensemble", "ensemble_crossfit"})
    EXPECT_TRUE(j["purged_valid_metrics"][key].contains("ece")) << key << ": " << r.out;
  EXPECT_GT(j["test_metrics"]["ensemble"]["roc_auc"].get<double>(), 0.7);  // the generator is strongly predictive
  EXPECT_EQ(j["features"], 4);  // visits, spend, plan=basic, plan=premium
}

TEST(CliModels, BadSelectionFlagsAreInvalidArguments) {
  testing::TempDir dir;
  const std::string db = "sqlite:" + (dir / "empty.db").string();
  const CliRun stack = Exec("train --db " + db + " --labelled x.csv --stack trees,forest");
  EXPECT_EQ(stack.exit_code, ExitCodeFor(StatusCode::kInvalidArgument)) << stack.out;
  EXPECT_NE(stack.out.find("forest"), std::string::npos) << stack.out;
  const CliRun c = Exec("train --db " + db + " --labelled x.csv --logistic-c 0.1,-1");
  EXPECT_EQ(c.exit_code, ExitCodeFor(StatusCode::kInvalidArgument)) << c.out;
  EXPECT_NE(c.out.find("-1"), std::string::npos) << c.out;
  const CliRun cal = Exec("train --db " + db + " --labelled x.csv --calibrate-on test");
  EXPECT_EQ(cal.exit_code, ExitCodeFor(StatusCode::kInvalidArgument)) << cal.out;
  EXPECT_NE(cal.out.find("'test'"), std::string::npos) << cal.out;
  const CliRun drop = Exec("train --db " + db + " --labelled x.csv --drop-features tenure_days");
  EXPECT_EQ(drop.exit_code, ExitCodeFor(StatusCode::kInvalidArgument)) << drop.out;
  EXPECT_NE(drop.out.find("--drop-features"), std::string::npos) << drop.out;
}

TEST(CliModels, BadDateAndMissingModelAreClearErrors) {
  testing::TempDir dir;
  const std::string db = "sqlite:" + (dir / "empty.db").string();
  const CliRun bad = Exec("evaluate --db " + db + " --test-cutoff 2011-13-45");
  EXPECT_EQ(bad.exit_code, ExitCodeFor(StatusCode::kInvalidArgument)) << bad.out;
  EXPECT_NE(bad.out.find("2011-13-45"), std::string::npos) << bad.out;
  // No store at all: not_found, pointing at ingest, and nothing is created.
  for (const std::string& cmd : std::vector<std::string>{"score", "evaluate --test-cutoff 2011-09-09",
                                                         "train --train-cutoffs 2011-06-01 --valid-cutoff 2011-06-11"}) {
    const CliRun absent = Exec(cmd + " --db " + db + (cmd == "score" ? " --as-of 2011-12-09" : ""));
    EXPECT_EQ(absent.exit_code, ExitCodeFor(StatusCode::kNotFound)) << cmd << "\n" << absent.out;
    EXPECT_NE(absent.out.find("churnwatch ingest"), std::string::npos) << cmd << "\n" << absent.out;
    EXPECT_FALSE(std::filesystem::exists(dir / "empty.db")) << cmd;
  }
  // A store without a model: not_found, pointing at train.
  ASSERT_TRUE(Store::Open(db).ok());
  const CliRun none = Exec("score --db " + db + " --as-of 2011-12-09");
  EXPECT_EQ(none.exit_code, ExitCodeFor(StatusCode::kNotFound)) << none.out;
  EXPECT_NE(none.out.find("churnwatch train"), std::string::npos) << none.out;
}

}  // namespace
}  // namespace churnwatch

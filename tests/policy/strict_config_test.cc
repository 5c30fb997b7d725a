// Strict configs: a typo in any TOML file churnwatch reads (run config, policy config,
// reasons file, mapping file) is an error naming the file, the line, the key and the
// closest allowed key, never a silent default. The cases are the typos seen in the field:
// `[modle] format = "grocery"`, `fromat`, `[budget] totl = 100`.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "churnwatch/explain.h"
#include "churnwatch/mapping.h"
#include "churnwatch/app/run.h"
#include "churnwatch/policy_config.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

std::string RunConfigError(const testing::TempDir& dir, const std::string& text) {
  testing::WriteFile(dir / "run.toml", text);
  auto c = app::LoadRunConfig(dir / "run.toml");
  if (c.ok()) return "(accepted)";
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  return c.status().message();
}

TEST(StrictConfig, RunConfigTyposAreErrorsWithFileLineAndSuggestion) {
  testing::TempDir dir;
  const std::string f = (dir / "run.toml").string();
  EXPECT_EQ(RunConfigError(dir, "[run]\nname = \"x\"\n\n[modle]\nformat = \"grocery\"\n"),
            f + ":4: unknown key 'modle' (did you mean 'model'? allowed here: zones, sla, budget, recommend, rules, "
                "actions, playbook, tracks, effects, run, ingest, model, report, campaign)");
  EXPECT_EQ(RunConfigError(dir, "[model]\nfromat = \"grocery\"\n"),
            f + ":2: unknown key 'model.fromat' (did you mean 'format'? allowed here: mode, horizon_days, format, as_of, "
                "test_cutoff, valid_cutoff, train_cutoffs, train_every_days, min_history_days)");
  EXPECT_NE(RunConfigError(dir, "[budget]\ntotl = 100\n").find(f + ":2: unknown key 'budget.totl' (did you mean 'total'?"),
            std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[run]\ncurency = \"¥\"\n").find(":2: unknown key 'run.curency' (did you mean 'currency'?"),
            std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[ingest]\nmaping = \"m.toml\"\n").find("unknown key 'ingest.maping' (did you mean 'mapping'?"),
            std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[report]\nfiel = \"r.html\"\n").find("unknown key 'report.fiel' (did you mean 'file'?"),
            std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[zones]\nred_min = 0.8\n").find(":2: unknown key 'zones.red_min' (did you mean 'red_min_p'?"),
            std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[sla]\nred_hour = 4\n").find("unknown key 'sla.red_hour'"), std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[recommend]\nproduct = 2\n").find("unknown key 'recommend.product'"), std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[[rules]]\nname = \"r\"\nwhen = \"recency_days > 1\"\nzome = \"red\"\n")
                .find(":4: unknown key 'rules.zome' (did you mean 'zone'?"),
            std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[actions.coupon]\ncots = 5\n").find(":2: unknown key 'actions.coupon.cots' (did you mean 'cost'?"),
            std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[[playbook]]\nreason = \"price\"\nacton = \"coupon\"\n").find("unknown key 'playbook.acton'"),
            std::string::npos);
  // A key far from every allowed one gets the list without a guess.
  EXPECT_EQ(RunConfigError(dir, "[report]\nzzzzzzzz = 1\n"),
            f + ":2: unknown key 'report.zzzzzzzz' (allowed here: file, top_customers)");
  // A section given as a value is not skipped as absent.
  EXPECT_NE(RunConfigError(dir, "budget = 100\n").find(":1: [budget] must be a table"), std::string::npos);
  EXPECT_NE(RunConfigError(dir, "model = \"x\"\n").find(":1: [model] must be a table"), std::string::npos);
  // The shipped examples still load.
  EXPECT_TRUE(app::LoadRunConfig(testing::SourceFile("examples/demo.toml")).ok());
}

TEST(StrictConfig, PolicyFileAloneRefusesRunTablesItDoesNotRead) {
  auto c = ParsePolicyConfig("[budget]\ntotal = 5\n[model]\nmode = \"train\"\n", "p.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("p.toml:3: unknown key 'model'"), std::string::npos) << c.status().message();
  const std::string policy = testing::ReadFile(testing::SourceFile("examples/policy.toml"));
  EXPECT_TRUE(ParsePolicyConfig(policy, "examples/policy.toml").ok());
}

TEST(StrictConfig, ReasonsFileAndMappingSuggest) {
  testing::TempDir dir;
  testing::WriteFile(dir / "r.toml", "[reason]\nrecency_days = \"disengagement\"\n");
  const std::vector<std::string> features = {"recency_days"};
  auto r = ReasonMap::Load(dir / "r.toml", features);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), (dir / "r.toml").string() + ":1: unknown key 'reason' (did you mean 'reasons'? allowed here: reasons)");
  auto m = ParseMapping("[transactions]\ndelimeter = \";\"\n[transactions.fields]\ncustomer_id = \"c\"\nts = \"t\"\namount = \"a\"\n",
                        "m.toml", ".");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("m.toml:2: unknown key 'transactions.delimeter' (did you mean 'delimiter'?"),
            std::string::npos)
      << m.status().message();
}

TEST(UnsafeConfigValues, ReportFileStaysInsideTheOutputFolderAndCurrencyIsNoMarkup) {
  testing::TempDir dir;
  const std::string f = (dir / "run.toml").string();
  EXPECT_EQ(RunConfigError(dir, "[report]\nfile = \"../x.html\"\n"),
            f + ":2: [report] file must be a relative path inside the output folder, got \"../x.html\"");
  EXPECT_NE(RunConfigError(dir, "[report]\nfile = \"/tmp/x.html\"\n").find("inside the output folder"), std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[report]\nfile = \"a/../../x.html\"\n").find("inside the output folder"), std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[report]\nfile = \"\"\n").find("inside the output folder"), std::string::npos);
  EXPECT_EQ(RunConfigError(dir, "[report]\nfile = \"reports/today.html\"\n"), "(accepted)");
  EXPECT_NE(RunConfigError(dir, "[run]\ncurrency = \"<script>alert(1)</script>\"\n").find(":2: [run] currency must be"),
            std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[run]\ncurrency = \"\\\"¥\"\n").find("[run] currency must be"), std::string::npos);
  EXPECT_NE(RunConfigError(dir, "[run]\ncurrency = \"¥\\n\"\n").find("[run] currency must be"), std::string::npos);
  EXPECT_EQ(RunConfigError(dir, "[run]\ncurrency = \"¥\"\n"), "(accepted)");
  EXPECT_EQ(RunConfigError(dir, "[run]\ncurrency = \"CNY \"\n"), "(accepted)");
  EXPECT_NE(RunConfigError(dir, "[ingest]\nmax_rejected_share = 5\n").find(":2: [ingest] max_rejected_share must be"),
            std::string::npos);
  testing::WriteFile(dir / "ok.toml", "[ingest]\nmax_rejected_share = 0.2\n");
  auto ok = app::LoadRunConfig(dir / "ok.toml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_DOUBLE_EQ(ok->max_rejected_share, 0.2);
}

}  // namespace
}  // namespace churnwatch

// The command line as a first-time user meets it, on a seeded synthetic store (2011-01-01
// .. 2011-12-31) with a small model trained through the CLI once for the whole suite:
// cutoffs before the data are data errors naming the data's range (features, score, train,
// evaluate) and never replace stored scores; a scoring date past the data warns how many
// days; --horizon-days outside 1..3650 is refused as `clv` refuses it; unknown commands and
// flags are contract errors with a suggestion (and the JSON error object with --json);
// evaluate refuses a test cutoff the model has seen; `score --out` writes the §14 columns,
// money with two decimals, and `funded`; help texts tell the real defaults.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "churnwatch/features.h"
#include "churnwatch/models.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

class CommandsCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    db_ = "sqlite:" + (*dir_ / "synthetic.db").string();
    testing::SyntheticOptions o;
    o.customers = 500;
    o.seed = 11;
    const auto data = testing::MakeSyntheticRetail(o);
    last_day_ = ColumnsFromRows(data.transactions, data.customers, data.events).last_day;
    auto store = Store::Open(db_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (Table t : {Table::kCustomers, Table::kTransactions, Table::kEvents}) {
      auto session = (*store)->BeginLoad({t, "synthetic", std::string(TableName(t))});
      ASSERT_TRUE(session.ok()) << session.status().ToString();
      const Status s = t == Table::kTransactions ? (*session)->AppendTransactions(data.transactions)
                       : t == Table::kCustomers  ? (*session)->AppendCustomers(data.customers)
                                                 : (*session)->AppendEvents(data.events);
      ASSERT_TRUE(s.ok()) << s.ToString();
      ASSERT_TRUE((*session)->Commit().ok());
    }
    store->reset();
    const CliResult train = Cli("train --db " + db_ +
                                " --train-cutoffs every:30d:2011-06-01 --valid-cutoff 2011-07-01 --max-rounds 40 "
                                "--threads 1 --json");
    ASSERT_EQ(train.exit_code, 0) << train.err;
    const CliResult score = Cli("score --db " + db_ + " --as-of 2012-01-01 --threads 1 --json");
    ASSERT_EQ(score.exit_code, 0) << score.err;
    scored_ = nlohmann::json::parse(score.out)["customers"].get<std::size_t>();
    ASSERT_GT(scored_, 0u);
  }
  static void TearDownTestSuite() { delete dir_; }

  static CliResult Cli(const std::string& args) {
    const std::string out = (*dir_ / "stdout.txt").string(), err = (*dir_ / "stderr.txt").string();
    const std::string cmd = std::string(CHURNWATCH_BINARY) + " " + args + " > " + out + " 2> " + err;
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::ReadFile(out), testing::ReadFile(err)};
  }

  static std::size_t StoredScores() {
    auto store = Store::Open(db_);
    EXPECT_TRUE(store.ok());
    auto table = (*store)->ReadResultTable("scores");
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return table.ok() ? table->rows() : 0;
  }

  static testing::TempDir* dir_;
  static std::string db_;
  static std::size_t scored_;
  static DayNumber last_day_;  ///< the data's last day (2011-12-30 or 31)
};
testing::TempDir* CommandsCli::dir_ = nullptr;
std::string CommandsCli::db_;
std::size_t CommandsCli::scored_ = 0;
DayNumber CommandsCli::last_day_ = 0;

constexpr int kInvalid = 2, kData = 4;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(CommandsCli, CutoffsBeforeTheDataAreDataErrorsNamingTheRange) {
  const std::vector<std::string> commands = {
      "features --as-of 2009-01-01",
      "features --cutoffs 2009-01-01,2011-06-01",
      "score --as-of 2009-01-01",
      "train --train-cutoffs 2009-01-01,2009-02-01 --valid-cutoff 2011-07-01",
      "train --train-cutoffs 2011-04-01 --valid-cutoff 2010-06-01",
  };
  for (const std::string& command : commands) {
    const CliResult r = Cli(command + " --db " + db_ + " --threads 1");
    EXPECT_EQ(r.exit_code, kData) << command << "\n" << r.err;
    EXPECT_TRUE(Has(r.err, "churnwatch: error: data_error: ")) << command << "\n" << r.err;
    EXPECT_TRUE(Has(r.err, "no customer has a purchase before it")) << command << "\n" << r.err;
    EXPECT_TRUE(Has(r.err, "2011-01-01 .. ")) << command << "\n" << r.err;  // the data's range
  }
  // The stored results of the earlier score are untouched.
  EXPECT_EQ(StoredScores(), scored_);
}

TEST_F(CommandsCli, ScoringNobodyLeavesTheStoredScores) {
  // A year after the data nobody is active (bought within H = 90 days): refused, not stored.
  const CliResult r = Cli("score --db " + db_ + " --as-of 2013-01-01 --threads 1 --json");
  EXPECT_EQ(r.exit_code, kData) << r.err;
  EXPECT_TRUE(Has(r.err, "no customer to score as of 2013-01-01")) << r.err;
  EXPECT_TRUE(Has(r.err, "stored scores are left as they were")) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "data_error");
  EXPECT_EQ(StoredScores(), scored_);
}

TEST_F(CommandsCli, ScoringPastTheDataWarnsHowManyDays) {
  const std::string later = FormatIsoDate(last_day_ + 30);
  const CliResult r = Cli("score --db " + db_ + " --as-of " + later + " --threads 1 --no-store");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "churnwatch: warning: --as-of " + later + " is 30 days after the last transaction or event (" +
                             FormatIsoDate(last_day_) + ")"))
      << r.err;
  EXPECT_TRUE(Has(r.err, "recency grows for every customer, by 29 days over scoring on " + FormatIsoDate(last_day_ + 1)))
      << r.err;
  // The day after the data is the natural scoring date: no warning.
  const CliResult natural = Cli("score --db " + db_ + " --as-of " + FormatIsoDate(last_day_ + 1) + " --threads 1 --no-store");
  ASSERT_EQ(natural.exit_code, 0) << natural.err;
  EXPECT_FALSE(Has(natural.err, "warning")) << natural.err;
  const CliResult features = Cli("features --db " + db_ + " --as-of " + FormatIsoDate(last_day_ + 61) + " --threads 1");
  ASSERT_EQ(features.exit_code, 0) << features.err;
  EXPECT_TRUE(Has(features.err, "is 61 days after the last transaction")) << features.err;
}

TEST_F(CommandsCli, HorizonOutsideItsRangeIsRefusedEverywhere) {
  for (const std::string h : {"0", "-5", "4000"}) {
    for (const std::string& command : {std::string("features --as-of 2011-07-01"),
                                       std::string("train --train-cutoffs 2011-05-01 --valid-cutoff 2011-07-01"),
                                       std::string("clv --as-of 2011-07-01")}) {
      const CliResult r = Cli(command + " --db " + db_ + " --horizon-days " + h);
      EXPECT_EQ(r.exit_code, kInvalid) << command << " H=" << h << "\n" << r.err;
      EXPECT_TRUE(Has(r.err, "horizon_days = " + h + " must be within 1..3650")) << command << "\n" << r.err;
    }
  }
}

TEST_F(CommandsCli, UnknownCommandsAndFlagsAreContractErrorsWithSuggestions) {
  CliResult r = Cli("ingst --db " + db_);
  EXPECT_EQ(r.exit_code, kInvalid);
  EXPECT_EQ(r.err, "churnwatch: error: invalid_argument: unknown command 'ingst' (did you mean 'ingest'?)\n");
  r = Cli("frobnicate");
  EXPECT_EQ(r.exit_code, kInvalid);
  EXPECT_TRUE(Has(r.err, "churnwatch: error: invalid_argument: unknown command 'frobnicate' (commands: ingest, "))
      << r.err;
  r = Cli("ingest --db " + db_ + " --mapping m.toml --transaction x.csv --json");
  EXPECT_EQ(r.exit_code, kInvalid);
  EXPECT_TRUE(Has(r.err, "churnwatch: error: invalid_argument: unknown flag '--transaction' for ingest (did you "
                         "mean '--transactions'?)"))
      << r.err;
  const auto j = nlohmann::json::parse(r.out);  // the JSON error object on stdout
  EXPECT_EQ(j["error"]["code"], "invalid_argument");
  EXPECT_TRUE(Has(j["error"]["message"], "--transactions"));
  r = Cli("score --db " + db_ + " --as-of=2011-07-01 --modle x");
  EXPECT_EQ(r.exit_code, kInvalid);
  EXPECT_TRUE(Has(r.err, "unknown flag '--modle' for score (did you mean '--model'?)")) << r.err;
  // CLI11's own parse errors (a missing required flag) use the same line and exit code.
  r = Cli("score --db " + db_ + " --json");
  EXPECT_EQ(r.exit_code, kInvalid);
  EXPECT_TRUE(Has(r.err, "churnwatch: error: invalid_argument: ")) << r.err;
  EXPECT_TRUE(Has(r.err, "--as-of")) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "invalid_argument");
  r = Cli("");
  EXPECT_EQ(r.exit_code, kInvalid);
  EXPECT_TRUE(Has(r.err, "churnwatch: error: invalid_argument: no command given")) << r.err;
  // Help still works and exits 0.
  EXPECT_EQ(Cli("--help").exit_code, 0);
  EXPECT_EQ(Cli("score --help").exit_code, 0);
}

TEST_F(CommandsCli, EvaluateRefusesATestCutoffTheModelHasSeen) {
  for (const std::string cutoff : {"2011-05-15", "2011-07-01", "2011-04-02"}) {
    const CliResult r = Cli("evaluate --db " + db_ + " --test-cutoff " + cutoff + " --threads 1");
    EXPECT_EQ(r.exit_code, kInvalid) << cutoff << "\n" << r.err;
    EXPECT_TRUE(Has(r.err, "is not later than the validation cutoff 2011-07-01")) << r.err;
    EXPECT_TRUE(Has(r.err, "training cutoffs 2011-04-02,2011-05-02,2011-06-01")) << r.err;
  }
  // Later than validation but within H: evaluated, with the overlap warning.
  const CliResult near = Cli("evaluate --db " + db_ + " --test-cutoff 2011-08-01 --threads 1 --json");
  ASSERT_EQ(near.exit_code, 0) << near.err;
  EXPECT_TRUE(Has(near.err, "within H of the validation cutoff 2011-07-01")) << near.err;
  // At least H after validation: no warning.
  const CliResult clean = Cli("evaluate --db " + db_ + " --test-cutoff 2011-09-29 --threads 1 --json");
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_FALSE(Has(clean.err, "warning")) << clean.err;
}

TEST_F(CommandsCli, ScoreCsvHasTheContractColumnsMoneyWithTwoDecimalsAndFunded) {
  const std::string csv = (*dir_ / "scores.csv").string();
  const CliResult r = Cli("score --db " + db_ + " --as-of 2012-01-01 --threads 1 --no-store --json --out " + csv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::istringstream in(testing::ReadFile(csv));
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header,
            "customer_id,p_churn,expected_days_to_churn,p_alive,clv,value_tier,segment,lifecycle_stage,zone,grade,"
            "reason_1,reason_2,reason_3,action,action_cost,expected_benefit,frequency_tier,reason_1_feature,"
            "reason_1_en,reason_1_zh,model_version,funded");
  // Money: an optional minus, digits, a point and exactly two decimals. (Checked by hand:
  // std::regex trips GCC 12's -Wmaybe-uninitialized in the sanitizer build.)
  auto money = [](const std::string& v) {
    const std::size_t start = !v.empty() && v[0] == '-' ? 1 : 0;
    const std::size_t point = v.find('.');
    if (point == std::string::npos || point == start || v.size() != point + 3) return false;
    for (std::size_t i = start; i < v.size(); ++i)
      if (i != point && !std::isdigit(static_cast<unsigned char>(v[i]))) return false;
    return true;
  };
  std::size_t rows = 0, funded = 0, priced = 0;
  for (std::string line; std::getline(in, line);) {
    ++rows;
    // Sentences may hold quoted commas: read the plain leading fields and the last one.
    std::vector<std::string> f;
    std::string cell;
    std::istringstream cells(line);
    for (int k = 0; k < 16 && std::getline(cells, cell, ','); ++k) f.push_back(cell);
    ASSERT_EQ(f.size(), 16u) << line;
    if (!f[4].empty()) {
      EXPECT_TRUE(money(f[4])) << "clv " << f[4];
    }
    if (!f[14].empty()) {
      ++priced;
      EXPECT_TRUE(money(f[14])) << "action_cost " << f[14];
      EXPECT_TRUE(money(f[15])) << "expected_benefit " << f[15];
    }
    const char last = line.back();
    ASSERT_TRUE(last == '0' || last == '1') << line;
    funded += last == '1';
  }
  EXPECT_EQ(rows, j["customers"].get<std::size_t>());
  EXPECT_EQ(funded, j["funded_actions"].get<std::size_t>());
  EXPECT_GT(priced, 0u);
}

TEST_F(CommandsCli, HelpTellsTheRealDefaults) {
  std::string grid;
  for (double c : TrainOptions{}.logistic_c_grid) {
    std::ostringstream s;
    s << c;
    grid += (grid.empty() ? "" : ",") + s.str();
  }
  const CliResult train = Cli("train --help");
  ASSERT_EQ(train.exit_code, 0);
  EXPECT_TRUE(Has(train.out, "(default " + grid + ")")) << train.out;
  const CliResult run = Cli("run --help");
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_TRUE(Has(run.out, "overrides the config's [run] db")) << run.out;
  EXPECT_FALSE(Has(run.out, "=sqlite:churnwatch.db")) << run.out;
  // every:STEP without its last cutoff ends after validation: the error shows the form to use.
  const CliResult every = Cli("train --db " + db_ + " --train-cutoffs every:30d --valid-cutoff 2011-07-01");
  EXPECT_EQ(every.exit_code, kInvalid) << every.err;
  EXPECT_TRUE(Has(every.err, "every:30d:2011-06-30")) << every.err;
}

}  // namespace
}  // namespace churnwatch

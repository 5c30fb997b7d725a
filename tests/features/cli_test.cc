// `churnwatch features` end to end on the golden fixture loaded into a temporary SQLite
// store: the --json contract (customers, features, cutoffs with eligible and churn_rate —
// values hand-derived in golden_expected.tsv: A retained, B and G churned), the CSV and the
// stored result table, --list, and the one-line errors with their exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "churnwatch/feature_catalog.h"
#include "churnwatch/store.h"
#include "features/fixture_reader.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

struct Run {
  int exit_code;
  std::string out;
};

Run Cli(const testing::TempDir& dir, const std::string& args) {
  const std::string out = (dir / "stdout.txt").string();
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " " + args + " > " + out + " 2> " + (dir / "stderr.txt").string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::ReadFile(out)};
}

class FeaturesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = "sqlite:" + (dir_ / "golden.db").string();
    auto store = Store::Open(db_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto rows = testing::ReadGoldenRows();
    for (std::size_t i = 0; i < rows.transactions.size(); ++i) rows.transactions[i].key = RowKey{1, i + 1};
    for (std::size_t i = 0; i < rows.events.size(); ++i) rows.events[i].key = RowKey{2, i + 1};
    for (std::size_t i = 0; i < rows.customers.size(); ++i) rows.customers[i].key = RowKey{3, i + 1};
    auto load = [&](Table t, auto&& append) {
      auto session = (*store)->BeginLoad(LoadInfo{t, "golden", "golden-" + std::string(TableName(t))});
      ASSERT_TRUE(session.ok()) << session.status().ToString();
      ASSERT_TRUE(append(**session).ok());
      ASSERT_TRUE((*session)->Commit().ok());
    };
    load(Table::kTransactions, [&](LoadSession& s) { return s.AppendTransactions(rows.transactions); });
    load(Table::kEvents, [&](LoadSession& s) { return s.AppendEvents(rows.events); });
    load(Table::kCustomers, [&](LoadSession& s) { return s.AppendCustomers(rows.customers); });
  }
  testing::TempDir dir_;
  std::string db_;
};

TEST_F(FeaturesCli, JsonCsvAndStoreTable) {
  const std::string csv = (dir_ / "f.csv").string();
  auto r = Cli(dir_, "features --db " + db_ + " --as-of 2011-07-01 --json --out " + csv + " --store-table golden_features");
  ASSERT_EQ(r.exit_code, 0) << testing::ReadFile(dir_ / "stderr.txt");
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["customers"], 3);  // A, B, G
  EXPECT_EQ(j["features"], FeatureCatalogue().size());
  ASSERT_EQ(j["cutoffs"].size(), 1u);
  EXPECT_EQ(j["cutoffs"][0]["cutoff"], "2011-07-01");
  EXPECT_EQ(j["cutoffs"][0]["eligible"], 3);
  EXPECT_DOUBLE_EQ(j["cutoffs"][0]["churn_rate"].get<double>(), 2.0 / 3.0);

  const std::string text = testing::ReadFile(csv);
  EXPECT_EQ(text.rfind("customer_id,cutoff,label,", 0), 0u) << text.substr(0, 80);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);  // header + 3 rows
  EXPECT_NE(text.find("\nA,2011-07-01,retained,"), std::string::npos);

  auto store = Store::Open(db_);
  ASSERT_TRUE(store.ok());
  auto stored = (*store)->ReadResultTable("golden_features");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->rows(), 3u);
}

TEST_F(FeaturesCli, StackedCutoffsAndHorizonPreset) {
  auto r = Cli(dir_, "features --db " + db_ + " --cutoffs 2011-07-01,2011-08-30 --format grocery --json");
  ASSERT_EQ(r.exit_code, 0) << testing::ReadFile(dir_ / "stderr.txt");
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["horizon_days"], 30);
  ASSERT_EQ(j["cutoffs"].size(), 2u);
  EXPECT_EQ(j["cutoffs"][0]["eligible"], 2);  // A (20 d) and G (5 d); B (45 d) > 30
}

TEST_F(FeaturesCli, ListPrintsTheCatalogue) {
  auto r = Cli(dir_, "features --list --json");
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["count"], FeatureCatalogue().size());
  EXPECT_EQ(j["features"][0]["name"], "recency_days");
  EXPECT_EQ(j["features"][0]["reason"], "disengagement");
}

TEST_F(FeaturesCli, ErrorsAreOneLineWithExitCodes) {
  auto both = Cli(dir_, "features --db " + db_ + " --as-of 2011-07-01 --cutoffs 2011-08-01");
  EXPECT_EQ(both.exit_code, 2);
  const std::string err = testing::ReadFile(dir_ / "stderr.txt");
  EXPECT_NE(err.find("exactly one of --as-of DATE or --cutoffs LIST"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(Cli(dir_, "features --db " + db_ + " --as-of 2011-07-01 --format bakery").exit_code, 2);
  EXPECT_EQ(Cli(dir_, "features --db " + db_ + " --as-of 2011-13-01").exit_code, 2);
  const std::string empty_url = "sqlite:" + (dir_ / "empty.db").string();
  EXPECT_EQ(Cli(dir_, "features --db " + empty_url + " --as-of 2011-07-01").exit_code,
            ExitCodeFor(StatusCode::kNotFound));  // no store there: nothing is created
  ASSERT_TRUE(Store::Open(empty_url).ok());
  auto empty = Cli(dir_, "features --db " + empty_url + " --as-of 2011-07-01");
  EXPECT_EQ(empty.exit_code, ExitCodeFor(StatusCode::kDataError));  // a store without transactions
}

}  // namespace
}  // namespace churnwatch

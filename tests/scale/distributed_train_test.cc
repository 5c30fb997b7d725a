// `churnwatch train --workers N`: N worker processes joined through XGBoost's collective
// (Rabit on loopback, the tracker of Debian's python3-xgboost) against one process on the
// same store. Checks: the same model (identical predictions when every feature has at most
// max_bin distinct values; validation ROC-AUC within 0.001 otherwise), every customer,
// transaction and bucket counted exactly once across the workers, and a killed worker
// failing the job within seconds with a message naming it, after which a re-run succeeds.
#include "train_test_helpers.h"

namespace churnwatch::scale_test {
namespace {

TEST(DistributedTrain, RefusesWhatWorkersCannotDoWithAClearMessage) {
  TempDir dir;
  const std::string url = MakeStore(dir, 60, 1);
  auto expect_refused = [&](const std::string& args, const std::string& says) {
    const std::string cmd = std::string(CHURNWATCH_BINARY) + " train --db " + url + " " + args + " >/dev/null 2>" +
                            (dir / "err.txt").string();
    const int status = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << args;
    const std::string err = testing::ReadFile(dir / "err.txt");
    EXPECT_NE(err.find(says), std::string::npos) << args << "\n" << err;
  };
  const std::string cutoffs = "--train-cutoffs 2011-05-01 --valid-cutoff 2011-09-01 ";
  expect_refused(cutoffs + "--workers 2", "--workers needs --no-bgnbd");
  expect_refused(cutoffs + "--workers 0 --no-bgnbd", "--workers must be at least 1");
  expect_refused(cutoffs + "--workers 2 --no-bgnbd --calibrate-on time-folds", "time-folds is not available");
  // A worker started without a tracker in its environment says how workers are started.
  expect_refused(cutoffs + "--no-bgnbd --collective-worker", "DMLC_TRACKER_URI");
}

TEST(DistributedTrain, TwoAndFourWorkersTrainTheSameModelAndCountEveryCustomerOnce) {
  CW_REQUIRE_TRACKER();
  TempDir dir;
  testing::SyntheticRetail data;
  // 120 customers: every feature has at most 2 x 120 <= 256 (max_bin) distinct values, so
  // XGBoost's quantile cuts are exact on every worker and the trees must match exactly.
  // Row subsampling draws per worker, so it is off here (column sampling is shared).
  const std::string url = MakeStore(dir, 120, 7, &data);
  const std::string params = "--min-child-weight 1 --subsample 1 --max-rounds 60 ";
  const CliRun single = Train(dir, url, params);
  ASSERT_EQ(single.exit_code, 0) << single.err;
  for (int workers : {2, 4}) {
    const CliRun dist = Train(dir, url, params + "--workers " + std::to_string(workers));
    ASSERT_EQ(dist.exit_code, 0) << dist.err;
    // Shares: contiguous bucket ranges covering all 1024 once; counts and id checksum add
    // up to the data's own figures (computed here from the rows loaded, not by the program).
    const auto shares = Shares(dist.err);
    ASSERT_EQ(shares.size(), static_cast<std::size_t>(workers)) << dist.err;
    std::set<std::string> ids;
    for (const auto& t : data.transactions) ids.insert(t.customer_id);
    for (const auto& c : data.customers) ids.insert(c.customer_id);
    for (const auto& e : data.events) ids.insert(e.customer_id);
    std::uint64_t want_checksum = 0;
    for (const auto& id : ids) want_checksum += Fnv1a64(id);
    Share sum;
    std::uint32_t next = 0;
    for (const auto& [rank, s] : shares) {
      EXPECT_EQ(s.begin, next) << "worker " << rank;
      EXPECT_GT(s.customers, 0u) << "worker " << rank;
      next = s.end;
      sum.customers += s.customers;
      sum.transactions += s.transactions;
      sum.events += s.events;
      sum.checksum += s.checksum;
    }
    EXPECT_EQ(next, 1024u);
    EXPECT_EQ(sum.customers, ids.size());
    EXPECT_EQ(sum.transactions, data.transactions.size());
    EXPECT_EQ(sum.events, data.events.size());
    EXPECT_EQ(sum.checksum, want_checksum);
  }
  const auto scores = ScoreAllModels(url);
  ASSERT_EQ(scores.size(), 3u);  // single, 2 workers, 4 workers
  std::set<double> distinct;  // the trees do rank customers (a stump-only model would match trivially)
  for (const auto& row : scores[0]) distinct.insert(row.p_trees);
  EXPECT_GT(distinct.size(), 20u);
  for (std::size_t m = 1; m < scores.size(); ++m) {
    ASSERT_EQ(scores[m].size(), scores[0].size());
    double max_diff = 0;
    for (std::size_t r = 0; r < scores[0].size(); ++r) {
      max_diff = std::max(max_diff, std::abs(scores[m][r].p_trees - scores[0][r].p_trees));
      max_diff = std::max(max_diff, std::abs(scores[m][r].p_logistic - scores[0][r].p_logistic));
      max_diff = std::max(max_diff, std::abs(scores[m][r].p_churn - scores[0][r].p_churn));
      max_diff = std::max(max_diff, std::abs(scores[m][r].expected_days_to_churn - scores[0][r].expected_days_to_churn));
    }
    EXPECT_EQ(max_diff, 0.0) << "model " << m << " differs from one process";
  }
}

/// customer_id -> p_churn of a score CSV (first two columns).
std::map<std::string, std::string> ScoreCsv(const std::filesystem::path& path) {
  std::map<std::string, std::string> out;
  std::istringstream in(testing::ReadFile(path));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("customer_id,p_churn", 0), 0u) << line;
  while (std::getline(in, line)) {
    const auto a = line.find(','), b = line.find(',', a + 1);
    EXPECT_TRUE(out.emplace(line.substr(0, a), line.substr(a + 1, b - a - 1)).second) << "twice: " << line;
  }
  return out;
}

TEST(DistributedScore, BucketRangesScoreEveryCustomerOnceWithTheWholeRunsScores) {
  TempDir dir;
  const std::string url = MakeStore(dir, 400, 9);
  const CliRun trained = Train(dir, url, "--max-rounds 30");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  auto run = [&](const std::string& extra, const std::string& out) {
    auto store = Store::OpenExisting(url);
    EXPECT_TRUE(store.ok());
    auto entries = ModelRegistry(**store).List();
    EXPECT_TRUE(entries.ok() && !entries->empty());
    const std::string cmd = std::string(CHURNWATCH_BINARY) + " score --db " + url + " --model " +
                            entries->front().version + " --as-of 2011-10-01 --threads 1 --no-store --out " +
                            (dir / out).string() + " " + extra + " >/dev/null 2>" + (dir / "score_err.txt").string();
    return std::system(cmd.c_str());
  };
  ASSERT_EQ(run("", "all.csv"), 0) << testing::ReadFile(dir / "score_err.txt");
  ASSERT_EQ(run("--buckets 0:300", "a.csv"), 0) << testing::ReadFile(dir / "score_err.txt");
  ASSERT_EQ(run("--buckets 300:1024", "b.csv"), 0) << testing::ReadFile(dir / "score_err.txt");
  const auto all = ScoreCsv(dir / "all.csv");
  auto parts = ScoreCsv(dir / "a.csv");
  const auto b = ScoreCsv(dir / "b.csv");
  EXPECT_GT(parts.size(), 0u);
  EXPECT_GT(b.size(), 0u);
  for (const auto& [id, p] : b) EXPECT_TRUE(parts.emplace(id, p).second) << id << " scored by both ranges";
  EXPECT_EQ(parts, all);  // same customers, same p_churn (the model uses no BG/NBD)
  // Without --no-store a partial run would replace the whole run's scores table: refused.
  const std::string partial = std::string(CHURNWATCH_BINARY) + " score --db " + url +
                              " --as-of 2011-10-01 --buckets 0:10 >/dev/null 2>" + (dir / "score_err.txt").string();
  EXPECT_NE(std::system(partial.c_str()), 0);
  EXPECT_NE(testing::ReadFile(dir / "score_err.txt").find("give --no-store"), std::string::npos);
}

TEST(DistributedTrain, AKilledWorkerFailsTheJobWithinSecondsAndARerunSucceeds) {
  CW_REQUIRE_TRACKER();
  TempDir dir;
  const std::string url = MakeStore(dir, 300, 3);
  const auto err_path = dir / "kill_err.txt";
  // Many slow rounds, so the workers are still boosting when one is killed.
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " train --db " + url +
                          " --train-cutoffs 2011-05-01,2011-06-01 --valid-cutoff 2011-09-01 --no-bgnbd --threads 1 "
                          "--eta 0.0005 --max-rounds 20000 --workers 2";
  const pid_t launcher = ::fork();
  ASSERT_GE(launcher, 0);
  if (launcher == 0) {
    std::freopen(err_path.c_str(), "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until both workers have reported their shares (they are then training), then
  // kill worker 1 (a child of the launcher whose command line ends with --collective-worker).
  pid_t victim = -1;
  for (int i = 0; i < 600 && victim < 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (Shares(testing::ReadFile(err_path)).size() < 2) continue;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string pid, comm, state;
      long ppid = 0;
      if (!(stat >> pid >> comm >> state >> ppid) || ppid != launcher) continue;
      std::ifstream cl(entry.path() / "cmdline");
      std::string line((std::istreambuf_iterator<char>(cl)), std::istreambuf_iterator<char>());
      if (line.find("--collective-worker") == std::string::npos) continue;
      std::ifstream envf(entry.path() / "environ");
      std::string env((std::istreambuf_iterator<char>(envf)), std::istreambuf_iterator<char>());
      if (env.find("DMLC_TASK_ID=00001") != std::string::npos) victim = static_cast<pid_t>(std::stol(pid));
    }
  }
  ASSERT_GT(victim, 0) << "no worker 1 found; launcher stderr:\n" << testing::ReadFile(err_path);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(launcher, &status, 0), launcher);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(seconds, 10.0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  const std::string err = testing::ReadFile(err_path);
  EXPECT_NE(err.find("training worker 1 of 2"), std::string::npos) << err;
  EXPECT_NE(err.find("killed by signal 9"), std::string::npos) << err;
  EXPECT_NE(err.find("run the command again"), std::string::npos) << err;
  {
    auto store = Store::OpenExisting(url);
    ASSERT_TRUE(store.ok());
    auto entries = ModelRegistry(**store).List();
    ASSERT_TRUE(entries.ok());
    EXPECT_TRUE(entries->empty()) << "a failed gang registered a model";
  }
  const CliRun again = Train(dir, url, "--max-rounds 40 --workers 2");
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

}  // namespace
}  // namespace churnwatch::scale_test

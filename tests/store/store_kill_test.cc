// Checks that a load is atomic across a crash, on both backends: a helper process loading
// 2,000,000 rows through one LoadSession is killed with SIGKILL after it reports progress;
// the table then holds none of them; a restarted load completes, and the table holds exactly
// the rows of one complete load (every key 0..N-1 once: none lost, none doubled; amounts sum
// to the hand-computed total); a third run adds nothing. On SQLite the same again with no
// store file at the start: the first load then builds the new store beside its path, so a
// kill must leave no store at the path at all, and the restart cleans up the killed one's
// partial file.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "churnwatch/store.h"
#include "kill_test_rows.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

constexpr std::uint64_t kRows = 2'000'000;

struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Child Spawn(const std::string& url) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const std::string rows = std::to_string(kRows);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(STORE_LOAD_HELPER, STORE_LOAD_HELPER, url.c_str(), rows.c_str(), "20000", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  return {pid, fdopen(fds[0], "r")};
}

std::string NextLine(FILE* f) {
  char buf[256];
  if (!std::fgets(buf, sizeof buf, f)) return "";
  std::string s(buf);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

int WaitFor(Child& c, bool* signalled) {
  int status = 0;
  waitpid(c.pid, &status, 0);
  std::fclose(c.out);
  *signalled = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string RunToCompletion(const std::string& url) {
  Child c = Spawn(url);
  std::string line, last;
  while (!(line = NextLine(c.out)).empty()) last = line;
  bool killed = false;
  EXPECT_EQ(WaitFor(c, &killed), 0);
  return last;
}

class StoreKillTest : public ::testing::TestWithParam<std::string> {};

TEST_P(StoreKillTest, SigkillMidLoadLeavesNothingAndARestartLoadsEverythingOnce) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  { ASSERT_TRUE(Store::Open(db->url()).ok()); }  // migrate before the race starts

  Child c = Spawn(db->url());
  ASSERT_GT(c.pid, 0);
  std::uint64_t reported = 0;
  std::string line;
  while (reported < kRows / 4 && !(line = NextLine(c.out)).empty()) {
    ASSERT_EQ(line.rfind("progress ", 0), 0u) << "helper said: " << line;
    reported = std::stoull(line.substr(9));
  }
  ASSERT_GE(reported, kRows / 4) << "helper stopped before reporting progress";
  ASSERT_LT(reported, kRows) << "helper finished before it could be killed";
  kill(c.pid, SIGKILL);
  bool killed = false;
  WaitFor(c, &killed);
  ASSERT_TRUE(killed) << "the helper was not killed by SIGKILL";

  auto store = Store::Open(db->url());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->CountRows(Table::kTransactions), 0) << "a killed load left rows behind";
  store->reset();

  EXPECT_EQ(RunToCompletion(db->url()), "done inserted=2000000 already_present=0");

  store = Store::Open(db->url());
  ASSERT_TRUE(store.ok());
  std::vector<std::uint64_t> ids;
  ids.reserve(kRows);
  double amount_sum = 0;
  bool foreign_key = false;
  ASSERT_TRUE((*store)->ScanTransactions([&](std::span<const Transaction> b) {
                 for (const auto& t : b) {
                   foreign_key |= t.key.hi != testing::kKillTestSeed;
                   ids.push_back(t.key.lo);
                   amount_sum += t.amount;
                 }
                 return Status::OK();
               }).ok());
  EXPECT_FALSE(foreign_key);
  ASSERT_EQ(ids.size(), kRows);
  std::sort(ids.begin(), ids.end());
  for (std::uint64_t i = 0; i < kRows; ++i) ASSERT_EQ(ids[i], i) << "key " << i << " lost or doubled";
  // Sum over i of (i % 1000) * 0.25 = 2000 blocks * 0.25 * (0 + ... + 999) = 249,750,000.
  EXPECT_EQ(amount_sum, 249750000.0);
  store->reset();

  EXPECT_EQ(RunToCompletion(db->url()), "done inserted=0 already_present=2000000");
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM transactions"), static_cast<std::int64_t>(kRows));
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM loads"), 2);  // the killed load left no log row
}

// Everything in the store's directory: the store file, its -wal / -shm, partial files.
std::vector<std::string> FilesBeside(const std::filesystem::path& store) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(store.parent_path())) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(StoreKillTest, SqliteSigkillWhileBuildingANewStoreLeavesNoStore) {
  CW_OPEN_TEST_DATABASE(db, "sqlite");
  const std::filesystem::path file = db->url().substr(std::string("sqlite:").size());
  ASSERT_FALSE(std::filesystem::exists(file));

  Child c = Spawn(db->url());
  ASSERT_GT(c.pid, 0);
  std::uint64_t reported = 0;
  std::string line;
  while (reported < kRows / 4 && !(line = NextLine(c.out)).empty()) reported = std::stoull(line.substr(9));
  ASSERT_GE(reported, kRows / 4) << "helper stopped before reporting progress";
  ASSERT_LT(reported, kRows) << "helper finished before it could be killed";
  kill(c.pid, SIGKILL);
  bool killed = false;
  WaitFor(c, &killed);
  ASSERT_TRUE(killed) << "the helper was not killed by SIGKILL";
  // No store (a reader would find none), only the partial file the killed process was building.
  EXPECT_FALSE(std::filesystem::exists(file)) << "a killed first load left a store behind";
  EXPECT_EQ(FilesBeside(file), std::vector<std::string>{"store.db.partial-" + std::to_string(c.pid)});

  EXPECT_EQ(RunToCompletion(db->url()), "done inserted=2000000 already_present=0");
  EXPECT_EQ(FilesBeside(file), std::vector<std::string>{"store.db"}) << "the stale partial file is still there";
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM transactions"), static_cast<std::int64_t>(kRows));
  EXPECT_EQ(db->QueryInt("SELECT count(DISTINCT row_key) FROM transactions"), static_cast<std::int64_t>(kRows));
  EXPECT_EQ(db->QueryInt("SELECT sum(amount) * 4 FROM transactions"), 999000000);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM loads"), 1);
  EXPECT_EQ(RunToCompletion(db->url()), "done inserted=0 already_present=2000000");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreKillTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace churnwatch

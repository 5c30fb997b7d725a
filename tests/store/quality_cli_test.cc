// Checks `churnwatch quality` end to end: on a SQLite store holding a small hand-built load
// it prints one JSON object with the SPEC.md §14 keys (tables {name: {rows, missing,
// duplicates, first_ts, last_ts}}) and the right figures; the text form names each table;
// an unknown URL scheme exits with the invalid_argument code and says why.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun RunCli(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(QualityCli, JsonCarriesTheSpecKeysAndFigures) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + (dir / "q.db").string();
  {
    auto store = Store::Open(url);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<Transaction> rows(4);
    for (int i = 0; i < 4; ++i) {
      rows[i].key = {5, static_cast<std::uint64_t>(i)};
      rows[i].order_id = "O" + std::to_string(i / 2);  // orders O0 (2 lines), O1 (2 lines)
      rows[i].customer_id = i < 2 ? "A" : "B";
      rows[i].ts = 1300000000 + i * 3600;
      rows[i].amount = i == 3 ? -4 : 10;
      rows[i].quantity = 1;
      rows[i].is_return = i == 3;
      rows[i].sku = i == 0 ? "" : "S";
    }
    auto s = (*store)->BeginLoad({Table::kTransactions, "t.csv", "fp"});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->AppendTransactions(rows).ok());
    ASSERT_TRUE((*s)->Commit().ok());
  }
  const CliRun r = RunCli("quality --db " + url + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const auto& t = j.at("tables").at("transactions");
  EXPECT_EQ(t.at("rows"), 4);
  EXPECT_EQ(t.at("missing").at("sku"), 0.25);
  EXPECT_EQ(t.at("duplicates"), 0);
  EXPECT_EQ(t.at("first_ts"), FormatIsoTimestamp(1300000000));
  EXPECT_EQ(t.at("last_ts"), FormatIsoTimestamp(1300000000 + 3 * 3600));
  EXPECT_EQ(t.at("negative_amounts"), 1);
  EXPECT_EQ(t.at("customers"), 2);
  EXPECT_EQ(t.at("customers_one_purchase"), 2);  // A: O0; B: O1 (one non-return line)
  EXPECT_EQ(j.at("tables").at("customers").at("rows"), 0);
  EXPECT_EQ(j.at("tables").at("events").at("rows"), 0);

  const CliRun text = RunCli("quality --db " + url);
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("transactions: 4 rows"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("events: 0 rows"), std::string::npos) << text.out;
}

TEST(QualityCli, BadUrlExitsWithInvalidArgument) {
  const CliRun r = RunCli("quality --db nosuch://x --json");
  EXPECT_EQ(r.exit_code, ExitCodeFor(StatusCode::kInvalidArgument));
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("error").at("code"), "invalid_argument");
  EXPECT_NE(j.at("error").at("message").get<std::string>().find("unknown scheme"), std::string::npos);
}

// Commands that only read must not create a store where none is: a typo in --db would
// otherwise leave an empty database behind and report "no data" instead of the real cause.
TEST(QualityCli, ReadingCommandsRefuseAMissingStoreAndCreateNothing) {
  testing::TempDir dir;
  const auto path = dir / "absent.db";
  const std::string url = "sqlite:" + path.string();
  for (const std::string& args : {"quality --db " + url + " --json", "features --as-of 2011-09-09 --db " + url + " --json",
                                 "clv --as-of 2011-09-09 --db " + url + " --json"}) {
    const CliRun r = RunCli(args);
    EXPECT_EQ(r.exit_code, ExitCodeFor(StatusCode::kNotFound)) << args << "\n" << r.out;
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << args << "\n" << r.out;
    EXPECT_EQ(j.at("error").at("code"), "not_found") << args;
    EXPECT_NE(j.at("error").at("message").get<std::string>().find("churnwatch ingest"), std::string::npos) << args;
    EXPECT_FALSE(std::filesystem::exists(path)) << args << " created " << path;
  }
}

}  // namespace
}  // namespace churnwatch

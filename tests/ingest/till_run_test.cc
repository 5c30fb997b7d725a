// A retailer's own till export through `churnwatch run` (tests/fixtures/till/: Chinese
// headers, `¥1,104.15` and `520.00元` amounts, refunds, walk-ins, repeated scans, bad rows,
// hostile member ids): nothing that should load is lost, walk-ins are excluded rather than
// rejected, only the bad rows are rejected, a re-run adds nothing, and the outputs are safe
// (formula-like ids neutralised in every CSV, config markup escaped in the report). Then
// what must stop a run: a wrong date format (every row rejected) and a rejected share over
// the limit; and the CLI's JSON never aborting on a file name that is not UTF-8.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::ReadFile;
using testing::SourceFile;
using testing::TempDir;
using testing::WriteFile;

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

CliRun Cli(const std::string& args, const TempDir& dir) {
  const std::string out = (dir / "stdout.txt").string(), err = (dir / "stderr.txt").string();
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " " + args + " > " + out + " 2> " + err;
  const int st = std::system(cmd.c_str());
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, ReadFile(out), ReadFile(err)};
}

std::int64_t StoredRows(const std::string& url, Table t) {
  auto store = Store::Open(url);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return -1;
  auto n = (*store)->CountRows(t);
  EXPECT_TRUE(n.ok());
  return n.ok() ? *n : -1;
}

std::size_t Lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

std::filesystem::path Till(const char* name) { return SourceFile(std::string("tests/fixtures/till/") + name); }

TEST(TillRun, TillExportGoesThroughRunWithNothingLost) {
  TempDir dir;
  const auto expected = nlohmann::json::parse(ReadFile(Till("expected.json")));
  const std::string db = "sqlite:" + (dir / "cw.db").string();
  const std::string args = "run --quiet --json --config " + Till("run.toml").string() + " --db " + db + " --out " +
                           (dir / "out").string();
  const CliRun r = Cli(args, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["customers"].get<int>(), 50);

  // Every member sale loads: repeated scans kept, refunds as returns, ¥ / 元 amounts parsed.
  EXPECT_EQ(StoredRows(db, Table::kTransactions), expected["should_load"].get<std::int64_t>());
  // Only the three bad rows are rejected; walk-ins are not in the rejects file.
  const auto rejects = dir / "out" / "till_export.csv.gz.rejects.csv";
  ASSERT_TRUE(std::filesystem::exists(rejects));
  EXPECT_EQ(Lines(rejects), 1 + expected["bad"].get<std::size_t>());
  const std::string rj = ReadFile(rejects);
  EXPECT_NE(rj.find("bad_date"), std::string::npos);
  EXPECT_NE(rj.find("bad_number"), std::string::npos);
  EXPECT_NE(rj.find("wrong_field_count"), std::string::npos);
  EXPECT_EQ(rj.find("missing_customer_id"), std::string::npos);

  // Outputs: formula-like member ids are text in every CSV; config markup is escaped.
  for (const char* f : {"customers.csv", "actions.csv", "alerts.csv"}) {
    std::ifstream in(dir / "out" / f);
    for (std::string line; std::getline(in, line);) {
      ASSERT_FALSE(line.empty());
      EXPECT_TRUE(line[0] != '=' && line[0] != '@' && line[0] != '+' && line[0] != '-') << f << ": " << line;
    }
  }
  const std::string customers = ReadFile(dir / "out" / "customers.csv");
  EXPECT_NE(customers.find("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), std::string::npos);
  EXPECT_NE(customers.find("\"'@SUM(1+1)\""), std::string::npos);
  const std::string html = ReadFile(j["report"].get<std::string>());
  EXPECT_NE(html.find("&lt;till&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<till>"), std::string::npos);
  for (const auto& e : std::filesystem::directory_iterator(dir / "out"))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();

  // Running again adds nothing (the repeated scans keep their keys).
  const CliRun again = Cli(args, dir);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(StoredRows(db, Table::kTransactions), expected["should_load"].get<std::int64_t>());
}

// A copy of the fixture's mapping and config in `dir`, with one mapping line changed.
std::filesystem::path ConfigWithMapping(const TempDir& dir, const std::string& from, const std::string& to) {
  std::string mapping = ReadFile(Till("till.toml"));
  const auto at = mapping.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) mapping.replace(at, from.size(), to);
  WriteFile(dir / "till.toml", mapping);
  WriteFile(dir / "run.toml", "[run]\nout_dir = \"out\"\nthreads = 1\n[ingest]\nmapping = \"till.toml\"\ntransactions = \"" +
                                  Till("till_export.csv.gz").string() + "\"\n[model]\nhorizon_days = 30\n");
  return dir / "run.toml";
}

TEST(TillRun, AWrongDateFormatStopsTheRunAndLeavesNoStore) {
  TempDir dir;
  const auto config = ConfigWithMapping(dir, "date_format = \"%Y/%m/%d %H:%M\"", "date_format = \"%d.%m.%Y %H:%M\"");
  const CliRun r = Cli("run --quiet --config " + config.string() + " --db sqlite:" + (dir / "cw.db").string(), dir);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  // Every member row but the truncated one is bad_date (walk-ins are excluded first).
  EXPECT_NE(r.err.find("8,906 of 9,156 rows rejected (97.3 %, more than the 5 % allowed): bad_date 8,905, "
                       "wrong_field_count 1; nothing of this file was loaded"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line
  EXPECT_FALSE(std::filesystem::exists(dir / "cw.db"));                   // no empty store
}

TEST(TillRun, ARejectedShareOverTheLimitStopsTheRunNamingTheReasons) {
  TempDir dir;
  // Without the thousands separator every amount of ¥1,000 or more is bad_number (~ 1 in 4).
  const auto config = ConfigWithMapping(dir, "thousands = \",\"\n", "");
  const CliRun r = Cli("run --quiet --json --config " + config.string() + " --db sqlite:" + (dir / "cw.db").string(), dir);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("more than the 5 % allowed): bad_number"), std::string::npos) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "data_error");
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "till_export.csv.gz.rejects.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir / "cw.db"));
}

TEST(TillRun, RunTakesThePiiKeyFileAndRefusesShortKeys) {
  TempDir dir;
  WriteFile(dir / "customers.csv", "card,phone,tier\nVIP00001,+86 138-0013-8000,gold\nVIP00002,,silver\n");
  WriteFile(dir / "map.toml", "[customers.fields]\ncustomer_id = \"card\"\nphone = \"phone\"\nmember_tier = \"tier\"\n");
  WriteFile(dir / "run.toml", "[run]\nout_dir = \"out\"\n[ingest]\nmapping = \"map.toml\"\ncustomers = \"customers.csv\"\n");
  const std::string db = "sqlite:" + (dir / "cw.db").string();
  WriteFile(dir / "short.key", " \n");
  WriteFile(dir / "tiny.key", "k\n");
  CliRun r = Cli("run --quiet --config " + (dir / "run.toml").string() + " --db " + db + " --pii-key-file " +
                     (dir / "tiny.key").string(),
                 dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("is 1 bytes; it must be at least 16"), std::string::npos) << r.err;
  r = Cli("run --quiet --config " + (dir / "run.toml").string() + " --db " + db + " --pii-key-file " +
              (dir / "short.key").string(),
          dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;  // a key of one blank is empty once trimmed
  WriteFile(dir / "good.key", "0123456789abcdef0123456789abcdef\n");
  r = Cli("run --quiet --config " + (dir / "run.toml").string() + " --db " + db + " --pii-key-file " +
              (dir / "good.key").string(),
          dir);
  // The customers load (with the phone as a digest); the run then stops for want of
  // transactions, which is what this config asks for.
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("holds no transactions"), std::string::npos) << r.err;
  EXPECT_EQ(StoredRows(db, Table::kCustomers), 2);
}

TEST(CliJson, AFileNameThatIsNotUtf8NeverAbortsJsonOutput) {
  TempDir dir;
  const std::filesystem::path file = dir / std::string("sl\xff" "ice.csv");
  WriteFile(file, "id,cust,day,amt\n1,A,2011-01-01,5\n");
  WriteFile(dir / "m.toml", "[transactions.fields]\norder_id = \"id\"\ncustomer_id = \"cust\"\nts = \"day\"\namount = \"amt\"\n");
  const std::string base = "ingest --quiet --json --mapping " + (dir / "m.toml").string() + " --db sqlite:" +
                           (dir / "cw.db").string() + " --transactions '";
  CliRun r = Cli(base + file.string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;  // was 8 (SIGABRT inside the JSON dump) after committing
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rows_loaded"], 1);
  EXPECT_NE(j["files"][0]["path"].get<std::string>().find("sl\xef\xbf\xbdice.csv"), std::string::npos);
  // An error naming such a file: still one JSON object and the right exit code.
  r = Cli(base + (dir / std::string("gone\xfe.csv")).string() + "'", dir);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "not_found");
}

TEST(OneLineErrors, AConfigValueWithALineBreakGivesOneLine) {
  TempDir dir;
  WriteFile(dir / "run.toml", "[model]\nmode = \"train\\nnow\"\n");
  const CliRun r = Cli("run --quiet --config " + (dir / "run.toml").string(), dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("got \"train | now\""), std::string::npos) << r.err;
}

TEST(TillRun, IngestStopsOverTheLimitOnlyWhenAskedTo) {
  TempDir dir;
  ConfigWithMapping(dir, "thousands = \",\"\n", "");  // ~ 1 in 4 amounts become bad_number
  const std::string base = "ingest --quiet --json --mapping " + (dir / "till.toml").string() + " --transactions " +
                           Till("till_export.csv.gz").string() + " --rejects-dir " + dir.path().string() + " --db sqlite:";
  CliRun r = Cli(base + (dir / "a.db").string() + " --max-rejected-share 0.05", dir);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("more than the 5 % allowed): bad_number"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "a.db"));
  r = Cli(base + (dir / "b.db").string(), dir);  // no limit: the valid rows load, the rest are rejects
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["rows_rejected"].get<int>(), 1000);
  EXPECT_EQ(j["rows_loaded"].get<int>() + j["rows_rejected"].get<int>() + j["rows_excluded"].get<int>(),
            j["rows_read"].get<int>());
  EXPECT_GT(j["duplicates_kept"].get<int>(), 100);  // the repeated scans, reported
}

}  // namespace
}  // namespace churnwatch

// Checks `churnwatch ingest` as a script sees it (SPEC.md §14): --json prints exactly one
// JSON object with the contract keys and the fixture's hand-counted figures; a re-run adds
// nothing; the human summary names the counts; and each error kind exits with its code
// and a one-line message naming the file (missing mapping, missing input, bad mapping with
// file:line and key, personal fields without a key), and a failed first ingest leaves no
// store file behind.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "churnwatch/status.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::SourceFile;
using testing::TempDir;
using testing::WriteFile;

struct CliRun {
  int exit_code;
  std::string out;  // stdout + stderr
};

CliRun Cli(const std::string& args, bool with_stderr = true) {
  std::string cmd = std::string(CHURNWATCH_BINARY) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliRun r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string Fixture(const char* name) { return SourceFile(std::string("tests/fixtures/ingest/") + name).string(); }

TEST(CliIngest, JsonContractAndReload) {
  TempDir dir;
  std::string args = "ingest --mapping " + Fixture("rejects.toml") + " --transactions " + Fixture("rejects_transactions.csv") +
                     " --db sqlite:" + (dir / "t.db").string() + " --rejects-dir " + dir.path().string() + " --json";
  CliRun r = Cli(args, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);  // exactly one object: parse fails on trailing text
  for (const char* key : {"rows_read", "rows_loaded", "rows_rejected", "rejected_by_reason", "duplicates_skipped", "customers",
                          "first_ts", "last_ts", "rows_excluded", "rejected_duplicates", "already_present", "files"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["rows_read"], 16);
  EXPECT_EQ(j["rows_loaded"], 4);
  EXPECT_EQ(j["rows_rejected"], 10);
  EXPECT_EQ(j["duplicates_skipped"], 2);
  EXPECT_EQ(j["rejected_by_reason"]["missing_customer_id"], 2);
  EXPECT_EQ(j["customers"], 3);
  EXPECT_EQ(j["first_ts"], "2011-01-02 10:00:00");
  EXPECT_EQ(j["last_ts"], "2011-01-05 09:30:00");
  EXPECT_EQ(j["files"][0]["rejects_file"], (dir / "rejects_transactions.csv.rejects.csv").string());

  CliRun again = Cli(args, false);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  auto j2 = nlohmann::json::parse(again.out);
  EXPECT_EQ(j2["rows_loaded"], 0);
  EXPECT_EQ(j2["already_present"], 4);
}

TEST(CliIngest, HumanSummary) {
  TempDir dir;
  CliRun r = Cli("ingest --quiet --mapping " + Fixture("rejects.toml") + " --events " + Fixture("bad_events.csv") +
              " --db sqlite:" + (dir / "e.db").string() + " --rejects-dir " + dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("rows read 6, loaded 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad_event_type"), std::string::npos) << r.out;
}

TEST(CliIngest, ErrorKindsExitCodesAndMessages) {
  TempDir dir;
  std::string db = " --db sqlite:" + (dir / "x.db").string() + " --rejects-dir " + dir.path().string();
  CliRun r = Cli("ingest --mapping /nonexistent/m.toml" + db);
  EXPECT_EQ(r.exit_code, ExitCodeFor(StatusCode::kNotFound));
  EXPECT_NE(r.out.find("churnwatch: error: not_found: mapping file not found: /nonexistent/m.toml"), std::string::npos) << r.out;

  r = Cli("ingest --mapping " + Fixture("rejects.toml") + " --transactions /nonexistent/orders.csv" + db);
  EXPECT_EQ(r.exit_code, ExitCodeFor(StatusCode::kNotFound));
  EXPECT_NE(r.out.find("input file not found: /nonexistent/orders.csv"), std::string::npos) << r.out;

  WriteFile(dir / "bad.toml", "[transactions]\nheader = true\nseperator = \";\"\n");
  r = Cli("ingest --mapping " + (dir / "bad.toml").string() + db);
  EXPECT_EQ(r.exit_code, ExitCodeFor(StatusCode::kInvalidArgument));
  EXPECT_NE(r.out.find("bad.toml:3: unknown key 'transactions.seperator'"), std::string::npos) << r.out;

  WriteFile(dir / "pii.toml", "[customers.fields]\ncustomer_id = \"id\"\nemail = \"mail\"\n");
  WriteFile(dir / "c.csv", "id,mail\n1,a@b.c\n");
  r = Cli("ingest --mapping " + (dir / "pii.toml").string() + " --customers " + (dir / "c.csv").string() + db);
  EXPECT_EQ(r.exit_code, ExitCodeFor(StatusCode::kInvalidArgument));
  EXPECT_NE(r.out.find("CHURNWATCH_PII_KEY"), std::string::npos) << r.out;

  r = Cli("ingest --mapping " + Fixture("rejects.toml") + " --json --db nosuch:db");
  EXPECT_EQ(r.exit_code, ExitCodeFor(StatusCode::kInvalidArgument));
  EXPECT_NE(r.out.find("\"code\": \"invalid_argument\""), std::string::npos) << r.out;
}

// A first ingest that fails leaves no store behind: `--db sqlite:PATH` appears only when a
// load commits, so a later command finds no store (not_found) instead of an empty one.
TEST(CliIngest, FailedFirstIngestLeavesNoStoreFile) {
  TempDir dir;
  const std::string db_path = (dir / "a.db").string();
  const std::string db = " --db sqlite:" + db_path + " --rejects-dir " + dir.path().string();
  const std::string mapping = " --mapping " + Fixture("rejects.toml");
  WriteFile(dir / "bare.toml", "[transactions.fields]\ncustomer_id = \"c\"\nts = \"t\"\namount = \"a\"\n");
  WriteFile(dir / "h.csv", "order_id,customer,ts,qty,price,channel,is_return\n1,c,2011-01-01,1,1,store,0\n");
  WriteFile(dir / "pii.toml", "[customers.fields]\ncustomer_id = \"id\"\nemail = \"mail\"\n");
  WriteFile(dir / "c.csv", "id,mail\n1,a@b.c\n");
  WriteFile(dir / "gbk.toml", "[transactions.fields]\ncustomer_id = \"会员\"\nts = \"日期\"\namount = \"金额\"\n");
  WriteFile(dir / "gbk.csv", "\xBD\xF0\xB6\xEE,\xBB\xE1\xD4\xB1,\xC8\xD5\xC6\xDA\n12.5,M001,2011-01-01\n");
  WriteFile(dir / "eleven.csv.gz", std::string("\x1f\x8b\x08\x00garbage", 11));
  struct Case {
    const char* what;
    std::string args;
    StatusCode code;
  };
  const Case cases[] = {
      {"input not found", mapping + " --transactions " + (dir / "absent.csv").string(), StatusCode::kNotFound},
      {"nothing to ingest", " --mapping " + (dir / "bare.toml").string(), StatusCode::kInvalidArgument},
      {"column not in header", mapping + " --transactions " + (dir / "h.csv").string(), StatusCode::kDataError},
      {"personal data without a key", " --mapping " + (dir / "pii.toml").string() + " --customers " + (dir / "c.csv").string(),
       StatusCode::kInvalidArgument},
      {"not UTF-8", " --mapping " + (dir / "gbk.toml").string() + " --transactions " + (dir / "gbk.csv").string(),
       StatusCode::kDataError},
      {"corrupt gzip", " --mapping " + (dir / "bare.toml").string() + " --transactions " + (dir / "eleven.csv.gz").string(),
       StatusCode::kIOError},
  };
  for (const Case& c : cases) {
    CliRun r = Cli("ingest" + c.args + db);
    EXPECT_EQ(r.exit_code, ExitCodeFor(c.code)) << c.what << ": " << r.out;
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << c.what << ": not one line: " << r.out;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
      EXPECT_FALSE(e.path().filename().string().starts_with("a.db")) << c.what << " left " << e.path();
    r = Cli("quality --db sqlite:" + db_path);
    EXPECT_EQ(r.exit_code, ExitCodeFor(StatusCode::kNotFound)) << c.what << ": " << r.out;
  }
  // The same store path still works for a load that succeeds.
  CliRun ok = Cli("ingest" + mapping + " --transactions " + Fixture("rejects_transactions.csv") + db + " --quiet");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_TRUE(std::filesystem::exists(db_path));
}

}  // namespace
}  // namespace churnwatch

// Checks `churnwatch campaign create` and `campaign report` end to end through the binary:
// an action list becomes a stored campaign whose treated list holds no control customer,
// the JSON keys are there, later orders in the store become outcomes in the report, and a
// bad action list stops with the file, line and field named (exit code of invalid_argument).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/wait.h>

#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

struct CampaignCliRun {
  int exit_code = -1;
  std::string out;
};

CampaignCliRun RunCampaignCli(const std::string& args) {
  CampaignCliRun r;
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(CampaignCli, CreateFromActionListThenReportFromLaterOrders) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + (dir / "c.db").string();
  std::string csv = "customer_id,zone,grade,value_tier,reasons,rules,action,channel,action_cost,expected_benefit,"
                    "deadline,products\n";
  for (int i = 0; i < 400; ++i)
    csv += "C" + std::to_string(i) + "," + (i % 2 ? "red" : "yellow") + ",R1," + (i % 3 ? "high" : "low") +
           ",price|disengagement,,coupon,sms,5.00,20.00,2026-03-02 10:00:00,\n";
  testing::WriteFile(dir / "actions.csv", csv);
  // Every customer buys once, 10 days after the start: the store needs to exist with orders.
  {
    auto store = Store::Open(url);
    ASSERT_TRUE(store.ok());
    auto load = (*store)->BeginLoad({Table::kTransactions, "t", "fp"});
    ASSERT_TRUE(load.ok());
    std::vector<Transaction> rows;
    for (int i = 0; i < 400; ++i) {
      Transaction t;
      t.key = {1, static_cast<std::uint64_t>(i)};
      t.order_id = "O" + std::to_string(i);
      t.customer_id = "C" + std::to_string(i);
      t.ts = static_cast<Timestamp>(*ParseIsoDate("2026-03-11")) * kSecondsPerDay;
      t.amount = 30;
      t.quantity = 1;
      rows.push_back(t);
    }
    ASSERT_TRUE((*load)->AppendTransactions(rows).ok());
    ASSERT_TRUE((*load)->Commit().ok());
  }
  const auto treated = dir / "treated.csv";
  auto r = RunCampaignCli("campaign create --db " + url + " --id spring --start 2026-03-01 --actions " +
                          (dir / "actions.csv").string() + " --out " + treated.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("targets"), 400);
  const int control = j.at("control");
  EXPECT_GE(control, 36);
  EXPECT_LE(control, 44);
  EXPECT_EQ(j.at("treated").get<int>() + control, 400);
  EXPECT_DOUBLE_EQ(j.at("treated_cost").get<double>(), 5.0 * j.at("treated").get<int>());
  EXPECT_EQ(j.at("strata").size(), 4u);

  // The delivery list: treated only.
  const std::string list = testing::ReadFile(treated);
  std::size_t lines = 0;
  for (char ch : list) lines += ch == '\n';
  EXPECT_EQ(static_cast<int>(lines) - 1, j.at("treated").get<int>());
  EXPECT_EQ(list.substr(0, list.find('\n')), "customer_id,action,channel,cause,zone,value_tier,action_cost");

  // Same id again: refused, nothing changes.
  r = RunCampaignCli("campaign create --db " + url + " --id spring --start 2026-03-01 --actions " +
                     (dir / "actions.csv").string() + " --out " + (dir / "again.csv").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("already exists"), std::string::npos) << r.out;

  r = RunCampaignCli("campaign report --db " + url + " --id spring --json --out " + (dir / "report.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto rep = nlohmann::json::parse(r.out);
  EXPECT_EQ(rep.at("treated").get<int>() + rep.at("control").get<int>(), 400);
  const auto& all = rep.at("groups").at(0);
  EXPECT_EQ(all.at("level"), "campaign");
  // Everyone bought 30 on day 10: purchase rate 1 in both arms, uplift 0; revenue 30.
  EXPECT_DOUBLE_EQ(all.at("metrics").at("purchase").at("treated").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(all.at("metrics").at("purchase").at("uplift").get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(all.at("metrics").at("revenue").at("control").get<double>(), 30.0);
  // The orders end on day 10: both windows are immature and say so; and a rate of 100 % in
  // both arms leaves no customer without the outcome, which is too little to tell from.
  const std::string warnings = rep.at("warnings").dump();
  EXPECT_NE(warnings.find("30-day purchase window runs to 2026-03-30"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("90-day win-back window runs to 2026-05-29"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("too small to tell"), std::string::npos) << warnings;
  EXPECT_NE(testing::ReadFile(dir / "report.csv").find("campaign_id,level,action"), std::string::npos);
}

TEST(CampaignCli, BadActionListNamesFileLineAndField) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + (dir / "c.db").string();
  testing::WriteFile(dir / "actions.csv", "customer_id,action,action_cost\nA,coupon,5\nB,coupon,abc\n");
  auto r = RunCampaignCli("campaign create --db " + url + " --id x --actions " + (dir / "actions.csv").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("actions.csv:3: field action_cost: 'abc'"), std::string::npos) << r.out;
  testing::WriteFile(dir / "dup.csv", "customer_id,action\nA,coupon\nA,call\n");
  r = RunCampaignCli("campaign create --db " + url + " --id x --actions " + (dir / "dup.csv").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("dup.csv:3: customer 'A' is listed twice (first on line 2)"), std::string::npos) << r.out;
  r = RunCampaignCli("campaign create --db " + url + " --id x --actoins a.csv");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("did you mean '--actions'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace churnwatch

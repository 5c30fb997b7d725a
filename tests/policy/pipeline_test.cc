// Checks `churnwatch run` as a library call on seeded synthetic data in a SQLite store:
// cutoffs follow the documented defaults, the outputs agree with each other and with the
// store (one customers.csv row per scored customer, funded actions within the budget and
// its tier shares, zone counts adding up, alerts stored), the trained model becomes the
// champion that a "champion" run reuses, and run-config errors name the file and line.
#include <gtest/gtest.h>

#include <set>

#include <fstream>
#include <algorithm>
#include <string_view>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "churnwatch/app/run.h"
#include "churnwatch/service_store.h"
#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

std::size_t Lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

void LoadSynthetic(const std::string& url) {
  testing::SyntheticOptions o;
  o.customers = 600;
  o.seed = 7;
  auto data = testing::MakeSyntheticRetail(o);
  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (Table t : {Table::kCustomers, Table::kTransactions, Table::kEvents}) {
    auto session = (*store)->BeginLoad({t, "synthetic", std::string(TableName(t))});
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    Status s = t == Table::kTransactions ? (*session)->AppendTransactions(data.transactions)
               : t == Table::kCustomers  ? (*session)->AppendCustomers(data.customers)
                                         : (*session)->AppendEvents(data.events);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE((*session)->Commit().ok());
  }
}

TEST(RunPipeline, SyntheticRunOutputsAgree) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + (dir / "cw.db").string();
  LoadSynthetic(url);
  testing::WriteFile(dir / "run.toml", "[run]\nname = \"synthetic\"\nout_dir = \"out\"\nthreads = 1\n"
                                       "[model]\nhorizon_days = 90\n[budget]\ntotal = 300\n");
  auto config = app::LoadRunConfig(dir / "run.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  config->db_url = url;
  EXPECT_EQ(config->out_dir, dir / "out");
  auto run = app::RunWithConfig(*config);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const RunSummary& s = *run;

  // Cutoffs: test = as_of − 90, valid = test − H (its label window [valid, valid + H) ends
  // by the test cutoff: no shared weeks), training every 14 days (the default) before it.
  const DayNumber as_of = *ParseIsoDate(s.as_of);
  EXPECT_EQ(*ParseIsoDate(s.test_cutoff), as_of - 90);
  EXPECT_EQ(*ParseIsoDate(s.valid_cutoff), as_of - 180);
  EXPECT_LE(*ParseIsoDate(s.valid_cutoff) + 90, *ParseIsoDate(s.test_cutoff));
  ASSERT_FALSE(s.train_cutoffs.empty());
  EXPECT_EQ(*ParseIsoDate(s.train_cutoffs.back()), as_of - 194);
  ASSERT_GE(s.train_cutoffs.size(), 2u);
  EXPECT_EQ(*ParseIsoDate(s.train_cutoffs[s.train_cutoffs.size() - 2]), as_of - 208);

  EXPECT_GT(s.customers, 0);
  EXPECT_EQ(s.zones[0] + s.zones[1] + s.zones[2] + s.zones[3], s.customers);
  EXPECT_LE(s.actions, s.action_candidates);
  EXPECT_LE(s.budget_spent, 300 + 1e-9);
  ASSERT_TRUE(s.metrics.count("ensemble"));
  ASSERT_TRUE(s.metrics.count("recency_rule"));
  EXPECT_GT(s.metrics.at("ensemble").at("roc_auc"), 0.5);  // better than chance on a churn signal

  EXPECT_TRUE(std::filesystem::exists(s.report));
  {
    // The report lists grades by meaning (R1..R3, Y1..Y4, B1, B2), not alphabetically, and
    // says the run loaded no files (this store was filled directly).
    const std::string html = testing::ReadFile(s.report);
    const auto begin = html.find("id=\"grades\"");
    ASSERT_NE(begin, std::string::npos);
    const std::string grades = html.substr(begin, html.find("id=\"legend\"", begin) - begin);
    std::vector<int> ranks;
    // ">R1<", ">Y3<", ...: scanned by hand, since std::regex trips GCC 12's
    // -Wmaybe-uninitialized in the sanitizer build.
    for (std::size_t i = 0; i + 3 < grades.size(); ++i)
      if (grades[i] == '>' && std::string_view("RYB").find(grades[i + 1]) != std::string_view::npos &&
          grades[i + 2] >= '1' && grades[i + 2] <= '4' && grades[i + 3] == '<')
        ranks.push_back(static_cast<int>(std::string_view("RYB").find(grades[i + 1])) * 10 + (grades[i + 2] - '0'));
    ASSERT_GE(ranks.size(), 3u) << grades;
    EXPECT_TRUE(std::is_sorted(ranks.begin(), ranks.end())) << grades;
    EXPECT_NE(html.find("This run loaded no new files"), std::string::npos);
    // Customers to contact first: in the order of their deadlines (red's SLA first).
    std::vector<std::string> deadlines;
    const std::string cell = "data-en=\"contact by\" data-zh=\"";
    for (std::size_t at = html.find(cell); at != std::string::npos; at = html.find(cell, at + 1)) {
      const std::size_t open = html.find("\"><div>", at + cell.size());
      if (open == std::string::npos) break;
      const std::size_t from = open + 7;
      deadlines.push_back(html.substr(from, html.find('<', from) - from));
    }
    ASSERT_GE(deadlines.size(), 2u);
    EXPECT_TRUE(std::is_sorted(deadlines.begin(), deadlines.end()));
  }
  EXPECT_EQ(Lines(dir / "out/customers.csv"), static_cast<std::size_t>(s.customers) + 1);
  // customers.csv: the columns of `score --out` (same names, order and formats), then rules.
  {
    std::ifstream csv(dir / "out/customers.csv");
    std::string header, row;
    std::getline(csv, header);
    EXPECT_EQ(header,
              "customer_id,p_churn,expected_days_to_churn,p_alive,clv,value_tier,segment,lifecycle_stage,zone,grade,"
              "reason_1,reason_2,reason_3,action,action_cost,expected_benefit,frequency_tier,reason_1_feature,"
              "reason_1_en,reason_1_zh,model_version,funded,rules");
    std::size_t funded = 0;
    bool some_cost = false;
    while (std::getline(csv, row)) {
      std::vector<std::string> f;
      std::stringstream cells(row);
      std::string cell;
      for (int k = 0; k < 16 && std::getline(cells, cell, ','); ++k) f.push_back(cell);
      ASSERT_EQ(f.size(), 16u) << row;
      for (int k : {4, 14, 15}) {  // clv, action_cost, expected_benefit: two decimals
        if (f[static_cast<std::size_t>(k)].empty()) continue;
        const auto dot = f[static_cast<std::size_t>(k)].find('.');
        EXPECT_EQ(f[static_cast<std::size_t>(k)].size() - dot, 3u) << "column " << k << ": " << row;
      }
      some_cost |= !f[14].empty();
      EXPECT_NE(row.find("," + s.model_version + ","), std::string::npos) << row;
      funded += row.find("," + s.model_version + ",1,") != std::string::npos;
    }
    EXPECT_TRUE(some_cost);
    EXPECT_EQ(funded, static_cast<std::size_t>(s.actions));
  }
  EXPECT_EQ(Lines(dir / "out/actions.csv"), static_cast<std::size_t>(s.actions) + 1);
  {
    // The action list keeps its columns in their order and ends with the reasons in words
    // and a ready message in both languages (issue 16), so a CRM or SMS tool needs no join.
    std::ifstream csv(dir / "out/actions.csv");
    std::string header;
    std::getline(csv, header);
    EXPECT_EQ(header,
              "customer_id,zone,grade,value_tier,reasons,rules,action,channel,action_cost,expected_benefit,deadline,"
              "products,track,p_churn,value_at_stake,runner_up,runner_up_benefit,reason_en,reason_zh,reason_text_en,"
              "reason_text_zh,message_en,message_zh");
  }
  EXPECT_EQ(Lines(dir / "out/alerts.csv"), static_cast<std::size_t>(s.alerts) + 1);

  // The funded actions stay within the budget of 300 (by default the best total, not
  // the tier shares: tests/policy/budget_choice_test.cc checks the split).
  std::ifstream in(dir / "out/actions.json");
  const auto actions = nlohmann::json::parse(in);
  ASSERT_EQ(actions.size(), static_cast<std::size_t>(s.actions));
  double spent[3] = {0, 0, 0};
  double previous = 1e300;
  std::map<std::string, std::string> first_reason_en;
  for (const auto& a : actions) {
    const std::string tier = a["value_tier"];
    spent[tier == "high" ? 0 : tier == "mid" ? 1 : 2] += a["action_cost"].get<double>();
    EXPECT_GT(a["expected_benefit"].get<double>(), 0);
    EXPECT_LE(a["expected_benefit"].get<double>(), previous);  // highest benefit first
    previous = a["expected_benefit"].get<double>();
    EXPECT_FALSE(a["customer_id"].get<std::string>().empty());
    // The reason text is the customer's own first reason sentence (as in customers.csv), and
    // the message is in each language.
    const std::string why_en = a["reason_text_en"], why_zh = a["reason_text_zh"];
    const std::string msg_en = a["message_en"], msg_zh = a["message_zh"];
    EXPECT_FALSE(why_en.empty()) << a.dump();
    EXPECT_FALSE(msg_en.empty()) << a.dump();
    const auto has_cjk_lead = [](const std::string& t) {  // lead bytes of the common CJK blocks in UTF-8
      return std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xE4 && static_cast<unsigned char>(c) <= 0xE9; });
    };
    EXPECT_TRUE(has_cjk_lead(why_zh)) << why_zh;
    EXPECT_TRUE(has_cjk_lead(msg_zh)) << msg_zh;
    EXPECT_TRUE(std::none_of(msg_en.begin(), msg_en.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        << msg_en;
    first_reason_en[a["customer_id"].get<std::string>()] = why_en;
  }
  {
    // Each customer's first model reason (customers.csv reason_1_en, the 19th column) is in
    // their reason text, after the messages of any rules that fired.
    std::ifstream csv(dir / "out/customers.csv");
    std::string row;
    std::getline(csv, row);
    std::size_t matched = 0;
    while (std::getline(csv, row)) {
      if (row.find('"') != std::string::npos) continue;  // a quoted field: not split by commas here
      std::vector<std::string> f;
      std::stringstream cells(row);
      for (std::string cell; std::getline(cells, cell, ',');) f.push_back(cell);
      ASSERT_GE(f.size(), 20u) << row;
      auto it = first_reason_en.find(f[0]);
      if (it == first_reason_en.end() || f[18].empty()) continue;
      EXPECT_NE(it->second.find(f[18]), std::string::npos) << f[0] << ": " << f[18] << " not in " << it->second;
      ++matched;
    }
    EXPECT_GT(matched, 0u);
  }
  EXPECT_LE(spent[0] + spent[1] + spent[2], 300 + 1e-9);

  // The store holds the same alerts and actions.
  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok());
  auto alerts = (*store)->ReadResultTable("alerts");
  ASSERT_TRUE(alerts.ok()) << alerts.status().ToString();
  EXPECT_EQ(alerts->rows(), static_cast<std::size_t>(s.alerts));
  auto stored_actions = (*store)->ReadResultTable("actions");
  ASSERT_TRUE(stored_actions.ok());
  EXPECT_EQ(stored_actions->rows(), static_cast<std::size_t>(s.actions));
  auto doc = (*store)->GetDocument("runs", s.run_id);
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->has_value());

  // The trained model became the champion; a "champion" run scores with it, no retraining.
  auto versions = (*store)->ListDocumentKeys("models");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 1u);
  config->model_mode = RunModelMode::kChampion;
  config->out_dir = dir / "out2";
  auto again = app::RunWithConfig(*config);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->model_version, s.model_version);
  EXPECT_EQ(again->customers, s.customers);
  versions = (*store)->ListDocumentKeys("models");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 1u);

  // Both runs are in the history; the second one opened no alert for a customer whose
  // first-run alert is still open, and deleted none of the first run's alerts.
  auto runs = ListRuns(**store, 10, 0);
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->size(), 2u);
  auto first_alerts = ListAlerts(**store, AlertFilter{.include_closed = true, .limit = 1000000});
  ASSERT_TRUE(first_alerts.ok());
  std::set<std::string> alerted;
  for (const auto& a : *first_alerts) EXPECT_TRUE(alerted.insert(a.customer_id).second) << a.customer_id;
  EXPECT_EQ((*runs)[0].alerts_opened, 0) << "the same customers, still in open alerts";
  EXPECT_GT((*runs)[1].alerts_opened, 0);
  auto changes = CompareWithPreviousRun(**store, (*runs)[0].run_id, 10);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->previous_run_id, (*runs)[1].run_id);
  EXPECT_EQ(changes->entered + changes->left + changes->upgraded + changes->downgraded, 0);  // same data, same model
}

TEST(RunPipeline, ConfigErrorsNameFileAndLine) {
  testing::TempDir dir;
  EXPECT_EQ(app::LoadRunConfig(dir / "missing.toml").status().code(), StatusCode::kNotFound);
  testing::WriteFile(dir / "a.toml", "[model]\n\nas_of = \"2011-13-01\"\n");
  EXPECT_EQ(app::LoadRunConfig(dir / "a.toml").status().message(),
            (dir / "a.toml").string() + ":3: [model] as_of must be a date YYYY-MM-DD, got \"2011-13-01\"");
  testing::WriteFile(dir / "b.toml", "[model]\nformat = \"bakery\"\n");
  auto b = app::LoadRunConfig(dir / "b.toml");
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(b.status().message().find((dir / "b.toml").string() + ":2: [model]"), std::string::npos);
  testing::WriteFile(dir / "c.toml", "[ingest]\ntransactions = \"t.csv\"\n");
  EXPECT_EQ(app::LoadRunConfig(dir / "c.toml").status().message(),
            (dir / "c.toml").string() + ": [ingest] names input files but no mapping");
  testing::WriteFile(dir / "m.toml", "[model]\nmode = \"retrain\"\n");
  EXPECT_EQ(app::LoadRunConfig(dir / "m.toml").status().message(),
            (dir / "m.toml").string() + ":2: [model] mode must be \"train\" or \"champion\", got \"retrain\"");
  testing::WriteFile(dir / "d.toml", "[[rules]]\nname = \"r\"\nwhen = \"a >\"\n");
  EXPECT_NE(app::LoadRunConfig(dir / "d.toml").status().message().find("rule 'r', column 4"), std::string::npos);
}

TEST(RunPipeline, EmptyStoreIsADataError) {
  testing::TempDir dir;
  testing::WriteFile(dir / "run.toml", "[run]\nout_dir = \"out\"\n");
  auto config = app::LoadRunConfig(dir / "run.toml");
  ASSERT_TRUE(config.ok());
  config->db_url = "sqlite:" + (dir / "empty.db").string();
  auto run = app::RunWithConfig(*config);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kDataError);
  EXPECT_NE(run.status().message().find("holds no transactions"), std::string::npos);
  // Nothing was committed, so the run leaves no empty store behind (a later command would
  // otherwise find a store with no rows instead of none).
  EXPECT_FALSE(std::filesystem::exists(dir / "empty.db"));
}

TEST(RunPipeline, AFailedIngestLeavesNoStore) {
  testing::TempDir dir;
  testing::WriteFile(dir / "map.toml", "[transactions]\ncustomer_id = \"c\"\n");
  testing::WriteFile(dir / "run.toml", "[run]\nout_dir = \"out\"\n[ingest]\nmapping = \"map.toml\"\n"
                                       "transactions = \"missing.csv\"\n");
  auto config = app::LoadRunConfig(dir / "run.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  config->db_url = "sqlite:" + (dir / "cw.db").string();
  auto run = app::RunWithConfig(*config);
  ASSERT_FALSE(run.ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "cw.db"));
}

}  // namespace
}  // namespace churnwatch

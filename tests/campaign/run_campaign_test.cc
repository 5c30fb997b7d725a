// Checks what `run` does with the champion and its campaign switch, as a library call on
// seeded synthetic data: the first run promotes its model because there is none; a second
// training run on the same data ties and keeps the champion, saying so, and scores with
// it; with [campaign] create the funded actions become a stored campaign whose treated
// list (campaign-treated.csv) holds no control customer.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "churnwatch/campaign.h"
#include "churnwatch/app/run.h"
#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

void LoadSyntheticForRun(const std::string& url) {
  testing::SyntheticOptions o;
  o.customers = 600;
  o.seed = 7;
  auto data = testing::MakeSyntheticRetail(o);
  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto session = (*store)->BeginLoad({Table::kTransactions, "synthetic", "t"});
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->AppendTransactions(data.transactions).ok());
  ASSERT_TRUE((*session)->Commit().ok());
}

TEST(RunChampionAndCampaign, KeepsATiedChampionAndCreatesTheCampaign) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + (dir / "cw.db").string();
  LoadSyntheticForRun(url);
  testing::WriteFile(dir / "run.toml", "[run]\nname = \"synthetic\"\nout_dir = \"out\"\nthreads = 1\n"
                                       "[model]\nhorizon_days = 90\n[budget]\ntotal = 300\n"
                                       "[campaign]\ncreate = true\ncontrol_share = 0.2\n");
  auto config = app::LoadRunConfig(dir / "run.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->campaign_create);
  EXPECT_DOUBLE_EQ(config->campaign_control_share, 0.2);
  config->db_url = url;
  auto first = app::RunWithConfig(*config);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_NE(first->champion_note.find("there was no champion"), std::string::npos) << first->champion_note;
  ASSERT_FALSE(first->campaign_id.empty());
  EXPECT_EQ(first->campaign_treated + first->campaign_control, first->actions);

  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok());
  auto rows = (*store)->ReadCampaignAssignments(first->campaign_id);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::set<std::string> control;
  for (const auto& r : *rows)
    if (r.control) control.insert(r.customer_id);
  EXPECT_EQ(static_cast<std::int64_t>(control.size()), first->campaign_control);
  std::ifstream list(dir / "out" / "campaign-treated.csv");
  std::string line;
  std::getline(list, line);
  std::int64_t listed = 0;
  while (std::getline(list, line)) {
    ++listed;
    EXPECT_FALSE(control.count(line.substr(0, line.find(',')))) << line;
  }
  EXPECT_EQ(listed, first->campaign_treated);

  // Same data, train again: the challenger ties, the champion stays and serves.
  config->out_dir = dir / "out2";
  auto second = app::RunWithConfig(*config);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(second->champion_note.find("kept the champion " + first->model_version), std::string::npos)
      << second->champion_note;
  EXPECT_EQ(second->model_version, first->model_version);
  auto versions = (*store)->ListDocumentKeys("models");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 2u);  // the challenger is registered, not promoted
  // A typo'd value in [campaign] is an error naming file and line.
  testing::WriteFile(dir / "bad.toml", "[campaign]\ncreate = \"yes\"\n");
  auto bad = app::LoadRunConfig(dir / "bad.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.toml:2: [campaign] create must be true or false"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace churnwatch

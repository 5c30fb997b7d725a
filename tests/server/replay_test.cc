// Incremental state equals batch features (slow tier, real data): Online Retail up to
// 2011-11-09 is loaded into a store and a small champion is trained on it; the last month
// (2011-11-09 .. 2011-12-09) is then replayed through POST /v1/orders in time order. For
// every customer the replay touched, the features the server holds (GET /v1/customers/ID,
// computed from that customer's own history when their rows arrived) must equal exactly
// what the batch feature engine computes over the store at the same cutoff.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "churnwatch/features.h"
#include "churnwatch/service_store.h"
#include "churnwatch/store.h"
#include "server_harness.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

std::string OrderLine(const Transaction& t) {
  nlohmann::json j = {{"order_id", t.order_id}, {"customer_id", t.customer_id}, {"ts", t.ts},
                      {"amount", t.amount},     {"quantity", t.quantity},       {"is_return", t.is_return}};
  if (!std::isnan(t.discount)) j["discount"] = t.discount;
  if (t.channel != Channel::kUnknown) j["channel"] = std::string(ChannelName(t.channel));
  if (!t.store_id.empty()) j["store_id"] = t.store_id;
  if (!t.sku.empty()) j["sku"] = t.sku;
  if (!t.category.empty()) j["category"] = t.category;
  return j.dump();
}

TEST(ServeReplay, OnlineRetailLastMonthFeaturesEqualTheBatchEngine) {
  CW_REQUIRE_SHARED_DATA(csv, "online_retail/online_retail.csv.gz");
  testing::TempDir dir;
  const std::string full = "sqlite:" + (dir / "full.db").string();
  std::string out;
  ASSERT_EQ(testing::RunCli("ingest --quiet --db " + full + " --mapping " +
                                testing::SourceFile("examples/mappings/online_retail.toml").string() + " --transactions " +
                                csv.string() + " --rejects-dir " + dir.path().string(),
                            out),
            0)
      << out;
  const Timestamp cut = static_cast<Timestamp>(*ParseIsoDate("2011-11-09")) * kSecondsPerDay;
  std::vector<Transaction> history, replay;
  {
    auto store = Store::Open(full);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->ScanTransactions([&](std::span<const Transaction> rows) {
                      for (const auto& t : rows) (t.ts < cut ? history : replay).push_back(t);
                      return Status::OK();
                    })
                    .ok());
  }
  std::stable_sort(replay.begin(), replay.end(), [](const Transaction& a, const Transaction& b) { return a.ts < b.ts; });
  ASSERT_GT(replay.size(), 10000u);
  const std::string url = "sqlite:" + (dir / "serve.db").string();
  std::string admin;
  {
    auto store = Store::Open(url);
    ASSERT_TRUE(store.ok());
    auto session = (*store)->BeginLoad({Table::kTransactions, "history", "history"});
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->AppendTransactions(history).ok());
    ASSERT_TRUE((*session)->Commit().ok());
    session->reset();
    auto k = CreateApiKey(**store, Role::kAdmin, {}, "replay", 1);
    ASSERT_TRUE(k.ok());
    admin = k->secret;
  }
  ASSERT_EQ(testing::RunCli("train --db " + url +
                                " --train-cutoffs 2011-06-01,2011-07-01 --valid-cutoff 2011-08-01 --max-rounds 20 --threads 2",
                            out),
            0)
      << out;
  testing::WriteFile(dir / "serve.toml", "[server]\nport = 0\nthreads = 2\ndb = \"" + url +
                                             "\"\n[limits]\nrate_per_second = 100000\nrate_burst = 100000\n");
  testing::ServerProcess server;
  std::string why;
  ASSERT_TRUE(server.Start(dir / "serve.toml", dir / "server.log", why)) << why;
  auto client = server.Client();
  const httplib::Headers h = {{"Authorization", "Bearer " + admin}};
  std::set<std::string> touched;
  std::int64_t accepted = 0, duplicates = 0;
  for (std::size_t i = 0; i < replay.size(); i += 2000) {
    std::string body;
    for (std::size_t k = i; k < std::min(replay.size(), i + 2000); ++k) {
      body += OrderLine(replay[k]) + "\n";
      touched.insert(replay[k].customer_id);
    }
    auto res = client.Post("/v1/orders", h, body, "application/x-ndjson");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body.substr(0, 500);
    const auto j = nlohmann::json::parse(res->body);
    ASSERT_EQ(j["rejected"], 0) << res->body.substr(0, 500);
    accepted += j["accepted"].get<std::int64_t>();
    duplicates += j["duplicates"].get<std::int64_t>();
  }
  EXPECT_GT(accepted, 10000);
  // The batch engine over exactly what the server stored.
  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok());
  auto cols = LoadColumnsFromStore(**store, 2);
  ASSERT_TRUE(cols.ok());
  std::map<DayNumber, FeatureTable> batch;
  std::size_t compared = 0, values = 0;
  for (const auto& id : touched) {
    auto res = client.Get("/v1/customers/" + id, h);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << id << ": " << res->body.substr(0, 300);
    const auto j = nlohmann::json::parse(res->body);
    if (j["as_of"].is_null()) continue;  // not eligible (no purchase in the look-back)
    const DayNumber as_of = *ParseIsoDate(j["as_of"].get<std::string>());
    if (!batch.count(as_of)) {
      FeatureOptions opt;
      opt.threads = 2;
      opt.eligibility = Eligibility::kLookback;
      opt.segments = false;
      auto t = BuildFeatureTable(*cols, std::span<const DayNumber>(&as_of, 1), opt);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      batch.emplace(as_of, std::move(*t));
    }
    const FeatureTable& b = batch.at(as_of);
    const auto row = std::find(b.customer_ids.begin(), b.customer_ids.end(), id);
    ASSERT_NE(row, b.customer_ids.end()) << id << " is eligible in the server but not in the batch at " << j["as_of"];
    const std::size_t r = static_cast<std::size_t>(row - b.customer_ids.begin());
    std::map<std::string, double> served;
    for (const auto& f : j["features"]) served[f["name"]] = f["value"].is_null() ? kNaN : f["value"].get<double>();
    for (std::size_t f = 0; f < b.num_features(); ++f) {
      ASSERT_TRUE(served.count(b.names[f])) << b.names[f];
      const double x = served[b.names[f]], y = b.columns[f][r];
      if (std::isnan(y)) {
        EXPECT_TRUE(std::isnan(x)) << id << " " << b.names[f];
      } else {
        EXPECT_EQ(x, y) << id << " " << b.names[f] << " at " << j["as_of"];
      }
      ++values;
    }
    ++compared;
  }
  EXPECT_GT(compared, 1000u);
  RecordProperty("customers_compared", static_cast<int>(compared));
  RecordProperty("values_compared", static_cast<int>(values));
  std::printf("replayed %zu rows (%lld accepted, %lld duplicates), compared %zu customers, %zu values\n", replay.size(),
              static_cast<long long>(accepted), static_cast<long long>(duplicates), compared, values);
}

}  // namespace
}  // namespace churnwatch

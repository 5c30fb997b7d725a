// Durability of `churnwatch serve` under SIGKILL, on SQLite and on PostgreSQL: a client
// posts batches of orders and complaint events (which raise alerts and webhook deliveries)
// while the server is killed at a random moment, over and over; after each kill the client
// posts its unanswered batch again, as a real client retries. At the end: every
// acknowledged order is stored exactly once, no order is stored twice, at most one alert is
// open per customer, and every outbox delivery reached the webhook receiver (which honours
// the Idempotency-Key header) exactly once as far as the receiver is concerned.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "churnwatch/service_store.h"
#include "churnwatch/store.h"
#include "server_harness.h"
#include "store_test_util.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::ServerProcess;
using testing::TempDir;
using testing::WebhookReceiver;

class DurabilityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DurabilityTest, KilledServersLoseNoAcknowledgedRowAndApplyNoneTwice) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  TempDir dir;
  WebhookReceiver receiver;
  ASSERT_EQ(testing::BuildTrainedStoreAt(db->url(), 150, 23), "");
  std::string admin;
  std::vector<std::string> customers;
  {
    auto store = Store::Open(db->url());
    ASSERT_TRUE(store.ok());
    auto k = CreateApiKey(**store, Role::kAdmin, {}, "durability", 1);
    ASSERT_TRUE(k.ok());
    admin = k->secret;
    std::set<std::string> ids;
    ASSERT_TRUE((*store)
                    ->ScanTransactions([&](std::span<const Transaction> rows) {
                      for (const auto& t : rows) ids.insert(t.customer_id);
                      return Status::OK();
                    })
                    .ok());
    customers.assign(ids.begin(), ids.end());
  }
  const auto config = dir / "serve.toml";
  testing::WriteFile(config, "[server]\nport = 0\ndb = \"" + db->url() +
                                 "\"\nthreads = 2\n[limits]\nrate_per_second = 100000\nrate_burst = 100000\n[webhooks]\n"
                                 "backoff_seconds = 0.05\nmax_attempts = 100\n[[webhook]]\nname = \"hook\"\nformat = "
                                 "\"json\"\nurl = \"http://127.0.0.1:" +
                                 std::to_string(receiver.port()) + "/hook\"\nzones = [\"red\", \"yellow\", \"blue\"]\n");
  std::mt19937_64 rng(GetParam() == "sqlite" ? 1 : 2);
  std::set<std::string> acknowledged;
  std::optional<std::pair<std::string, std::string>> pending;  // (path, body) not answered yet
  int batch_no = 0;
  const int trials = 25;
  for (int trial = 0; trial < trials; ++trial) {
    ServerProcess server;
    std::string why;
    ASSERT_TRUE(server.Start(config, dir / "server.log", why)) << why;
    std::atomic<bool> stop{false};
    std::thread client([&] {
      auto c = server.Client();
      httplib::Headers h = {{"Authorization", "Bearer " + admin}};
      while (!stop) {
        std::pair<std::string, std::string> req;
        std::vector<std::string> ids;
        if (pending) {
          req = *pending;
        } else {
          const int b = batch_no++;
          const std::string& cust = customers[static_cast<std::size_t>(b) % customers.size()];
          if (b % 3 == 2) {
            req.first = "/v1/events";
            for (int k = 0; k < 3; ++k)
              req.second += R"({"event_id":"D)" + std::to_string(b) + "-" + std::to_string(k) + R"(","customer_id":")" +
                            cust + R"(","ts":"2011-12-2)" + std::to_string(k) + R"(","type":"complaint"})" "\n";
          } else {
            req.first = "/v1/orders";
            for (int k = 0; k < 5; ++k) {
              const std::string& who = customers[static_cast<std::size_t>(b * 5 + k) % customers.size()];
              req.second += R"({"order_id":"D)" + std::to_string(b) + "-" + std::to_string(k) + R"(","customer_id":")" +
                            who + R"(","ts":"2011-12-30T10:00:00","amount":)" + std::to_string(5 + k) +
                            R"(,"store_id":"S01"})" "\n";
            }
          }
          pending = req;
        }
        auto res = c.Post(req.first, h, req.second, "application/x-ndjson");
        if (!res) return;  // killed: the batch stays pending and is posted again
        if (res->status != 200) {
          ADD_FAILURE() << res->status << " " << res->body;
          return;
        }
        const auto j = nlohmann::json::parse(res->body);
        if (req.first == "/v1/orders")
          for (const auto& l : j["lines"])
            if (l["status"] == "accepted" || l["status"] == "duplicate") {
              // order ids in the order the lines were written
              const std::size_t line = l["line"].get<std::size_t>();
              std::size_t pos = 0;
              for (std::size_t n = 1; n < line; ++n) pos = req.second.find('\n', pos) + 1;
              const auto id_at = req.second.find("\"order_id\":\"", pos) + 12;
              acknowledged.insert(req.second.substr(id_at, req.second.find('"', id_at) - id_at));
            }
        pending.reset();
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 400));
    server.Kill(SIGKILL);
    stop = true;
    client.join();
  }
  // A last, clean run delivers whatever the outbox still holds.
  {
    ServerProcess server;
    std::string why;
    ASSERT_TRUE(server.Start(config, dir / "server.log", why)) << why;
    auto store = Store::Open(db->url());
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 400; ++i) {
      auto items = ListOutbox(**store, 100000);
      ASSERT_TRUE(items.ok());
      bool all = true;
      for (const auto& o : *items) all = all && o.status == OutboxStatus::kDelivered;
      if (all) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    server.Kill(SIGTERM);
  }
  auto store = Store::Open(db->url());
  ASSERT_TRUE(store.ok());
  std::map<std::string, int> stored;
  ASSERT_TRUE((*store)
                  ->ScanTransactions([&](std::span<const Transaction> rows) {
                    for (const auto& t : rows)
                      if (t.order_id.starts_with("D")) ++stored[t.order_id];
                    return Status::OK();
                  })
                  .ok());
  EXPECT_GT(acknowledged.size(), 50u) << "the client got too few answers to test anything";
  for (const auto& id : acknowledged) EXPECT_EQ(stored[id], 1) << "acknowledged order " << id;
  for (const auto& [id, n] : stored) EXPECT_EQ(n, 1) << "order " << id << " applied " << n << " times";
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM (SELECT customer_id FROM alerts WHERE state <> 'closed' GROUP BY "
                         "customer_id HAVING count(*) > 1) x"),
            0);
  auto outbox = ListOutbox(**store, 100000);
  ASSERT_TRUE(outbox.ok());
  EXPECT_FALSE(outbox->empty()) << "no alert was raised: the test did not exercise the outbox";
  const auto received = receiver.CountsByKey();
  std::set<std::string> keys;
  for (const auto& o : *outbox) {
    EXPECT_EQ(o.status, OutboxStatus::kDelivered) << o.idempotency_key << ": " << o.last_error;
    EXPECT_TRUE(received.count(o.idempotency_key)) << o.idempotency_key << " never reached the receiver";
    EXPECT_TRUE(keys.insert(o.idempotency_key).second);
  }
  // The receiver processed each key once (repeats, if any, were recognised by their key).
  EXPECT_EQ(receiver.Bodies().size(), received.size());
  for (const auto& [key, n] : received) EXPECT_TRUE(keys.count(key)) << key << " is not an outbox row";
}

INSTANTIATE_TEST_SUITE_P(Backends, DurabilityTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace churnwatch

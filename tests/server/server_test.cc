// `churnwatch serve` end to end: the real binary on loopback over a seeded synthetic store
// with a trained champion. Checks the auth matrix (every route × no key, wrong key, viewer,
// manager of the customer's store, manager of another store, admin), that viewers never see
// personal fields, the error shape and statuses (400 naming the field, 404, 405, 409, 413,
// 429), the alert lifecycle, intake with per-line results applied once, the audit log, and
// a webhook delivered once per idempotency key in the WeCom format after retries.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

#include "churnwatch/service_store.h"
#include "churnwatch/store.h"
#include "server_harness.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::ServerProcess;
using testing::TempDir;
using testing::WebhookReceiver;

struct Keys {
  std::string viewer, manager_own, manager_other, admin, flood;
};

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    receiver_ = new WebhookReceiver();
    const auto db = *dir_ / "serve.db";
    const std::string err = testing::BuildTrainedStore(db, 400, 17);
    ASSERT_EQ(err, "");
    url_ = "sqlite:" + db.string();
    auto store = Store::Open(url_);
    ASSERT_TRUE(store.ok());
    // A customer whose latest purchase was in store S01, and one in another store.
    auto data = testing::MakeSyntheticRetail({.seed = 17, .customers = 400});
    std::map<std::string, std::pair<Timestamp, std::string>> last;
    for (const auto& t : data.transactions)
      if (!t.store_id.empty() && t.ts >= last[t.customer_id].first) last[t.customer_id] = {t.ts, t.store_id};
    for (const auto& [id, v] : last) {
      if (v.second == "S01" && !own_customer_.empty() && second_own_.empty()) second_own_ = id;
      if (v.second == "S01" && own_customer_.empty()) own_customer_ = id;
      if (v.second == "S02" && other_customer_.empty()) other_customer_ = id;
      if (v.second == "S03" && overdue_customer_.empty()) overdue_customer_ = id;
    }
    ASSERT_FALSE(own_customer_.empty());
    ASSERT_FALSE(other_customer_.empty());
    ASSERT_FALSE(overdue_customer_.empty());
    auto key = [&](Role r, std::vector<std::string> stores) {
      auto k = CreateApiKey(**store, r, std::move(stores), "test", 1);
      EXPECT_TRUE(k.ok()) << k.status().ToString();
      return k->secret;
    };
    keys_.viewer = key(Role::kViewer, {});
    keys_.manager_own = key(Role::kManager, {"S01"});
    keys_.manager_other = key(Role::kManager, {"S03"});
    keys_.admin = key(Role::kAdmin, {});
    keys_.flood = key(Role::kViewer, {});
    // An open alert for the S01 customer, as a run would raise it.
    ASSERT_TRUE((*store)
                    ->InTransaction([&](SqlTxn& txn) -> Status {
                      AlertInput in;
                      in.customer_id = own_customer_;
                      in.store_id = "S01";
                      in.zone = "yellow";
                      in.kind = "zone";
                      in.source = "run";
                      const UnixSeconds now = std::time(nullptr);
                      CW_ASSIGN_OR_RETURN(auto r, RaiseAlert(txn, in, now));
                      alert_id_ = r.alert_id;
                      in.customer_id = second_own_;
                      CW_ASSIGN_OR_RETURN(auto r2, RaiseAlert(txn, in, now));
                      second_alert_id_ = r2.alert_id;
                      // One alert raised long ago: overdue for its response time from the start.
                      in.customer_id = overdue_customer_;
                      in.store_id = "S03";
                      return RaiseAlert(txn, in, 1000).status();
                    })
                    .ok());
    store->reset();
    config_ = *dir_ / "serve.toml";
    testing::WriteFile(config_, "[server]\nbind = \"127.0.0.1\"\nport = 0\ndb = \"" + url_ +
                                    "\"\npublic_url = \"https://cw.example\"\nthreads = 3\n[limits]\nmax_body_bytes = "
                                    "200000\nrate_per_second = 20\nrate_burst = 60\n[webhooks]\nbackoff_seconds = "
                                    "0.2\nmax_attempts = 5\n[[webhook]]\nname = \"ops\"\nformat = \"wecom\"\nurl = "
                                    "\"http://127.0.0.1:" +
                                    std::to_string(receiver_->port()) + "/cgi-bin/webhook/send?key=abc\"\nzones = [\"red\"]\n");
    server_ = new ServerProcess();
    std::string why;
    ASSERT_TRUE(server_->Start(config_, *dir_ / "server.log", why)) << why;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete receiver_;
    delete dir_;
  }

  static httplib::Result Call(const std::string& method, const std::string& path, const std::string& key,
                              const std::string& body = "") {
    auto c = server_->Client();
    httplib::Headers h;
    if (!key.empty()) h.emplace("Authorization", "Bearer " + key);
    if (method == "GET") return c.Get(path, h);
    if (method == "DELETE") return c.Delete(path, h);
    return c.Post(path, h, body, "application/json");
  }

  static TempDir* dir_;
  static WebhookReceiver* receiver_;
  static ServerProcess* server_;
  static std::string url_, own_customer_, other_customer_;
  static std::filesystem::path config_;
  static Keys keys_;
  static std::int64_t alert_id_, second_alert_id_;
  static std::string second_own_, overdue_customer_;
};

TempDir* ServeTest::dir_ = nullptr;
WebhookReceiver* ServeTest::receiver_ = nullptr;
ServerProcess* ServeTest::server_ = nullptr;
std::string ServeTest::url_, ServeTest::own_customer_, ServeTest::other_customer_;
std::filesystem::path ServeTest::config_;
Keys ServeTest::keys_;
std::int64_t ServeTest::alert_id_ = 0, ServeTest::second_alert_id_ = 0;
std::string ServeTest::second_own_, ServeTest::overdue_customer_;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(ServeTest, AuthMatrixEveryRouteEveryCaller) {
  // Expected status per caller: none, wrong key, viewer, manager of S01, manager of S03, admin.
  struct Case {
    std::string method, path, body;
    std::array<int, 6> expect;
  };
  const std::string a = "/v1/alerts/" + std::to_string(second_alert_id_);
  const std::string order = R"({"order_id":"M1","customer_id":")" + own_customer_ +
                            R"(","ts":"2011-12-30T10:00:00","amount":12.5,"store_id":"S01"})";
  const std::string event = R"({"event_id":"ME1","customer_id":")" + own_customer_ +
                            R"(","ts":"2011-12-30T10:00:00","type":"app_login"})";
  const std::vector<Case> cases = {
      {"GET", "/v1/health", "", {200, 200, 200, 200, 200, 200}},
      {"GET", "/v1/metrics", "", {401, 401, 200, 200, 200, 200}},
      {"GET", "/v1/customers", "", {401, 401, 200, 200, 200, 200}},
      {"GET", "/v1/customers/" + own_customer_, "", {401, 401, 200, 200, 403, 200}},
      {"GET", "/v1/customers/" + other_customer_, "", {401, 401, 200, 403, 403, 200}},
      {"GET", "/v1/alerts", "", {401, 401, 200, 200, 200, 200}},
      {"GET", a, "", {401, 401, 200, 200, 403, 200}},
      // The lifecycle in order: the first permitted caller changes the state, later ones conflict.
      {"POST", a + "/acknowledge", "", {401, 401, 403, 200, 403, 409}},
      {"POST", a + "/assign", R"({"assignee":"wang"})", {401, 401, 403, 200, 403, 200}},
      {"POST", a + "/action", R"({"action":"vip_call","note":"left a message"})", {401, 401, 403, 200, 403, 200}},
      {"GET", "/v1/runs", "", {401, 401, 200, 200, 200, 200}},
      {"GET", "/v1/runs/none/changes", "", {401, 401, 404, 404, 404, 404}},
      {"GET", "/v1/kpis", "", {401, 401, 200, 200, 200, 200}},
      {"GET", "/v1/model", "", {401, 401, 200, 200, 200, 200}},
      {"POST", "/v1/orders", order, {401, 401, 403, 403, 403, 200}},
      {"POST", "/v1/events", event, {401, 401, 403, 403, 403, 200}},
      {"GET", "/v1/keys", "", {401, 401, 403, 403, 403, 200}},
      {"POST", "/v1/keys", R"({"role":"viewer"})", {401, 401, 403, 403, 403, 201}},
      {"DELETE", "/v1/keys/k_000000000000", "", {401, 401, 403, 403, 403, 404}},
      {"GET", "/v1/audit", "", {401, 401, 403, 403, 403, 200}},
      {"GET", "/v1/outbox", "", {401, 401, 403, 403, 403, 200}},
      {"POST", a + "/close", R"({"outcome":"not_reachable"})", {401, 401, 403, 200, 403, 409}},
  };
  const std::array<std::string, 6> callers = {"", "cw_wrong_key", keys_.viewer, keys_.manager_own, keys_.manager_other,
                                              keys_.admin};
  const std::array<const char*, 6> names = {"no key", "wrong key", "viewer", "manager S01", "manager S03", "admin"};
  for (const auto& c : cases) {
    for (std::size_t k = 0; k < callers.size(); ++k) {
      auto res = Call(c.method, c.path, callers[k], c.body);
      ASSERT_TRUE(res) << c.method << " " << c.path;
      EXPECT_EQ(res->status, c.expect[k]) << c.method << " " << c.path << " as " << names[k] << ": " << res->body;
      auto j = nlohmann::json::parse(res->body, nullptr, false);
      if (res->status >= 400) {
        ASSERT_TRUE(j.is_object()) << res->body;
        EXPECT_TRUE(j.contains("code") && j.contains("message") && j.contains("details")) << res->body;
        // A refused read shows nothing of the customer.
        EXPECT_FALSE(j.contains("profile")) << res->body;
      }
    }
  }
  // Every route of the table appears in the matrix (openapi_test checks the table itself).
  EXPECT_EQ(cases.size(), 22u);
}

TEST_F(ServeTest, ViewersSeePersonalFieldsMaskedOthersSeeThem) {
  auto v = Call("GET", "/v1/customers/" + own_customer_, keys_.viewer);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->status, 200);
  const auto vj = nlohmann::json::parse(v->body);
  ASSERT_TRUE(vj["profile"].is_object()) << v->body;
  EXPECT_TRUE(vj["profile"]["masked"].get<bool>());
  EXPECT_TRUE(vj["profile"]["birth_year"].is_null());
  for (const char* f : {"phone_hash", "email_hash", "name_hash", "gender"})
    EXPECT_TRUE(vj["profile"][f].is_null() || vj["profile"][f] == "***") << f << ": " << vj["profile"][f];
  auto m = Call("GET", "/v1/customers/" + own_customer_, keys_.manager_own);
  const auto mj = nlohmann::json::parse(m->body);
  EXPECT_FALSE(mj["profile"]["masked"].get<bool>());
  // The 360° view: features with the segment median, scores, reasons, timeline.
  ASSERT_FALSE(mj["features"].empty());
  EXPECT_TRUE(mj["features"][0].contains("segment_median"));
  EXPECT_TRUE(mj["score"]["p_churn"].is_number());
  EXPECT_FALSE(mj["timeline"].empty());
  bool purchase = false;
  for (const auto& t : mj["timeline"]) purchase = purchase || t["type"] == "purchase";
  EXPECT_TRUE(purchase);
  // Both reads are in the audit log, with who read whose data.
  auto audit = Call("GET", "/v1/audit?customer_id=" + own_customer_, keys_.admin);
  const auto aj = nlohmann::json::parse(audit->body);
  int reads = 0;
  for (const auto& e : aj["items"])
    if (e["action"] == "GET /v1/customers/{customer_id}" && e["status"] == 200) ++reads;
  EXPECT_GE(reads, 2);
}

TEST_F(ServeTest, ErrorsNameTheProblem) {
  auto r = Call("GET", "/v1/customers?limit=abc", keys_.admin);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Has(r->body, "limit")) << r->body;
  r = Call("GET", "/v1/customers/nobody-here", keys_.admin);
  EXPECT_EQ(r->status, 404);
  r = Call("GET", "/v1/nothing", keys_.admin);
  EXPECT_EQ(r->status, 404);
  r = Call("DELETE", "/v1/customers", keys_.admin);
  EXPECT_EQ(r->status, 405);
  r = Call("POST", "/v1/alerts/" + std::to_string(alert_id_) + "/close", keys_.admin, R"({"outcome":"maybe"})");
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Has(r->body, "outcome")) << r->body;
  r = Call("POST", "/v1/alerts/" + std::to_string(alert_id_) + "/assign", keys_.admin, "{not json");
  EXPECT_EQ(r->status, 400);
  r = Call("POST", "/v1/alerts/abc/assign", keys_.admin, R"({"assignee":"x"})");
  EXPECT_EQ(r->status, 400);
  // 413: a body over the configured limit.
  r = Call("POST", "/v1/orders", keys_.admin, std::string(300000, ' '));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(Has(r->body, "payload_too_large")) << r->body;
}

TEST_F(ServeTest, RateLimitAnswers429PerKey) {
  // Burst 60, then 20 per second: a client faster than 20 requests a second meets 429.
  int limited = 0;
  for (int i = 0; i < 3000; ++i) {
    auto r = Call("GET", "/v1/runs", keys_.flood);
    if (r->status == 429) {
      ++limited;
      EXPECT_TRUE(Has(r->body, "rate_limited"));
      break;
    }
  }
  EXPECT_EQ(limited, 1);
  // Another key is not affected.
  EXPECT_EQ(Call("GET", "/v1/runs", keys_.viewer)->status, 200);
}

TEST_F(ServeTest, IntakeAnswersPerLineAndAppliesEachRowOnce) {
  const std::string c = other_customer_;
  const std::string body = R"({"order_id":"N1","customer_id":")" + c +
                           R"(","ts":"2011-12-30T09:00:00","amount":20,"store_id":"S02","sku":"A"})" "\n" +
                           R"({"order_id":"N2","customer_id":")" + c + R"(","ts":"2011-12-30","amount":"ten"})" "\n\n" +
                           R"({"order_id":"N3","customer_id":")" + c + R"(","ts":"2011-12-30","amount":5,"colour":"red"})" +
                           "\n" + R"({"order_id":"N1","customer_id":")" + c +
                           R"(","ts":"2011-12-30T09:00:00","amount":20,"store_id":"S02","sku":"A"})";
  auto r = Call("POST", "/v1/orders", keys_.admin, body);
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j["accepted"], 1);
  EXPECT_EQ(j["duplicates"], 1);
  EXPECT_EQ(j["rejected"], 2);
  ASSERT_EQ(j["lines"].size(), 4u);
  EXPECT_EQ(j["lines"][1]["line"], 2);
  EXPECT_TRUE(Has(j["lines"][1]["error"], "amount")) << j["lines"][1];
  EXPECT_EQ(j["lines"][2]["line"], 4);  // the blank line 3 is skipped
  EXPECT_TRUE(Has(j["lines"][2]["error"], "colour")) << j["lines"][2];
  // Posting again (a client retry) applies nothing twice.
  r = Call("POST", "/v1/orders", keys_.admin, body);
  j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j["accepted"], 0);
  EXPECT_EQ(j["duplicates"], 2);
  auto store = Store::Open(url_);
  ASSERT_TRUE(store.ok());
  std::int64_t n1 = 0;
  ASSERT_TRUE((*store)
                  ->ScanTransactions([&](std::span<const Transaction> rows) {
                    for (const auto& t : rows) n1 += t.order_id == "N1";
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(n1, 1);
  // The 360° view shows the new purchase.
  auto v = Call("GET", "/v1/customers/" + c, keys_.admin);
  EXPECT_TRUE(Has(v->body, "\"N1\"")) << v->body.substr(0, 500);
}

TEST_F(ServeTest, RuleAlertReachesTheWebhookOnceAfterRetries) {
  receiver_->FailNext(2);  // two failed attempts, then success
  std::string body;
  for (int i = 0; i < 3; ++i)
    body += R"({"event_id":"CPL)" + std::to_string(i) + R"(","customer_id":")" + own_customer_ +
            R"(","ts":"2011-12-29T1)" + std::to_string(i) + R"(:00:00","type":"complaint"})" "\n";
  auto r = Call("POST", "/v1/events", keys_.admin, body);
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j["accepted"], 3);
  ASSERT_FALSE(j["alerts"].empty()) << r->body;
  EXPECT_EQ(j["alerts"][0]["zone"], "red");
  // Wait for delivery (backoff 0.2 s, doubling; the thread polls twice a second).
  for (int i = 0; i < 200 && receiver_->Bodies().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto bodies = receiver_->Bodies();
  ASSERT_EQ(bodies.size(), 1u);
  const auto wj = nlohmann::json::parse(bodies[0]);
  EXPECT_EQ(wj["msgtype"], "markdown");
  const std::string text = wj["markdown"]["content"];
  EXPECT_TRUE(Has(text, own_customer_)) << text;
  EXPECT_TRUE(Has(text, "红色")) << text;
  EXPECT_TRUE(Has(text, "https://cw.example/v1/customers/" + own_customer_)) << text;
  EXPECT_TRUE(Has(text, "截止")) << text;
  EXPECT_GE(receiver_->Paths().size(), 3u);  // two refused attempts and the delivery
  for (const auto& [key, n] : receiver_->CountsByKey()) EXPECT_EQ(n, 1) << key;
  auto outbox = Call("GET", "/v1/outbox", keys_.admin);
  const auto oj = nlohmann::json::parse(outbox->body);
  ASSERT_FALSE(oj["items"].empty());
  EXPECT_EQ(oj["items"][0]["status"], "delivered");
  EXPECT_EQ(oj["items"][0]["attempts"], 3);
}

TEST_F(ServeTest, AlertLifecycleThroughTheApi) {
  const std::string a = "/v1/alerts/" + std::to_string(alert_id_);
  auto r = Call("POST", a + "/acknowledge", keys_.manager_own);
  // Acknowledging works once (the matrix may have recorded an action first: then 409).
  ASSERT_TRUE(r->status == 200 || r->status == 409) << r->body;
  r = Call("POST", a + "/close", keys_.manager_own, R"({"outcome":"won_back","note":"came back"})");
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j["state"], "closed");
  EXPECT_EQ(j["outcome"], "won_back");
  r = Call("POST", a + "/close", keys_.admin, R"({"outcome":"lost"})");
  EXPECT_EQ(r->status, 409);
  EXPECT_TRUE(Has(r->body, "conflict")) << r->body;
  r = Call("GET", "/v1/alerts?state=closed", keys_.manager_own);
  EXPECT_TRUE(Has(r->body, "\"won_back\"")) << r->body;
  // The alert seeded long ago is overdue: the server escalated it for its SLA.
  bool overdue = false;
  for (int i = 0; i < 100 && !overdue; ++i) {
    r = Call("GET", "/v1/customers/" + overdue_customer_, keys_.admin);
    overdue = Has(r->body, "alert_sla_overdue");
    if (!overdue) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(overdue) << r->body.substr(0, 2000);
}

}  // namespace
}  // namespace churnwatch

// The service tables on both stores: one alert per customer per episode, escalation on a
// zone upgrade, the lifecycle and its conflicts, run history that is never overwritten,
// hashed API keys, the audit log and the outbox's retry bookkeeping.
#include <gtest/gtest.h>

#include <array>

#include "churnwatch/service_store.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

using testing::TestDatabase;

class ServiceStoreTest : public ::testing::TestWithParam<std::string> {};

std::unique_ptr<Store> MustOpen(const std::string& url) {
  auto r = Store::Open(url);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

AlertInput Input(std::string customer, std::string zone, std::string store = "S1") {
  AlertInput a;
  a.customer_id = std::move(customer);
  a.zone = std::move(zone);
  a.store_id = std::move(store);
  a.kind = "zone";
  a.reason = "price";
  a.source = "run";
  return a;
}

Result<RaiseResult> Raise(Store& s, const AlertInput& in, UnixSeconds now) {
  RaiseResult out;
  Status st = s.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(out, RaiseAlert(txn, in, now));
    return Status::OK();
  });
  if (!st.ok()) return st;
  return out;
}

TEST_P(ServiceStoreTest, OneAlertPerEpisodeAndZoneUpgradeEscalates) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  const UnixSeconds t0 = 1'700'000'000;
  auto first = Raise(*s, Input("C1", "yellow"), t0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->outcome, RaiseOutcome::kOpened);
  auto a = GetAlert(*s, first->alert_id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->due_at, t0 + 72 * 3600);  // yellow: 72 h
  // Same zone, and a milder one: still the same alert, unchanged.
  EXPECT_EQ(Raise(*s, Input("C1", "yellow"), t0 + 10)->outcome, RaiseOutcome::kUnchanged);
  EXPECT_EQ(Raise(*s, Input("C1", "blue"), t0 + 20)->outcome, RaiseOutcome::kUnchanged);
  // Upgrade to red: escalated, due moves to now + 24 h, no second alert.
  auto up = Raise(*s, Input("C1", "red"), t0 + 3600);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->outcome, RaiseOutcome::kEscalated);
  EXPECT_EQ(up->alert_id, first->alert_id);
  a = GetAlert(*s, first->alert_id);
  EXPECT_EQ(a->zone, "red");
  EXPECT_EQ(a->due_at, t0 + 3600 + 24 * 3600);
  EXPECT_EQ(a->escalations, 1);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM alerts"), 1);
  // The unique index refuses a second open alert even when written behind RaiseAlert's back.
  EXPECT_FALSE(s->InTransaction([&](SqlTxn& txn) {
                   return txn
                       .Execute("INSERT INTO alerts (customer_id, zone, state, opened_at, due_at, updated_at) VALUES ('C1', "
                                "'red', 'open', 1, 1, 1)",
                                {})
                       .status();
                 }).ok());
  // Closing ends the episode: the next raise opens a new alert.
  ASSERT_TRUE(CloseAlert(*s, first->alert_id, AlertOutcome::kLost, "moved away", "k_mgr", t0 + 7200).ok());
  auto second = Raise(*s, Input("C1", "blue"), t0 + 9000);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->outcome, RaiseOutcome::kOpened);
  EXPECT_NE(second->alert_id, first->alert_id);
  EXPECT_EQ(GetAlert(*s, second->alert_id)->due_at, t0 + 9000 + 7 * 24 * 3600);  // blue: 7 days
}

TEST_P(ServiceStoreTest, LifecycleTransitionsAndConflicts) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  auto r = Raise(*s, Input("C2", "red"), 100);
  ASSERT_TRUE(r.ok());
  const auto id = r->alert_id;
  auto ack = AcknowledgeAlert(*s, id, "k_a", 200);
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->state, AlertState::kAcknowledged);
  EXPECT_EQ(ack->assignee, "k_a");
  auto again = AcknowledgeAlert(*s, id, "k_a", 201);
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  EXPECT_NE(again.status().message().find("acknowledged"), std::string::npos);
  EXPECT_EQ(AssignAlert(*s, id, "wang", "k_a", 210)->assignee, "wang");
  auto act = RecordAlertAction(*s, id, "vip_call", "called, coupon sent", "k_a", 300);
  ASSERT_TRUE(act.ok());
  EXPECT_EQ(act->state, AlertState::kActionRecorded);
  auto closed = CloseAlert(*s, id, AlertOutcome::kWonBack, "", "k_a", 400);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->state, AlertState::kClosed);
  EXPECT_EQ(closed->outcome, "won_back");
  EXPECT_EQ(closed->closed_by, "k_a");
  EXPECT_EQ(closed->closed_at, 400);
  EXPECT_EQ(CloseAlert(*s, id, AlertOutcome::kLost, "", "k_a", 500).status().code(), StatusCode::kConflict);
  EXPECT_EQ(RecordAlertAction(*s, id, "x", "", "k_a", 500).status().code(), StatusCode::kConflict);
  EXPECT_EQ(GetAlert(*s, 987654).status().code(), StatusCode::kNotFound);
  auto log = AlertLogOfCustomer(*s, "C2");
  ASSERT_TRUE(log.ok());
  std::vector<std::string> whats;
  for (const auto& e : *log) whats.push_back(e.what);
  EXPECT_EQ(whats, (std::vector<std::string>{"opened", "acknowledged", "assigned", "action", "closed"}));
  EXPECT_EQ((*log)[3].detail, "vip_call: called, coupon sent");
}

TEST_P(ServiceStoreTest, QueueFiltersByZoneStoreAndSla) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  ASSERT_TRUE(Raise(*s, Input("A", "blue", "S1"), 0).ok());
  ASSERT_TRUE(Raise(*s, Input("B", "red", "S2"), 0).ok());
  ASSERT_TRUE(Raise(*s, Input("C", "yellow", "S1"), 0).ok());
  ASSERT_TRUE(Raise(*s, Input("D", "red", "S10"), 0).ok());
  AlertFilter f;
  auto all = ListAlerts(*s, f);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].zone, "red");  // most severe first
  EXPECT_EQ((*all)[3].zone, "blue");
  f.stores = {"S1"};  // "S1" must not match "S10"
  auto s1 = ListAlerts(*s, f);
  ASSERT_EQ(s1->size(), 2u);
  for (const auto& a : *s1) EXPECT_EQ(a.store_id, "S1");
  f.stores.clear();
  f.zone = "red";
  EXPECT_EQ(ListAlerts(*s, f)->size(), 2u);
  f.zone.clear();
  f.overdue_only = true;
  f.now = 25 * 3600;  // red (24 h) overdue, yellow and blue not
  EXPECT_EQ(ListAlerts(*s, f)->size(), 2u);
  f.overdue_only = false;
  f.limit = 1;
  f.offset = 1;
  auto page = ListAlerts(*s, f);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].zone, "red");
  auto esc = EscalateOverdue(*s, 25 * 3600);
  ASSERT_TRUE(esc.ok());
  EXPECT_EQ(esc->size(), 2u);
  EXPECT_EQ(EscalateOverdue(*s, 26 * 3600)->size(), 0u);  // once per alert
}

TEST_P(ServiceStoreTest, RunsKeepHistoryAndReportWhatChanged) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  RunRecord r1;
  r1.run_id = "run-1";
  r1.customers = 3;
  auto one = RecordRun(*s, r1, {{"A", "red", "R1", 0.9}, {"B", "yellow", "Y1", 0.5}, {"C", "none", "", 0.1}},
                       {Input("A", "red"), Input("B", "yellow")}, 1000);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->alerts_opened, 2);
  auto a_alerts = ListAlerts(*s, AlertFilter{.customer_id = "B"});
  ASSERT_EQ(a_alerts->size(), 1u);
  ASSERT_TRUE(CloseAlert(*s, (*a_alerts)[0].alert_id, AlertOutcome::kWonBack, "", "k", 1500).ok());
  RunRecord r2;
  r2.run_id = "run-2";
  auto two = RecordRun(*s, r2, {{"A", "red", "R1", 0.9}, {"B", "none", "", 0.2}, {"C", "red", "R2", 0.8}},
                       {Input("A", "red"), Input("C", "red")}, 2000);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->alerts_opened, 1);  // A is still in its open episode
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM alerts"), 3);  // nothing of run-1 deleted
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM run_zones"), 6);
  EXPECT_EQ(RecordRun(*s, r2, {}, {}, 3000).status().code(), StatusCode::kConflict);
  auto runs = ListRuns(*s, 10, 0);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].run_id, "run-2");
  auto ch = CompareWithPreviousRun(*s, "run-2", 100);
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  EXPECT_EQ(ch->previous_run_id, "run-1");
  EXPECT_EQ(ch->entered, 1);  // C
  EXPECT_EQ(ch->left, 1);     // B
  EXPECT_EQ(ch->unchanged, 1);
  EXPECT_EQ(ch->won_back_since_previous, 1);
  EXPECT_EQ(CompareWithPreviousRun(*s, "nope", 10).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(CompareWithPreviousRun(*s, "run-1", 10)->previous_run_id.empty());
}

TEST_P(ServiceStoreTest, ApiKeysAreStoredHashedAndRevocable) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  EXPECT_EQ(CreateApiKey(*s, Role::kManager, {}, "", 1).status().code(), StatusCode::kInvalidArgument);
  auto k = CreateApiKey(*s, Role::kManager, {"S2", "S1", "S1"}, "north", 5);
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->secret.size(), 3u + 12 + 1 + 64);
  EXPECT_EQ(k->record.stores, (std::vector<std::string>{"S1", "S2"}));
  // The store holds the SHA-256, never the key.
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM api_keys WHERE key_hash = '" + HashApiKey(k->secret) + "'"), 1);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM api_keys WHERE key_hash = '" + k->secret + "'"), 0);
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(HashApiKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto who = AuthenticateApiKey(*s, k->secret);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->key_id, k->record.key_id);
  EXPECT_EQ(who->role, Role::kManager);
  EXPECT_EQ(AuthenticateApiKey(*s, k->secret + "x").status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(RevokeApiKey(*s, k->record.key_id, 9).ok());
  EXPECT_EQ(AuthenticateApiKey(*s, k->secret).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(RevokeApiKey(*s, "k_nope", 9).code(), StatusCode::kNotFound);
  auto keys = ListApiKeys(*s);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].revoked_at, 9);
}

TEST_P(ServiceStoreTest, AuditLogAndOutboxBookkeeping) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  ASSERT_TRUE(WriteAudit(*s, {10, "k_1", "viewer", "GET /v1/customers/{id}", "C9", 200, ""}).ok());
  ASSERT_TRUE(WriteAudit(*s, {11, "k_1", "viewer", "GET /v1/alerts", "", 200, ""}).ok());
  auto c9 = ListAudit(*s, "C9", 10, 0);
  ASSERT_EQ(c9->size(), 1u);
  EXPECT_EQ((*c9)[0].key_id, "k_1");
  EXPECT_EQ(ListAudit(*s, "", 10, 0)->size(), 2u);

  OutboxItem item;
  item.idempotency_key = "alert-1-ops-1";
  item.webhook = "ops";
  item.alert_id = 1;
  item.payload = "{}";
  item.next_attempt_at = 100;
  bool added = false;
  ASSERT_TRUE(s->InTransaction([&](SqlTxn& txn) -> Status {
                 CW_ASSIGN_OR_RETURN(added, EnqueueOutbox(txn, item));
                 CW_ASSIGN_OR_RETURN(bool twice, EnqueueOutbox(txn, item));
                 EXPECT_FALSE(twice);
                 return Status::OK();
               }).ok());
  EXPECT_TRUE(added);
  EXPECT_EQ(DueOutbox(*s, 99, 10)->size(), 0u);
  auto due = DueOutbox(*s, 100, 10);
  ASSERT_EQ(due->size(), 1u);
  const auto id = (*due)[0].entry_id;
  ASSERT_TRUE(MarkOutboxFailed(*s, id, "HTTP 500", 200, false).ok());
  EXPECT_EQ(DueOutbox(*s, 150, 10)->size(), 0u);
  ASSERT_TRUE(MarkOutboxFailed(*s, id, "HTTP 500", 400, true).ok());
  EXPECT_EQ(DueOutbox(*s, 1000, 10)->size(), 0u);
  auto all = ListOutbox(*s, 10);
  EXPECT_EQ((*all)[0].status, OutboxStatus::kDead);
  EXPECT_EQ((*all)[0].attempts, 2);
  EXPECT_EQ((*all)[0].last_error, "HTTP 500");
}

INSTANTIATE_TEST_SUITE_P(Backends, ServiceStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace churnwatch

// Checks the batch policy step: the shipped rules fire exactly on the hand-made customers of
// tests/fixtures/policy/shipped_rules.csv; zone alerts carry SLA deadlines; a rule's reason
// drives the playbook; the action list respects the budget; a rule naming an unknown
// feature is refused with a suggestion.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "churnwatch/policy_engine.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

struct EngineFixture {
  FeatureTable table;
  std::vector<ScoredCustomer> scored;
  std::map<std::string, std::set<std::string>> expected;
};

EngineFixture LoadEngineFixture() {
  EngineFixture f;
  std::istringstream in(testing::ReadFile(testing::SourceFile("tests/fixtures/policy/shipped_rules.csv")));
  std::string line;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cells = Split(line, ',');
    if (header.empty()) {
      header = cells;
      for (std::size_t c = 2; c + 1 < header.size(); ++c) {
        f.table.names.push_back(header[c]);
        f.table.columns.emplace_back();
      }
      continue;
    }
    EXPECT_EQ(cells.size(), header.size()) << line;
    f.table.customer_ids.push_back(cells[0]);
    f.table.cutoffs.push_back(15000);
    f.table.labels.push_back(ChurnLabel::kUnknown);
    for (std::size_t c = 2; c + 1 < header.size(); ++c)
      f.table.columns[c - 2].push_back(cells[c] == "nan" ? kNaN : std::stod(cells[c]));
    ScoredCustomer sc;
    sc.customer_id = cells[0];
    sc.as_of = 15000;
    sc.p_churn = 0.1;  // below every zone: only rules raise alerts here
    sc.clv = 10000;
    sc.value_tier = cells[1];
    f.scored.push_back(sc);
    auto& want = f.expected[cells[0]];
    for (const auto& r : Split(cells.back(), ';'))
      if (!r.empty()) want.insert(r);
  }
  return f;
}

TEST(PolicyEngine, ShippedRulesFireExactlyOnTheFixture) {
  EngineFixture f = LoadEngineFixture();
  ASSERT_EQ(f.scored.size(), 14u);
  PolicyConfig config = DefaultPolicyConfig();
  auto out = ApplyPolicy(config, {f.scored, &f.table, 0});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::map<std::string, std::set<std::string>> fired;
  for (const auto& a : out->alerts) {
    EXPECT_EQ(a.kind, "rule");
    fired[a.customer_id].insert(a.rule);
  }
  for (const auto& [id, want] : f.expected) EXPECT_EQ(fired[id], want) << id;
  // Every rule fires on at least one fixture row, and the hit counts add up.
  std::int64_t total = 0;
  for (const auto& [name, hits] : out->rule_hits) {
    EXPECT_GT(hits, 0) << name;
    total += hits;
  }
  EXPECT_EQ(total, static_cast<std::int64_t>(out->alerts.size()));
  EXPECT_EQ(out->zone_counts[static_cast<int>(Zone::kNone)], 14);
}

TEST(PolicyEngine, RuleReasonDrivesThePlaybookAndSlaOfTheRuleZone) {
  EngineFixture f = LoadEngineFixture();
  auto out = ApplyPolicy(DefaultPolicyConfig(), {f.scored, &f.table, 1000});
  ASSERT_TRUE(out.ok());
  std::map<std::string, const ActionItem*> by_id;
  for (const auto& a : out->actions) by_id[a.customer_id] = &a;
  // c05: complaints → experience: service recovery (0.1 × 10000 × 0.30 − 15 = 285) beats
  // the app push the last entry allows (0.1 × 10000 × 0.02 − 0.2 = 19.8); red-rule SLA 24 h.
  ASSERT_TRUE(by_id.count("c05"));
  EXPECT_EQ(by_id["c05"]->action, "service_recovery");
  EXPECT_EQ(by_id["c05"]->reasons.front(), "experience");
  EXPECT_EQ(by_id["c05"]->deadline, 1000 + 24 * 3600);
  EXPECT_DOUBLE_EQ(by_id["c05"]->expected_benefit, 285);
  EXPECT_EQ(by_id["c05"]->runner_up, "app_push");
  EXPECT_NEAR(by_id["c05"]->runner_up_benefit, 19.8, 1e-9);
  // c09: cart abandon → price → coupon (mid tier), yellow-rule SLA 72 h.
  EXPECT_EQ(by_id["c09"]->action, "coupon");
  EXPECT_EQ(by_id["c09"]->deadline, 1000 + 72 * 3600);
  // c01: competitor view → competition → member perk (high value but not in the red zone).
  EXPECT_EQ(by_id["c01"]->action, "member_perk");
  // Customers with no alert get no action.
  EXPECT_FALSE(by_id.count("c02"));
  EXPECT_EQ(out->actions.size(), 6u);  // c01 c05 c07 c09 c11 c14
}

TEST(PolicyEngine, ZonesAlertsBenefitAndBudget) {
  std::vector<ScoredCustomer> scored(4);
  const char* tiers[] = {"high", "mid", "low", "mid"};
  const double p[] = {0.9, 0.5, 0.8, 0.1};
  for (int i = 0; i < 4; ++i) {
    scored[i].customer_id = "k" + std::to_string(i);
    scored[i].p_churn = p[i];
    scored[i].clv = 1000;
    scored[i].value_tier = tiers[i];
    scored[i].reason_count = 1;
    scored[i].reasons[0].category = ReasonCategory::kPrice;
  }
  PolicyConfig config = DefaultPolicyConfig();
  config.rules.clear();
  config.budget.total = 100;  // high 60, mid 30, low 10
  auto out = ApplyPolicy(config, {scored, nullptr, 0});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->zones[0].grade, "R1");
  EXPECT_EQ(out->zones[1].grade, "Y3");
  EXPECT_EQ(out->zones[2].grade, "R3");
  EXPECT_EQ(out->zones[3].zone, Zone::kNone);
  ASSERT_EQ(out->alerts.size(), 3u);
  EXPECT_EQ(out->alerts[0].deadline, 24 * 3600);
  EXPECT_EQ(out->alerts[1].deadline, 72 * 3600);
  ASSERT_EQ(out->actions.size(), 3u);
  // Allowed (every matching entry) and valued with the shipped effects, cause price:
  // k0 high/red: coupon 0.9 × 1000 × 0.20 − 5 = 175 beats the call 0.9 × 1000 × 0.15 − 25 = 110.
  EXPECT_EQ(out->actions[0].action, "coupon");
  EXPECT_DOUBLE_EQ(out->actions[0].expected_benefit, 175);
  EXPECT_EQ(out->actions[0].runner_up, "vip_manager_call");
  EXPECT_DOUBLE_EQ(out->actions[0].runner_up_benefit, 110);
  // k1 mid/yellow: coupon 0.5 × 1000 × 0.2 − 5 = 95; push 0.5 × 1000 × 0.02 − 0.2 = 9.8.
  EXPECT_EQ(out->actions[1].action, "coupon");
  EXPECT_DOUBLE_EQ(out->actions[1].expected_benefit, 95);
  EXPECT_NEAR(out->actions[1].runner_up_benefit, 9.8, 1e-9);
  // k2 low/red: coupon 0.8 × 1000 × 0.2 − 5 = 155.
  EXPECT_EQ(out->actions[2].action, "coupon");
  EXPECT_DOUBLE_EQ(out->actions[2].expected_benefit, 155);
  for (const auto& a : out->actions) EXPECT_TRUE(a.funded) << a.customer_id;
  EXPECT_NEAR(out->budget.total_spent, 15, 1e-9);
  EXPECT_DOUBLE_EQ(out->money_at_risk, 900 + 500 + 800);
  EXPECT_NEAR(out->split_gives_up, 0, 1e-9);  // 60 / 30 / 10 of 100 affords the same three
  // Budget 10: by benefit per unit cost the three pushes (ratios 89, 79, 49) come first,
  // then k0's upgrade to the coupon (157.2 / 4.8); k2's upgrade no longer fits.
  config.budget.total = 10;
  out = ApplyPolicy(config, {scored, nullptr, 0});
  ASSERT_TRUE(out.ok());
  for (const auto& a : out->actions) EXPECT_TRUE(a.funded) << a.customer_id;
  EXPECT_EQ(out->actions[0].action, "coupon");
  EXPECT_EQ(out->actions[1].action, "app_push");
  EXPECT_EQ(out->actions[2].action, "app_push");
  EXPECT_NEAR(out->budget.total_spent, 5.4, 1e-9);
  // Kept to 60 / 30 / 10 (6, 3, 1 with flow): high funds its coupon (5), 1 flows to mid
  // (4: only the push 0.2), 3.8 flows to low (4.8 < 5: the push).
  EXPECT_NEAR(out->net_benefit_with_split, 175 + 9.8 + 15.8, 1e-9);
  EXPECT_NEAR(out->split_gives_up, 0, 1e-9);
  config.budget.split_by_tier = true;
  out = ApplyPolicy(config, {scored, nullptr, 0});
  ASSERT_TRUE(out.ok());
  EXPECT_NEAR(out->budget.tier_budget[1], 3 + 1, 1e-9);
  EXPECT_NEAR(out->budget.tier_budget[2], 1 + 3.8, 1e-9);
}

TEST(PolicyEngine, UnknownFeatureInARuleIsRefused) {
  EngineFixture f = LoadEngineFixture();
  PolicyConfig config = DefaultPolicyConfig();
  config.rules = {{"typo", "complaints_99 >= 3", "experience", "red", "", ""}};
  auto out = ApplyPolicy(config, {f.scored, &f.table, 0});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "rule 'typo', column 1: unknown feature 'complaints_99' (did you mean 'complaints_90'?)");
}

TEST(PolicyEngine, RulesSeeScoresAndSegments) {
  EngineFixture f = LoadEngineFixture();
  PolicyConfig config = DefaultPolicyConfig();
  config.rules = {{"mid_low_risk", "value_tier == \"mid\" and zone == \"none\" and p_churn < 0.2 and clv >= 100",
                   "", "blue", "", ""}};
  auto out = ApplyPolicy(config, {f.scored, &f.table, 0});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->rule_hits[0].second, 8);  // c02 c07..c13 are mid
  EXPECT_EQ(out->alerts.front().deadline, 168 * 3600);
}

}  // namespace
}  // namespace churnwatch

namespace churnwatch {
namespace {

// New customers are never red and are valued from their own spend shrunk toward the other
// new customers'; lapsed customers are blue, on the win-back track, with win-back actions.
TEST(PolicyEngine, OnboardingAndWinBackTracks) {
  FeatureTable t;
  for (const char* name : {"recency_days", "tenure_days", "purchase_days_365", "monetary_365", "frequency_365"}) {
    t.names.emplace_back(name);
    t.columns.emplace_back();
  }
  struct C {
    const char* id;
    double recency, tenure, days, monetary, orders, p, clv;
  };
  const C rows[] = {{"n0", 5, 5, 1, 100, 1, 0.9, 50},
                    {"n1", 10, 10, 1, 300, 1, 0.5, 50},
                    {"e0", 20, 400, 10, 1000, 10, 0.9, 800},
                    {"w0", 120, 400, 5, 500, 5, 0.8, 100}};
  std::vector<ScoredCustomer> scored;
  for (const C& c : rows) {
    t.customer_ids.push_back(c.id);
    t.cutoffs.push_back(15000);
    const double v[] = {c.recency, c.tenure, c.days, c.monetary, c.orders};
    for (std::size_t f = 0; f < 5; ++f) t.columns[f].push_back(v[f]);
    ScoredCustomer sc;
    sc.customer_id = c.id;
    sc.as_of = 15000;
    sc.p_churn = c.p;
    sc.clv = c.clv;
    sc.value_tier = "mid";
    scored.push_back(sc);
  }
  PolicyConfig config = DefaultPolicyConfig();
  config.rules.clear();
  auto out = ApplyPolicy(config, {scored, &t, 0, 90});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->zones[0].zone, Zone::kNone);  // p 0.9, but one purchase day: not a warning
  EXPECT_EQ(out->zones[1].zone, Zone::kNone);
  EXPECT_EQ(out->zones[2].grade, "R2");
  EXPECT_EQ(out->zones[3].grade, "B2");
  EXPECT_EQ(out->track_counts[static_cast<std::size_t>(Track::kOnboard)], 2);
  EXPECT_EQ(out->track_counts[static_cast<std::size_t>(Track::kWinBack)], 1);
  ASSERT_EQ(out->actions.size(), 4u);
  for (const auto& a : out->alerts) EXPECT_NE(a.customer_id.substr(0, 1), "n");  // no zone alert for new ones
  // Own spend per order 100 and 300, peers' mean 200; CLV per unit of spend (50 + 50) / 400.
  const ActionItem& n0 = out->actions[0];
  EXPECT_EQ(n0.track, Track::kOnboard);
  EXPECT_NEAR(n0.value_at_stake, (100 + 200) / 2.0 * 0.25, 1e-12);
  EXPECT_NEAR(n0.p_second_purchase, 0.1, 1e-12);
  EXPECT_NEAR(out->actions[1].value_at_stake, (300 + 200) / 2.0 * 0.25, 1e-12);
  // Win-back: P = p_churn 0.8, value = a year's spend 500; coupon 0.8 × 500 × 0.08 − 5 = 27
  // beats the member perk 0.8 × 500 × 0.04 − 6 = 10.
  const ActionItem& w0 = out->actions[3];
  EXPECT_EQ(w0.track, Track::kWinBack);
  EXPECT_EQ(w0.action, "coupon");
  EXPECT_NEAR(w0.expected_benefit, 27, 1e-9);
  EXPECT_EQ(w0.runner_up, "member_perk");
  EXPECT_NEAR(w0.runner_up_benefit, 10, 1e-9);
}

}  // namespace
}  // namespace churnwatch

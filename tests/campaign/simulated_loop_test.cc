// The closed loop on simulated worlds (docs/campaign.md, "Learning from campaigns"; slow
// tier). `churnwatch simulate` writes worlds whose truth.csv holds, per customer, whether
// they leave in the horizon, their cause, their value and the probability that each
// action keeps them. Two campaign rounds (one world each) give every active customer a
// random action with half held back as control; their win-back outcome is drawn from that
// truth (a churner who is treated is kept with the action's probability; everyone else
// does what the truth says). The campaign report measures the uplift per (action, cause).
// Checks:
//  1. the measured uplift per (action, cause), pooled over the two rounds, lands within
//     its 95 % interval of the truth (the mean over the cell of churned × response) in at
//     least 85 % of the cells that are not flagged too small (95 % expected);
//  2. on a third world, under the same budget, the plan that chooses customers and actions
//     by the measured effect (p_churn × value × share of churners the action kept − cost)
//     and the plan that funds the riskiest customers with the playbook's action for their
//     cause are both valued against the truth and printed. Both see the world's own
//     p_churn and value, so the difference is the measured effect alone. The issue's
//     acceptance asks the first to win; with two rounds of ~10,000 active customers spread
//     over 7 actions × 7 causes (about 65 per arm and cell) it does not: the measured
//     effects are too noisy (±0.15) to beat a playbook whose defaults already match this
//     world's best action per cause (docs/campaign.md reports the figures). Only the
//     budgets are asserted here; the claim is left open rather than tuned into passing.
// Simplification, stated: both plans see the true cause of each customer (churnwatch's
// reasons would estimate it), so the comparison is about targeting, not about reasons.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "churnwatch/campaign.h"
#include "churnwatch/campaign_learn.h"
#include "churnwatch/campaign_report.h"
#include "churnwatch/csv_reader.h"
#include "churnwatch/simulate.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

const std::vector<std::string> kActions = {"coupon",  "gift",    "service_recovery", "vip_manager_call",
                                           "alternative_products", "app_push", "member_perk"};
// Costs of examples/policy.toml's [actions.*].
const std::vector<double> kCosts = {5.0, 8.0, 15.0, 25.0, 1.0, 0.2, 6.0};

struct TruthRow {
  std::string id, cause;
  bool churned = false;
  double p_churn = 0, value = 0;
  std::vector<double> response;  // per kActions
};

std::vector<TruthRow> ReadActiveTruth(const std::filesystem::path& path) {
  std::vector<TruthRow> out;
  auto reader = CsvReader::Open(path.string(), CsvDialect{});
  EXPECT_TRUE(reader.ok());
  CsvRecord rec;
  std::map<std::string, std::size_t> col;
  bool header = true;
  for (;;) {
    auto more = (*reader)->Next(rec);
    if (!more.ok() || !*more) break;
    if (header) {
      for (std::size_t i = 0; i < rec.fields.size(); ++i) col[std::string(rec.fields[i])] = i;
      header = false;
      continue;
    }
    auto f = [&](const std::string& name) { return std::string(rec.fields.at(col.at(name))); };
    if (f("active_at_cutoff") != "1") continue;
    TruthRow t{f("customer_id"), f("cause"), f("churned") == "1", std::stod(f("p_churn")), std::stod(f("value")), {}};
    for (const auto& a : kActions) t.response.push_back(std::stod(f("response_" + a)));
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<TruthRow> World(std::uint64_t seed, const testing::TempDir& dir) {
  WorldConfig c;
  c.seed = seed;
  c.customers = 20000;
  const auto out = dir / ("world" + std::to_string(seed));
  EXPECT_TRUE(SimulateWorld(c, out).ok());
  return ReadActiveTruth(out / "truth.csv");
}

// One exploration round: random actions, half held back, outcomes drawn from the truth.
// Returns the report and, per (action, cause), the true uplift of the round's cell.
CampaignReport Round(Store& store, const std::string& id, const std::vector<TruthRow>& world,
                     std::map<std::pair<std::string, std::string>, double>& truth) {
  std::vector<CampaignTarget> targets;
  std::map<std::string, const TruthRow*> by_id;
  for (const auto& t : world) {
    const std::size_t a = CampaignHash(id + "/action", t.id) % kActions.size();
    targets.push_back({t.id, kActions[a], "", t.cause, "", "", kCosts[a]});
    by_id[t.id] = &t;
  }
  CampaignSpec spec;
  spec.campaign_id = id;
  spec.start_day = 20454;
  spec.control_share = 0.5;
  spec.observed_metrics = {"win_back", "revenue"};
  spec.observed_binary = {true, false};
  spec.primary_metric = "win_back";
  auto created = CreateCampaign(store, spec, targets, {});
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  auto rows = store.ReadCampaignAssignments(id);
  EXPECT_TRUE(rows.ok());
  std::mt19937_64 rng(CampaignHash(id, "outcomes"));
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<CustomerOutcome> outcomes;
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> cell;  // sum, n
  for (const auto& r : *rows) {
    const TruthRow& t = *by_id.at(r.customer_id);
    const std::size_t a = static_cast<std::size_t>(std::find(kActions.begin(), kActions.end(), r.action) - kActions.begin());
    const bool kept = !t.churned || (!r.control && uniform(rng) < t.response[a]);
    outcomes.push_back({r.customer_id, r.control, r.action, r.cause, "", "", r.control ? 0 : r.cost,
                        {kept ? 1.0 : 0.0, kept ? t.value : 0.0}});
    auto& c = cell[{r.action, r.cause}];
    c.first += (t.churned ? 1.0 : 0.0) * t.response[a];
    c.second += 1;
  }
  for (const auto& [k, v] : cell) truth[k] = v.first / v.second;
  return BuildCampaignReport(spec, outcomes, spec.start_day + 365);
}

TEST(SimulatedLoop, MeasuredUpliftLandsOnTheTruthAndPlansAreValued) {
  testing::TempDir dir;
  auto store = Store::Open("sqlite:" + (dir / "loop.db").string());
  ASSERT_TRUE(store.ok());
  std::map<std::pair<std::string, std::string>, double> truth1, truth2;
  const auto w1 = World(11, dir), w2 = World(12, dir), w3 = World(13, dir);
  ASSERT_GT(w1.size(), 1000u);
  const auto r1 = Round(**store, "round1", w1, truth1);
  const auto r2 = Round(**store, "round2", w2, truth2);
  ASSERT_TRUE(RecordMeasuredUplift(**store, r1).ok());
  ASSERT_TRUE(RecordMeasuredUplift(**store, r2).ok());
  auto measured = ReadMeasuredUplift(**store);
  ASSERT_TRUE(measured.ok()) << measured.status().ToString();

  // 1. Pooled measurement against the pooled truth, weighted as the pooling weights.
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> pooled_truth;  // Σw·truth, Σw
  for (const auto* r : {&r1, &r2})
    for (const auto& m : MeasuredUpliftRows(*r)) {
      const double se = (m.ci_high - m.ci_low) / (2 * 1.959963984540054);
      if (!(se > 0)) continue;
      const auto& truth = r == &r1 ? truth1 : truth2;
      auto& p = pooled_truth[{m.action, m.cause}];
      p.first += truth.at({m.action, m.cause}) / (se * se);
      p.second += 1 / (se * se);
    }
  int cells = 0, covered = 0;
  std::map<std::pair<std::string, std::string>, double> uplift;
  for (const auto& m : *measured) {
    uplift[{m.action, m.cause}] = m.uplift;
    if (m.n_treated < kMinGroupSize || m.n_control < kMinGroupSize) continue;
    const auto& p = pooled_truth.at({m.action, m.cause});
    const double t = p.first / p.second;
    ++cells;
    const bool inside = m.ci_low <= t && t <= m.ci_high;
    covered += inside;
    if (!inside)
      std::printf("outside: %s / %s measured %.4f [%.4f, %.4f], truth %.4f (n %lld / %lld)\n", m.action.c_str(),
                  m.cause.c_str(), m.uplift, m.ci_low, m.ci_high, t, static_cast<long long>(m.n_treated),
                  static_cast<long long>(m.n_control));
  }
  std::printf("(action, cause) cells: %d, truth inside the 95 %% interval: %d\n", cells, covered);
  ASSERT_GE(cells, 30);
  EXPECT_GE(covered, static_cast<int>(std::ceil(0.85 * cells)));

  // 2. Same budget on a third world. Both plans know each customer's risk (the world's
  //    p_churn) and value. By risk: the riskiest first, with the playbook's action for the
  //    cause. By measured uplift: each customer's best action by p_churn × value × (share
  //    of churners the action kept in the campaigns: measured uplift / the control's churn
  //    rate in the cell) − cost, highest first — the benefit formula of the budget step
  //    with the measured effect in place of a prior.
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> control_churn;  // Σ n·rate, Σ n
  for (const auto* r : {&r1, &r2})
    for (const auto& row : r->rows)
      if (row.level == "cause_tier" && row.metric == "win_back" && row.estimate.n_control > 0) {
        auto& c = control_churn[{row.action, row.cause}];
        c.first += static_cast<double>(row.estimate.n_control) * (1 - row.estimate.control_mean);
        c.second += static_cast<double>(row.estimate.n_control);
      }
  std::map<std::pair<std::string, std::string>, double> kept_share;
  for (const auto& [k, u] : uplift) {
    const auto it = control_churn.find(k);
    if (it == control_churn.end()) continue;
    const double churn = it->second.first / it->second.second;
    if (churn >= 0.05) kept_share[k] = std::clamp(u / churn, 0.0, 1.0);
  }
  const double budget = 0.5 * 20000;
  struct Choice {
    double key;
    std::size_t customer, action;
  };
  std::vector<Choice> by_uplift, by_risk;
  const std::map<std::string, std::size_t> playbook = {
      {"price", 0}, {"experience", 2}, {"competition", 6}, {"need_shift", 4}};
  for (std::size_t i = 0; i < w3.size(); ++i) {
    const auto& t = w3[i];
    double best = 0;
    std::size_t best_a = kActions.size();
    for (std::size_t a = 0; a < kActions.size(); ++a) {
      const auto it = kept_share.find({kActions[a], t.cause});
      if (it == kept_share.end()) continue;
      const double net = t.p_churn * t.value * it->second - kCosts[a];
      if (net > best) best = net, best_a = a;
    }
    if (best_a < kActions.size()) by_uplift.push_back({best, i, best_a});
    const auto pb = playbook.find(t.cause);
    by_risk.push_back({t.p_churn, i, pb == playbook.end() ? 5 : pb->second});
  }
  auto value_of = [&](std::vector<Choice> plan) {
    std::stable_sort(plan.begin(), plan.end(), [](const Choice& a, const Choice& b) { return a.key > b.key; });
    double spent = 0, gained = 0;
    for (const auto& c : plan) {
      if (spent + kCosts[c.action] > budget) continue;
      spent += kCosts[c.action];
      const auto& t = w3[c.customer];
      gained += t.p_churn * t.response[c.action] * t.value;  // expected incremental revenue
    }
    return std::pair{gained, spent};
  };
  const auto [uplift_gain, uplift_spent] = value_of(by_uplift);
  const auto [risk_gain, risk_spent] = value_of(by_risk);
  std::printf("budget %.0f: by measured uplift %.0f incremental revenue (spent %.0f), by risk %.0f (spent %.0f)\n",
              budget, uplift_gain, uplift_spent, risk_gain, risk_spent);
  EXPECT_LE(uplift_spent, budget);
  EXPECT_LE(risk_spent, budget);
  EXPECT_GT(uplift_gain, 0);
  EXPECT_GT(risk_gain, 0);
}

}  // namespace
}  // namespace churnwatch

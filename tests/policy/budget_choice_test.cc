// Checks the choice allocator (AllocateChoices) against an exact multiple-choice knapsack
// found by exhaustive search on small random cases: never over budget, at most one option
// per customer, never worse than OPT minus the largest single option benefit (the bound
// stated in policy.h), equal to OPT when everything fits; and the tier split with flow.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "churnwatch/policy.h"

namespace churnwatch {
namespace {

// Best total of positive-benefit options, at most one per candidate, costing ≤ budget.
double ExactOptimum(const std::vector<ChoiceCandidate>& c, double budget, std::size_t i = 0, double spent = 0) {
  if (i == c.size()) return 0;
  double best = ExactOptimum(c, budget, i + 1, spent);  // nothing for candidate i
  for (const auto& op : c[i].options)
    if (op.net_benefit > 0 && spent + op.cost <= budget + 1e-9)
      best = std::max(best, op.net_benefit + ExactOptimum(c, budget, i + 1, spent + op.cost));
  return best;
}

double PlanValue(const std::vector<ChoiceCandidate>& c, const ChoiceAllocation& a, double* cost) {
  double v = 0;
  *cost = 0;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (a.chosen[i] >= 0) {
      v += c[i].options[static_cast<std::size_t>(a.chosen[i])].net_benefit;
      *cost += c[i].options[static_cast<std::size_t>(a.chosen[i])].cost;
    }
  return v;
}

TEST(BudgetChoice, WithinTheBoundOfTheExactKnapsackOnSmallCases) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> n_cust(1, 7), n_opt(1, 3), cost(0, 12);
  std::uniform_real_distribution<double> benefit(-5, 60);
  int equal = 0;
  const int cases = 400;
  for (int k = 0; k < cases; ++k) {
    std::vector<ChoiceCandidate> c(static_cast<std::size_t>(n_cust(rng)));
    double max_b = 0;
    for (auto& cand : c) {
      cand.value_tier = k % 3;
      for (int o = n_opt(rng); o > 0; --o) {
        cand.options.push_back({static_cast<double>(cost(rng)), benefit(rng)});
        max_b = std::max(max_b, cand.options.back().net_benefit);
      }
    }
    BudgetConfig b;
    b.total = static_cast<double>(cost(rng) * 2);
    const ChoiceAllocation a = AllocateChoices(b, c);
    double spent = 0;
    const double got = PlanValue(c, a, &spent);
    const double opt = ExactOptimum(c, b.total);
    ASSERT_LE(spent, b.total + 1e-9) << k;
    EXPECT_NEAR(a.total_spent, spent, 1e-9);
    EXPECT_NEAR(a.total_net_benefit, got, 1e-9);
    EXPECT_LE(got, opt + 1e-9) << k;  // the search is exact
    EXPECT_GE(got, opt - max_b - 1e-9) << k;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (a.chosen[i] >= 0) {
        EXPECT_GT(c[i].options[static_cast<std::size_t>(a.chosen[i])].net_benefit, 0);
      }
    }
    if (std::abs(got - opt) < 1e-9) ++equal;
    // A budget that affords everything funds each customer's best option: the optimum.
    b.total = 1e9;
    const ChoiceAllocation all = AllocateChoices(b, c);
    EXPECT_NEAR(PlanValue(c, all, &spent), ExactOptimum(c, 1e9), 1e-9) << k;
  }
  // On these tiny budgets the greedy is mostly exact; measured 400 cases, seed 7.
  EXPECT_GE(equal, cases * 3 / 4) << equal;
}

TEST(BudgetChoice, PrefersBenefitPerUnitCostAndUpgradesWithLeftover) {
  // Two customers; budget 10. A: push (1, 20) or call (10, 60); B: coupon (5, 40).
  std::vector<ChoiceCandidate> c = {{0, {{1, 20}, {10, 60}}}, {1, {{5, 40}}}};
  BudgetConfig b;
  b.total = 10;
  ChoiceAllocation a = AllocateChoices(b, c);
  EXPECT_EQ(a.chosen[0], 0);  // push (ratio 20) then coupon (8); the call's step (40/9) no longer fits
  EXPECT_EQ(a.chosen[1], 0);
  EXPECT_NEAR(a.total_net_benefit, 60, 1e-9);
  b.total = 15;  // now the call's step fits too
  a = AllocateChoices(b, c);
  EXPECT_EQ(a.chosen[0], 1);
  EXPECT_NEAR(a.total_net_benefit, 100, 1e-9);
  // Zero-cost options with a positive benefit are funded even with no money.
  b.total = 0;
  a = AllocateChoices(b, std::vector<ChoiceCandidate>{{2, {{0, 3}}}});
  EXPECT_EQ(a.chosen[0], 0);
}

TEST(BudgetChoice, TierSplitKeepsSharesAndPassesUnusedMoneyOn) {
  // High tier has one action costing 10 of its 60; mid has four costing 20 each (30 share).
  std::vector<ChoiceCandidate> c = {{0, {{10, 50}}}, {1, {{20, 30}}}, {1, {{20, 30}}}, {1, {{20, 30}}}, {1, {{20, 30}}}};
  BudgetConfig b;
  b.total = 100;
  b.split_by_tier = true;
  ChoiceAllocation a = AllocateChoices(b, c);
  EXPECT_NEAR(a.tier_spent[0], 10, 1e-9);
  EXPECT_NEAR(a.tier_budget[1], 30 + 50, 1e-9);  // the high tier's unused 50 flows to mid
  EXPECT_NEAR(a.tier_spent[1], 80, 1e-9);
  EXPECT_EQ(a.funded_count, 5u);
  // Without flow the mid tier would afford one; the whole budget alone funds the same five.
  b.split_by_tier = false;
  EXPECT_EQ(AllocateChoices(b, c).funded_count, 5u);
  // A split that binds gives up value: high share 0 and mid 100 cannot fund the high action
  // first, but its money flows down; low share 0.
  b.split_by_tier = true;
  b.tier_shares[0] = 0.05;
  b.tier_shares[1] = 0.35;
  b.tier_shares[2] = 0.6;
  a = AllocateChoices(b, c);
  EXPECT_EQ(a.chosen[0], -1);  // 5 < 10
  EXPECT_NEAR(a.tier_budget[1], 40, 1e-9);
  EXPECT_EQ(a.funded_count, 2u);
}

}  // namespace
}  // namespace churnwatch

// Campaign budget allocation (include/churnwatch/policy.h): per value tier, greedy by net
// benefit. Greedy rather than an exact knapsack because a CRM team must be able to explain
// the list ("the most valuable saves first") and because it runs in O(n log n) on millions
// of customers; the optimality gap is bounded and tested.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "churnwatch/policy.h"

namespace churnwatch {

double ExpectedNetBenefit(double p_churn, double clv, double uplift, double cost) {
  if (std::isnan(p_churn) || std::isnan(clv) || std::isnan(uplift)) return -cost;
  return p_churn * clv * uplift - cost;
}

BudgetAllocation AllocateBudget(const BudgetConfig& config, std::span<const BudgetCandidate> candidates) {
  BudgetAllocation out;
  out.funded.assign(candidates.size(), false);
  for (int t = 0; t < 3; ++t) out.tier_budget[t] = std::max(0.0, config.total * config.tier_shares[t]);

  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = candidates[a];
    const auto& y = candidates[b];
    if (x.net_benefit != y.net_benefit) return x.net_benefit > y.net_benefit;
    return x.cost < y.cost;
  });
  for (std::size_t i : order) {
    const auto& c = candidates[i];
    if (!(c.net_benefit > config.min_net_benefit) || c.cost < 0) continue;
    const int t = std::clamp(c.value_tier, 0, 2);
    if (out.tier_spent[t] + c.cost > out.tier_budget[t]) continue;
    out.tier_spent[t] += c.cost;
    out.funded[i] = true;
    out.total_net_benefit += c.net_benefit;
    ++out.funded_count;
  }
  out.total_spent = out.tier_spent[0] + out.tier_spent[1] + out.tier_spent[2];
  return out;
}

}  // namespace churnwatch

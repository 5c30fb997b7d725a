// The budget as a multiple-choice knapsack (include/churnwatch/policy.h, AllocateChoices):
// greedy over the convex hulls of each customer's options. Greedy because it runs in
// O(k log k) on millions of customers and a CRM team can follow it ("most kept revenue per
// unit of money first"); its gap to the optimum is at most one option's benefit, which on a
// real budget funding thousands of actions is a rounding error.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "churnwatch/policy.h"

namespace churnwatch {

namespace {

struct Step {
  std::size_t candidate;
  int level;       // 0 for the first step of a candidate
  int option;      // the option the candidate holds after this step
  double d_cost;
  double d_benefit;
  double ratio;    // d_benefit / d_cost; +inf for a free step
};

// Upper convex hull of one candidate's worthwhile options, as steps from (0, 0).
void HullSteps(std::size_t c, const ChoiceCandidate& cand, double min_net, std::vector<Step>& steps) {
  std::vector<int> idx;
  for (std::size_t o = 0; o < cand.options.size(); ++o) {
    const auto& op = cand.options[o];
    if (op.cost >= 0 && std::isfinite(op.cost) && op.net_benefit > min_net && std::isfinite(op.net_benefit))
      idx.push_back(static_cast<int>(o));
  }
  std::sort(idx.begin(), idx.end(), [&](int a, int b) {
    const auto& x = cand.options[static_cast<std::size_t>(a)];
    const auto& y = cand.options[static_cast<std::size_t>(b)];
    if (x.cost != y.cost) return x.cost < y.cost;
    if (x.net_benefit != y.net_benefit) return x.net_benefit > y.net_benefit;
    return a < b;
  });
  struct Point {
    double cost, benefit;
    int option;
  };
  std::vector<Point> hull{{0, 0, -1}};
  auto slope = [](const Point& a, const Point& b) {
    return b.cost > a.cost ? (b.benefit - a.benefit) / (b.cost - a.cost) : std::numeric_limits<double>::infinity();
  };
  for (int o : idx) {
    const Point p{cand.options[static_cast<std::size_t>(o)].cost, cand.options[static_cast<std::size_t>(o)].net_benefit, o};
    if (p.benefit <= hull.back().benefit) continue;  // costs at least as much for no more
    if (hull.size() > 1 && p.cost == hull.back().cost) continue;  // same cost, sorted: no better
    while (hull.size() > 1 && slope(hull[hull.size() - 2], hull.back()) <= slope(hull.back(), p)) hull.pop_back();
    hull.push_back(p);
  }
  for (std::size_t k = 1; k < hull.size(); ++k)
    steps.push_back({c, static_cast<int>(k - 1), hull[k].option, hull[k].cost - hull[k - 1].cost,
                     hull[k].benefit - hull[k - 1].benefit, slope(hull[k - 1], hull[k])});
}

// Allocates `members` (candidate indices) within `budget`; returns the money spent.
double AllocateWithin(const BudgetConfig& config, std::span<const ChoiceCandidate> candidates,
                      const std::vector<std::size_t>& members, double budget, std::vector<int>& chosen) {
  std::vector<Step> steps;
  for (std::size_t c : members) HullSteps(c, candidates[c], config.min_net_benefit, steps);
  std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) {
    if (a.ratio != b.ratio) return a.ratio > b.ratio;
    if (a.candidate != b.candidate) return a.candidate < b.candidate;
    return a.level < b.level;
  });
  std::vector<int> level(candidates.size(), 0);
  std::vector<char> blocked(candidates.size(), 0);
  double spent = 0;
  for (const Step& s : steps) {
    if (blocked[s.candidate] || level[s.candidate] != s.level) continue;
    if (spent + s.d_cost > budget + 1e-9) {
      blocked[s.candidate] = 1;
      continue;
    }
    spent += s.d_cost;
    level[s.candidate] = s.level + 1;
    chosen[s.candidate] = s.option;
  }
  // Leftover money: upgrade to any better option that fits (off-hull options included),
  // largest gain first; one pass, since each upgrade only shrinks what is left.
  struct Upgrade {
    double gain;
    std::size_t candidate;
  };
  std::vector<Upgrade> ups;
  for (std::size_t c : members) {
    const auto& opts = candidates[c].options;
    const double have_b = chosen[c] < 0 ? 0 : opts[static_cast<std::size_t>(chosen[c])].net_benefit;
    double best = 0;
    for (const auto& op : opts)
      if (op.net_benefit > config.min_net_benefit && op.cost >= 0 && std::isfinite(op.net_benefit))
        best = std::max(best, op.net_benefit - have_b);
    if (best > 0) ups.push_back({best, c});
  }
  std::stable_sort(ups.begin(), ups.end(), [](const Upgrade& a, const Upgrade& b) { return a.gain > b.gain; });
  for (const Upgrade& u : ups) {
    const auto& opts = candidates[u.candidate].options;
    const int cur = chosen[u.candidate];
    const double have_c = cur < 0 ? 0 : opts[static_cast<std::size_t>(cur)].cost;
    const double have_b = cur < 0 ? 0 : opts[static_cast<std::size_t>(cur)].net_benefit;
    int pick = -1;
    double pick_gain = 0;
    for (std::size_t o = 0; o < opts.size(); ++o) {
      const auto& op = opts[o];
      if (!(op.net_benefit > config.min_net_benefit) || !(op.cost >= 0) || !std::isfinite(op.net_benefit)) continue;
      const double gain = op.net_benefit - have_b;
      if (gain > pick_gain && spent + (op.cost - have_c) <= budget + 1e-9) {
        pick = static_cast<int>(o);
        pick_gain = gain;
      }
    }
    if (pick < 0) continue;
    spent += opts[static_cast<std::size_t>(pick)].cost - have_c;
    chosen[u.candidate] = pick;
  }
  return spent;
}

}  // namespace

ChoiceAllocation AllocateChoices(const BudgetConfig& config, std::span<const ChoiceCandidate> candidates) {
  ChoiceAllocation out;
  out.chosen.assign(candidates.size(), -1);
  const double total = std::max(0.0, config.total);
  if (config.split_by_tier) {
    double carry = 0;
    for (int t = 0; t < 3; ++t) {
      std::vector<std::size_t> members;
      for (std::size_t c = 0; c < candidates.size(); ++c)
        if (std::clamp(candidates[c].value_tier, 0, 2) == t) members.push_back(c);
      out.tier_budget[t] = std::max(0.0, total * config.tier_shares[t]) + carry;
      out.tier_spent[t] = AllocateWithin(config, candidates, members, out.tier_budget[t], out.chosen);
      carry = std::max(0.0, out.tier_budget[t] - out.tier_spent[t]);
    }
  } else {
    std::vector<std::size_t> all(candidates.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    AllocateWithin(config, candidates, all, total, out.chosen);
  }
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    if (out.chosen[c] < 0) continue;
    const auto& op = candidates[c].options[static_cast<std::size_t>(out.chosen[c])];
    if (!config.split_by_tier) out.tier_spent[std::clamp(candidates[c].value_tier, 0, 2)] += op.cost;
    out.total_spent += op.cost;
    out.total_net_benefit += op.net_benefit;
    ++out.funded_count;
  }
  if (!config.split_by_tier)
    for (int t = 0; t < 3; ++t) out.tier_budget[t] = total * config.tier_shares[t];
  return out;
}

}  // namespace churnwatch

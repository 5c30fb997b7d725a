// The budget problem a planner who knows the truth solves (include/churnwatch/grade.h):
// one action or none per customer, total cost within the budget, most net benefit. Small
// cases are solved exactly by dynamic programming over cents; large ones by the greedy of
// the linear relaxation (Sinha & Zoltners, "The multiple-choice knapsack problem",
// Operations Research 27(3), 1979), whose relaxation optimum bounds the true optimum from
// above, so the report can say how far the greedy answer can be from it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "churnwatch/grade.h"

namespace churnwatch {

namespace {

bool WholeCents(double cost, std::int64_t& cents) {
  const double c = std::round(cost * 100.0);
  if (std::fabs(c - cost * 100.0) > 1e-6 || c < 0) return false;
  cents = static_cast<std::int64_t>(c);
  return true;
}

BudgetSolution SolveExact(std::span<const BudgetItem> items, std::int64_t budget_cents,
                          const std::vector<std::vector<std::int64_t>>& cents) {
  const std::size_t width = static_cast<std::size_t>(budget_cents) + 1;
  std::vector<double> best(width, 0.0), next(width);
  // taken[i * width + b] = option chosen for item i when the budget left for items 0..i is b.
  std::vector<std::int8_t> taken(items.size() * width, -1);
  for (std::size_t i = 0; i < items.size(); ++i) {
    next = best;
    for (std::size_t k = 0; k < items[i].options.size(); ++k) {
      const BudgetOption& o = items[i].options[k];
      if (!(o.net > 0)) continue;
      const std::size_t c = static_cast<std::size_t>(cents[i][k]);
      for (std::size_t b = c; b < width; ++b) {
        const double v = best[b - c] + o.net;
        if (v > next[b] + 1e-12) {
          next[b] = v;
          taken[i * width + b] = static_cast<std::int8_t>(k);
        }
      }
    }
    best.swap(next);
  }
  BudgetSolution s;
  s.exact = true;
  s.choice.assign(items.size(), -1);
  std::size_t b = width - 1;
  for (std::size_t i = items.size(); i-- > 0;) {
    const int k = taken[i * width + b];
    if (k < 0) continue;
    s.choice[i] = k;
    s.net += items[i].options[static_cast<std::size_t>(k)].net;
    s.cost += items[i].options[static_cast<std::size_t>(k)].cost;
    b -= static_cast<std::size_t>(cents[i][static_cast<std::size_t>(k)]);
  }
  s.upper_bound = s.net;
  return s;
}

struct Increment {
  double d_cost, d_net;
  std::uint32_t item;
  std::uint16_t step;    ///< position on the item's hull (1 = first option above nothing)
  std::int16_t option;   ///< the option this increment moves to
};

BudgetSolution SolveGreedy(std::span<const BudgetItem> items, double budget) {
  std::vector<Increment> inc;
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& opts = items[i].options;
    order.clear();
    for (std::size_t k = 0; k < opts.size(); ++k)
      if (opts[k].net > 0 && opts[k].cost <= budget) order.push_back(k);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return opts[a].cost != opts[b].cost ? opts[a].cost < opts[b].cost : opts[a].net > opts[b].net;
    });
    // Upper convex hull of (cost, net) from (0, 0): the LP relaxation only ever uses these.
    std::vector<std::size_t> hull;
    double hc = 0, hn = 0;
    auto slope = [&](double c0, double n0, std::size_t k) {
      const double dc = opts[k].cost - c0;
      return dc <= 0 ? std::numeric_limits<double>::infinity() : (opts[k].net - n0) / dc;
    };
    for (std::size_t k : order) {
      if (!hull.empty() && opts[k].net <= opts[hull.back()].net) continue;  // dominated
      for (;;) {
        if (hull.empty()) break;
        const std::size_t last = hull.back();
        const double pc = hull.size() >= 2 ? opts[hull[hull.size() - 2]].cost : 0.0;
        const double pn = hull.size() >= 2 ? opts[hull[hull.size() - 2]].net : 0.0;
        if (slope(pc, pn, k) >= slope(pc, pn, last)) hull.pop_back();
        else break;
      }
      hull.push_back(k);
    }
    hc = hn = 0;
    for (std::size_t s = 0; s < hull.size(); ++s) {
      const BudgetOption& o = opts[hull[s]];
      inc.push_back({o.cost - hc, o.net - hn, static_cast<std::uint32_t>(i), static_cast<std::uint16_t>(s + 1),
                     static_cast<std::int16_t>(hull[s])});
      hc = o.cost;
      hn = o.net;
    }
  }
  std::sort(inc.begin(), inc.end(), [](const Increment& a, const Increment& b) {
    // a.d_net / a.d_cost > b.d_net / b.d_cost without dividing by zero.
    const double l = a.d_net * b.d_cost, r = b.d_net * a.d_cost;
    if (l != r) return l > r;
    if (a.item != b.item) return a.item < b.item;
    return a.step < b.step;
  });
  BudgetSolution s;
  s.choice.assign(items.size(), -1);
  std::vector<std::uint16_t> at(items.size(), 0);
  std::vector<bool> blocked(items.size(), false);
  bool bound_set = false;
  for (const Increment& x : inc) {
    if (blocked[x.item] || at[x.item] + 1 != x.step) continue;
    if (s.cost + x.d_cost <= budget + 1e-9) {
      s.cost += x.d_cost;
      s.net += x.d_net;
      at[x.item] = x.step;
      s.choice[x.item] = x.option;
    } else {
      if (!bound_set) {
        // The relaxation takes the fraction that still fits and stops: its optimum.
        s.upper_bound = s.net + x.d_net * std::max(0.0, budget - s.cost) / x.d_cost;
        bound_set = true;
      }
      blocked[x.item] = true;
    }
  }
  if (!bound_set) s.upper_bound = s.net;
  s.upper_bound = std::max(s.upper_bound, s.net);
  return s;
}

}  // namespace

BudgetSolution SolveBudget(std::span<const BudgetItem> items, double budget, double exact_limit) {
  budget = std::max(0.0, budget);
  std::int64_t budget_cents = 0;
  bool cents_ok = WholeCents(std::floor(budget * 100.0 + 1e-6) / 100.0, budget_cents);
  std::vector<std::vector<std::int64_t>> cents(items.size());
  for (std::size_t i = 0; cents_ok && i < items.size(); ++i) {
    if (items[i].options.size() > 127) cents_ok = false;
    for (const BudgetOption& o : items[i].options) {
      std::int64_t c = 0;
      if (!WholeCents(o.cost, c)) cents_ok = false;
      cents[i].push_back(c);
    }
  }
  if (cents_ok && static_cast<double>(items.size()) * static_cast<double>(budget_cents + 1) <= exact_limit)
    return SolveExact(items, budget_cents, cents);
  return SolveGreedy(items, budget);
}

double GradeRocAuc(std::span<const int> labels, std::span<const double> scores) {
  std::vector<std::size_t> idx(labels.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  // Mann-Whitney: sum of the positives' ranks (ties share their mean rank).
  double rank_sum = 0;
  std::int64_t pos = 0, neg = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) ++j;
    const double mean_rank = (static_cast<double>(i) + static_cast<double>(j) + 1.0) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (labels[idx[k]] != 0) {
        rank_sum += mean_rank;
        ++pos;
      } else {
        ++neg;
      }
    }
    i = j;
  }
  if (pos == 0 || neg == 0) return std::numeric_limits<double>::quiet_NaN();
  const double p = static_cast<double>(pos), n = static_cast<double>(neg);
  return (rank_sum - p * (p + 1.0) / 2.0) / (p * n);
}

}  // namespace churnwatch

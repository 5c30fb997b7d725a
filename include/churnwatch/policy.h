#pragma once
/// \file policy.h
/// Risk zones and grades, response SLAs and the campaign budget of SPEC.md §9.
///
/// Zones (defaults; every threshold is a config key, docs/policy.md):
///   - blue 蓝 "to re-activate": the customer has already gone quiet — `recency_days` ≥
///     `blue_min_recency_days` (60) — whatever the model says; B1 high value, B2 the others.
///     Blue is checked first: a lapsed customer needs a win-back, not a retention touch.
///   - red 红 "high risk": p_churn ≥ `red_min_p` (0.7); R1 high value, R2 mid, R3 low.
///   - yellow 黄 "potential churn": `yellow_min_p` (0.4) ≤ p_churn < `red_min_p`; grade
///     Y(1 + tier + band) where tier is 0 high / 1 mid / 2 low and band is 0 when
///     p_churn ≥ `yellow_split_p` (0.55) else 1: Y1 high value upper band, Y2 high lower or
///     mid upper, Y3 mid lower or low upper, Y4 low value lower band.
///   - none: everybody else, and anyone whose p_churn is missing and who is not lapsed.
/// Each zone alert carries a response deadline: red 24 h (a person), yellow 72 h
/// (automated), blue 168 h (weekly).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/types.h"

namespace churnwatch {

enum class Zone : std::uint8_t { kNone = 0, kRed, kYellow, kBlue };
inline constexpr int kZoneCount = 4;

std::string_view ZoneName(Zone z);    ///< "none", "red", "yellow", "blue"
std::string_view ZoneNameZh(Zone z);  ///< "无", "红", "黄", "蓝"

/// Value tier as an index: 0 high, 1 mid, 2 low; unknown text counts as low (cheapest
/// treatment) — SPEC.md §6 tiers are always filled by the segment engine.
int ValueTierIndex(std::string_view value_tier);

struct ZoneConfig {
  double red_min_p = 0.7;
  double yellow_min_p = 0.4;
  double yellow_split_p = 0.55;
  double blue_min_recency_days = 60;
  int red_sla_hours = 24;
  int yellow_sla_hours = 72;
  int blue_sla_hours = 168;

  int SlaHours(Zone z) const;
};

struct ZoneAssignment {
  Zone zone = Zone::kNone;
  std::string grade;  ///< "R1".."R3", "Y1".."Y4", "B1", "B2", or empty for none
};

/// Zone and grade of one customer (pure function of its inputs; see the file comment).
/// `recency_days` may be NaN (then the customer is not considered lapsed).
ZoneAssignment AssignZone(const ZoneConfig& config, double p_churn, std::string_view value_tier,
                          double recency_days);

/// Response deadline of an alert raised at `raised_at` in zone `z`: raised_at + SLA hours.
Timestamp SlaDeadline(const ZoneConfig& config, Zone z, Timestamp raised_at);

// ---------------------------------------------------------------------------------------
// Budget (SPEC.md §9 prioritisation)

/// One customer's proposed action, as the allocator sees it.
struct BudgetCandidate {
  int value_tier = 2;          ///< 0 high, 1 mid, 2 low (ValueTierIndex)
  double cost = 0;             ///< the action's cost (≥ 0)
  double net_benefit = 0;      ///< p_churn × CLV × uplift − cost
};

struct BudgetConfig {
  double total = 10000;                       ///< campaign budget, in the store's currency
  double tier_shares[3] = {0.6, 0.3, 0.1};    ///< high / mid / low; must sum to 1
  /// Only actions expected to pay for themselves (net benefit > min_net_benefit) are funded.
  double min_net_benefit = 0;
  /// AllocateChoices only: false (default) funds the best total whatever the tiers; true
  /// keeps `tier_shares` as a constraint, with money a tier cannot use flowing to the next.
  bool split_by_tier = false;
};

struct BudgetAllocation {
  std::vector<bool> funded;        ///< one per candidate
  double tier_budget[3] = {0, 0, 0};
  double tier_spent[3] = {0, 0, 0};
  double total_spent = 0;
  double total_net_benefit = 0;
  std::size_t funded_count = 0;
};

/// Fills each value tier's share of the budget greedily, highest net benefit first
/// (ties: lower cost first, then input order); a candidate that no longer fits is skipped
/// and cheaper ones after it are still tried. Guarantees: the spend of every tier is at
/// most its share (so the total is at most `total`); with equal costs the result is an
/// optimum of the 0/1 knapsack; in general greedy-by-benefit is not optimal, but it is
/// never worse than OPT / floor(tier budget / smallest cost) within a tier, because its
/// first pick is the best single affordable action (tests/policy/budget_test.cc).
BudgetAllocation AllocateBudget(const BudgetConfig& config, std::span<const BudgetCandidate> candidates);

/// One way to act on a customer, as the choice allocator sees it.
struct ChoiceOption {
  double cost = 0;         ///< ≥ 0
  double net_benefit = 0;  ///< P(churn) × value × effect − cost
};

/// One customer: its value tier and the actions it may receive (at most one is funded).
struct ChoiceCandidate {
  int value_tier = 2;  ///< 0 high, 1 mid, 2 low
  std::vector<ChoiceOption> options;
};

struct ChoiceAllocation {
  std::vector<int> chosen;  ///< per candidate: index of the funded option, or -1
  double tier_budget[3] = {0, 0, 0};  ///< money available to each tier (with inflow) when split_by_tier
  double tier_spent[3] = {0, 0, 0};
  double total_spent = 0;
  double total_net_benefit = 0;
  std::size_t funded_count = 0;
};

/// Funds at most one option per candidate to maximise the total net benefit within the
/// budget (a multiple-choice knapsack), greedily by net benefit per unit of cost: each
/// candidate's options with net benefit > min_net_benefit are reduced to the upper convex
/// hull of (cost, net benefit) from (0, 0), whose steps are taken in falling order of
/// benefit per cost across all candidates (a step that does not fit stops that candidate's
/// upgrades; cheaper steps of others are still tried); then leftover money upgrades
/// candidates to any better option that still fits, largest gain first. Free options with
/// positive benefit are always funded. Guarantee: total ≥ OPT − the largest single option
/// benefit (the LP bound of the greedy; tests/policy/budget_choice_test.cc checks it and
/// the optimum itself on small cases by exhaustive search). With split_by_tier the high tier
/// is allocated first within its share, its unspent money joins the mid tier's share, and
/// the mid tier's unspent money joins the low tier's. O(k log k) for k options.
ChoiceAllocation AllocateChoices(const BudgetConfig& config, std::span<const ChoiceCandidate> candidates);

/// Expected net benefit of one action (SPEC.md §9). Missing p or CLV gives −cost.
double ExpectedNetBenefit(double p_churn, double clv, double uplift, double cost);

}  // namespace churnwatch

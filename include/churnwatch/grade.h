#pragma once
/// \file grade.h
/// Grades a churnwatch run against a simulated world's truth (`churnwatch grade`,
/// docs/simulate.md "Grading"): how well p_churn ranks the customers who leave (ROC-AUC),
/// whether the named reason is the cause, how early the warning comes, and what the funded
/// plan is worth in retained revenue against a planner that knows the truth and two naive
/// plans, all with the same budget.
///
/// Money, defined once: a funded action a on customer i is worth
///     expected net_i(a) = P_i × value_i × response_i(a) − cost(a)
/// with P_i truth.csv's p_churn (the world's probability that i leaves in the horizon, given
/// everything up to the cutoff), value_i the revenue i brings over the value horizon if kept
/// and response_i(a) the probability that a prevents i's churn. The "realised" variant uses
/// truth's churned (0/1) in place of P_i.
///
/// Thread safety: pure functions; no shared state.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/status.h"

namespace churnwatch {

/// One option of one customer in the budget problem: an action with its cost and the
/// expected net benefit it brings (gross benefit − cost).
struct BudgetOption {
  double cost = 0;
  double net = 0;
  int action = -1;  ///< caller's action index, handed back in BudgetSolution::choice
};
/// A customer: at most one of its options can be funded.
struct BudgetItem {
  std::vector<BudgetOption> options;
};
struct BudgetSolution {
  double net = 0;             ///< total net benefit of the chosen options
  double cost = 0;            ///< total cost of the chosen options (≤ budget)
  double upper_bound = 0;     ///< no choice within the budget is worth more (= net when exact)
  bool exact = false;         ///< solved by dynamic programming over whole cents
  std::vector<int> choice;    ///< per item: index into its options, or −1 (nothing funded)
};
/// Chooses at most one option per item, total cost ≤ budget, maximising total net benefit
/// (a multiple-choice 0/1 knapsack); options with net ≤ 0 are never chosen. Exact (dynamic
/// programming over whole cents) when items × budget-in-cents ≤ `exact_limit` and every
/// cost is a whole number of cents; otherwise the greedy of the linear relaxation (options
/// on each item's upper convex hull, increments by net per unit of cost), which also yields
/// `upper_bound`, the relaxation's optimum: the true optimum lies between `net` and it.
BudgetSolution SolveBudget(std::span<const BudgetItem> items, double budget, double exact_limit = 2e7);

/// ROC-AUC of `scores` for binary `labels` (ties count one half); NaN when one class is empty.
double GradeRocAuc(std::span<const int> labels, std::span<const double> scores);

struct GradeRequest {
  std::filesystem::path truth;       ///< truth.csv of `churnwatch simulate`
  std::filesystem::path plan;        ///< actions.csv of `churnwatch run` (funded actions)
  std::filesystem::path customers;   ///< customers.csv of `churnwatch run` (every scored customer); optional
  std::filesystem::path policy;      ///< run config or policy TOML for action costs; optional (defaults of examples/policy.toml)
  std::optional<double> budget;      ///< default: the plan's own total cost
  int visible_days = 7;              ///< a cause is visible when it began at least this many days before the cutoff
};

/// The value of one plan (funded actions) under the truth.
struct PlanValue {
  std::string name;
  std::int64_t actions = 0;
  double cost = 0;
  double retained = 0;               ///< Σ P × value × response
  double net = 0;                    ///< retained − cost
  double realised_net = 0;           ///< Σ churned × value × response − cost
  double net_not_active = 0;         ///< the part of `net` spent on and won from customers not active at the cutoff (win-back)
  std::map<std::string, std::int64_t> by_action;
  bool available = true;             ///< false when its inputs were not given (reason in GradeOutcome::notes)
};

struct ReasonScore {
  std::int64_t visible = 0;          ///< scored churners whose cause was visible
  std::int64_t top1 = 0, top3 = 0;   ///< of those, named first / among the three
};

struct GradeOutcome {
  std::string cutoff;
  int visible_days = 7;
  std::int64_t truth_customers = 0, active = 0, active_churners = 0;
  std::int64_t scored = 0;           ///< rows of customers.csv with a p_churn
  double auc = 0;                    ///< p_churn vs truth's churned, over scored customers (NaN without customers.csv)
  double auc_no_purchase = 0;        ///< p_churn vs "no order in the horizon" (the label churnwatch trains on)
  ReasonScore reasons;
  std::map<std::string, ReasonScore> reasons_by_cause;
  std::map<std::string, std::int64_t> top_reason_of_visible;  ///< reason_1 named for visible churners
  // Warning lead time: scored churners in the red or yellow zone are "warned" at the cutoff.
  std::int64_t churners_scored = 0, churners_warned = 0, warned_already_gone = 0, warned = 0;
  double lead_days_median = 0, lead_days_mean = 0;  ///< churn date − cutoff, warned churners not yet gone
  double budget = 0;
  bool budget_from_plan = false;
  PlanValue plan, oracle, most_overdue, top_p_spend;
  double oracle_upper_bound = 0;
  bool oracle_exact = false;
  std::vector<std::string> notes;
};

/// Reads the files and grades. Errors: kNotFound for a missing file; kDataError naming file,
/// line and column for a missing column, a bad number or date, a plan row whose customer is
/// not in the truth or whose action has no response column.
Result<GradeOutcome> GradePlan(const GradeRequest& request);

}  // namespace churnwatch

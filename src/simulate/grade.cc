// `churnwatch grade` (include/churnwatch/grade.h): joins a run's files with the world's
// truth and computes ranking, reasons, lead time and the money of the funded plan against an
// oracle and two naive plans under the same budget.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "churnwatch/grade.h"
#include "churnwatch/playbook.h"
#include "churnwatch/policy_config.h"
#include "simulate/grade_inputs.h"

namespace churnwatch {

namespace {

using simulate_internal::PlanRow;
using simulate_internal::ScoredRow;
using simulate_internal::TruthRow;
using simulate_internal::TruthTable;

/// The cause a churnwatch reason key names; disengagement and value decline are symptoms
/// every leaving customer shows, so they name no cause (docs/simulate.md).
ChurnCause CauseOfReason(std::string_view reason) {
  if (reason == "price") return ChurnCause::kPrice;
  if (reason == "experience") return ChurnCause::kExperience;
  if (reason == "competition") return ChurnCause::kCompetition;
  if (reason == "need_shift") return ChurnCause::kNeedShift;
  return ChurnCause::kNone;
}

/// The causes that leave a trace in the data; moved_away and silent_lapse leave none.
bool TraceCause(ChurnCause c) {
  return c == ChurnCause::kPrice || c == ChurnCause::kExperience || c == ChurnCause::kCompetition ||
         c == ChurnCause::kNeedShift;
}

/// Values a list of funded (customer, action, cost) rows; several rows on one customer
/// combine as independent chances: 1 − Π(1 − response).
PlanValue ValuePlan(std::string name, const TruthTable& truth, const std::vector<PlanRow>& rows) {
  PlanValue v;
  v.name = std::move(name);
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rows[a].customer < rows[b].customer; });
  for (std::size_t i = 0; i < order.size();) {
    const std::size_t cust = rows[order[i]].customer;
    double keep_fail = 1.0, cost = 0;
    for (; i < order.size() && rows[order[i]].customer == cust; ++i) {
      const PlanRow& r = rows[order[i]];
      keep_fail *= 1.0 - truth.rows[cust].responses[static_cast<std::size_t>(r.action)];
      cost += r.cost;
      ++v.actions;
      ++v.by_action[truth.actions[static_cast<std::size_t>(r.action)]];
    }
    const TruthRow& t = truth.rows[cust];
    const double response = 1.0 - keep_fail;
    v.cost += cost;
    v.retained += t.p_churn * t.value * response;
    if (!t.active) v.net_not_active += t.p_churn * t.value * response - cost;
    v.realised_net += (t.churned ? 1.0 : 0.0) * t.value * response;
  }
  v.net = v.retained - v.cost;
  v.realised_net -= v.cost;
  return v;
}

double Median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Result<PolicyConfig> LoadPolicy(const std::filesystem::path& path) {
  if (path.empty()) return DefaultPolicyConfig();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path.string() + ": policy file not found");
  std::stringstream text;
  text << in.rdbuf();
  // A run config is accepted as it is: its run tables are not the policy's.
  return ParsePolicyConfig(text.str(), path.string(), kRunConfigTables);
}

}  // namespace

Result<GradeOutcome> GradePlan(const GradeRequest& req) {
  GradeOutcome g;
  g.visible_days = req.visible_days;
  if (req.visible_days < 0) return Status::InvalidArgument("--visible-days must be ≥ 0");
  CW_ASSIGN_OR_RETURN(const TruthTable truth, simulate_internal::ReadTruth(req.truth));
  CW_ASSIGN_OR_RETURN(const std::vector<PlanRow> plan_rows, simulate_internal::ReadPlan(req.plan, truth));
  CW_ASSIGN_OR_RETURN(const PolicyConfig policy, LoadPolicy(req.policy));
  const DayNumber T = truth.cutoff;
  g.cutoff = FormatIsoDate(T);
  g.truth_customers = static_cast<std::int64_t>(truth.rows.size());
  for (const TruthRow& t : truth.rows) {
    g.active += t.active;
    g.active_churners += t.active && t.churned;
  }

  // Action costs for the plans grade builds itself (the run's plan carries its own).
  std::vector<double> cost(truth.actions.size(), kNaN);
  for (std::size_t a = 0; a < truth.actions.size(); ++a) {
    if (const ActionDef* d = policy.playbook.FindAction(truth.actions[a])) cost[a] = d->cost;
    else g.notes.push_back("action " + truth.actions[a] + " has no cost in the policy; the oracle and naive plans skip it");
  }

  g.plan = ValuePlan("churnwatch plan", truth, plan_rows);
  g.budget_from_plan = !req.budget.has_value();
  g.budget = req.budget.value_or(g.plan.cost);
  if (g.plan.cost > g.budget + 1e-6) g.notes.push_back("the plan spends more than the budget");

  // (a) The oracle: knows P, value and every response; best choice within the budget.
  {
    std::vector<BudgetItem> items(truth.rows.size());
    for (std::size_t i = 0; i < truth.rows.size(); ++i) {
      const TruthRow& t = truth.rows[i];
      for (std::size_t a = 0; a < truth.actions.size(); ++a) {
        if (std::isnan(cost[a])) continue;
        const double net = t.p_churn * t.value * t.responses[a] - cost[a];
        if (net > 0) items[i].options.push_back({cost[a], net, static_cast<int>(a)});
      }
    }
    const BudgetSolution s = SolveBudget(items, g.budget);
    std::vector<PlanRow> rows;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (s.choice[i] >= 0) {
        const BudgetOption& o = items[i].options[static_cast<std::size_t>(s.choice[i])];
        rows.push_back({i, o.action, o.cost});
      }
    g.oracle = ValuePlan("oracle (knows the truth)", truth, rows);
    g.oracle_upper_bound = s.upper_bound;
    g.oracle_exact = s.exact;
  }

  // (b) Most overdue gets a coupon: active customers by days since the last order over
  // their mean gap between orders (the horizon when they ordered once), a coupon each
  // while the budget lasts.
  {
    const int coupon = truth.ActionIndex("coupon");
    if (coupon < 0 || std::isnan(cost[static_cast<std::size_t>(coupon)])) {
      g.most_overdue.available = false;
      g.notes.push_back("no coupon action with a cost: the most-overdue plan is skipped");
    } else {
      std::vector<std::pair<double, std::size_t>> overdue;
      for (std::size_t i = 0; i < truth.rows.size(); ++i) {
        const TruthRow& t = truth.rows[i];
        if (!t.active) continue;
        const double gap = t.orders > 1 ? static_cast<double>(t.last_purchase - t.first_purchase) / (t.orders - 1)
                                        : 90.0;
        overdue.push_back({static_cast<double>(T - t.last_purchase) / std::max(gap, 1.0), i});
      }
      std::stable_sort(overdue.begin(), overdue.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      const double c = cost[static_cast<std::size_t>(coupon)];
      std::vector<PlanRow> rows;
      double spent = 0;
      for (const auto& [score, i] : overdue) {
        if (spent + c > g.budget + 1e-9) break;
        spent += c;
        rows.push_back({i, coupon, c});
      }
      g.most_overdue = ValuePlan("most overdue gets a coupon", truth, rows);
    }
  }

  // Ranking, reasons and lead time need the run's per-customer file.
  std::filesystem::path customers_path = req.customers;
  if (customers_path.empty()) {
    const auto beside = req.plan.parent_path() / "customers.csv";
    if (std::filesystem::exists(beside)) {
      customers_path = beside;
      g.notes.push_back("customers: " + beside.string() + " (beside the plan)");
    }
  }
  g.auc = g.auc_no_purchase = kNaN;
  g.lead_days_median = g.lead_days_mean = kNaN;
  if (customers_path.empty()) {
    g.top_p_spend.available = false;
    g.top_p_spend.name = "top p_churn × spend, one action per reason";
    g.notes.push_back("no --customers file: AUC, reasons, lead time and the p_churn × spend plan need it");
    return g;
  }
  CW_ASSIGN_OR_RETURN(const std::vector<ScoredRow> scored, simulate_internal::ReadScored(customers_path, truth));
  g.scored = static_cast<std::int64_t>(scored.size());
  std::vector<int> label, no_purchase;
  std::vector<double> score;
  std::vector<double> leads;
  for (const ScoredRow& s : scored) {
    const TruthRow& t = truth.rows[s.customer];
    label.push_back(t.churned ? 1 : 0);
    no_purchase.push_back(t.orders_in_horizon == 0 ? 1 : 0);
    score.push_back(s.p_churn);
    const bool warned = s.zone == "red" || s.zone == "yellow";
    g.warned += warned;
    if (t.churned) {
      ++g.churners_scored;
      if (warned) {
        ++g.churners_warned;
        if (t.churn_day < T) ++g.warned_already_gone;
        else leads.push_back(static_cast<double>(t.churn_day - T));
      }
      // A cause is visible when it leaves a trace and began visible_days or more before T.
      if (TraceCause(t.cause) && t.cause_start != simulate_internal::kNoDay && t.cause_start <= T - req.visible_days) {
        ReasonScore& by = g.reasons_by_cause[std::string(ChurnCauseKey(t.cause))];
        ++g.reasons.visible;
        ++by.visible;
        ++g.top_reason_of_visible[s.reasons[0].empty() ? "(none)" : s.reasons[0]];
        if (CauseOfReason(s.reasons[0]) == t.cause) ++g.reasons.top1, ++by.top1;
        bool in3 = false;
        for (const auto& r : s.reasons) in3 = in3 || CauseOfReason(r) == t.cause;
        if (in3) ++g.reasons.top3, ++by.top3;
      }
    }
  }
  g.auc = GradeRocAuc(label, score);
  g.auc_no_purchase = GradeRocAuc(no_purchase, score);
  g.lead_days_median = Median(leads);
  if (!leads.empty()) g.lead_days_mean = std::accumulate(leads.begin(), leads.end(), 0.0) / static_cast<double>(leads.size());

  // (c) Top p_churn × spend, one action per reason (the playbook's reason defaults).
  {
    auto action_for = [&](const std::string& reason) {
      const char* key = reason == "price"         ? "coupon"
                        : reason == "experience"  ? "service_recovery"
                        : reason == "competition" ? "member_perk"
                        : reason == "need_shift"  ? "alternative_products"
                        : reason == "value_decline" ? "gift"
                                                    : "app_push";
      return truth.ActionIndex(key);
    };
    std::vector<std::pair<double, std::size_t>> ranked;
    for (std::size_t k = 0; k < scored.size(); ++k)
      ranked.push_back({scored[k].p_churn * truth.rows[scored[k].customer].spend_365, k});
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<PlanRow> rows;
    double spent = 0;
    for (const auto& [key, k] : ranked) {
      const int a = action_for(scored[k].reasons[0]);
      if (a < 0 || std::isnan(cost[static_cast<std::size_t>(a)])) continue;
      const double c = cost[static_cast<std::size_t>(a)];
      if (spent + c > g.budget + 1e-9) continue;
      spent += c;
      rows.push_back({scored[k].customer, a, c});
    }
    g.top_p_spend = ValuePlan("top p_churn × spend, one action per reason", truth, rows);
  }
  return g;
}

}  // namespace churnwatch

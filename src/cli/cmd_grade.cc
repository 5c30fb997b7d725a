// `churnwatch grade`: grades a run's plan against a simulated world's truth
// (docs/simulate.md "Grading") — flags in, one library call (GradePlan), text or JSON out.
#include <cmath>
#include <cstdio>
#include <memory>

#include "churnwatch/grade.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct GradeFlags {
  std::string truth, plan, customers, policy;
  double budget = kNaN;
  int visible_days = 7;
};

nlohmann::json Num(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

nlohmann::json PlanJson(const PlanValue& p, double oracle_net) {
  if (!p.available) return nullptr;
  return {{"name", p.name},
          {"actions", p.actions},
          {"cost", p.cost},
          {"retained_revenue", p.retained},
          {"net", p.net},
          {"realised_net", p.realised_net},
          {"net_not_active", p.net_not_active},
          {"share_of_oracle", oracle_net > 0 ? Num(p.net / oracle_net) : Num(kNaN)},
          {"by_action", p.by_action}};
}

double Share(std::int64_t a, std::int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : kNaN; }

nlohmann::json ToJson(const GradeOutcome& g) {
  nlohmann::json by_cause = nlohmann::json::object();
  for (const auto& [cause, s] : g.reasons_by_cause)
    by_cause[cause] = {{"visible", s.visible}, {"top1", Num(Share(s.top1, s.visible))}, {"top3", Num(Share(s.top3, s.visible))}};
  return {{"cutoff", g.cutoff},
          {"truth_customers", g.truth_customers},
          {"active", g.active},
          {"active_churners", g.active_churners},
          {"scored", g.scored},
          {"auc", Num(g.auc)},
          {"auc_no_purchase", Num(g.auc_no_purchase)},
          {"reasons",
           {{"visible_days", g.visible_days},
            {"visible", g.reasons.visible},
            {"top1", Num(Share(g.reasons.top1, g.reasons.visible))},
            {"top3", Num(Share(g.reasons.top3, g.reasons.visible))},
            {"by_cause", by_cause},
            {"named_first", g.top_reason_of_visible}}},
          {"lead_time",
           {{"churners_scored", g.churners_scored},
            {"churners_warned", g.churners_warned},
            {"recall", Num(Share(g.churners_warned, g.churners_scored))},
            {"precision", Num(Share(g.churners_warned, g.warned))},
            {"warned_already_gone", g.warned_already_gone},
            {"median_days", Num(g.lead_days_median)},
            {"mean_days", Num(g.lead_days_mean)}}},
          {"budget", g.budget},
          {"budget_from_plan", g.budget_from_plan},
          {"plan", PlanJson(g.plan, g.oracle.net)},
          {"oracle", PlanJson(g.oracle, g.oracle.net)},
          {"oracle_upper_bound", g.oracle_upper_bound},
          {"oracle_exact", g.oracle_exact},
          {"most_overdue_coupon", PlanJson(g.most_overdue, g.oracle.net)},
          {"top_p_spend_by_reason", PlanJson(g.top_p_spend, g.oracle.net)},
          {"notes", g.notes}};
}

void PrintPlan(const PlanValue& p, double oracle_net) {
  if (!p.available) {
    std::printf("  %-44s (not available)\n", p.name.c_str());
    return;
  }
  std::printf("  %-44s %7lld actions  cost %10.2f  retained %11.2f  net %11.2f  (%5.1f%% of oracle)  realised net %11.2f\n",
              p.name.c_str(), static_cast<long long>(p.actions), p.cost, p.retained, p.net,
              oracle_net > 0 ? 100.0 * p.net / oracle_net : 0.0, p.realised_net);
}

void PrintText(const GradeOutcome& g) {
  std::printf("graded against the truth at cutoff %s: %s customers, %s active, %s of them leave within the horizon\n",
              g.cutoff.c_str(), FormatCount(g.truth_customers).c_str(), FormatCount(g.active).c_str(),
              FormatCount(g.active_churners).c_str());
  if (!std::isnan(g.auc)) {
    std::printf("ranking: ROC-AUC %.3f over %s scored customers (against \"no order in the horizon\": %.3f)\n", g.auc,
                FormatCount(g.scored).c_str(), g.auc_no_purchase);
    std::printf("reasons: %s churners with a cause visible %d+ days before the cutoff; top-1 %.1f%%, top-3 %.1f%%\n",
                FormatCount(g.reasons.visible).c_str(), g.visible_days, 100 * Share(g.reasons.top1, g.reasons.visible),
                100 * Share(g.reasons.top3, g.reasons.visible));
    for (const auto& [cause, s] : g.reasons_by_cause)
      std::printf("  %-12s %6lld visible  top-1 %5.1f%%  top-3 %5.1f%%\n", cause.c_str(), static_cast<long long>(s.visible),
                  100 * Share(s.top1, s.visible), 100 * Share(s.top3, s.visible));
    std::string named;
    for (const auto& [reason, n] : g.top_reason_of_visible) named += (named.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    std::printf("  named first for them: %s\n", named.c_str());
    std::printf("warning: %s of %s scored churners in the red or yellow zone (recall %.1f%%, precision %.1f%%); "
                "lead time to leaving median %.0f days, mean %.1f (%s had already left)\n",
                FormatCount(g.churners_warned).c_str(), FormatCount(g.churners_scored).c_str(),
                100 * Share(g.churners_warned, g.churners_scored), 100 * Share(g.churners_warned, g.warned),
                g.lead_days_median, g.lead_days_mean, FormatCount(g.warned_already_gone).c_str());
  }
  std::printf("money, budget %.2f%s: expected net = Σ P(churn | truth) × value × response − cost\n", g.budget,
              g.budget_from_plan ? " (the plan's own spend; --budget sets it)" : "");
  PrintPlan(g.plan, g.oracle.net);
  PrintPlan(g.oracle, g.oracle.net);
  std::printf("  %-44s net ≤ %.2f (%s); %.2f of its net from customers not active at the cutoff (win-back)\n", "",
              g.oracle_upper_bound, g.oracle_exact ? "exact knapsack" : "linear-relaxation bound; the oracle is its greedy solution",
              g.oracle.net_not_active);
  PrintPlan(g.most_overdue, g.oracle.net);
  PrintPlan(g.top_p_spend, g.oracle.net);
  std::string mix;
  for (const auto& [a, n] : g.plan.by_action) mix += (mix.empty() ? "" : ", ") + a + " " + std::to_string(n);
  std::printf("  plan's actions: %s\n", mix.empty() ? "(none)" : mix.c_str());
  mix.clear();
  for (const auto& [a, n] : g.oracle.by_action) mix += (mix.empty() ? "" : ", ") + a + " " + std::to_string(n);
  std::printf("  oracle's actions: %s\n", mix.empty() ? "(none)" : mix.c_str());
  for (const auto& n : g.notes) std::printf("note: %s\n", n.c_str());
}

Status Run(const GradeFlags& f, const CommonOptions& common) {
  GradeRequest req;
  req.truth = f.truth;
  req.plan = f.plan;
  req.customers = f.customers;
  req.policy = f.policy;
  req.visible_days = f.visible_days;
  if (!std::isnan(f.budget)) {
    if (f.budget < 0) return Status::InvalidArgument("--budget must be ≥ 0");
    req.budget = f.budget;
  }
  CW_ASSIGN_OR_RETURN(GradeOutcome g, GradePlan(req));
  if (common.json) return PrintJson(ToJson(g));
  PrintText(g);
  return Status::OK();
}

}  // namespace

CommandRun RegisterGrade(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("grade", "Grade a run's plan against a simulated world's truth (docs/simulate.md)");
  AddCommonOptions(sub, common);
  auto flags = std::make_shared<GradeFlags>();
  sub->add_option("--truth", flags->truth, "truth.csv written by churnwatch simulate")->required();
  sub->add_option("--plan", flags->plan, "actions.csv written by churnwatch run (the funded actions)")->required();
  sub->add_option("--customers", flags->customers,
                  "customers.csv written by churnwatch run (default: the one beside the plan, if any)");
  sub->add_option("--budget", flags->budget, "budget for the oracle and the naive plans (default: the plan's spend)");
  sub->add_option("--policy", flags->policy, "run config or policy TOML giving action costs (default: built-in costs)");
  sub->add_option("--visible-days", flags->visible_days,
                  "a cause counts as visible when it began at least this many days before the cutoff")
      ->capture_default_str();
  return [flags, &common] { return Run(*flags, common); };
}

}  // namespace churnwatch::cli

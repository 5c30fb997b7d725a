// `churnwatch evaluate` (SPEC.md §14): flags into an app::EvaluateRequest, app::Evaluate,
// the model and the baselines on the unseen cutoff as a table or one JSON object.
#include <cstdio>

#include "churnwatch/app/evaluate.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct EvaluateFlags {
  std::string model, test_cutoff, plots;
  int threads = 2;
};

Status Run(const EvaluateFlags& f, const CommonOptions& common) {
  app::EvaluateRequest r;
  CW_ASSIGN_OR_RETURN(r.test_cutoff, ParseDateFlag(f.test_cutoff, "--test-cutoff"));
  r.db_url = common.db_url;
  r.model = f.model;
  r.plots_dir = f.plots;
  r.threads = f.threads;
  r.warn = PrintWarning;
  CW_ASSIGN_OR_RETURN(const app::EvaluateOutcome o, app::Evaluate(r));
  if (common.json) return PrintJson(o.ToJson());
  const Evaluation& ev = o.evaluation;
  std::printf("model %s on test cutoff %s (H = %d days): %lld customers, churn rate %.1f%%\n", o.model.version.c_str(),
              f.test_cutoff.c_str(), o.model.horizon_days, static_cast<long long>(ev.rows),
              100 * ev.metrics.begin()->second.base_rate);
  std::printf("  %-13s %8s %7s %8s %7s %7s %8s %8s\n", "model", "ROC-AUC", "PR-AUC", "lift@10%", "Brier", "ECE",
              "prec@k", "recall@k");
  for (const char* name : {"ensemble", "trees", "logistic", "bgnbd", "recency_rule"}) {
    const auto it = ev.metrics.find(name);
    if (it == ev.metrics.end()) continue;
    const auto& m = it->second;
    std::printf("  %-13s %8.3f %7.3f %8.2f %7.3f %7.3f %8.3f %8.3f\n", name, m.roc_auc, m.pr_auc, m.lift_top_decile,
                m.brier, m.ece, m.precision_at_k, m.recall_at_k);
  }
  const auto& e = ev.metrics.at("ensemble");
  std::printf("ensemble at its operating threshold %.3f: TP %lld  FP %lld  TN %lld  FN %lld  (precision %.3f, "
              "recall %.3f)\n",
              e.confusion.threshold, static_cast<long long>(e.confusion.true_positive),
              static_cast<long long>(e.confusion.false_positive), static_cast<long long>(e.confusion.true_negative),
              static_cast<long long>(e.confusion.false_negative), e.confusion.precision(), e.confusion.recall());
  std::printf("calibration by decile (ensemble): decile, mean predicted, observed\n");
  for (const auto& b : e.calibration) std::printf("  %2d  %.3f  %.3f\n", b.decile, b.mean_predicted, b.observed_rate);
  if (ev.lead_time_rows > 0)
    std::printf("warning lead time on %lld flagged churners: predicted median %.0f days, actual median %.0f days, "
                "MAE %.0f days\n",
                static_cast<long long>(ev.lead_time_rows), ev.lead_time_predicted_median, ev.lead_time_actual_median,
                ev.lead_time_mae);
  for (const auto& p : o.plots) std::printf("wrote %s\n", p.c_str());
  return Status::OK();
}

}  // namespace

CommandRun RegisterEvaluate(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("evaluate", "evaluate a model and the baselines on a later, unseen cutoff");
  AddCommonOptions(sub, common);
  auto f = std::make_shared<EvaluateFlags>();
  sub->add_option("--model", f->model, "model version (default: the champion)");
  sub->add_option("--test-cutoff", f->test_cutoff, "test cutoff YYYY-MM-DD")->required();
  sub->add_option("--plots", f->plots, "directory for roc.svg, calibration.svg and lift.svg");
  sub->add_option("--threads", f->threads, "threads")->capture_default_str();
  return [f, &common] { return Run(*f, common); };
}

}  // namespace churnwatch::cli

// `churnwatch evaluate` (SPEC.md §14): scores a later, unseen cutoff with a registered model
// and compares it with the baselines (trees alone, logistic regression, the recency rule,
// BG/NBD); text, --json and SVG plots.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/eval_plots.h"
#include "churnwatch/registry.h"
#include "churnwatch/store.h"
#include "cli/commands.h"
#include "churnwatch/model_json.h"

namespace churnwatch::cli {
namespace {

struct EvaluateFlags {
  std::string model;
  std::string test_cutoff;
  std::string plots;
  int threads = 2;
};

Status Run(const EvaluateFlags& f, const CommonOptions& common) {
  const auto start = std::chrono::steady_clock::now();
  const auto test = ParseIsoDate(f.test_cutoff);
  if (!test) return Status::InvalidArgument("--test-cutoff '" + f.test_cutoff + "' is not a YYYY-MM-DD date");
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(common.db_url));
  ModelRegistry registry(*store);
  CW_ASSIGN_OR_RETURN(auto model, registry.Load(f.model, f.threads));
  const ModelInfo& info = model->info();
  CW_ASSIGN_OR_RETURN(RetailColumns columns, LoadColumnsFromStore(*store, f.threads));
  if (columns.num_transactions() == 0)
    return Status::DataError("the store " + common.db_url + " has no transactions: run `churnwatch ingest` first");
  const DayNumber test_day[] = {*test};
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(columns, test_day, "--test-cutoff"));
  // The model has seen every row up to its latest cutoff (validation, else training): a
  // test cutoff there or earlier is not unseen, and its figures would flatter.
  std::optional<DayNumber> seen = info.valid_cutoff;
  if (!seen && !info.train_cutoffs.empty())
    seen = *std::max_element(info.train_cutoffs.begin(), info.train_cutoffs.end());
  if (seen && *test <= *seen) {
    std::string train;
    for (DayNumber t : info.train_cutoffs) train += (train.empty() ? "" : ",") + FormatIsoDate(t);
    return Status::InvalidArgument(
        "--test-cutoff " + f.test_cutoff + " is not later than the " +
        (info.valid_cutoff ? "validation cutoff " + FormatIsoDate(*info.valid_cutoff) : "last training cutoff " + FormatIsoDate(*seen)) +
        " of model " + info.version + " (training cutoffs " + (train.empty() ? "none" : train) +
        "): the test cutoff must be unseen; choose one after " + FormatIsoDate(*seen) +
        (info.valid_cutoff ? ", ideally at least H = " + std::to_string(info.horizon_days) + " days later (" +
                                 FormatIsoDate(*info.valid_cutoff + info.horizon_days) + " or after)"
                           : std::string()));
  }
  if (info.valid_cutoff && *test < *info.valid_cutoff + info.horizon_days)
    std::fprintf(stderr,
                 "churnwatch: warning: test cutoff %s is within H of the validation cutoff %s; the test window "
                 "overlaps data the model was tuned on\n",
                 f.test_cutoff.c_str(), FormatIsoDate(*info.valid_cutoff).c_str());
  PipelineOptions po;
  po.threads = f.threads;
  po.horizon_days = info.horizon_days;
  CW_ASSIGN_OR_RETURN(Evaluation ev, EvaluateOnCutoff(*model, columns, *test, po));
  std::vector<std::string> plots;
  if (!f.plots.empty()) {
    CW_ASSIGN_OR_RETURN(plots, WriteEvaluationPlots(ev, f.plots));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (common.json) {
    nlohmann::json models = nlohmann::json::object();
    for (const auto& [name, m] : ev.metrics) models[name] = MetricSetToJson(m);
    PrintJson({{"model_version", info.version},
               {"test_cutoff", f.test_cutoff},
               {"horizon_days", info.horizon_days},
               {"rows", ev.rows},
               {"models", models},
               {"lead_time",
                {{"rows", ev.lead_time_rows},
                 {"predicted_median_days", JsonNumber(ev.lead_time_predicted_median)},
                 {"actual_median_days", JsonNumber(ev.lead_time_actual_median)},
                 {"mae_days", JsonNumber(ev.lead_time_mae)}}},
               {"plots", plots},
               {"seconds", seconds}});
    return Status::OK();
  }
  std::printf("model %s on test cutoff %s (H = %d days): %lld customers, churn rate %.1f%%\n", info.version.c_str(),
              f.test_cutoff.c_str(), info.horizon_days, static_cast<long long>(ev.rows),
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
  for (const auto& b : e.calibration)
    std::printf("  %2d  %.3f  %.3f\n", b.decile, b.mean_predicted, b.observed_rate);
  if (ev.lead_time_rows > 0)
    std::printf("warning lead time on %lld flagged churners: predicted median %.0f days, actual median %.0f days, "
                "MAE %.0f days\n",
                static_cast<long long>(ev.lead_time_rows), ev.lead_time_predicted_median, ev.lead_time_actual_median,
                ev.lead_time_mae);
  for (const auto& p : plots) std::printf("wrote %s\n", p.c_str());
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

// `churnwatch train` (SPEC.md §14): flags into an app::TrainRequest, app::Train, the
// registered model's figures as a summary or one JSON object.
#include <charconv>
#include <cstdio>

#include "churnwatch/app/train.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct TrainFlags {
  std::string train_cutoffs, valid_cutoff, format, logistic_c, drop_features;
  int horizon_days = kHorizonNotGiven, lookback_days = 365, threads = 2;
  std::uint64_t seed = 42;
  TreeParams trees;  // depth, eta, rounds, min_child_weight, subsampling (defaults of models.h)
  std::string stack = "trees,logistic,bgnbd", stacker = "average", calibration = "auto", calibrate_on = "valid";
  bool no_bgnbd = false, no_purge = false, no_champion = false;
  int workers = 1;                 // > 1: launch that many local training workers
  bool collective_worker = false;  // this process is one of them (set by the launcher)
  std::string labelled, label_column = "Churn", id_column = "customerID", positive = "Yes";
};

void PrintMetricsLine(const char* name, const MetricSet& m) {
  std::printf("  %-14s ROC-AUC %.3f  PR-AUC %.3f  lift@10%% %.2f  Brier %.3f  ECE %.3f  (n=%lld, churn %.1f%%)\n", name,
              m.roc_auc, m.pr_auc, m.lift_top_decile, m.brier, m.ece, static_cast<long long>(m.rows),
              100 * m.base_rate);
}

Result<app::TrainRequest> MakeRequest(const TrainFlags& f, const CommonOptions& common) {
  app::TrainRequest r;
  TrainOptions& to = r.options;
  to.trees = f.trees;
  to.trees.seed = f.seed;
  to.trees.nthread = f.threads;
  if (!f.logistic_c.empty()) {
    CW_ASSIGN_OR_RETURN(to.logistic_c_grid, app::ParsePositiveList(f.logistic_c, "--logistic-c"));
  }
  CW_RETURN_IF_ERROR(app::ParseStackInputs(f.stack, to));
  CW_ASSIGN_OR_RETURN(to.stacker, ParseStackerKind(f.stacker, "--stacker"));
  CW_ASSIGN_OR_RETURN(to.calibration, ParseCalibrationChoice(f.calibration, "--calibration"));
  CW_ASSIGN_OR_RETURN(to.calibrate_on, ParseCalibrationRows(f.calibrate_on, "--calibrate-on"));
  if (f.labelled.empty() && !f.valid_cutoff.empty()) {
    CW_ASSIGN_OR_RETURN(r.valid_cutoff, ParseDateFlag(f.valid_cutoff, "--valid-cutoff"));
  }
  r.db_url = common.db_url;
  r.make_champion = !f.no_champion;
  r.train_cutoffs = f.train_cutoffs;
  r.format = f.format;
  if (f.horizon_days != kHorizonNotGiven) r.horizon_days = f.horizon_days;
  r.lookback_days = f.lookback_days;
  r.threads = f.threads;
  r.bgnbd = !f.no_bgnbd;
  r.purge = !f.no_purge;
  r.drop_features = app::SplitNames(f.drop_features);
  r.workers = f.workers;
  r.collective_worker = f.collective_worker;
  r.labelled = f.labelled;
  r.labelled_options.label_column = f.label_column;
  r.labelled_options.id_column = f.id_column;
  r.labelled_options.positive = f.positive;
  return r;
}

Status Run(const TrainFlags& f, const CommonOptions& common) {
  CW_ASSIGN_OR_RETURN(const app::TrainRequest request, MakeRequest(f, common));
  CW_ASSIGN_OR_RETURN(const app::TrainOutcome o, app::Train(request));
  if (o.model == nullptr) return Status::OK();  // launcher, or a worker other than rank 0: rank 0 prints
  if (common.json) return PrintJson(o.ToJson());
  const ModelInfo& info = o.model->info();
  if (o.labelled) {
    std::printf("trained model %s on %s: %zu rows (train %lld / valid %lld / test %lld), %zu features, %.1f s\n",
                info.version.c_str(), o.labelled_path.c_str(), *o.labelled_rows, static_cast<long long>(info.train_rows),
                static_cast<long long>(info.valid_rows), static_cast<long long>(o.labelled->test_metrics.rows),
                o.model->feature_names().size(), o.seconds);
    std::printf("held-out test split:\n");
    PrintMetricsLine("ensemble", o.labelled->test_metrics);
    PrintMetricsLine("trees", o.labelled->test_metrics_trees);
    PrintMetricsLine("logistic", o.labelled->test_metrics_logistic);
    return Status::OK();
  }
  std::printf("trained model %s: %lld training rows over %zu cutoffs, validation %s (%lld rows), H = %d days\n",
              info.version.c_str(), static_cast<long long>(info.train_rows), info.train_cutoffs.size(),
              f.valid_cutoff.c_str(), static_cast<long long>(info.valid_rows), info.horizon_days);
  std::printf("  %zu features, %d trees, BG/NBD %s, survival %s, %s calibration, threshold %.3f, %.1f s\n",
              o.model->feature_names().size(), info.best_iteration, o.model->uses_bgnbd() ? "stacked" : "off",
              o.model->has_survival() ? "yes" : "no", std::string(o.model->calibration().MethodName()).c_str(),
              o.model->threshold(), o.seconds);
  std::printf("validation, final components (refit rows overlap validation weeks; in-sample for calibration):\n");
  PrintMetricsLine("ensemble", info.valid_metrics);
  if (!info.purged_valid_metrics.empty()) {
    std::printf("validation, components as selected%s (compare settings by these):\n",
                info.purged ? " on the purged train cutoffs" : "");
    for (const auto& [name, m] : info.purged_valid_metrics) PrintMetricsLine(name.c_str(), m);
  }
  if (o.champion) std::printf("  registered as champion\n");
  return Status::OK();
}

}  // namespace

CommandRun RegisterTrain(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("train", "train the churn ensemble and register it as the champion model");
  AddCommonOptions(sub, common);
  auto f = std::make_shared<TrainFlags>();
  sub->add_option("--train-cutoffs", f->train_cutoffs, "training cutoffs: 2011-01-01,2011-02-01, or every:14d:2011-06-01 (every 14 days back from that last cutoff)");
  sub->add_option("--valid-cutoff", f->valid_cutoff, "validation cutoff (later than every training cutoff)");
  sub->add_option("--format", f->format, "retail format preset for H: grocery, general, apparel, department, warehouse");
  sub->add_option("--horizon-days", f->horizon_days, "H in days (overrides --format)");
  sub->add_option("--lookback-days", f->lookback_days, "L in days")->capture_default_str();
  sub->add_option("--threads", f->threads, "threads for features and XGBoost")->capture_default_str();
  sub->add_option("--seed", f->seed, "random seed (same seed, same data -> same model)")->capture_default_str();
  sub->add_option("--max-depth", f->trees.max_depth, "tree depth")->capture_default_str();
  sub->add_option("--eta", f->trees.eta, "tree learning rate")->capture_default_str();
  sub->add_option("--max-rounds", f->trees.max_rounds, "most boosting rounds (early stopping picks fewer)")
      ->capture_default_str();
  sub->add_option("--min-child-weight", f->trees.min_child_weight, "tree min_child_weight")->capture_default_str();
  sub->add_option("--subsample", f->trees.subsample, "row subsampling per tree")->capture_default_str();
  sub->add_option("--colsample", f->trees.colsample_bytree, "column subsampling per tree")->capture_default_str();
  sub->add_flag("--stop-on-auc", f->trees.stop_on_auc, "early-stop the trees on validation ROC-AUC, not log-loss");
  std::string c_grid;
  for (double c : TrainOptions{}.logistic_c_grid) {
    char buf[32];
    c_grid += (c_grid.empty() ? "" : ",") + std::string(buf, std::to_chars(buf, buf + sizeof buf, c).ptr);
  }
  sub->add_option("--logistic-c", f->logistic_c,
                  "inverse L2 strengths to choose from by validation log-loss (default " + c_grid + ")");
  sub->add_option("--stack", f->stack, "opinions the average stacker combines")->capture_default_str();
  sub->add_option("--stacker", f->stacker, "average | fitted")->capture_default_str();
  sub->add_option("--calibration", f->calibration, "auto | platt | isotonic | none")->capture_default_str();
  sub->add_option("--calibrate-on", f->calibrate_on,
                  "valid | time-folds (validation plus out-of-time scores of the training cutoffs)")
      ->capture_default_str();
  sub->add_option("--drop-features", f->drop_features,
                  "catalogue features to leave out of snapshot training, e.g. tenure_days,monetary_365");
  sub->add_flag("--no-bgnbd", f->no_bgnbd, "leave BG/NBD out of the ensemble");
  sub->add_flag("--no-purge", f->no_purge, "validate against trees trained on every train cutoff");
  sub->add_flag("--no-champion", f->no_champion, "register without making it the champion");
  sub->add_option("--workers", f->workers,
                  "train with N local worker processes joined through XGBoost's collective (needs --no-bgnbd)")
      ->capture_default_str();
  sub->add_flag("--collective-worker", f->collective_worker)->group("");  // set by the launcher only
  sub->add_option("--labelled", f->labelled, "train on an already-labelled CSV (one row per customer) instead");
  sub->add_option("--label-column", f->label_column, "label column of --labelled")->capture_default_str();
  sub->add_option("--id-column", f->id_column, "id column of --labelled")->capture_default_str();
  sub->add_option("--positive", f->positive, "label value meaning churned")->capture_default_str();
  return [f, &common] { return Run(*f, common); };
}

}  // namespace churnwatch::cli

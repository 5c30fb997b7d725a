// `churnwatch train` (SPEC.md §14): trains the churn ensemble on stacked snapshots of the
// store's transactions (or on an already-labelled CSV) and registers it as the champion.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/collective.h"
#include "churnwatch/labelled_table.h"
#include "churnwatch/registry.h"
#include "churnwatch/scale.h"
#include "churnwatch/store.h"
#include "cli/commands.h"
#include "models/json_io.h"

namespace churnwatch::cli {
namespace {

struct TrainFlags {
  std::string train_cutoffs;
  std::string valid_cutoff;
  std::string format;
  int horizon_days = kHorizonNotGiven;
  int lookback_days = 365;
  int threads = 2;
  std::uint64_t seed = 42;
  TreeParams trees;  // depth, eta, rounds, min_child_weight, subsampling (defaults of models.h)
  std::string logistic_c;
  std::string stack = "trees,logistic,bgnbd";
  std::string stacker = "average";
  std::string calibration = "auto";
  std::string calibrate_on = "valid";
  std::string drop_features;
  bool no_bgnbd = false;
  bool no_purge = false;
  bool no_champion = false;
  int workers = 1;                 // > 1: launch that many local training workers
  bool collective_worker = false;  // this process is one of them (set by the launcher)
  // labelled-table path
  std::string labelled;
  std::string label_column = "Churn";
  std::string id_column = "customerID";
  std::string positive = "Yes";
};

void PrintMetricsLine(const char* name, const MetricSet& m) {
  std::printf("  %-14s ROC-AUC %.3f  PR-AUC %.3f  lift@10%% %.2f  Brier %.3f  ECE %.3f  (n=%lld, churn %.1f%%)\n", name,
              m.roc_auc, m.pr_auc, m.lift_top_decile, m.brier, m.ece, static_cast<long long>(m.rows),
              100 * m.base_rate);
}

/// 0.001 -> "0.001", 1 -> "1" (for the help text).
std::string FormatShortNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// "a,b,,c" -> {"a", "b", "", "c"}: every token, empty ones included, for the caller to judge.
std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

/// "0.01,0.1,1" -> numbers > 0.
Result<std::vector<double>> ParseNumberList(const std::string& text, const char* flag) {
  std::vector<double> out;
  for (const std::string& token : SplitCommas(text)) {
    double v = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec != std::errc() || end != token.data() + token.size() || !(v > 0))
      return Status::InvalidArgument(std::string(flag) + ": '" + token + "' is not a positive number (in '" + text + "')");
    out.push_back(v);
  }
  return out;
}

/// "trees,logistic,bgnbd" (any non-empty subset) -> the average stacker's inputs.
Status ParseStack(const std::string& text, TrainOptions& to) {
  to.stack_trees = to.stack_logistic = to.stack_bgnbd = false;
  for (const std::string& token : SplitCommas(text)) {
    if (token == "trees") to.stack_trees = true;
    else if (token == "logistic") to.stack_logistic = true;
    else if (token == "bgnbd") to.stack_bgnbd = true;
    else return Status::InvalidArgument("--stack: '" + token + "' is not one of trees, logistic, bgnbd (in '" + text + "')");
  }
  return Status::OK();
}

Status RunLabelled(const TrainFlags& f, const CommonOptions& common, const TrainOptions& to) {
  const auto start = std::chrono::steady_clock::now();
  LabelledOptions lo;
  lo.label_column = f.label_column;
  lo.id_column = f.id_column;
  lo.positive = f.positive;
  CW_ASSIGN_OR_RETURN(auto split, LoadLabelledCsv(f.labelled, lo));
  CW_ASSIGN_OR_RETURN(auto result, TrainLabelled(split, to));
  ModelInfo info = result.model->info();
  info.source = "labelled:" + std::filesystem::path(f.labelled).filename().string();
  CW_ASSIGN_OR_RETURN(auto store, Store::Open(common.db_url));
  ModelRegistry registry(*store);
  CW_ASSIGN_OR_RETURN(auto model, registry.Register(*result.model->WithInfo(info), !f.no_champion));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (common.json) {
    PrintJson({{"model_version", model->info().version},
               {"source", model->info().source},
               {"rows", split.rows},
               {"features", model->feature_names().size()},
               {"train_rows", model->info().train_rows},
               {"valid_rows", model->info().valid_rows},
               {"test_rows", result.test_metrics.rows},
               {"valid_metrics", MetricSetToJson(model->info().valid_metrics)},
               {"purged_valid_metrics", ModelInfoToJson(model->info())["purged_valid_metrics"]},
               {"test_metrics",
                {{"ensemble", MetricSetToJson(result.test_metrics)},
                 {"trees", MetricSetToJson(result.test_metrics_trees)},
                 {"logistic", MetricSetToJson(result.test_metrics_logistic)}}},
               {"champion", !f.no_champion},
               {"seconds", seconds}});
    return Status::OK();
  }
  std::printf("trained model %s on %s: %zu rows (train %lld / valid %lld / test %lld), %zu features, %.1f s\n",
              model->info().version.c_str(), f.labelled.c_str(), split.rows,
              static_cast<long long>(model->info().train_rows), static_cast<long long>(model->info().valid_rows),
              static_cast<long long>(result.test_metrics.rows), model->feature_names().size(), seconds);
  std::printf("held-out test split:\n");
  PrintMetricsLine("ensemble", result.test_metrics);
  PrintMetricsLine("trees", result.test_metrics_trees);
  PrintMetricsLine("logistic", result.test_metrics_logistic);
  return Status::OK();
}

Status RunSnapshots(const TrainFlags& f, const CommonOptions& common, TrainOptions to) {
  const auto start = std::chrono::steady_clock::now();
  if (f.train_cutoffs.empty() || f.valid_cutoff.empty())
    return Status::InvalidArgument("train needs --train-cutoffs and --valid-cutoff (or --labelled FILE)");
  PipelineOptions po;
  po.horizon_days = 90;
  if (!f.format.empty()) {
    CW_ASSIGN_OR_RETURN(po.horizon_days, HorizonForFormat(f.format));
  }
  if (f.horizon_days != kHorizonNotGiven) {
    CW_RETURN_IF_ERROR(ValidateHorizonDays(f.horizon_days));
    po.horizon_days = f.horizon_days;
  }
  po.lookback_days = f.lookback_days;
  po.threads = f.threads;
  po.bgnbd = !f.no_bgnbd;
  po.purge = !f.no_purge;
  if (!f.drop_features.empty())
    for (std::string& name : SplitCommas(f.drop_features))
      if (!name.empty()) po.drop_features.push_back(std::move(name));
  const auto valid = ParseIsoDate(f.valid_cutoff);
  if (!valid) return Status::InvalidArgument("--valid-cutoff '" + f.valid_cutoff + "' is not a YYYY-MM-DD date");
  if (f.workers > 1 && !f.collective_worker) {
    // The workers print the outcome (rank 0) and register the model.
    CW_ASSIGN_OR_RETURN(auto argv, scale::WorkerCommandLine("--collective-worker"));
    return scale::RunLocalWorkers(f.workers, argv);
  }
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(common.db_url));
  std::unique_ptr<Collective> collective;
  BucketRange owned;
  if (f.collective_worker) {
    CW_ASSIGN_OR_RETURN(collective, Collective::JoinFromEnvironment());
    CW_ASSIGN_OR_RETURN(const std::uint32_t buckets, store->BucketCount());
    owned = OwnedBuckets(static_cast<std::uint32_t>(collective->rank()),
                         static_cast<std::uint32_t>(collective->world_size()), buckets);
    CW_RETURN_IF_ERROR(store->SetScanBuckets(owned));
  }
  CW_ASSIGN_OR_RETURN(RetailColumns columns, LoadColumnsFromStore(*store, f.threads));
  if (collective) {
    CW_RETURN_IF_ERROR(store->SetScanBuckets(std::nullopt));
    CW_RETURN_IF_ERROR(SyncDataBounds(*collective, columns));
    CW_ASSIGN_OR_RETURN(const std::uint32_t buckets, store->BucketCount());
    CW_ASSIGN_OR_RETURN(const scale::WorkerShare share, scale::ShareOf(*collective, columns, owned, buckets));
    std::fprintf(stderr, "%s\n", share.Line().c_str());
    if (share.rank == 0)
      std::fprintf(stderr, "all %d workers: customers %llu transactions %llu events %llu id_checksum %llu\n", share.workers,
                   static_cast<unsigned long long>(share.total_customers),
                   static_cast<unsigned long long>(share.total_transactions),
                   static_cast<unsigned long long>(share.total_events),
                   static_cast<unsigned long long>(share.total_id_checksum));
  }
  // (first_day is the whole store's for a worker, whose own buckets may hold nothing.)
  if (columns.first_day == kNoDay)
    return Status::DataError("the store " + common.db_url + " has no transactions: run `churnwatch ingest` first");
  CW_ASSIGN_OR_RETURN(auto cutoffs, ParseCutoffs(f.train_cutoffs, columns, po.horizon_days));
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(columns, cutoffs, "training cutoff"));
  const DayNumber valid_day[] = {*valid};
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(columns, valid_day, "--valid-cutoff"));
  // every:STEP counts back from the last cutoff with a complete label window, which is
  // usually after the validation cutoff: say how to end the grid before it.
  if (cutoffs.back() >= *valid && f.train_cutoffs.starts_with("every:") &&
      f.train_cutoffs.find(':', 6) == std::string::npos)
    return Status::InvalidArgument("--train-cutoffs " + f.train_cutoffs + " ends at " + FormatIsoDate(cutoffs.back()) +
                                   ", not before the validation cutoff " + f.valid_cutoff +
                                   "; give the last training cutoff with every:STEP:LAST, e.g. " + f.train_cutoffs + ":" +
                                   FormatIsoDate(*valid - 1));
  CW_ASSIGN_OR_RETURN(auto trained, collective ? TrainOnSnapshotsAcross(*collective, columns, cutoffs, *valid, po, to)
                                               : TrainOnSnapshots(columns, cutoffs, *valid, po, to));
  if (collective && collective->rank() != 0) return Status::OK();  // every member holds the same model
  ModelRegistry registry(*store);
  CW_ASSIGN_OR_RETURN(auto model, registry.Register(*trained, !f.no_champion));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const ModelInfo& info = model->info();
  if (common.json) {
    nlohmann::json j = ModelInfoToJson(info);
    j["model_version"] = info.version;
    j["features"] = model->feature_names().size();
    j["uses_bgnbd"] = model->uses_bgnbd();
    j["survival"] = model->has_survival();
    j["calibration"] = model->calibration().MethodName();
    j["calibrate_on"] = f.calibrate_on;
    j["stacker"] = model->stacker();
    j["threshold"] = model->threshold();
    j["champion"] = !f.no_champion;
    j["seconds"] = seconds;
    PrintJson(j);
    return Status::OK();
  }
  std::printf("trained model %s: %lld training rows over %zu cutoffs, validation %s (%lld rows), H = %d days\n",
              info.version.c_str(), static_cast<long long>(info.train_rows), info.train_cutoffs.size(),
              f.valid_cutoff.c_str(), static_cast<long long>(info.valid_rows), info.horizon_days);
  std::printf("  %zu features, %d trees, BG/NBD %s, survival %s, %s calibration, threshold %.3f, %.1f s\n",
              model->feature_names().size(), info.best_iteration, model->uses_bgnbd() ? "stacked" : "off",
              model->has_survival() ? "yes" : "no", std::string(model->calibration().MethodName()).c_str(),
              model->threshold(), seconds);
  std::printf("validation, final components (refit rows overlap validation weeks; in-sample for calibration):\n");
  PrintMetricsLine("ensemble", info.valid_metrics);
  if (!info.purged_valid_metrics.empty()) {
    std::printf("validation, components as selected%s (compare settings by these):\n",
                info.purged ? " on the purged train cutoffs" : "");
    for (const auto& [name, m] : info.purged_valid_metrics) PrintMetricsLine(name.c_str(), m);
  }
  if (!f.no_champion) std::printf("  registered as champion\n");
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
  for (double c : TrainOptions{}.logistic_c_grid) c_grid += (c_grid.empty() ? "" : ",") + FormatShortNumber(c);
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
  return [f, &common]() -> Status {
    TrainOptions to;
    to.trees = f->trees;
    to.trees.seed = f->seed;
    to.trees.nthread = f->threads;
    if (!f->logistic_c.empty()) {
      CW_ASSIGN_OR_RETURN(to.logistic_c_grid, ParseNumberList(f->logistic_c, "--logistic-c"));
    }
    CW_RETURN_IF_ERROR(ParseStack(f->stack, to));
    to.stacker = f->stacker;
    to.calibration = f->calibration;
    to.calibrate_on = f->calibrate_on;
    if (to.calibrate_on != "valid" && to.calibrate_on != "time-folds")
      return Status::InvalidArgument("--calibrate-on must be valid or time-folds, got '" + to.calibrate_on + "'");
    if (f->workers < 1) return Status::InvalidArgument("--workers must be at least 1, got " + std::to_string(f->workers));
    if (f->workers > 1 || f->collective_worker) {
      if (!f->labelled.empty())
        return Status::InvalidArgument("--workers applies to snapshot training, not to --labelled tables");
      if (!f->no_bgnbd)
        return Status::InvalidArgument(
            "--workers needs --no-bgnbd: BG/NBD is fitted on every customer's history at once, which the workers "
            "do not share");
      if (f->calibrate_on == "time-folds")
        return Status::InvalidArgument("--calibrate-on time-folds is not available with --workers");
    }
    if (!f->labelled.empty()) {
      if (!f->drop_features.empty())
        return Status::InvalidArgument("--drop-features applies to snapshot training, not to --labelled tables");
      return RunLabelled(*f, common, to);
    }
    return RunSnapshots(*f, common, to);
  };
}

}  // namespace churnwatch::cli

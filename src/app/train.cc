// The train use case (app/train.h): snapshot training on the store's data or an
// already-labelled table, then the registry.
#include "churnwatch/app/train.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include "app/store_columns.h"
#include "churnwatch/app/common.h"
#include "churnwatch/model_json.h"
#include "churnwatch/collective.h"
#include "churnwatch/registry.h"
#include "churnwatch/scale.h"

namespace churnwatch::app {
namespace {

/// "a,b,,c" -> {"a", "b", "", "c"}: every token, empty ones included, for the caller to judge.
std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    out.emplace_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

Result<TrainOutcome> TrainLabelledTable(const TrainRequest& r) {
  Stopwatch clock;
  if (!r.drop_features.empty())
    return Status::InvalidArgument("--drop-features applies to snapshot training, not to --labelled tables");
  CW_ASSIGN_OR_RETURN(auto split, LoadLabelledCsv(r.labelled, r.labelled_options));
  CW_ASSIGN_OR_RETURN(LabelledResult result, TrainLabelled(split, r.options));
  ModelInfo info = result.model->info();
  info.source = "labelled:" + std::filesystem::path(r.labelled).filename().string();
  CW_ASSIGN_OR_RETURN(auto store, Store::Open(r.db_url));
  ModelRegistry registry(*store);
  TrainOutcome outcome;
  CW_ASSIGN_OR_RETURN(outcome.model, registry.Register(*result.model->WithInfo(info), r.make_champion));
  outcome.champion = r.make_champion;
  outcome.calibrate_on = r.options.calibrate_on;
  outcome.labelled_rows = split.rows;
  outcome.labelled = std::move(result);
  outcome.labelled_path = r.labelled;
  outcome.seconds = clock.Seconds();
  return outcome;
}

Result<TrainOutcome> TrainSnapshots(const TrainRequest& r) {
  Stopwatch clock;
  if (r.train_cutoffs.empty() || !r.valid_cutoff)
    return Status::InvalidArgument("train needs --train-cutoffs and --valid-cutoff (or --labelled FILE)");
  PipelineOptions po;
  po.horizon_days = 90;
  if (!r.format.empty()) {
    CW_ASSIGN_OR_RETURN(po.horizon_days, HorizonForFormat(r.format));
  }
  if (r.horizon_days) {
    CW_RETURN_IF_ERROR(ValidateHorizonDays(*r.horizon_days));
    po.horizon_days = *r.horizon_days;
  }
  po.lookback_days = r.lookback_days;
  po.threads = r.threads;
  po.bgnbd = r.bgnbd;
  po.purge = r.purge;
  po.drop_features = r.drop_features;
  const DayNumber valid = *r.valid_cutoff;
  if (r.workers < 1) return Status::InvalidArgument("--workers must be at least 1, got " + std::to_string(r.workers));
  if (r.workers > 1 || r.collective_worker) {
    if (r.bgnbd)
      return Status::InvalidArgument(
          "--workers needs --no-bgnbd: BG/NBD is fitted on every customer's history at once, which the workers "
          "do not share");
    if (r.options.calibrate_on == CalibrationRows::kTimeFolds)
      return Status::InvalidArgument("--calibrate-on time-folds is not available with --workers");
  }
  if (r.workers > 1 && !r.collective_worker) {
    // The workers train, register the model and print the outcome (rank 0).
    CW_ASSIGN_OR_RETURN(auto argv, scale::WorkerCommandLine("--collective-worker"));
    CW_RETURN_IF_ERROR(scale::RunLocalWorkers(r.workers, argv));
    return TrainOutcome{};
  }
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(r.db_url));
  std::unique_ptr<Collective> collective;
  BucketRange owned;
  if (r.collective_worker) {
    CW_ASSIGN_OR_RETURN(collective, Collective::JoinFromEnvironment());
    CW_ASSIGN_OR_RETURN(const std::uint32_t buckets, store->BucketCount());
    owned = OwnedBuckets(static_cast<std::uint32_t>(collective->rank()),
                         static_cast<std::uint32_t>(collective->world_size()), buckets);
    CW_RETURN_IF_ERROR(store->SetScanBuckets(owned));
  }
  CW_ASSIGN_OR_RETURN(RetailColumns columns, collective ? LoadColumnsFromStore(*store, r.threads)
                                                        : app_internal::LoadNonEmptyColumns(*store, r.db_url, r.threads));
  if (collective) {
    CW_RETURN_IF_ERROR(store->SetScanBuckets(std::nullopt));
    CW_RETURN_IF_ERROR(SyncDataBounds(*collective, columns));
    CW_ASSIGN_OR_RETURN(const std::uint32_t buckets, store->BucketCount());
    CW_ASSIGN_OR_RETURN(const scale::WorkerShare share, scale::ShareOf(*collective, columns, owned, buckets));
    std::fprintf(stderr, "%s\n", share.Line().c_str());
    if (share.rank == 0)
      std::fprintf(stderr, "all %d workers: customers %llu transactions %llu events %llu id_checksum %llu\n",
                   share.workers, static_cast<unsigned long long>(share.total_customers),
                   static_cast<unsigned long long>(share.total_transactions),
                   static_cast<unsigned long long>(share.total_events),
                   static_cast<unsigned long long>(share.total_id_checksum));
    // (first_day is the whole store's for a worker, whose own buckets may hold nothing.)
    if (columns.first_day == kNoDay)
      return Status::DataError("the store " + r.db_url + " has no transactions: run `churnwatch ingest` first");
  }
  CW_ASSIGN_OR_RETURN(auto cutoffs, ParseCutoffs(r.train_cutoffs, columns, po.horizon_days));
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(columns, cutoffs, "training cutoff"));
  const DayNumber valid_day[] = {valid};
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(columns, valid_day, "--valid-cutoff"));
  // every:STEP counts back from the last cutoff with a complete label window, which is
  // usually after the validation cutoff: say how to end the grid before it.
  if (cutoffs.back() >= valid && r.train_cutoffs.starts_with("every:") &&
      r.train_cutoffs.find(':', 6) == std::string::npos)
    return Status::InvalidArgument("--train-cutoffs " + r.train_cutoffs + " ends at " + FormatIsoDate(cutoffs.back()) +
                                   ", not before the validation cutoff " + FormatIsoDate(valid) +
                                   "; give the last training cutoff with every:STEP:LAST, e.g. " + r.train_cutoffs +
                                   ":" + FormatIsoDate(valid - 1));
  TrainOutcome outcome;
  if (collective) {
    CW_ASSIGN_OR_RETURN(auto trained, TrainOnSnapshotsAcross(*collective, columns, cutoffs, valid, po, r.options));
    if (collective->rank() != 0) return outcome;  // every member holds the same model; rank 0 registers it
    ModelRegistry registry(*store);
    CW_ASSIGN_OR_RETURN(outcome.model, registry.Register(*trained, r.make_champion));
  } else {
    CW_ASSIGN_OR_RETURN(outcome.model,
                        TrainAndRegister(*store, columns, cutoffs, valid, po, r.options, r.make_champion));
  }
  outcome.champion = r.make_champion;
  outcome.calibrate_on = r.options.calibrate_on;
  outcome.seconds = clock.Seconds();
  return outcome;
}

}  // namespace

Status ParseStackInputs(std::string_view text, TrainOptions& options) {
  options.stack_trees = options.stack_logistic = options.stack_bgnbd = false;
  for (const std::string& token : SplitCommas(text)) {
    if (token == "trees") options.stack_trees = true;
    else if (token == "logistic") options.stack_logistic = true;
    else if (token == "bgnbd") options.stack_bgnbd = true;
    else
      return Status::InvalidArgument("--stack: '" + token + "' is not one of trees, logistic, bgnbd (in '" +
                                     std::string(text) + "')");
  }
  return Status::OK();
}

Result<std::vector<double>> ParsePositiveList(std::string_view text, std::string_view what) {
  std::vector<double> out;
  for (const std::string& token : SplitCommas(text)) {
    double v = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec != std::errc() || end != token.data() + token.size() || !(v > 0))
      return Status::InvalidArgument(std::string(what) + ": '" + token + "' is not a positive number (in '" +
                                     std::string(text) + "')");
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> SplitNames(std::string_view text) {
  std::vector<std::string> names;
  for (std::string& name : SplitCommas(text))
    if (!name.empty()) names.push_back(std::move(name));
  return names;
}

Result<std::shared_ptr<const ChurnModel>> TrainAndRegister(Store& store, const RetailColumns& columns,
                                                           std::span<const DayNumber> train_cutoffs,
                                                           DayNumber valid_cutoff, const PipelineOptions& pipeline,
                                                           const TrainOptions& options, bool make_champion) {
  CW_ASSIGN_OR_RETURN(auto trained, TrainOnSnapshots(columns, train_cutoffs, valid_cutoff, pipeline, options));
  ModelRegistry registry(store);
  return registry.Register(*trained, make_champion);
}

Result<TrainOutcome> Train(const TrainRequest& request) {
  return request.labelled.empty() ? TrainSnapshots(request) : TrainLabelledTable(request);
}

nlohmann::json TrainOutcome::ToJson() const {
  const ModelInfo& info = model->info();
  if (labelled) {
    return {{"model_version", info.version},
            {"source", info.source},
            {"rows", *labelled_rows},
            {"features", model->feature_names().size()},
            {"train_rows", info.train_rows},
            {"valid_rows", info.valid_rows},
            {"test_rows", labelled->test_metrics.rows},
            {"valid_metrics", MetricSetToJson(info.valid_metrics)},
            {"purged_valid_metrics", ModelInfoToJson(info)["purged_valid_metrics"]},
            {"test_metrics",
             {{"ensemble", MetricSetToJson(labelled->test_metrics)},
              {"trees", MetricSetToJson(labelled->test_metrics_trees)},
              {"logistic", MetricSetToJson(labelled->test_metrics_logistic)}}},
            {"champion", champion},
            {"seconds", seconds}};
  }
  nlohmann::json j = ModelInfoToJson(info);
  j["model_version"] = info.version;
  j["features"] = model->feature_names().size();
  j["uses_bgnbd"] = model->uses_bgnbd();
  j["survival"] = model->has_survival();
  j["calibration"] = model->calibration().MethodName();
  j["calibrate_on"] = CalibrationRowsName(calibrate_on);
  j["stacker"] = model->stacker();
  j["threshold"] = model->threshold();
  j["champion"] = champion;
  j["seconds"] = seconds;
  return j;
}

}  // namespace churnwatch::app

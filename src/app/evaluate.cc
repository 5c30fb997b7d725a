// The evaluate use case (app/evaluate.h).
#include "churnwatch/app/evaluate.h"

#include <algorithm>
#include <optional>

#include "app/store_columns.h"
#include "churnwatch/eval_plots.h"
#include "churnwatch/model_json.h"
#include "churnwatch/registry.h"
#include "churnwatch/store.h"

namespace churnwatch::app {
namespace {

// The model has seen every row up to its latest cutoff (validation, else training): a test
// cutoff there or earlier is not unseen, and its figures would flatter.
Status CheckTestCutoffUnseen(const ModelInfo& info, DayNumber test) {
  std::optional<DayNumber> seen = info.valid_cutoff;
  if (!seen && !info.train_cutoffs.empty())
    seen = *std::max_element(info.train_cutoffs.begin(), info.train_cutoffs.end());
  if (!seen || test > *seen) return Status::OK();
  std::string train;
  for (DayNumber t : info.train_cutoffs) train += (train.empty() ? "" : ",") + FormatIsoDate(t);
  return Status::InvalidArgument(
      "--test-cutoff " + FormatIsoDate(test) + " is not later than the " +
      (info.valid_cutoff ? "validation cutoff " + FormatIsoDate(*info.valid_cutoff)
                         : "last training cutoff " + FormatIsoDate(*seen)) +
      " of model " + info.version + " (training cutoffs " + (train.empty() ? "none" : train) +
      "): the test cutoff must be unseen; choose one after " + FormatIsoDate(*seen) +
      (info.valid_cutoff ? ", ideally at least H = " + std::to_string(info.horizon_days) + " days later (" +
                               FormatIsoDate(*info.valid_cutoff + info.horizon_days) + " or after)"
                         : std::string()));
}

}  // namespace

nlohmann::json EvaluateOutcome::ToJson() const {
  const Evaluation& ev = evaluation;
  nlohmann::json models = nlohmann::json::object();
  for (const auto& [name, m] : ev.metrics) models[name] = MetricSetToJson(m);
  return {{"model_version", model.version},
          {"test_cutoff", FormatIsoDate(test_cutoff)},
          {"horizon_days", model.horizon_days},
          {"rows", ev.rows},
          {"models", models},
          {"lead_time",
           {{"rows", ev.lead_time_rows},
            {"predicted_median_days", JsonNumber(ev.lead_time_predicted_median)},
            {"actual_median_days", JsonNumber(ev.lead_time_actual_median)},
            {"mae_days", JsonNumber(ev.lead_time_mae)}}},
          {"plots", plots},
          {"seconds", seconds}};
}

Result<EvaluateOutcome> Evaluate(const EvaluateRequest& r) {
  Stopwatch clock;
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(r.db_url));
  ModelRegistry registry(*store);
  CW_ASSIGN_OR_RETURN(auto model, registry.Load(r.model, r.threads));
  const ModelInfo& info = model->info();
  CW_ASSIGN_OR_RETURN(RetailColumns columns, app_internal::LoadNonEmptyColumns(*store, r.db_url, r.threads));
  const DayNumber test_day[] = {r.test_cutoff};
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(columns, test_day, "--test-cutoff"));
  CW_RETURN_IF_ERROR(CheckTestCutoffUnseen(info, r.test_cutoff));
  if (info.valid_cutoff && r.test_cutoff < *info.valid_cutoff + info.horizon_days && r.warn)
    r.warn("test cutoff " + FormatIsoDate(r.test_cutoff) + " is within H of the validation cutoff " +
           FormatIsoDate(*info.valid_cutoff) + "; the test window overlaps data the model was tuned on");
  PipelineOptions po;
  po.threads = r.threads;
  po.horizon_days = info.horizon_days;
  EvaluateOutcome outcome;
  CW_ASSIGN_OR_RETURN(outcome.evaluation, EvaluateOnCutoff(*model, columns, r.test_cutoff, po));
  if (!r.plots_dir.empty()) {
    CW_ASSIGN_OR_RETURN(outcome.plots, WriteEvaluationPlots(outcome.evaluation, r.plots_dir));
  }
  outcome.model = info;
  outcome.test_cutoff = r.test_cutoff;
  outcome.seconds = clock.Seconds();
  return outcome;
}

}  // namespace churnwatch::app

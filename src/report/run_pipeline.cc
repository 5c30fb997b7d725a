// `churnwatch run` end to end (include/churnwatch/pipeline.h): the order of the steps and
// the cutoff arithmetic live here; each step is a call into its own stage.
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <string>
#include <unordered_map>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/features.h"
#include "churnwatch/ingest.h"
#include "churnwatch/mapping.h"
#include "churnwatch/pipeline.h"
#include "churnwatch/recommend.h"
#include "churnwatch/registry.h"
#include "churnwatch/retrain.h"
#include "churnwatch/scoring.h"
#include "report/run_internal.h"

namespace churnwatch {

using run_internal::RunState;

namespace {

class Stopwatch {
 public:
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

struct Cutoffs {
  DayNumber as_of = 0, test = 0, valid = 0;
  std::vector<DayNumber> train;
};

Result<Cutoffs> ChooseCutoffs(const RunConfig& c, const RetailColumns& cols) {
  Cutoffs k;
  const int h = c.horizon_days;
  k.as_of = c.as_of.empty() ? cols.last_day + 1 : *ParseIsoDate(c.as_of);
  k.test = c.test_cutoff.empty() ? k.as_of - h : *ParseIsoDate(c.test_cutoff);
  // Validation's label window [valid, valid + H) ends by the test cutoff, so the test
  // window shares no weeks with what the model is tuned on (evaluate warns otherwise).
  // Training cutoffs step back from it; those within H of it are purged from selection by
  // TrainOnSnapshots exactly as `train` does (PipelineOptions::purge, docs/models.md).
  k.valid = c.valid_cutoff.empty() ? k.test - h : *ParseIsoDate(c.valid_cutoff);
  if (!c.train_cutoffs.empty()) {
    for (const auto& t : c.train_cutoffs) k.train.push_back(*ParseIsoDate(t));
  } else {
    for (DayNumber t = k.valid - c.train_every_days; t >= cols.first_day + c.min_history_days; t -= c.train_every_days)
      k.train.insert(k.train.begin(), t);
  }
  const std::string data_range = "data from " + FormatIsoDate(cols.first_day) + " to " + FormatIsoDate(cols.last_day);
  if (k.train.empty())
    return Status::DataError("too little history for training: no cutoff before the validation cutoff " +
                             FormatIsoDate(k.valid) + " has " + std::to_string(c.min_history_days) +
                             " days of history (" + data_range + "); set [model] train_cutoffs");
  if (k.test + h - 1 > cols.last_day)
    return Status::DataError("the test cutoff " + FormatIsoDate(k.test) + " has no complete " + std::to_string(h) +
                             "-day label window (" + data_range + ")");
  for (DayNumber t : k.train)
    if (t >= k.valid)
      return Status::InvalidArgument("train cutoff " + FormatIsoDate(t) + " is not before the validation cutoff " +
                                     FormatIsoDate(k.valid));
  if (k.valid >= k.test)
    return Status::InvalidArgument("validation cutoff " + FormatIsoDate(k.valid) + " is not before the test cutoff " +
                                   FormatIsoDate(k.test));
  return k;
}

}  // namespace

Result<RunSummary> RunPipeline(const RunConfig& config, const RunProgress& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  Stopwatch clock;
  RunState state;
  state.config = &config;
  RunSummary& sum = state.summary;
  state.raised_at = static_cast<Timestamp>(std::time(nullptr));
  sum.run_id = "run-" + FormatIsoTimestamp(state.raised_at);
  for (char& ch : sum.run_id)
    if (ch == ' ' || ch == ':') ch = ch == ' ' ? 'T' : '-';
  sum.out_dir = config.out_dir;
  std::error_code ec;
  std::filesystem::create_directories(config.out_dir, ec);
  if (ec) return Status::IOError("cannot create output folder " + config.out_dir.string() + ": " + ec.message());

  // A run that fails before anything is committed (a bad ingest file) leaves no empty store.
  CW_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(config.db_url, UnwrittenNewStore::kDiscard));

  // 1. Ingest, when the config names inputs (idempotent: a re-run adds nothing).
  if (!config.mapping.empty()) {
    CW_ASSIGN_OR_RETURN(Mapping mapping, LoadMapping(config.mapping.string()));
    IngestInputs inputs{config.transactions.string(), config.customers.string(), config.events.string()};
    IngestOptions options;
    options.rejects_dir = config.rejects_dir.empty() ? config.out_dir.string() : config.rejects_dir.string();
    CW_ASSIGN_OR_RETURN(IngestReport report, Ingest(mapping, inputs, store.get(), options));
    sum.rows_loaded = report.totals.rows_loaded;
    say("ingest: " + FormatCount(report.totals.rows_read) + " rows read, " + FormatCount(report.totals.rows_loaded) +
        " loaded, " + FormatCount(report.totals.already_present) + " already present, " +
        FormatCount(report.totals.rows_rejected) + " rejected");
  }
  sum.seconds["ingest"] = clock.Lap();

  // 2. Columns and cutoffs.
  CW_ASSIGN_OR_RETURN(RetailColumns columns, LoadColumnsFromStore(*store, config.threads));
  if (columns.num_transactions() == 0)
    return Status::DataError("the store " + config.db_url + " holds no transactions; add [ingest] inputs to " +
                             config.config_path.string() + " or run `churnwatch ingest` first");
  CW_ASSIGN_OR_RETURN(Cutoffs cut, ChooseCutoffs(config, columns));
  sum.as_of = FormatIsoDate(cut.as_of);
  sum.test_cutoff = FormatIsoDate(cut.test);
  sum.valid_cutoff = FormatIsoDate(cut.valid);
  for (DayNumber t : cut.train) sum.train_cutoffs.push_back(FormatIsoDate(t));
  say("data: " + FormatCount(static_cast<std::int64_t>(columns.num_customers())) + " customers, " +
      FormatCount(static_cast<std::int64_t>(columns.num_transactions())) + " transaction lines; train " +
      std::to_string(cut.train.size()) + " cutoffs to " + sum.train_cutoffs.back() + ", valid " + sum.valid_cutoff +
      ", test " + sum.test_cutoff + ", score as of " + sum.as_of);
  sum.seconds["columns"] = clock.Lap();

  // 3. The model: train on rolling cutoffs and register it as the champion, or load the
  //    champion (mode "champion"; trains when the registry is empty). Then evaluate it
  //    and the baselines on the later, unseen test cutoff.
  PipelineOptions popts;
  popts.horizon_days = config.horizon_days;
  popts.threads = config.threads;
  ModelRegistry registry(*store);
  std::shared_ptr<const ChurnModel> model;
  if (config.model_mode == "champion") {
    auto loaded = registry.Load("champion", config.threads);
    if (loaded.ok()) {
      model = *loaded;
      say("model: champion " + model->info().version);
    } else if (loaded.status().code() != StatusCode::kNotFound) {
      return loaded.status();
    }
  }
  if (model == nullptr) {
    TrainOptions topts;
    topts.trees.nthread = config.threads;
    CW_ASSIGN_OR_RETURN(auto trained, TrainOnSnapshots(columns, cut.train, cut.valid, popts, topts));
    // Promoted only if it beats the champion on the test cutoff; the summary says which.
    CW_ASSIGN_OR_RETURN(ChampionChoice choice,
                        RegisterAndChooseChampion(*store, *trained, columns, cut.test, popts, PromotionRule{}));
    model = choice.serving;
    sum.champion_note = choice.decision.reason;
    say("train: " + FormatCount(choice.challenger->info().train_rows) + " training rows, " +
        std::to_string(choice.challenger->info().best_iteration) + " trees; " + sum.champion_note);
  } else {
    sum.champion_note = "scored with the champion " + model->info().version + " ([model] mode = \"champion\")";
  }
  sum.model_version = model->info().version;
  popts.horizon_days = model->info().horizon_days;
  sum.seconds["train"] = clock.Lap();

  CW_ASSIGN_OR_RETURN(Evaluation ev, EvaluateOnCutoff(*model, columns, cut.test, popts));
  for (const auto& [name, m] : ev.metrics)
    sum.metrics[name] = {{"roc_auc", m.roc_auc}, {"pr_auc", m.pr_auc}, {"lift_top_decile", m.lift_top_decile},
                         {"brier", m.brier},     {"ece", m.ece}};
  state.evaluation = std::move(ev);
  sum.seconds["evaluate"] = clock.Lap();
  if (sum.metrics.count("ensemble"))
    say("evaluate on " + sum.test_cutoff + ": ensemble ROC-AUC " + std::to_string(sum.metrics["ensemble"]["roc_auc"]));

  // 4. Score every active customer as of the scoring date, with CLV, segments and the
  //    three reasons (explain/: SHAP contributions by reason category, bilingual sentences).
  const std::vector<DayNumber> as_of{cut.as_of};
  std::map<DayNumber, std::string> bgnbd_notes;
  CW_ASSIGN_OR_RETURN(state.table,
                      BuildSnapshotTable(columns, as_of, popts, Eligibility::kActive, true, &bgnbd_notes));
  // Printed once, in the run's summary (and the report), not also as a progress line.
  if (auto note = bgnbd_notes.find(cut.as_of); note != bgnbd_notes.end()) sum.bgnbd_note = note->second;
  const ReasonMap reasons = ReasonMap::Defaults(model->feature_names());
  CW_ASSIGN_OR_RETURN(state.scored, ScoreTable(*model, state.table, reasons, ScoreOptions{}));
  sum.customers = static_cast<std::int64_t>(state.scored.size());
  sum.reasons_source =
      "explain: SHAP by reason category (exact Tree SHAP for the 1,000 riskiest and the 1,000 highest risk x CLV, "
      "approximate for the rest)";
  sum.seconds["score"] = clock.Lap();

  // 6. Zones, rules, playbook, budget; products for the funded recommendations.
  CW_ASSIGN_OR_RETURN(state.policy, ApplyPolicy(config.policy, {state.scored, &state.table, state.raised_at}));
  bool any_alternative = false;
  for (const auto& a : state.policy.actions) any_alternative |= a.funded && a.action == "alternative_products";
  if (any_alternative) {
    auto rec = CoPurchaseRecommender::Build(columns, cut.as_of);
    if (!config.product_names.empty()) {
      CW_ASSIGN_OR_RETURN(auto names, LoadProductNames(config.product_names.string()));
      rec.SetProductNames(std::move(names));
    }
    for (auto& a : state.policy.actions) {
      if (!a.funded || a.action != "alternative_products") continue;
      auto idx = columns.FindCustomer(a.customer_id);
      if (!idx) continue;
      for (const auto& p : rec.Recommend(*idx, config.policy.recommend))
        a.products += (a.products.empty() ? "" : "; ") + p.sku + (p.name.empty() ? "" : " " + p.name);
    }
  }
  sum.alerts = static_cast<std::int64_t>(state.policy.alerts.size());
  sum.action_candidates = static_cast<std::int64_t>(state.policy.actions.size());
  sum.actions = static_cast<std::int64_t>(state.policy.budget.funded_count);
  sum.zones = state.policy.zone_counts;
  sum.money_at_risk = state.policy.money_at_risk;
  sum.budget_spent = state.policy.budget.total_spent;
  sum.expected_net_benefit = state.policy.budget.total_net_benefit;
  sum.seconds["policy"] = clock.Lap();

  // 7. Outputs: files, store tables, report.
  sum.report = config.out_dir / config.report_file;
  CW_RETURN_IF_ERROR(run_internal::WriteRunFiles(state));
  CW_RETURN_IF_ERROR(run_internal::StoreRunResults(state, *store));
  if (config.campaign_create) {
    CW_ASSIGN_OR_RETURN(auto campaign, run_internal::CreateRunCampaign(state, *store));
    sum.campaign_id = campaign.spec.campaign_id;
    sum.campaign_treated = campaign.treated;
    sum.campaign_control = campaign.control;
    say("campaign " + sum.campaign_id + ": " + FormatCount(campaign.treated) + " treated, " +
        FormatCount(campaign.control) + " held back as control; delivery list " + campaign.treated_file.string());
  }
  CW_RETURN_IF_ERROR(WriteHtmlReport(run_internal::BuildReportData(state), sum.report));
  sum.seconds["outputs"] = clock.Lap();
  return std::move(state.summary);
}

}  // namespace churnwatch

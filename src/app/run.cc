// The run use case (app/run.h): the order of the steps and the cutoff arithmetic live
// here; each step is the other use cases' step (IngestInto, TrainAndRegister,
// BuildScoringTable, ScoreAndDecide) or a call into its own stage.
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <string>
#include <unordered_map>

#include "churnwatch/app/ingest.h"
#include "churnwatch/app/run.h"
#include "churnwatch/app/score.h"
#include "churnwatch/app/train.h"
#include "churnwatch/churn_pipeline.h"
#include "churnwatch/decision_inputs.h"
#include "churnwatch/features.h"
#include "churnwatch/recommend.h"
#include "churnwatch/registry.h"
#include "churnwatch/run_record.h"
#include "churnwatch/campaign.h"
#include "churnwatch/retrain.h"

namespace churnwatch::app {

using run_output::RunState;

namespace {

// The campaign of the funded actions ([campaign] create): id = the run id, start = as_of,
// treated list in the out dir as campaign-treated.csv.
Result<CampaignCreateOutcome> CreateRunCampaign(const RunState& s, Store& store) {
  CampaignSpec spec;
  // The run's id, made unique: two runs within the same second share "run-<time>".
  spec.campaign_id = s.summary.run_id;
  for (int n = 2;; ++n) {
    CW_ASSIGN_OR_RETURN(auto existing, store.GetCampaign(spec.campaign_id));
    if (!existing) break;
    spec.campaign_id = s.summary.run_id + "-" + std::to_string(n);
  }
  spec.name = s.config->name;
  spec.start_day = *ParseIsoDate(s.summary.as_of);
  spec.control_share = s.config->campaign_control_share;
  spec.purchase_window_days = s.config->campaign_purchase_days;
  spec.winback_days = s.config->horizon_days;
  spec.margin_rate = s.config->campaign_margin;
  spec.source = "run " + s.summary.run_id + ": funded actions";
  std::vector<CampaignTarget> targets;
  for (const auto& a : s.policy.actions)
    if (a.funded)
      targets.push_back({a.customer_id, a.action, a.channel, a.reasons.empty() ? "" : a.reasons[0],
                         std::string(ZoneName(a.zone)), a.value_tier, a.cost});
  return CreateCampaign(store, spec, targets, s.summary.out_dir / "campaign-treated.csv");
}

struct Cutoffs {
  DayNumber as_of = 0, test = 0, valid = 0;
  std::vector<DayNumber> train;
};

Result<Cutoffs> ChooseCutoffs(const RunConfig& c, const RetailColumns& cols) {
  Cutoffs k;
  const int h = c.horizon_days;
  k.as_of = c.as_of.value_or(cols.last_day + 1);
  k.test = c.test_cutoff.value_or(k.as_of - h);
  // Validation's label window [valid, valid + H) ends by the test cutoff, so the test
  // window shares no weeks with what the model is tuned on (evaluate warns otherwise).
  // Training cutoffs step back from it; those within H of it are purged from selection by
  // TrainOnSnapshots exactly as `train` does (PipelineOptions::purge, docs/models.md).
  k.valid = c.valid_cutoff.value_or(k.test - h);
  if (!c.train_cutoffs.empty()) {
    k.train = c.train_cutoffs;
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

Result<RunSummary> RunWithConfig(const RunConfig& config, const Notify& progress) {
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
    IngestRequest ingest;
    ingest.mapping_path = config.mapping.string();
    ingest.inputs = {config.transactions.string(), config.customers.string(), config.events.string()};
    ingest.threads = config.threads;
    ingest.rejects_dir = config.rejects_dir.empty() ? config.out_dir.string() : config.rejects_dir.string();
    ingest.max_rejected_share = config.max_rejected_share;
    ingest.pii_key_file = config.pii_key_file;
    CW_ASSIGN_OR_RETURN(IngestReport report, IngestInto(*store, ingest));
    sum.rows_loaded = report.totals.rows_loaded;
    sum.ingest = report.totals;
    say("ingest: " + FormatCount(report.totals.rows_read) + " rows read, " + FormatCount(report.totals.rows_loaded) +
        " loaded, " + FormatCount(report.totals.already_present) + " already present, " +
        FormatCount(report.totals.rows_rejected) + " rejected");
    state.ingest = std::move(report);
  }
  sum.seconds["ingest"] = clock.Lap();

  // 2. Columns and cutoffs.
  CW_ASSIGN_OR_RETURN(RetailColumns columns, LoadColumnsFromStore(*store, config.threads));
  if (columns.num_transactions() == 0)
    return Status::DataError("the store " + config.db_url + " holds no transactions; add [ingest] inputs to " +
                             config.config_path.string() + " or run `churnwatch ingest` first");
  state.store_customers = static_cast<std::int64_t>(columns.num_customers());
  state.store_transactions = static_cast<std::int64_t>(columns.num_transactions());
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
  std::shared_ptr<const ChurnModel> model;
  if (config.model_mode == RunModelMode::kChampion) {
    auto loaded = ModelRegistry(*store).Load("champion", config.threads);
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
  CW_ASSIGN_OR_RETURN(ScoringTable snapshot, BuildScoringTable(columns, cut.as_of, popts, Eligibility::kActive));
  state.table = std::move(snapshot.table);
  // Printed once, in the run's summary (and the report), not also as a progress line.
  sum.bgnbd_note = std::move(snapshot.bgnbd_note);
  const ReasonMap reasons = ReasonMap::Defaults(model->feature_names());
  ScoreOptions score_options;
  score_options.causes.history = &columns;  // need shift read per category
  CW_ASSIGN_OR_RETURN(state.scored, ScoreTable(*model, state.table, reasons, score_options));
  // Win-back: the customers lapsed H..window days ago, scored by the same model; then
  // P(churn) for money calibrated on the most recent matured cutoff (the test cutoff).
  CW_ASSIGN_OR_RETURN(std::size_t lapsed,
                      AppendLapsedCustomers(*model, columns, cut.as_of, popts,
                                            WinBackWindowDays(config.policy.tracks, popts.horizon_days), reasons,
                                            score_options, state.table, state.scored));
  Calibration money_calibration;
  money_calibration.method = Calibration::Method::kNone;
  if (state.evaluation) money_calibration = MoneyCalibration(*state.evaluation);
  const std::vector<double> p_money = MoneyProbabilities(money_calibration, state.scored);
  say("score: " + FormatCount(static_cast<std::int64_t>(state.scored.size())) + " customers, " +
      FormatCount(static_cast<std::int64_t>(lapsed)) + " of them lapsed (win-back)");
  sum.customers = static_cast<std::int64_t>(state.scored.size());
  sum.reasons_source =
      "explain: SHAP by reason category (exact Tree SHAP for the 1,000 riskiest and the 1,000 highest risk x CLV, "
      "approximate for the rest)";
  sum.seconds["score"] = clock.Lap();

  // 5. Zones, rules, playbook, budget; products for the funded recommendations.
  CW_ASSIGN_OR_RETURN(state.policy, ApplyPolicy(config.policy, {state.scored, &state.table, state.raised_at, popts.horizon_days, nullptr, p_money}));
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

  // 6. Outputs: files, store tables, report.
  sum.report = config.out_dir / config.report_file;
  CW_RETURN_IF_ERROR(run_output::WriteRunFiles(state));
  for (const auto& sc : state.scored) {
    const auto idx = columns.FindCustomer(sc.customer_id);
    if (!idx) continue;
    std::string home;
    for (std::uint64_t r = columns.txn_offsets[*idx]; r < columns.txn_offsets[*idx + 1]; ++r)
      if (columns.store[r] != 0) home = columns.stores[columns.store[r] - 1];
    state.home_store[sc.customer_id] = std::move(home);
  }
  CW_RETURN_IF_ERROR(run_output::StoreRunResults(state, *store));
  if (config.campaign_create) {
    CW_ASSIGN_OR_RETURN(auto campaign, CreateRunCampaign(state, *store));
    sum.campaign_id = campaign.spec.campaign_id;
    sum.campaign_treated = campaign.treated;
    sum.campaign_control = campaign.control;
    say("campaign " + sum.campaign_id + ": " + FormatCount(campaign.treated) + " treated, " +
        FormatCount(campaign.control) + " held back as control; delivery list " + campaign.treated_file.string());
  }
  CW_RETURN_IF_ERROR(WriteHtmlReport(run_output::BuildReportData(state), sum.report));
  sum.seconds["outputs"] = clock.Lap();
  return std::move(state.summary);
}

Result<RunOutcome> Run(const RunRequest& request) {
  CW_ASSIGN_OR_RETURN(RunConfig config, LoadRunConfig(request.config_path));
  if (request.db_url) config.db_url = *request.db_url;
  if (request.out_dir) config.out_dir = *request.out_dir;
  if (request.threads) config.threads = *request.threads;
  if (request.pii_key_file) config.pii_key_file = *request.pii_key_file;
  RunOutcome outcome;
  CW_ASSIGN_OR_RETURN(outcome.summary, RunWithConfig(config, request.progress));
  return outcome;
}

nlohmann::json RunOutcome::ToJson() const {
  const RunSummary& s = summary;
  const auto zone = [&](Zone z) { return s.zones[static_cast<std::size_t>(z)]; };
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [model, m] : s.metrics) metrics[model] = m;
  nlohmann::json j = {{"report", s.report.string()},
                      {"alerts", s.alerts},
                      {"actions", s.actions},
                      {"action_candidates", s.action_candidates},
                      {"customers", s.customers},
                      {"zones",
                       {{"red", zone(Zone::kRed)},
                        {"yellow", zone(Zone::kYellow)},
                        {"blue", zone(Zone::kBlue)},
                        {"none", zone(Zone::kNone)}}},
                      {"model_version", s.model_version},
                      {"metrics", metrics},
                      {"as_of", s.as_of},
                      {"test_cutoff", s.test_cutoff},
                      {"valid_cutoff", s.valid_cutoff},
                      {"train_cutoffs", s.train_cutoffs},
                      {"money_at_risk", s.money_at_risk},
                      {"budget_spent", s.budget_spent},
                      {"expected_net_benefit", s.expected_net_benefit},
                      {"out_dir", s.out_dir.string()},
                      {"run_id", s.run_id},
                      {"seconds", s.seconds}};
  if (!s.bgnbd_note.empty()) j["bgnbd_note"] = s.bgnbd_note;
  j["champion"] = s.champion_note;
  if (!s.campaign_id.empty())
    j["campaign"] = {{"id", s.campaign_id}, {"treated", s.campaign_treated}, {"control", s.campaign_control}};
  return j;
}

}  // namespace churnwatch::app

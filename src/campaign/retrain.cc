// `churnwatch retrain` (retrain.h): challenger on the newest data, compared with the
// champion on the latest matured cutoff, promoted by the rule, drift reported.
#include "churnwatch/churn_pipeline.h"
#include "churnwatch/features.h"
#include "churnwatch/registry.h"
#include "churnwatch/retrain.h"
#include "churnwatch/store.h"

namespace churnwatch {

namespace {

Result<ModelQuality> QualityOn(const ChurnModel& model, const RetailColumns& columns, DayNumber cutoff,
                               const PipelineOptions& options) {
  CW_ASSIGN_OR_RETURN(Evaluation ev, EvaluateOnCutoff(model, columns, cutoff, options));
  ModelQuality q;
  q.version = model.info().version;
  if (auto it = ev.metrics.find("ensemble"); it != ev.metrics.end()) {
    q.roc_auc = it->second.roc_auc;
    q.ece = it->second.ece;
  }
  return q;
}

Result<std::vector<double>> Scores(const ChurnModel& model, const FeatureTable& table) {
  CW_ASSIGN_OR_RETURN(auto rows, model.Score(table));
  std::vector<double> p;
  p.reserve(rows.size());
  for (const auto& r : rows) p.push_back(r.p_churn);
  return p;
}

}  // namespace

Result<ChampionChoice> RegisterAndChooseChampion(Store& store, const ChurnModel& trained, const RetailColumns& columns,
                                                 DayNumber test_cutoff, const PipelineOptions& options,
                                                 const PromotionRule& rule) {
  ModelRegistry registry(store);
  std::shared_ptr<const ChurnModel> champion;
  if (auto loaded = registry.Load("champion", options.threads); loaded.ok())
    champion = *loaded;
  else if (loaded.status().code() != StatusCode::kNotFound)
    return loaded.status();
  ChampionChoice c;
  CW_ASSIGN_OR_RETURN(c.challenger, registry.Register(trained, /*make_champion=*/false));
  CW_ASSIGN_OR_RETURN(c.challenger_quality, QualityOn(*c.challenger, columns, test_cutoff, options));
  if (champion) {
    PipelineOptions champion_options = options;
    champion_options.horizon_days = champion->info().horizon_days;
    auto q = QualityOn(*champion, columns, test_cutoff, champion_options);
    // A champion that needs features today's data lacks cannot be compared: that is a
    // reason to replace it, said in the decision, not an error of the training.
    c.champion_quality = q.ok() ? *q : ModelQuality{champion->info().version, kNaN, kNaN};
  }
  c.decision = DecidePromotion(c.champion_quality, c.challenger_quality, rule);
  if (c.decision.promote) CW_RETURN_IF_ERROR(registry.SetChampion(c.challenger->info().version));
  c.serving = c.decision.promote || !champion ? c.challenger : champion;
  return c;
}

Result<RetrainOutcome> RunRetrain(const RetrainRequest& req) {
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(req.db_url));
  CW_ASSIGN_OR_RETURN(RetailColumns columns, LoadColumnsFromStore(*store, req.threads));
  if (columns.num_transactions() == 0) return Status::DataError("the store holds no transactions; ingest data first");
  ModelRegistry registry(*store);
  std::shared_ptr<const ChurnModel> champion;
  if (auto loaded = registry.Load("champion", req.threads); loaded.ok())
    champion = *loaded;
  else if (loaded.status().code() != StatusCode::kNotFound)
    return loaded.status();

  const int h = req.horizon_days > 0 ? req.horizon_days : champion ? champion->info().horizon_days : 90;
  const DayNumber as_of = columns.last_day + 1;
  const DayNumber test = as_of - h;  // the latest cutoff whose label window the data covers
  const DayNumber valid = test - h;
  std::vector<DayNumber> train;
  for (DayNumber t = valid - req.train_every_days; t >= columns.first_day + req.min_history_days; t -= req.train_every_days)
    train.insert(train.begin(), t);
  if (train.empty())
    return Status::DataError("too little history to retrain: no training cutoff before " + FormatIsoDate(valid) +
                             " has " + std::to_string(req.min_history_days) + " days of history (data from " +
                             FormatIsoDate(columns.first_day) + " to " + FormatIsoDate(columns.last_day) + ")");
  RetrainOutcome out;
  out.as_of = FormatIsoDate(as_of);
  out.test_cutoff = FormatIsoDate(test);
  out.valid_cutoff = FormatIsoDate(valid);
  for (DayNumber t : train) out.train_cutoffs.push_back(FormatIsoDate(t));

  PipelineOptions popts;
  popts.horizon_days = h;
  popts.threads = req.threads;
  TrainOptions topts;
  topts.trees.nthread = req.threads;
  CW_ASSIGN_OR_RETURN(auto trained, TrainOnSnapshots(columns, train, valid, popts, topts));
  CW_ASSIGN_OR_RETURN(ChampionChoice choice, RegisterAndChooseChampion(*store, *trained, columns, test, popts, req.rule));
  out.challenger = choice.challenger_quality;
  out.champion = choice.champion_quality;
  out.decision = choice.decision;
  out.champion_after = choice.serving->info().version;

  // Drift: the population the serving model learnt from (its last training cutoff) against
  // today's, features and score.
  const ChurnModel& serving = *choice.serving;
  const DayNumber ref_day = serving.info().train_cutoffs.empty() ? test : serving.info().train_cutoffs.back();
  const std::vector<DayNumber> ref_cut{ref_day}, cur_cut{as_of};
  CW_ASSIGN_OR_RETURN(FeatureTable ref, BuildSnapshotTable(columns, ref_cut, popts, Eligibility::kActive, false));
  CW_ASSIGN_OR_RETURN(FeatureTable cur, BuildSnapshotTable(columns, cur_cut, popts, Eligibility::kActive, false));
  std::vector<double> ref_scores, cur_scores;
  if (auto s = Scores(serving, ref); s.ok()) ref_scores = std::move(*s);
  if (auto s = Scores(serving, cur); s.ok()) cur_scores = std::move(*s);
  out.drift = ComputeDrift(ref, cur, serving.feature_names(), ref_scores, cur_scores, FormatIsoDate(ref_day),
                           FormatIsoDate(as_of));
  return out;
}

}  // namespace churnwatch

// Snapshot training, evaluation and the BG/NBD third opinion (churn_pipeline.h).
#include "churnwatch/churn_pipeline.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "churnwatch/clv.h"
#include "churnwatch/thread_pool.h"
#include "models/customer_hash.h"
#include "models/table_exchange.h"

namespace churnwatch {
namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// Per-row BG/NBD quantities of one cutoff's rows.
struct ValueColumns {
  std::vector<double> p_no_purchase, p_alive, clv;
};

Status AppendValueColumns(const RetailColumns& columns, FeatureTable& table, const PipelineOptions& options,
                          bool with_value, std::map<DayNumber, std::string>* notes) {
  const std::size_t n = table.num_rows();
  ValueColumns out{std::vector<double>(n, kNaN), std::vector<double>(n, kNaN), std::vector<double>(n, kNaN)};
  std::vector<DayNumber> cutoffs(table.cutoffs.begin(), table.cutoffs.end());
  std::sort(cutoffs.begin(), cutoffs.end());
  cutoffs.erase(std::unique(cutoffs.begin(), cutoffs.end()), cutoffs.end());
  for (DayNumber cutoff : cutoffs) {
    const auto summaries = ComputeRfmSummaries(columns, cutoff, TimeUnit::kDays);
    std::vector<clv::CustomerSummary> cs(summaries.size());
    std::vector<std::int64_t> position(columns.num_customers(), -1);
    for (std::size_t i = 0; i < summaries.size(); ++i) {
      cs[i] = {summaries[i].x, summaries[i].t_x, summaries[i].T, summaries[i].mean_repeat_spend};
      position[summaries[i].customer] = static_cast<std::int64_t>(i);
    }
    // Fit on a deterministic sample when there are many customers (see fit_sample).
    std::vector<clv::CustomerSummary> fit_on;
    if (cs.size() > options.fit_sample && options.fit_sample > 0) {
      const std::uint64_t keep = options.fit_sample * 1000 / cs.size() + 1;  // per mille
      for (std::size_t i = 0; i < cs.size(); ++i)
        if (HashCustomerId(columns.customer_ids[summaries[i].customer]) % 1000 < keep) fit_on.push_back(cs[i]);
    }
    const auto& fit_set = fit_on.empty() ? cs : fit_on;
    clv::FitOptions fit_options;
    fit_options.threads = options.threads;
    auto fit = clv::FitBgNbd(fit_set, fit_options);
    if (!fit.ok() && fit.status().code() == StatusCode::kInternal) return fit.status();  // a failed worker
    if (!fit.ok()) continue;  // e.g. no repeat buyers yet: BG/NBD abstains at this cutoff
    if (notes != nullptr)
      if (std::string note = clv::BgNbdDropoutNote(fit->params); !note.empty()) (*notes)[cutoff] = std::move(note);
    std::optional<clv::GammaGammaParams> gg;
    if (with_value && options.clv) {
      auto g = clv::FitGammaGamma(fit_set, fit_options);
      if (!g.ok() && g.status().code() == StatusCode::kInternal) return g.status();
      if (g.ok()) gg = g->params;
    }
    const auto& m = fit->params;
    std::vector<std::size_t> rows_here;
    for (std::size_t r = 0; r < n; ++r)
      if (table.cutoffs[r] == cutoff) rows_here.push_back(r);
    // CLV sums 12 monthly hypergeometric expectations per customer: split over threads.
    auto work = [&](std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k) {
        const std::size_t r = rows_here[k];
        const auto idx = columns.FindCustomer(table.customer_ids[r]);
        if (!idx || position[*idx] < 0) continue;
        const auto& c = cs[static_cast<std::size_t>(position[*idx])];
        out.p_no_purchase[r] = 1 - clv::ProbabilityAnyPurchase(m, c, table.horizon_days);
        if (with_value) {
          out.p_alive[r] = clv::ReportedProbabilityAlive(m, c);
          if (gg) {
            const double spend = clv::ExpectedNetSpend(*gg, c, summaries[static_cast<std::size_t>(position[*idx])].net_share);
            out.clv[r] = clv::CustomerLifetimeValue(m, c, spend, options.clv_margin, options.clv_monthly_discount,
                                                    options.clv_months, 365.25 / 12);
          }
        }
      }
    };
    const std::size_t threads = std::max(1, options.threads);
    const std::size_t n = rows_here.size();
    CW_RETURN_IF_ERROR(ParallelForChunks(n, n < 1000 ? std::max<std::size_t>(1, n) : (n + threads - 1) / threads,
                                       static_cast<int>(threads), work));
  }
  table.AppendColumn(std::string(kBgnbdColumn), std::move(out.p_no_purchase));
  if (with_value) {
    table.AppendColumn("p_alive", std::move(out.p_alive));
    table.AppendColumn("clv", std::move(out.clv));
    CW_RETURN_IF_ERROR(ComputeSegments(table));
  }
  return Status::OK();
}

/// The rows of `t` whose cutoff is at most `last_cutoff`, with every per-row vector.
FeatureTable RowsUpTo(const FeatureTable& t, DayNumber last_cutoff) {
  FeatureTable out;
  out.horizon_days = t.horizon_days;
  out.lookback_days = t.lookback_days;
  out.names = t.names;
  out.columns.assign(t.names.size(), {});
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    if (t.cutoffs[r] > last_cutoff) continue;
    out.customer_ids.push_back(t.customer_ids[r]);
    out.cutoffs.push_back(t.cutoffs[r]);
    out.labels.push_back(t.labels[r]);
    if (r < t.days_to_next_purchase.size()) out.days_to_next_purchase.push_back(t.days_to_next_purchase[r]);
    for (std::size_t f = 0; f < t.names.size(); ++f) out.columns[f].push_back(t.columns[f][r]);
  }
  return out;
}

}  // namespace

Result<FeatureTable> BuildSnapshotTable(const RetailColumns& columns, std::span<const DayNumber> cutoffs,
                                        const PipelineOptions& options, Eligibility eligibility, bool with_value,
                                        std::map<DayNumber, std::string>* bgnbd_notes) {
  FeatureOptions fo;
  fo.horizon_days = options.horizon_days;
  fo.lookback_days = options.lookback_days;
  fo.threads = options.threads;
  fo.eligibility = eligibility;
  fo.segments = with_value;
  CW_ASSIGN_OR_RETURN(FeatureTable table, BuildFeatureTable(columns, cutoffs, fo));
  if (options.bgnbd || with_value)
    CW_RETURN_IF_ERROR(AppendValueColumns(columns, table, options, with_value, bgnbd_notes));
  return table;
}

namespace {

/// Checks the cutoffs and builds the training and validation tables of TrainOnSnapshots
/// (BG/NBD left out when switched off, dropped features removed).
Status BuildTrainValid(const RetailColumns& columns, std::span<const DayNumber> train_cutoffs, DayNumber valid_cutoff,
                       const PipelineOptions& options, FeatureTable& train, FeatureTable& valid) {
  if (train_cutoffs.empty()) return Status::InvalidArgument("--train-cutoffs is empty");
  for (DayNumber c : train_cutoffs)
    if (c >= valid_cutoff)
      return Status::InvalidArgument("train cutoff " + FormatIsoDate(c) + " is not before the validation cutoff " +
                                     FormatIsoDate(valid_cutoff) + "; validation must be later than training");
  if (columns.last_day != kNoDay && valid_cutoff + options.horizon_days - 1 > columns.last_day)
    return Status::InvalidArgument("validation cutoff " + FormatIsoDate(valid_cutoff) + " + H = " +
                                   std::to_string(options.horizon_days) + " days runs past the last data day " +
                                   FormatIsoDate(columns.last_day) + "; its labels are not observed yet");
  CW_ASSIGN_OR_RETURN(train, BuildSnapshotTable(columns, train_cutoffs, options, Eligibility::kActive, false));
  const DayNumber vc[] = {valid_cutoff};
  CW_ASSIGN_OR_RETURN(valid, BuildSnapshotTable(columns, vc, options, Eligibility::kActive, false));
  if (!options.bgnbd) {
    // Without BG/NBD the stacker sees only trees and logistic regression.
    for (FeatureTable* t : {&train, &valid}) {
      if (auto i = t->FeatureIndex(kBgnbdColumn)) {
        t->names.erase(t->names.begin() + static_cast<long>(*i));
        t->columns.erase(t->columns.begin() + static_cast<long>(*i));
      }
    }
  }
  for (const auto& name : options.drop_features) {
    if (name == kBgnbdColumn || !train.FeatureIndex(name))
      return Status::InvalidArgument("cannot drop feature '" + name + "': not a feature of the training table");
    for (FeatureTable* t : {&train, &valid}) {
      if (auto i = t->FeatureIndex(name)) {
        t->names.erase(t->names.begin() + static_cast<long>(*i));
        t->columns.erase(t->columns.begin() + static_cast<long>(*i));
      }
    }
  }
  return Status::OK();
}

/// Whether TrainOnSnapshots purges: some train cutoffs' label windows end by the
/// validation cutoff and some do not.
bool Purges(std::span<const DayNumber> train_cutoffs, DayNumber valid_cutoff, const PipelineOptions& options) {
  const DayNumber last_clean = valid_cutoff - options.horizon_days;
  return options.purge &&
         std::any_of(train_cutoffs.begin(), train_cutoffs.end(), [&](DayNumber c) { return c <= last_clean; }) &&
         std::any_of(train_cutoffs.begin(), train_cutoffs.end(), [&](DayNumber c) { return c > last_clean; });
}

}  // namespace

Result<std::shared_ptr<const ChurnModel>> TrainOnSnapshots(const RetailColumns& columns,
                                                          std::span<const DayNumber> train_cutoffs,
                                                          DayNumber valid_cutoff, const PipelineOptions& options,
                                                          const TrainOptions& train_options) {
  FeatureTable train, valid;
  CW_RETURN_IF_ERROR(BuildTrainValid(columns, train_cutoffs, valid_cutoff, options, train, valid));
  TrainingSet data;
  data.valid = &valid;
  data.valid_days_to_next = valid.days_to_next_purchase;
  FeatureTable purged;
  if (Purges(train_cutoffs, valid_cutoff, options)) {
    purged = RowsUpTo(train, valid_cutoff - options.horizon_days);
    data.train = &purged;
    data.train_days_to_next = purged.days_to_next_purchase;
    data.refit = &train;
    data.refit_days_to_next = train.days_to_next_purchase;
  } else {
    data.train = &train;
    data.train_days_to_next = train.days_to_next_purchase;
  }
  CW_ASSIGN_OR_RETURN(auto model, ChurnModel::Train(data, train_options));
  ModelInfo info = model->info();
  info.source = "snapshots";
  return model->WithInfo(std::move(info));
}

Result<std::shared_ptr<const ChurnModel>> TrainOnSnapshotsAcross(Collective& collective, const RetailColumns& columns,
                                                                std::span<const DayNumber> train_cutoffs,
                                                                DayNumber valid_cutoff, const PipelineOptions& options,
                                                                const TrainOptions& train_options) {
  if (options.bgnbd)
    return Status::InvalidArgument(
        "training with several workers needs --no-bgnbd: BG/NBD is fitted on every customer's history at once, "
        "which the workers do not share");
  FeatureTable train_mine, valid_mine;
  CW_RETURN_IF_ERROR(BuildTrainValid(columns, train_cutoffs, valid_cutoff, options, train_mine, valid_mine));
  // Every member needs training rows of its own for XGBoost (an empty member breaks its
  // sketch); say so on every member at once rather than let one fail alone.
  std::int64_t fewest[] = {static_cast<std::int64_t>(train_mine.num_rows())};
  CW_RETURN_IF_ERROR(collective.MinInt64(fewest));
  if (fewest[0] == 0)
    return Status::DataError("a training worker owns no training rows: use fewer workers for this data");
  std::vector<std::uint8_t> train_is_mine;
  CW_ASSIGN_OR_RETURN(FeatureTable train, models_internal::GatherTable(collective, train_mine, train_cutoffs, &train_is_mine));
  const DayNumber vc[] = {valid_cutoff};
  CW_ASSIGN_OR_RETURN(FeatureTable valid, models_internal::GatherTable(collective, valid_mine, vc, nullptr));
  TrainingSet data;
  data.valid = &valid;
  data.valid_days_to_next = valid.days_to_next_purchase;
  FeatureTable purged;
  if (Purges(train_cutoffs, valid_cutoff, options)) {
    const DayNumber last_clean = valid_cutoff - options.horizon_days;
    purged = RowsUpTo(train, last_clean);
    for (std::size_t r = 0; r < train.num_rows(); ++r)
      if (train.cutoffs[r] <= last_clean) data.train_mine.push_back(train_is_mine[r]);
    data.train = &purged;
    data.train_days_to_next = purged.days_to_next_purchase;
    data.refit = &train;
    data.refit_days_to_next = train.days_to_next_purchase;
    data.refit_mine = train_is_mine;
  } else {
    data.train = &train;
    data.train_days_to_next = train.days_to_next_purchase;
    data.train_mine = train_is_mine;
  }
  CW_ASSIGN_OR_RETURN(auto model, ChurnModel::Train(data, train_options));
  ModelInfo info = model->info();
  info.source = "snapshots";
  return model->WithInfo(std::move(info));
}

Result<Evaluation> EvaluateOnCutoff(const ChurnModel& model, const RetailColumns& columns, DayNumber test_cutoff,
                                    const PipelineOptions& options) {
  PipelineOptions po = options;
  po.horizon_days = model.info().horizon_days;
  const DayNumber tc[] = {test_cutoff};
  CW_ASSIGN_OR_RETURN(FeatureTable table, BuildSnapshotTable(columns, tc, po, Eligibility::kActive, false));
  CW_ASSIGN_OR_RETURN(auto scored, model.Score(table));
  Evaluation ev;
  ev.cutoff = test_cutoff;
  const auto recency = table.Column(kRecencyColumn);
  auto& ens = ev.scores["ensemble"];
  auto& trees = ev.scores["trees"];
  auto& logistic = ev.scores["logistic"];
  auto& rule = ev.scores["recency_rule"];
  auto& bg = ev.scores["bgnbd"];
  bool bg_complete = true;
  std::vector<double> lead_pred, lead_actual, lead_err;
  for (std::size_t r = 0; r < table.num_rows(); ++r) {
    if (table.labels[r] == ChurnLabel::kUnknown) continue;
    const bool churned = table.labels[r] == ChurnLabel::kChurned;
    ev.labels.push_back(churned ? 1.0f : 0.0f);
    ens.push_back(scored[r].p_churn);
    trees.push_back(scored[r].p_trees);
    logistic.push_back(scored[r].p_logistic);
    rule.push_back(recency.empty() ? kNaN : RecencyRule(recency[r], po.horizon_days));
    bg.push_back(scored[r].p_bgnbd);
    if (std::isnan(scored[r].p_bgnbd)) bg_complete = false;
    if (churned && scored[r].p_churn >= model.threshold() && !std::isnan(scored[r].expected_days_to_churn) &&
        !recency.empty()) {
      const double actual = po.horizon_days - recency[r];
      lead_pred.push_back(scored[r].expected_days_to_churn);
      lead_actual.push_back(actual);
      lead_err.push_back(std::abs(scored[r].expected_days_to_churn - actual));
    }
  }
  if (ev.labels.empty())
    return Status::DataError("test cutoff " + FormatIsoDate(test_cutoff) +
                             " has no labelled customers (is its label window observed?)");
  ev.rows = static_cast<std::int64_t>(ev.labels.size());
  if (!bg_complete) {
    // BG/NBD abstained for some customers: compare on its own probabilities only when whole.
    ev.scores.erase("bgnbd");
  }
  if (recency.empty()) ev.scores.erase("recency_rule");
  for (const auto& [name, s] : ev.scores) {
    const double threshold = name == "ensemble" ? model.threshold() : 0.5;
    ev.metrics[name] = ComputeMetrics(ev.labels, s, threshold);
  }
  ev.lead_time_rows = static_cast<std::int64_t>(lead_err.size());
  ev.lead_time_predicted_median = Median(lead_pred);
  ev.lead_time_actual_median = Median(lead_actual);
  if (!lead_err.empty()) {
    double s = 0;
    for (double e : lead_err) s += e;
    ev.lead_time_mae = s / static_cast<double>(lead_err.size());
  }
  return ev;
}

}  // namespace churnwatch

#pragma once
/// \file churn_pipeline.h
/// The snapshot path of SPEC.md §4/§7 on transaction data: feature tables at cutoffs (with
/// the BG/NBD third opinion appended), training on stacked train cutoffs with a later
/// validation cutoff, evaluation on an unseen test cutoff against the baselines, and
/// scoring as of a date. The CLI's `train`, `evaluate` and `score` are thin shells over
/// these functions.
///
/// Point in time: every feature and every BG/NBD fit at cutoff T reads only rows dated
/// before T (features.h guarantees it for features; the BG/NBD fit here uses
/// ComputeRfmSummaries at T). `TrainOnSnapshots` never receives the test cutoff.
/// Threads: `PipelineOptions::threads` for features and XGBoost; functions are otherwise
/// single-threaded and may run concurrently on shared const inputs.

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/features.h"
#include "churnwatch/metrics.h"
#include "churnwatch/models.h"
#include "churnwatch/status.h"

namespace churnwatch {

struct PipelineOptions {
  int horizon_days = 90;
  int lookback_days = 365;
  int threads = 2;
  bool bgnbd = true;                 ///< append BG/NBD P(no purchase in H) for the stacker
  double clv_margin = 1.0;           ///< margin applied to expected spend (1 = revenue CLV, as `clv`)
  double clv_monthly_discount = 0.01;
  int clv_months = 12;
  /// CLV (Gamma-Gamma + 12 monthly BG/NBD expectations per customer) is the expensive part
  /// of scoring at scale; false leaves "clv" NaN (value tiers then follow monetary_365).
  bool clv = true;
  /// BG/NBD and Gamma-Gamma are fitted on at most this many customers per cutoff (a
  /// deterministic sample by customer-id hash); predictions cover everyone. Four
  /// parameters are well determined by 20,000 histories, and the fit stays seconds at 10^6.
  std::size_t fit_sample = 20000;
  /// Purged validation: early stopping, C, stacker and calibration are chosen with trees
  /// trained only on the train cutoffs whose label window [T, T+H) ends by the validation
  /// cutoff (otherwise the same customers' same weeks sit in both and validation flatters
  /// deep trees); the components are then refitted on every train cutoff.
  bool purge = true;
  /// Catalogue features left out of training (feature ablation during selection); the
  /// model then neither needs nor uses them. Unknown names are kInvalidArgument.
  std::vector<std::string> drop_features;
};

/// Feature table at `cutoffs` plus the column kBgnbdColumn (BG/NBD fitted per cutoff on
/// the histories before it). With `with_value`, also "p_alive" and "clv" (BG/NBD +
/// Gamma-Gamma, discounted 12-month CLV) and segments recomputed so the value tier follows
/// CLV. A cutoff where BG/NBD cannot be fitted leaves its rows' BG/NBD values NaN.
/// `bgnbd_notes`, when given, receives per cutoff the fit's clv::BgNbdDropoutNote where it
/// is not empty (the fit sees almost no dropout, so P(alive) ranks nobody): `score` and
/// `run` print it, as `clv` does.
Result<FeatureTable> BuildSnapshotTable(const RetailColumns& columns, std::span<const DayNumber> cutoffs,
                                        const PipelineOptions& options, Eligibility eligibility, bool with_value,
                                        std::map<DayNumber, std::string>* bgnbd_notes = nullptr);

/// Trains the ensemble on `train_cutoffs` (stacked), early-stopping, stacking and
/// calibrating on `valid_cutoff`, which must be later than every train cutoff
/// (kInvalidArgument otherwise). The survival model learns the days to next purchase.
/// See PipelineOptions::purge for how validation stays honest.
Result<std::shared_ptr<const ChurnModel>> TrainOnSnapshots(const RetailColumns& columns,
                                                          std::span<const DayNumber> train_cutoffs,
                                                          DayNumber valid_cutoff, const PipelineOptions& options,
                                                          const TrainOptions& train_options);

class Collective;

/// TrainOnSnapshots as one member of a distributed training (collective.h): `columns`
/// holds only this member's customers (its buckets); every member calls this with the
/// same cutoffs and options. Each builds the feature tables of its own customers, the
/// tables are exchanged so that every member holds them whole (in the row order one
/// process would have), the tree models train together with each member's own rows,
/// and logistic regression, stacker and calibration are fitted on the whole tables, so
/// every member returns the same ensemble as TrainOnSnapshots on all customers would.
/// `columns`' first_day / last_day / first_event_day must already be the whole data's
/// (SyncDataBounds). BG/NBD is not available here: options.bgnbd is kInvalidArgument.
/// A member that owns no training rows makes every member return kDataError; a member
/// that dies makes the others return kUnavailable.
Result<std::shared_ptr<const ChurnModel>> TrainOnSnapshotsAcross(Collective& collective, const RetailColumns& columns,
                                                                std::span<const DayNumber> train_cutoffs,
                                                                DayNumber valid_cutoff, const PipelineOptions& options,
                                                                const TrainOptions& train_options);

/// Replaces `columns`' data bounds (first and last day, first day of each event type) by
/// those of the union of every member's columns.
Status SyncDataBounds(Collective& collective, RetailColumns& columns);

/// Scores of every evaluated model on one labelled cutoff.
struct Evaluation {
  DayNumber cutoff = 0;
  std::int64_t rows = 0;                         ///< labelled eligible customers
  std::vector<float> labels;
  std::map<std::string, std::vector<double>> scores;  ///< per model, aligned with labels
  std::map<std::string, MetricSet> metrics;      ///< "ensemble", "trees", "logistic", "recency_rule", "bgnbd"
  /// Warning lead time on churned customers the ensemble flags (p >= threshold): the
  /// predicted expected days to churn vs the actual days until they crossed H (H − recency).
  double lead_time_predicted_median = kNaN;
  double lead_time_actual_median = kNaN;
  double lead_time_mae = kNaN;
  std::int64_t lead_time_rows = 0;
};

/// Evaluates `model` and the baselines on `test_cutoff`. The ensemble's confusion matrix
/// uses the model's operating threshold (max F1 on validation); the probability baselines
/// use 0.5 and the recency rule its own 0/1 output.
Result<Evaluation> EvaluateOnCutoff(const ChurnModel& model, const RetailColumns& columns, DayNumber test_cutoff,
                                    const PipelineOptions& options);

}  // namespace churnwatch

#pragma once
/// \file retrain.h
/// Champion / challenger retraining and drift (docs/campaign.md, "Retraining").
///
/// A challenger is trained on the newest data and compared with the champion on the latest
/// matured cutoff (the latest cutoff T whose label window T .. T+H−1 the data covers).
/// It is promoted only when it ranks better and is not worse calibrated (a tie keeps the
/// champion, so retraining on unchanged data changes nothing):
///   challenger ROC-AUC >  champion ROC-AUC + min_auc_gain, and
///   challenger ECE     <= champion ECE + max_ece_increase.
/// Without a champion, or when the champion cannot be evaluated on today's features, the
/// challenger is promoted and the reason says so. Either way the challenger is registered,
/// so it can be promoted by hand later.
///
/// Drift: the population stability index (PSI) of every model feature and of the score,
/// between a reference population and the current one. Bins are the reference's deciles
/// (ties merged; missing values are a bin of their own); PSI = Σ (c − r) · ln(c / r) over
/// bins, with empty bins counted as 0.0001. Rule of thumb used for warnings: < 0.1 stable,
/// 0.1–0.25 moved (watch), > 0.25 moved a lot (retrain, check the data feed).

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/models.h"
#include "churnwatch/store.h"
#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch {

struct PromotionRule {
  double min_auc_gain = 0.0;
  double max_ece_increase = 0.01;
};

/// A model's quality on the comparison cutoff.
struct ModelQuality {
  std::string version;
  double roc_auc = kNaN;
  double ece = kNaN;
};

struct PromotionDecision {
  bool promote = false;
  std::string reason;  ///< one sentence for people, quoting the figures
};

/// The rule above (pure). `champion` empty: promote.
PromotionDecision DecidePromotion(const std::optional<ModelQuality>& champion, const ModelQuality& challenger,
                                  const PromotionRule& rule);

inline constexpr double kPsiWatch = 0.1;
inline constexpr double kPsiAlarm = 0.25;

/// PSI of `current` against `reference` (NaN = missing). NaN when either is empty.
double PopulationStabilityIndex(std::span<const double> reference, std::span<const double> current, int bins = 10);

struct DriftItem {
  std::string name;  ///< feature name, or "score"
  double psi = kNaN;
  std::string level;  ///< "stable" | "watch" | "moved"
};
struct DriftReport {
  std::string reference_label, current_label;  ///< e.g. the two cutoff dates
  std::vector<DriftItem> items;                 ///< score first, then features by PSI, highest first
  std::vector<std::string> warnings;            ///< one per item at "watch" or worse
};

/// Drift of `features` (and of the scores, when both are non-empty) between two tables.
/// Features a table lacks are skipped.
DriftReport ComputeDrift(const FeatureTable& reference, const FeatureTable& current,
                         std::span<const std::string> features, std::span<const double> reference_scores,
                         std::span<const double> current_scores, std::string reference_label,
                         std::string current_label);

/// The champion after a training: `trained` is registered (not as champion), it and the
/// current champion are evaluated on `test_cutoff`, and the rule decides. `serving` is the
/// champion afterwards (the one to score with). What `run` and `retrain` share.
struct ChampionChoice {
  std::shared_ptr<const ChurnModel> serving;
  std::shared_ptr<const ChurnModel> challenger;  ///< as registered
  ModelQuality challenger_quality;
  std::optional<ModelQuality> champion_quality;
  PromotionDecision decision;
};
Result<ChampionChoice> RegisterAndChooseChampion(Store& store, const ChurnModel& trained, const RetailColumns& columns,
                                                 DayNumber test_cutoff, const PipelineOptions& options,
                                                 const PromotionRule& rule);

struct RetrainRequest {
  std::string db_url;
  int horizon_days = 0;        ///< 0: the champion's, else 90
  int threads = 2;
  int train_every_days = 14;
  int min_history_days = 90;
  PromotionRule rule;
};

struct RetrainOutcome {
  std::string test_cutoff, valid_cutoff, as_of;
  std::vector<std::string> train_cutoffs;
  ModelQuality challenger;
  std::optional<ModelQuality> champion;
  PromotionDecision decision;
  std::string champion_after;  ///< the champion's version after the call
  DriftReport drift;           ///< champion's last training cutoff (or the test cutoff) vs as_of
};

/// Trains a challenger on the store's data, registers it, evaluates it and the champion
/// on the latest matured cutoff, promotes it by the rule, and reports drift. kDataError
/// when the data is too short for the cutoffs; store and training errors as they come.
Result<RetrainOutcome> RunRetrain(const RetrainRequest& request);

}  // namespace churnwatch

#pragma once
/// \file models.h
/// Churn models (SPEC.md §7): gradient-boosted trees (XGBoost), logistic regression
/// (liblinear), the BG/NBD probability of no purchase as a third opinion, a stacked
/// ensemble calibrated on the validation cutoff, and a survival model for the warning lead
/// time. Inputs are `FeatureTable`s (features/); outputs are probabilities per row.
///
/// Ownership and threads: a trained or loaded `ChurnModel` is immutable; share it between
/// threads through `std::shared_ptr<const ChurnModel>` and call `Score` concurrently.
/// Retraining builds a new model; the registry swaps the champion atomically.
///
/// Errors: shape and name mismatches are kInvalidArgument with the differences listed;
/// data unfit for training (no labelled rows, one class only) is kDataError; a failing
/// XGBoost or liblinear call is kInternal naming the call and the library's message.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/feature_table.h"
#include "churnwatch/metrics.h"
#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch {

/// Column of a FeatureTable that carries BG/NBD's P(no purchase in (T, T+H]) for the
/// stacker. It is never a tree or logistic input.
inline constexpr std::string_view kBgnbdColumn = "bgnbd_p_no_purchase_h";
/// Feature the recency rule and the lead-time formula read (whole days since last purchase).
inline constexpr std::string_view kRecencyColumn = "recency_days";

/// Dense row-major matrix of model inputs, NaN = missing.
struct DenseMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> values;  ///< rows * cols
  std::span<const float> row(std::size_t r) const { return {values.data() + r * cols, cols}; }
};

/// Gathers `feature_order` from `table` (all rows, or only `rows`) into a row-major matrix.
/// kInvalidArgument listing every name the table lacks.
Result<DenseMatrix> MatrixFromTable(const FeatureTable& table, std::span<const std::string> feature_order,
                                    std::span<const std::size_t> rows = {});

/// XGBoost settings. Defaults are conservative for tabular churn data of 10^3–10^6 rows;
/// depth 3 and min_child_weight 50 were chosen on Online Retail's purged validation
/// cutoff (docs/models.md, "Choosing the settings"): stacked snapshots repeat the same
/// customers, so small leaves fit individuals rather than behaviour.
struct TreeParams {
  int max_depth = 3;
  double eta = 0.05;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 50;
  double lambda = 1.0;
  int max_rounds = 600;
  int early_stopping_rounds = 40;  ///< rounds without validation improvement before stopping
  bool early_stopping = true;      ///< false: boost exactly max_rounds rounds (refits)
  /// Early stopping of the churn classifier watches validation ROC-AUC instead of
  /// log-loss (log-loss also punishes a base-rate gap between train and validation
  /// cutoffs, which the calibration step corrects anyway). The survival model always
  /// watches its own likelihood.
  bool stop_on_auc = false;
  int nthread = 2;
  std::uint64_t seed = 42;
  double aft_sigma = 1.2;          ///< scale of the log-normal AFT survival model
};

class TreeBooster;  // models/tree_booster.h (private): the one owner of XGBoost handles.

/// Logistic regression on standardised inputs (see docs/models.md): x -> sign(x)·log1p|x|,
/// then (x - mean) / sd with training moments; NaN -> 0 after standardising plus a
/// missing-indicator input for every feature that had a missing value in training.
struct LogisticModel {
  std::vector<double> mean, sd;          ///< per feature, of the transformed value
  std::vector<std::uint8_t> has_indicator;
  std::vector<double> weights;           ///< features, then indicators (in feature order)
  double bias = 0;
  double c = 1.0;                        ///< inverse L2 strength used
  /// P(churn) of one row (size = number of features).
  double Predict(std::span<const float> row) const;
};

/// Fits one L2 logistic regression per C in `c_grid` with liblinear (solver L2R_LR) and
/// keeps the one with the lowest validation log-loss. kDataError when a class is absent.
Result<LogisticModel> TrainLogistic(const DenseMatrix& train, std::span<const float> labels, const DenseMatrix& valid,
                                    std::span<const float> valid_labels, std::span<const double> c_grid);

/// Monotone map from the stacked score to a calibrated probability. kNone is the identity
/// (the stacked score is used as it is).
struct Calibration {
  enum class Method { kPlatt, kIsotonic, kNone };
  Method method = Method::kPlatt;
  double a = 1, b = 0;                   ///< Platt: 1 / (1 + exp(-(a·logit(p) + b)))
  std::vector<double> x, y;              ///< isotonic knots (increasing x), linear between
  double Apply(double p) const;
  std::string_view MethodName() const {
    return method == Method::kPlatt ? "platt" : method == Method::kIsotonic ? "isotonic" : "none";
  }
};

/// Fits Platt scaling (logistic on logit(p)) by Newton's method.
Calibration FitPlatt(std::span<const double> scores, std::span<const float> labels);
/// Fits isotonic regression by pool-adjacent-violators; knots are the pooled blocks' mean
/// score and mean label.
Calibration FitIsotonic(std::span<const double> scores, std::span<const float> labels);

/// How the calibration map is chosen: kAuto is isotonic with at least 2000 calibration
/// rows, else Platt; kNone is the identity (the stacked score is used as it is).
enum class CalibrationChoice { kAuto, kPlatt, kIsotonic, kNone };
/// Rows the calibration is fitted on (TrainOptions::calibrate_on).
enum class CalibrationRows { kValid, kTimeFolds };
/// How the components' opinions are combined (TrainOptions::stacker).
enum class StackerKind { kAverage, kFitted };

/// The settings' words, as the command line and config files spell them ("auto", "platt",
/// "isotonic", "none"; "valid", "time-folds"; "average", "fitted"). Anything else is
/// kInvalidArgument "<what> must be ..., got '<text>'", where `what` names the setting for
/// the user (a flag such as "--calibrate-on", or a config key).
Result<CalibrationChoice> ParseCalibrationChoice(std::string_view text, std::string_view what);
Result<CalibrationRows> ParseCalibrationRows(std::string_view text, std::string_view what);
Result<StackerKind> ParseStackerKind(std::string_view text, std::string_view what);
std::string_view CalibrationRowsName(CalibrationRows rows);
std::string_view StackerKindName(StackerKind kind);

/// Everything `Train` needs. Rows whose label is kUnknown are ignored.
struct TrainOptions {
  TreeParams trees;
  CalibrationChoice calibration = CalibrationChoice::kAuto;
  /// Rows the calibration is fitted on: kValid (the validation cutoff's stacked scores of
  /// the selection-time components) or kTimeFolds (those plus, for every training
  /// cutoff T with earlier training cutoffs at most T − H, the stacked scores at T of
  /// components refitted on those earlier cutoffs with the chosen rounds and C: each
  /// row is scored by models that never saw its label window, and the calibration sees
  /// several seasons instead of one).
  CalibrationRows calibrate_on = CalibrationRows::kValid;
  bool survival = true;                  ///< fit the AFT lead-time model when days are given
  /// Tree shape of the survival model (its other settings follow `trees`). Kept apart
  /// because `trees`' depth and leaf size were chosen on churn ROC-AUC, which does not
  /// measure the lead-time model; these are the values it had before that choice.
  int survival_max_depth = 4;
  double survival_min_child_weight = 5;
  /// Chosen on validation log-loss; the grid reaches down to 0.001 because on Online
  /// Retail the strongest penalty won (correlated snapshot rows, 59 inputs + indicators).
  std::vector<double> logistic_c_grid = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0};
  /// kAverage: equal-weight mean of the components' logits (robust when the validation
  /// cutoff is one season); kFitted: logistic combiner fitted on half the validation rows.
  StackerKind stacker = StackerKind::kAverage;
  /// Which opinions the "average" stacker combines (equal weights over those switched on;
  /// bgnbd only counts when both tables carry it). At least one must be on.
  bool stack_trees = true;
  bool stack_logistic = true;
  bool stack_bgnbd = true;
};

/// Labels and, optionally, days from the cutoff to the next purchase (NaN: none within H,
/// right-censored) for the survival model.
struct TrainingSet {
  const FeatureTable* train = nullptr;
  const FeatureTable* valid = nullptr;
  std::vector<double> train_days_to_next;  ///< empty, or one per train row
  std::vector<double> valid_days_to_next;  ///< empty, or one per valid row
  /// Optional refit table (e.g. every train cutoff, while `train` holds only those whose
  /// label window ends before the validation cutoff): after rounds, C, stacker and
  /// calibration are chosen on `valid`, the trees, survival model and logistic regression
  /// are refitted on it with those settings.
  const FeatureTable* refit = nullptr;
  std::vector<double> refit_days_to_next;
  /// Distributed training (this process is one member of a Collective, collective.h):
  /// every member holds the same whole tables, and gives the tree models (XGBoost, trained
  /// together across members) only its own rows: those with a 1 here, one entry per row of
  /// `train` / `refit`. Empty: every row (one process). The logistic regression,
  /// stacker and calibration see the whole tables on every member, so every member builds
  /// the same ensemble. `calibrate_on` "time-folds" is kInvalidArgument here.
  std::vector<std::uint8_t> train_mine;
  std::vector<std::uint8_t> refit_mine;
};

/// Scores of one row from each component.
struct RowScores {
  double p_trees = kNaN;
  double p_logistic = kNaN;
  double p_bgnbd = kNaN;                  ///< P(no purchase in H) as given in the table
  double p_stacked = kNaN;                ///< combiner output before calibration
  double p_churn = kNaN;                  ///< calibrated ensemble
  double expected_days_to_churn = kNaN;   ///< NaN without a survival model or recency
};

/// Provenance stored with the model (registry.h persists it).
struct ModelInfo {
  std::string version;                   ///< set by the registry
  std::string created_at;                ///< UTC "YYYY-MM-DD HH:MM:SS"
  std::string engine_version = CHURNWATCH_VERSION;
  std::vector<DayNumber> train_cutoffs;
  std::optional<DayNumber> valid_cutoff;
  int horizon_days = 90;
  std::string data_fingerprint;          ///< SHA-256 of the training and validation tables
  std::int64_t train_rows = 0;
  std::int64_t valid_rows = 0;
  int best_iteration = 0;                ///< trees kept by early stopping
  /// Ensemble of the final (refitted) components on the whole validation cutoff. With
  /// purging the refit saw train rows whose label weeks overlap validation, so these
  /// flatter the model; choose settings by `purged_valid_metrics`.
  MetricSet valid_metrics;
  /// Validation-cutoff metrics of the components the settings were chosen with, before any
  /// refit (trained only on the purged train cutoffs when `purged`). Keys: "trees",
  /// "logistic", "bgnbd" (when stacked and complete), "ensemble" (calibration fitted on
  /// these same rows: its ECE is in-sample) and "ensemble_crossfit" (calibration fitted on
  /// one half of the validation customers by id hash and applied to the other, both ways:
  /// the honest ECE and Brier of the calibration step).
  std::map<std::string, MetricSet> purged_valid_metrics;
  bool purged = false;                   ///< components were refitted after selection
  std::string source;                    ///< "snapshots" or "labelled:<file>"
};

/// The trained ensemble. Immutable after construction.
class ChurnModel {
 public:
  ~ChurnModel();
  ChurnModel& operator=(const ChurnModel&) = delete;

  /// Trains every component (see docs/models.md for the protocol). The test cutoff is never
  /// an input.
  static Result<std::shared_ptr<const ChurnModel>> Train(const TrainingSet& data, const TrainOptions& options);

  /// Scores every row of `table`. The table must carry every feature of `feature_names()`
  /// (extra columns are ignored); kInvalidArgument listing the missing ones otherwise.
  Result<std::vector<RowScores>> Score(const FeatureTable& table) const;
  /// Scores one row given as values in `feature_names()` order (the low-latency path).
  /// `p_bgnbd` is only read when `uses_bgnbd()`.
  Result<RowScores> ScoreRow(std::span<const float> features, double p_bgnbd = kNaN) const;

  /// Tree SHAP contributions: rows × (features + 1), the last column being the bias; each
  /// row sums to the trees' margin (log-odds). `approximate` uses XGBoost's fast
  /// approximation (for bulk scoring).
  Result<std::vector<float>> TreeContributions(const DenseMatrix& x, bool approximate) const;
  /// The trees' margin (log-odds) per row.
  Result<std::vector<float>> TreeMargins(const DenseMatrix& x) const;

  const std::vector<std::string>& feature_names() const { return feature_names_; }
  /// Threads a batch call uses (XGBoost's nthread and the row-parallel loops): the
  /// training nthread, or the `nthread` given to FromJson.
  int nthread() const;
  bool uses_bgnbd() const { return uses_bgnbd_; }
  bool has_survival() const { return survival_ != nullptr; }
  const ModelInfo& info() const { return info_; }
  const Calibration& calibration() const { return calibration_; }
  const LogisticModel& logistic() const { return logistic_; }
  double threshold() const { return threshold_; }  ///< operating threshold (max F1 on validation)
  /// Stacker weights on logit(p_trees), logit(p_logistic), logit(p_bgnbd) and its bias.
  const std::vector<double>& stacker() const { return stacker_; }

  /// Serialises the whole model (JSON document with the boosters as base64 UBJSON).
  Result<std::string> ToJson() const;
  /// Inverse of ToJson; `nthread` is the XGBoost prediction thread count.
  static Result<std::shared_ptr<const ChurnModel>> FromJson(std::string_view json, int nthread = 1);
  /// A copy of the model with different provenance (used by the registry to stamp the version).
  std::shared_ptr<const ChurnModel> WithInfo(ModelInfo info) const;

  /// Checks that `available` covers this model's features; kInvalidArgument listing the
  /// missing ones (and the count of extra ones) otherwise.
  Status CheckFeatures(std::span<const std::string> available) const;

 private:
  ChurnModel();
  ChurnModel(const ChurnModel&) = default;  // private: used by WithInfo only
  Result<std::vector<RowScores>> ScoreMatrix(const DenseMatrix& x, std::span<const double> p_bgnbd) const;
  double Stack(double p_trees, double p_logistic, double p_bgnbd) const;
  double LeadTime(double aft_margin, double recency) const;
  std::optional<std::size_t> RecencyColumn() const;
  /// TrainOptions::calibrate_on == kTimeFolds: appends to `stacked` / `labels` the
  /// out-of-time stacked scores of every cutoff of `t` that has earlier cutoffs whose label
  /// window ends by it (components refitted on those with this model's rounds and C).
  Status AppendTimeFoldScores(const FeatureTable& t, const DenseMatrix& x_va, std::span<const float> y_va,
                              const TrainOptions& options, std::vector<double>& stacked,
                              std::vector<float>& labels) const;
  /// Logistic regression, stacker, calibration and lead time of one row, given the trees'
  /// probability and the survival model's margin for it.
  RowScores Combine(std::span<const float> row, float p_trees, float aft_margin, double p_bgnbd,
                    std::optional<std::size_t> recency_col) const;

  std::vector<std::string> feature_names_;
  std::shared_ptr<const TreeBooster> trees_;
  std::shared_ptr<const TreeBooster> survival_;
  LogisticModel logistic_;
  bool uses_bgnbd_ = false;
  std::vector<double> stacker_;          ///< 3 weights + bias
  Calibration calibration_;
  double threshold_ = 0.5;
  double aft_sigma_ = 1.2;
  ModelInfo info_;
};

/// The recency rule baseline of SPEC.md §7: churn when recency_days > H / 2 (1 or 0).
double RecencyRule(double recency_days, int horizon_days);

/// SHA-256 hex over a table's ids, cutoffs, labels, feature names and values.
std::string FingerprintTable(const FeatureTable& table);

}  // namespace churnwatch

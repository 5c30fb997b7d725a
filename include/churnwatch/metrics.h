#pragma once
/// \file metrics.h
/// Evaluation metrics for a binary churn score (SPEC.md §7). Pure functions: no state, no
/// I/O, safe from any thread. Every function takes `labels` (1 = churned, 0 = retained)
/// and `scores` (higher = more likely to churn; probabilities where the metric needs
/// them) of equal length. Rows with a NaN score are a programmer error (callers impute).
///
/// Conventions, chosen once here so every report agrees:
/// - ROC-AUC is the Mann–Whitney statistic; tied scores count one half.
/// - PR-AUC is average precision (the step-wise area, as scikit-learn computes it); tied
///   scores enter the ranking as one block.
/// - "top k" takes the k highest scores; ties at the boundary are broken by row order.
/// - ECE uses 10 equal-width probability bins [0,0.1), ..., [0.9,1.0]:
///   sum over bins of (n_bin / n) * |mean(score) - mean(label)|.
/// - The calibration table uses deciles of the score (equal-mass bins, highest first).

#include <cstdint>
#include <span>
#include <vector>

namespace churnwatch {

/// Area under the ROC curve; NaN when only one class is present.
double RocAuc(std::span<const float> labels, std::span<const double> scores);

/// Average precision (area under the precision–recall curve); NaN without positives.
double AveragePrecision(std::span<const float> labels, std::span<const double> scores);

/// Churn rate among the top 10 % scores divided by the overall churn rate (NaN without
/// positives). The top decile holds ceil(n / 10) rows.
double LiftTopDecile(std::span<const float> labels, std::span<const double> scores);

/// Lift in the top `fraction` (0 < fraction <= 1) of scores.
double LiftAt(std::span<const float> labels, std::span<const double> scores, double fraction);

/// Precision and recall among the k highest scores.
struct PrecisionRecall {
  double precision = 0;
  double recall = 0;
};
PrecisionRecall PrecisionRecallAtK(std::span<const float> labels, std::span<const double> scores, std::size_t k);

/// Mean squared error of probabilities against 0/1 labels.
double BrierScore(std::span<const float> labels, std::span<const double> probabilities);

/// Expected calibration error with `bins` equal-width bins (default 10).
double ExpectedCalibrationError(std::span<const float> labels, std::span<const double> probabilities, int bins = 10);

/// Counts at a threshold: a row is predicted churned when score >= threshold.
struct ConfusionMatrix {
  double threshold = 0.5;
  std::int64_t true_positive = 0;
  std::int64_t false_positive = 0;
  std::int64_t true_negative = 0;
  std::int64_t false_negative = 0;
  double precision() const;
  double recall() const;
  double f1() const;
};
ConfusionMatrix Confusion(std::span<const float> labels, std::span<const double> scores, double threshold);

/// The threshold that maximises F1 (the operating threshold is chosen this way on the
/// validation cutoff, then applied unchanged on test). Candidates are the distinct scores.
double MaxF1Threshold(std::span<const float> labels, std::span<const double> scores);

/// One decile of the calibration table (decile 1 = the highest 10 % of scores).
struct CalibrationBin {
  int decile = 0;
  std::int64_t rows = 0;
  double mean_predicted = 0;
  double observed_rate = 0;
  double min_score = 0;
  double max_score = 0;
};
std::vector<CalibrationBin> CalibrationTable(std::span<const float> labels, std::span<const double> probabilities);

/// A point of the ROC curve (false positive rate, true positive rate), from (0,0) to (1,1),
/// one point per distinct score; used for plots.
struct RocPoint {
  double fpr = 0;
  double tpr = 0;
};
std::vector<RocPoint> RocCurve(std::span<const float> labels, std::span<const double> scores);

/// Every metric of one model on one labelled set (what `evaluate` prints per model).
struct MetricSet {
  std::int64_t rows = 0;
  double base_rate = 0;
  double roc_auc = 0;
  double pr_auc = 0;
  double lift_top_decile = 0;
  double brier = 0;
  double ece = 0;
  std::int64_t k = 0;  ///< the "at k" of precision/recall: the top decile
  double precision_at_k = 0;
  double recall_at_k = 0;
  ConfusionMatrix confusion;
  std::vector<CalibrationBin> calibration;
};
/// Computes every metric; `threshold` is the operating threshold for the confusion matrix.
/// Brier and ECE are only meaningful when `scores` are probabilities.
MetricSet ComputeMetrics(std::span<const float> labels, std::span<const double> scores, double threshold);

}  // namespace churnwatch

// Evaluation metrics (include/churnwatch/metrics.h). Everything sorts once by score and
// walks tied blocks together, so ties never depend on row order except where the header
// says so (top-k boundaries).
#include "churnwatch/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch {
namespace {

/// Row indices by descending score; stable so ties keep row order.
std::vector<std::size_t> OrderByScoreDesc(std::span<const double> scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

double Positives(std::span<const float> labels) {
  double p = 0;
  for (float l : labels) p += l > 0.5f ? 1 : 0;
  return p;
}

}  // namespace

double RocAuc(std::span<const float> labels, std::span<const double> scores) {
  CHURNWATCH_ASSERT(labels.size() == scores.size());
  const std::size_t n = labels.size();
  // Mann–Whitney: sum of the positives' mid-ranks (ascending), ties share their mean rank.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0, pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t t = i; t < j; ++t) {
      if (labels[order[t]] > 0.5f) {
        rank_sum += mid_rank;
        pos += 1;
      }
    }
    i = j;
  }
  const double neg = static_cast<double>(n) - pos;
  if (pos == 0 || neg == 0) return kNaN;
  return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

double AveragePrecision(std::span<const float> labels, std::span<const double> scores) {
  CHURNWATCH_ASSERT(labels.size() == scores.size());
  const double total_pos = Positives(labels);
  if (total_pos == 0) return kNaN;
  const auto order = OrderByScoreDesc(scores);
  double tp = 0, seen = 0, prev_recall = 0, ap = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) {
      tp += labels[order[j]] > 0.5f ? 1 : 0;
      seen += 1;
      ++j;
    }
    const double recall = tp / total_pos;
    ap += (recall - prev_recall) * (tp / seen);
    prev_recall = recall;
    i = j;
  }
  return ap;
}

double LiftAt(std::span<const float> labels, std::span<const double> scores, double fraction) {
  CHURNWATCH_ASSERT(labels.size() == scores.size());
  CHURNWATCH_ASSERT(fraction > 0 && fraction <= 1);
  const std::size_t n = labels.size();
  const double total_pos = Positives(labels);
  if (n == 0 || total_pos == 0) return kNaN;
  const auto k = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n) - 1e-9));
  const auto top = PrecisionRecallAtK(labels, scores, k);
  return top.precision / (total_pos / static_cast<double>(n));
}

double LiftTopDecile(std::span<const float> labels, std::span<const double> scores) {
  return LiftAt(labels, scores, 0.1);
}

PrecisionRecall PrecisionRecallAtK(std::span<const float> labels, std::span<const double> scores, std::size_t k) {
  CHURNWATCH_ASSERT(labels.size() == scores.size());
  k = std::min(k, labels.size());
  if (k == 0) return {};
  const auto order = OrderByScoreDesc(scores);
  double tp = 0;
  for (std::size_t i = 0; i < k; ++i) tp += labels[order[i]] > 0.5f ? 1 : 0;
  const double total_pos = Positives(labels);
  return {tp / static_cast<double>(k), total_pos > 0 ? tp / total_pos : kNaN};
}

double BrierScore(std::span<const float> labels, std::span<const double> probabilities) {
  CHURNWATCH_ASSERT(labels.size() == probabilities.size());
  if (labels.empty()) return kNaN;
  double s = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double d = probabilities[i] - static_cast<double>(labels[i]);
    s += d * d;
  }
  return s / static_cast<double>(labels.size());
}

double ExpectedCalibrationError(std::span<const float> labels, std::span<const double> probabilities, int bins) {
  CHURNWATCH_ASSERT(labels.size() == probabilities.size() && bins > 0);
  if (labels.empty()) return kNaN;
  std::vector<double> count(bins, 0), sum_p(bins, 0), sum_y(bins, 0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double p = std::clamp(probabilities[i], 0.0, 1.0);
    // p == 1.0 belongs to the last bin.
    const int b = std::min(bins - 1, static_cast<int>(p * bins));
    count[b] += 1;
    sum_p[b] += p;
    sum_y[b] += labels[i];
  }
  double ece = 0;
  for (int b = 0; b < bins; ++b) {
    if (count[b] == 0) continue;
    ece += count[b] / static_cast<double>(labels.size()) * std::abs(sum_p[b] / count[b] - sum_y[b] / count[b]);
  }
  return ece;
}

double ConfusionMatrix::precision() const {
  const auto d = true_positive + false_positive;
  return d == 0 ? kNaN : static_cast<double>(true_positive) / static_cast<double>(d);
}
double ConfusionMatrix::recall() const {
  const auto d = true_positive + false_negative;
  return d == 0 ? kNaN : static_cast<double>(true_positive) / static_cast<double>(d);
}
double ConfusionMatrix::f1() const {
  const auto d = 2 * true_positive + false_positive + false_negative;
  return d == 0 ? kNaN : 2.0 * static_cast<double>(true_positive) / static_cast<double>(d);
}

ConfusionMatrix Confusion(std::span<const float> labels, std::span<const double> scores, double threshold) {
  CHURNWATCH_ASSERT(labels.size() == scores.size());
  ConfusionMatrix m;
  m.threshold = threshold;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool predicted = scores[i] >= threshold;
    const bool actual = labels[i] > 0.5f;
    if (predicted && actual) ++m.true_positive;
    else if (predicted) ++m.false_positive;
    else if (actual) ++m.false_negative;
    else ++m.true_negative;
  }
  return m;
}

double MaxF1Threshold(std::span<const float> labels, std::span<const double> scores) {
  CHURNWATCH_ASSERT(labels.size() == scores.size());
  const double total_pos = Positives(labels);
  if (labels.empty() || total_pos == 0) return 0.5;
  const auto order = OrderByScoreDesc(scores);
  double tp = 0, seen = 0, best_f1 = -1, best_threshold = 0.5;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) {
      tp += labels[order[j]] > 0.5f ? 1 : 0;
      seen += 1;
      ++j;
    }
    // Predicting churn for every row scoring >= this block's score.
    const double f1 = 2 * tp / (seen + total_pos);
    if (f1 > best_f1) {
      best_f1 = f1;
      best_threshold = scores[order[i]];
    }
    i = j;
  }
  return best_threshold;
}

std::vector<CalibrationBin> CalibrationTable(std::span<const float> labels, std::span<const double> probabilities) {
  CHURNWATCH_ASSERT(labels.size() == probabilities.size());
  const std::size_t n = labels.size();
  std::vector<CalibrationBin> table;
  if (n == 0) return table;
  const auto order = OrderByScoreDesc(probabilities);
  for (int d = 0; d < 10; ++d) {
    const std::size_t begin = n * static_cast<std::size_t>(d) / 10;
    const std::size_t end = n * static_cast<std::size_t>(d + 1) / 10;
    if (begin == end) continue;
    CalibrationBin bin;
    bin.decile = d + 1;
    bin.rows = static_cast<std::int64_t>(end - begin);
    bin.min_score = std::numeric_limits<double>::infinity();
    bin.max_score = -std::numeric_limits<double>::infinity();
    double sp = 0, sy = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const double p = probabilities[order[i]];
      sp += p;
      sy += labels[order[i]];
      bin.min_score = std::min(bin.min_score, p);
      bin.max_score = std::max(bin.max_score, p);
    }
    bin.mean_predicted = sp / static_cast<double>(bin.rows);
    bin.observed_rate = sy / static_cast<double>(bin.rows);
    table.push_back(bin);
  }
  return table;
}

std::vector<RocPoint> RocCurve(std::span<const float> labels, std::span<const double> scores) {
  CHURNWATCH_ASSERT(labels.size() == scores.size());
  const double pos = Positives(labels);
  const double neg = static_cast<double>(labels.size()) - pos;
  std::vector<RocPoint> curve{{0, 0}};
  if (pos == 0 || neg == 0) return curve;
  const auto order = OrderByScoreDesc(scores);
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) {
      (labels[order[j]] > 0.5f ? tp : fp) += 1;
      ++j;
    }
    curve.push_back({fp / neg, tp / pos});
    i = j;
  }
  return curve;
}

MetricSet ComputeMetrics(std::span<const float> labels, std::span<const double> scores, double threshold) {
  MetricSet m;
  m.rows = static_cast<std::int64_t>(labels.size());
  m.base_rate = labels.empty() ? kNaN : Positives(labels) / static_cast<double>(labels.size());
  m.roc_auc = RocAuc(labels, scores);
  m.pr_auc = AveragePrecision(labels, scores);
  m.lift_top_decile = LiftTopDecile(labels, scores);
  m.brier = BrierScore(labels, scores);
  m.ece = ExpectedCalibrationError(labels, scores);
  m.k = static_cast<std::int64_t>(std::ceil(static_cast<double>(labels.size()) / 10.0));
  const auto pr = PrecisionRecallAtK(labels, scores, static_cast<std::size_t>(m.k));
  m.precision_at_k = pr.precision;
  m.recall_at_k = pr.recall;
  m.confusion = Confusion(labels, scores, threshold);
  m.calibration = CalibrationTable(labels, scores);
  return m;
}

}  // namespace churnwatch

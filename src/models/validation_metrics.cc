// Selection-time validation metrics (validation_metrics.h).
#include "models/validation_metrics.h"

#include <cmath>

namespace churnwatch::models_internal {

std::map<std::string, MetricSet> PurgedValidationMetrics(const ValidationScores& s, const Calibration& calibration) {
  std::map<std::string, MetricSet> out;
  out["trees"] = ComputeMetrics(s.labels, s.p_trees, 0.5);
  out["logistic"] = ComputeMetrics(s.labels, s.p_logistic, 0.5);
  bool bg_complete = !s.p_bgnbd.empty();
  for (double p : s.p_bgnbd) bg_complete = bg_complete && !std::isnan(p);
  if (bg_complete) out["bgnbd"] = ComputeMetrics(s.labels, s.p_bgnbd, 0.5);

  const std::size_t n = s.labels.size();
  std::vector<double> in_sample(n);
  for (std::size_t i = 0; i < n; ++i) in_sample[i] = calibration.Apply(s.stacked[i]);
  out["ensemble"] = ComputeMetrics(s.labels, in_sample, MaxF1Threshold(s.labels, in_sample));

  // The calibration's own validation figures are in-sample; refitting it on each half and
  // scoring the other half shows what it does on customers it has not seen.
  std::vector<double> crossfit(n);
  for (bool half : {false, true}) {
    std::vector<double> fit_scores;
    std::vector<float> fit_labels;
    for (std::size_t i = 0; i < n; ++i)
      if (s.second_half[i] != half) {
        fit_scores.push_back(s.stacked[i]);
        fit_labels.push_back(s.labels[i]);
      }
    if (fit_scores.empty()) return out;  // one half empty: no cross-fit to report
    const Calibration c = calibration.method == Calibration::Method::kIsotonic ? FitIsotonic(fit_scores, fit_labels)
                          : calibration.method == Calibration::Method::kNone   ? calibration
                                                                               : FitPlatt(fit_scores, fit_labels);
    for (std::size_t i = 0; i < n; ++i)
      if (s.second_half[i] == half) crossfit[i] = c.Apply(s.stacked[i]);
  }
  out["ensemble_crossfit"] = ComputeMetrics(s.labels, crossfit, MaxF1Threshold(s.labels, crossfit));
  return out;
}

}  // namespace churnwatch::models_internal

// Reasons for the run (SPEC.md §8) from the trees' SHAP contributions: each feature's
// contribution counts toward the reason category the feature catalogue gives it; the
// categories with the largest positive sums are the customer's reasons, each with its
// strongest feature and a sentence quoting the customer's own value.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include "churnwatch/feature_catalog.h"
#include "churnwatch/playbook.h"
#include "report/run_internal.h"

namespace churnwatch::run_internal {

namespace {
std::string Value(double v) {
  if (std::isnan(v)) return "missing";
  char buf[48];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e12) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}
}  // namespace

Status FillReasonsFromContributions(const ChurnModel& model, const FeatureTable& table,
                                    std::vector<ScoredCustomer>& scored) {
  const auto& names = model.feature_names();
  CW_ASSIGN_OR_RETURN(DenseMatrix x, MatrixFromTable(table, names));
  CW_ASSIGN_OR_RETURN(std::vector<float> contrib, model.TreeContributions(x, /*approximate=*/false));
  const std::size_t f = names.size();
  if (contrib.size() != x.rows * (f + 1))
    return Status::Internal("tree contributions have " + std::to_string(contrib.size()) + " values, expected " +
                            std::to_string(x.rows * (f + 1)));
  std::vector<int> category(f, -1);
  for (std::size_t j = 0; j < f; ++j)
    if (const FeatureSpec* spec = FindFeature(names[j])) category[j] = static_cast<int>(spec->reason);

  for (std::size_t r = 0; r < x.rows && r < scored.size(); ++r) {
    std::array<double, kReasonCategoryCount> sum{};
    std::array<int, kReasonCategoryCount> best{};
    best.fill(-1);
    const float* row = contrib.data() + r * (f + 1);
    for (std::size_t j = 0; j < f; ++j) {
      if (category[j] < 0) continue;
      const auto k = static_cast<std::size_t>(category[j]);
      sum[k] += row[j];
      if (best[k] < 0 || row[j] > row[static_cast<std::size_t>(best[k])]) best[k] = static_cast<int>(j);
    }
    std::array<int, kReasonCategoryCount> order{0, 1, 2, 3, 4, 5};
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return sum[static_cast<std::size_t>(a)] > sum[static_cast<std::size_t>(b)]; });
    ScoredCustomer& sc = scored[r];
    sc.reason_count = 0;
    for (int k : order) {
      const auto ku = static_cast<std::size_t>(k);
      if (sc.reason_count >= 3 || !(sum[ku] > 0) || best[ku] < 0) break;
      Reason& reason = sc.reasons[static_cast<std::size_t>(sc.reason_count++)];
      reason.category = static_cast<ReasonCategory>(k);
      reason.contribution = sum[ku];
      reason.top_feature = names[static_cast<std::size_t>(best[ku])];
      const double v = x.values[r * f + static_cast<std::size_t>(best[ku])];
      char delta[32];
      std::snprintf(delta, sizeof delta, "%+.2f", sum[ku]);
      std::string en(PlaybookReasonEn(reason.category));
      en[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(en[0])));
      reason.sentence_en = en + ": " + reason.top_feature + " = " + Value(v) + " (" + delta + " log-odds)";
      reason.sentence_zh = std::string(PlaybookReasonZh(reason.category)) + "：" + reason.top_feature + " = " +
                           (std::isnan(v) ? std::string("缺失") : Value(v)) + "（风险 " + delta + "）";
    }
  }
  return Status::OK();
}

}  // namespace churnwatch::run_internal

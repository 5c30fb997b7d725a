// SHAP contributions summed into reason categories (include/churnwatch/explain.h).
#include <algorithm>
#include <numeric>

#include "churnwatch/explain.h"
#include "explain/directions.h"
#include "churnwatch/thread_pool.h"

namespace churnwatch {
namespace {

// Rows per parallel task: fixed, so reasons are identical serial and parallel.
constexpr std::size_t kExplainRowBlock = 4096;

}  // namespace

Result<std::vector<RowReasons>> ExplainRows(const ChurnModel& model, const FeatureTable& table,
                                            std::span<const std::size_t> rows, const ReasonMap& map,
                                            bool approximate) {
  const auto& features = model.feature_names();
  if (map.size() != features.size())
    return Status::InvalidArgument("reason map covers " + std::to_string(map.size()) + " features, the model has " +
                                   std::to_string(features.size()));
  CW_RETURN_IF_ERROR(model.CheckFeatures(table.names));
  CW_ASSIGN_OR_RETURN(DenseMatrix x, MatrixFromTable(table, features, rows));
  CW_ASSIGN_OR_RETURN(std::vector<float> contrib, model.TreeContributions(x, approximate));
  const std::size_t width = features.size() + 1;  // the bias column is never a reason
  const explain_internal::DirectionCheck directions(table, features);
  std::vector<RowReasons> out(x.rows);
  // Rows are independent (sums, ordering and sentences); blocks over the model's threads.
  CW_RETURN_IF_ERROR(ParallelForChunks(x.rows, kExplainRowBlock, model.nthread(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t row = rows.empty() ? i : rows[i];
      std::array<double, kReasonCategoryCount> sum{};
      std::array<std::optional<std::size_t>, kReasonCategoryCount> strongest{};
      for (std::size_t f = 0; f < features.size(); ++f) {
        const auto category = map.CategoryOf(f);
        if (!category) continue;
        const auto c = static_cast<std::size_t>(*category);
        const double v = contrib[i * width + f];
        // A value that does not point toward churn (0 % returns, spend that rose) says
        // nothing about the category's problem; a positive contribution from it comes from
        // interactions. It is left out of the category, whatever its sign.
        if (!directions.PointsTowardChurn(f, row)) continue;
        sum[c] += v;
        if (v > 0 && (!strongest[c] || v > contrib[i * width + *strongest[c]])) strongest[c] = f;
      }
      std::array<std::size_t, kReasonCategoryCount> order{};
      std::iota(order.begin(), order.end(), std::size_t{0});
      // Stable so equal sums keep the SPEC.md §8 category order.
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sum[a] > sum[b]; });
      RowReasons& rr = out[i];
      rr.sums = sum;
      for (std::size_t c : order) {
        if (rr.count == 3 || sum[c] <= 0 || !strongest[c]) break;
        Reason& reason = rr.reasons[static_cast<std::size_t>(rr.count++)];
        reason.category = static_cast<ReasonCategory>(c);
        reason.contribution = sum[c];
        reason.top_feature = features[*strongest[c]];
        std::tie(reason.sentence_en, reason.sentence_zh) = ReasonSentence(table, row, reason.top_feature);
      }
    }
  }));
  return out;
}

}  // namespace churnwatch

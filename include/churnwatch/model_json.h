#pragma once
// JSON forms of model metadata and metrics, shared by the model file, the registry and the
// CLI's --json output (so every place spells the keys the same way).

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "churnwatch/metrics.h"
#include "churnwatch/models.h"

namespace churnwatch {

/// {rows, base_rate, roc_auc, pr_auc, lift_top_decile, brier, ece, k, precision_at_k,
/// recall_at_k, confusion {threshold, tp, fp, tn, fn, precision, recall, f1},
/// calibration [{decile, rows, mean_predicted, observed_rate, min_score, max_score}]}.
/// NaN becomes null.
nlohmann::json MetricSetToJson(const MetricSet& m);
MetricSet MetricSetFromJson(const nlohmann::json& j);

nlohmann::json ModelInfoToJson(const ModelInfo& info);
ModelInfo ModelInfoFromJson(const nlohmann::json& j);

/// A double as JSON: null for NaN or infinity (JSON has neither).
inline nlohmann::json JsonNumber(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

std::string Base64Encode(std::string_view bytes);
/// kDataError when `text` is not valid base64.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace churnwatch

// Model registry on Store documents (include/churnwatch/registry.h).
#include "churnwatch/registry.h"


#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "churnwatch/json_text.h"
#include "churnwatch/platform.h"
#include "churnwatch/model_json.h"

namespace churnwatch {
namespace {

constexpr std::string_view kModels = "models";
constexpr std::string_view kChampion = "model_champion";

}  // namespace

Result<std::shared_ptr<const ChurnModel>> ModelRegistry::Register(const ChurnModel& model, bool make_champion) {
  CW_ASSIGN_OR_RETURN(std::string body, model.ToJson());
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  ModelInfo info = model.info();
  info.created_at = FormatIsoTimestamp(secs) + "Z";
  std::string compact = info.created_at.substr(0, 19);
  compact.erase(std::remove_if(compact.begin(), compact.end(), [](char c) { return c == '-' || c == ':' || c == ' '; }),
                compact.end());
  // Every registration is a version of its own: the same model registered again within the
  // same second (a re-run on unchanged data) gets "-2", "-3", ... instead of replacing the first.
  const std::string base = "m" + compact + "-" + Sha256Hex(body).substr(0, 8);
  info.version = base;
  for (int n = 2;; ++n) {
    CW_ASSIGN_OR_RETURN(auto existing, store_.GetDocument(kModels, info.version));
    if (!existing) break;
    info.version = base + "-" + std::to_string(n);
  }
  auto stamped = model.WithInfo(info);
  CW_ASSIGN_OR_RETURN(std::string doc, stamped->ToJson());
  CW_RETURN_IF_ERROR(store_.PutDocument(kModels, info.version, doc));
  if (make_champion) CW_RETURN_IF_ERROR(SetChampion(info.version));
  return stamped;
}

Result<std::string> ModelRegistry::ChampionVersion() {
  CW_ASSIGN_OR_RETURN(auto doc, store_.GetDocument(kChampion, "current"));
  if (!doc) return Status::NotFound("no champion model yet: run `churnwatch train` first");
  const auto j = nlohmann::json::parse(*doc, nullptr, false);
  if (j.is_discarded() || !j.contains("version") || !j["version"].is_string())
    return Status::DataError("registry document model_champion/current is damaged: " + *doc);
  return j["version"].get<std::string>();
}

Status ModelRegistry::SetChampion(std::string_view version) {
  CW_ASSIGN_OR_RETURN(auto doc, store_.GetDocument(kModels, version));
  if (!doc) return Status::NotFound("model version '" + std::string(version) + "' is not in the registry");
  return store_.PutDocument(kChampion, "current", JsonText(nlohmann::json{{"version", version}}));
}

Result<std::shared_ptr<const ChurnModel>> ModelRegistry::Load(std::string_view version, int nthread) {
  std::string v(version);
  if (v.empty() || v == "champion") {
    CW_ASSIGN_OR_RETURN(v, ChampionVersion());
  }
  CW_ASSIGN_OR_RETURN(auto doc, store_.GetDocument(kModels, v));
  if (!doc) return Status::NotFound("model version '" + v + "' is not in the registry (see `churnwatch train`)");
  auto model = ChurnModel::FromJson(*doc, nthread);
  if (!model.ok()) return model.status().WithContext("model " + v);
  return model;
}

Result<std::shared_ptr<const ChurnModel>> ModelRegistry::LoadFor(std::string_view version,
                                                                 std::span<const std::string> available, int nthread) {
  CW_ASSIGN_OR_RETURN(auto model, Load(version, nthread));
  CW_RETURN_IF_ERROR(model->CheckFeatures(available));
  return model;
}

Result<std::vector<RegistryEntry>> ModelRegistry::List() {
  CW_ASSIGN_OR_RETURN(auto keys, store_.ListDocumentKeys(kModels));
  std::string champion;
  if (auto c = ChampionVersion(); c.ok()) champion = *c;
  std::vector<RegistryEntry> out;
  for (const auto& key : keys) {
    CW_ASSIGN_OR_RETURN(auto doc, store_.GetDocument(kModels, key));
    if (!doc) continue;
    const auto j = nlohmann::json::parse(*doc, nullptr, false);
    if (j.is_discarded() || !j.contains("info")) continue;
    const ModelInfo info = ModelInfoFromJson(j["info"]);
    // The figure settings are compared by: the components as selected (purged), not the
    // refit, which saw rows whose label weeks overlap validation.
    const auto purged = info.purged_valid_metrics.find("ensemble");
    const double auc = purged != info.purged_valid_metrics.end() ? purged->second.roc_auc : info.valid_metrics.roc_auc;
    out.push_back({key, info.created_at, key == champion, info.source, auc, info.train_rows});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return out;
}

}  // namespace churnwatch

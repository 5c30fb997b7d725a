#pragma once
/// \file registry.h
/// The model registry (SPEC.md §7): every trained model version saved in the store with its
/// feature names and order, cutoffs, horizon, data fingerprint, metrics, calibration and
/// engine version; exactly one version is the champion.
///
/// Storage: Store documents. Collection "models", key = version id, value = the whole model
/// (ChurnModel::ToJson: metadata plus both boosters as base64 UBJSON), so a registry lives
/// wherever the store lives (SQLite file or PostgreSQL) and a model is one atomic write.
/// Collection "model_champion", key "current", value {"version": "<id>"}.
/// Version ids: "m<YYYYMMDDhhmmss>-<8 hex of the model's SHA-256>" (UTC time of
/// registration), so they sort by time and two different models never share one.
///
/// Thread safety: like the Store it wraps (one thread at a time). Loaded models are
/// immutable and shareable; `ChampionHolder` swaps the serving model atomically.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/models.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch {

struct RegistryEntry {
  std::string version;
  std::string created_at;
  bool champion = false;
  std::string source;
  /// Ensemble ROC-AUC on the validation cutoff as the settings were chosen
  /// (ModelInfo::purged_valid_metrics["ensemble"]); models registered before those were
  /// recorded give the refitted ensemble's figure (ModelInfo::valid_metrics).
  double valid_roc_auc = kNaN;
  std::int64_t train_rows = 0;
};

class ModelRegistry {
 public:
  explicit ModelRegistry(Store& store) : store_(store) {}

  /// Stamps a version id and creation time, stores the model and, when `make_champion`,
  /// makes it the champion. Returns the stamped model.
  Result<std::shared_ptr<const ChurnModel>> Register(const ChurnModel& model, bool make_champion = true);

  /// Loads a version; "" or "champion" means the champion. kNotFound names the version
  /// (or says that no model has been trained yet); kDataError for a damaged document.
  Result<std::shared_ptr<const ChurnModel>> Load(std::string_view version, int nthread = 1);

  /// Loads like Load and refuses (kInvalidArgument, listing the missing features) a model
  /// whose features are not all among `available`.
  Result<std::shared_ptr<const ChurnModel>> LoadFor(std::string_view version, std::span<const std::string> available,
                                                    int nthread = 1);

  /// Every stored version, oldest first.
  Result<std::vector<RegistryEntry>> List();

  /// kNotFound when the version does not exist.
  Status SetChampion(std::string_view version);
  /// The champion's version id; kNotFound when there is none.
  Result<std::string> ChampionVersion();

 private:
  Store& store_;
};

/// The serving model of a long-running process: readers take a snapshot, retraining swaps
/// in a new model; in-flight scoring keeps the model it started with.
class ChampionHolder {
 public:
  std::shared_ptr<const ChurnModel> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return model_;
  }
  void Swap(std::shared_ptr<const ChurnModel> model) {
    std::lock_guard<std::mutex> lock(mu_);
    model_ = std::move(model);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ChurnModel> model_;
};

}  // namespace churnwatch

#pragma once
// The one owner of XGBoost handles (STYLE.md §3). Everything that calls the XGBoost C API
// lives in tree_booster.cc; the rest of churnwatch sees only this class.
//
// A TreeBooster is immutable once built: training happens inside the factory functions,
// which return a booster already cut to the best early-stopping iteration. Prediction of
// binary:logistic and survival:aft models runs on a flat copy of the trees (see FlatNode),
// with the same arithmetic as XGBoost and no per-call setup; other models use XGBoost's
// in-place dense path, which keeps its output in thread-local storage. Either way several
// threads may predict with one booster at once; XGBoost's buffers are copied before the
// next XGBoost call.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/models.h"
#include "churnwatch/status.h"

namespace churnwatch {

/// Rows per parallel task of the row-wise loops (tree prediction, scoring): fixed, so
/// results are identical serial and parallel.
inline constexpr std::size_t kRowBlock = 4096;

class TreeBooster {
 public:
  ~TreeBooster();
  TreeBooster(const TreeBooster&) = delete;
  TreeBooster& operator=(const TreeBooster&) = delete;

  /// binary:logistic with early stopping on `valid` log-loss.
  static Result<std::shared_ptr<const TreeBooster>> TrainBinary(const DenseMatrix& train, std::span<const float> labels,
                                                                const DenseMatrix& valid,
                                                                std::span<const float> valid_labels,
                                                                const TreeParams& params);
  /// survival:aft (log-normal) on interval labels [lower, upper]; upper = +inf for
  /// right-censored rows. Early stopping on `valid` AFT negative log-likelihood.
  static Result<std::shared_ptr<const TreeBooster>> TrainAft(const DenseMatrix& train, std::span<const float> lower,
                                                             std::span<const float> upper, const DenseMatrix& valid,
                                                             std::span<const float> valid_lower,
                                                             std::span<const float> valid_upper,
                                                             const TreeParams& params);

  /// Transformed predictions (probability, or predicted time for AFT) when `margin` is
  /// false; raw margins otherwise. One value per row.
  Result<std::vector<float>> Predict(const DenseMatrix& x, bool margin) const;
  /// The same for `rows` rows of num_features() float32 values at `data` (row-major), read
  /// in place; writes `rows` values to `out`. Allocates nothing of its own: the
  /// single-customer path (a booster loaded with nthread 1 predicts on the calling thread).
  Status PredictInto(const float* data, std::size_t rows, bool margin, float* out) const;
  /// The same prediction through XGBoost's in-place path (the reference the flat copy is
  /// tested against).
  Result<std::vector<float>> PredictWithXgboost(const DenseMatrix& x, bool margin) const;
  /// SHAP contributions, rows × (cols + 1), bias last. Exact Tree SHAP, or XGBoost's
  /// approximate (Saabas) attribution when `approximate`. Contributions have no in-place
  /// path in XGBoost, so rows are copied into a DMatrix in chunks of 65,536.
  Result<std::vector<float>> Contributions(const DenseMatrix& x, bool approximate) const;

  /// Universal Binary JSON bytes of the model.
  Result<std::string> Save() const;
  /// Loads bytes produced by Save(); `nthread` threads for prediction.
  static Result<std::shared_ptr<const TreeBooster>> Load(std::string_view bytes, int nthread);

  int rounds() const { return rounds_; }                  ///< trees kept
  std::size_t num_features() const { return num_features_; }
  int nthread() const { return nthread_; }                ///< XGBoost threads per call

 private:
  TreeBooster() = default;
  /// Builds the flat copy of the trees from the booster's JSON model (after training or
  /// loading; the booster never changes afterwards).
  Status Flatten();

  /// The trees as one array of nodes, evaluated by our own loop: XGBoost's in-place
  /// prediction costs tens of microseconds of per-call setup (JSON configuration parsing,
  /// a proxy DMatrix, per-call buffers), which dominates a single-row score. Same
  /// arithmetic as XGBoost's CPU predictor: the base margin, then every tree's leaf added in
  /// tree order in float; a missing value follows the node's default direction, otherwise
  /// `value < split` goes left.
  struct FlatNode {
    float value = 0;          // split threshold, or the leaf value when left < 0
    std::int32_t left = -1;   // absolute node index; -1 for a leaf
    std::int32_t right = -1;
    std::uint32_t feature = 0;
    std::uint32_t default_left = 0;
  };
  enum class Objective { kOther, kLogistic, kAft };
  float FlatMargin(const float* row) const;
  Status PredictXgboostInto(const float* data, std::size_t rows, bool margin, float* out) const;

  void* handle_ = nullptr;  // BoosterHandle; void* keeps xgboost/c_api.h out of headers
  std::vector<FlatNode> nodes_;
  std::vector<std::int32_t> roots_;
  float base_margin_ = 0;
  Objective objective_ = Objective::kOther;  // kOther: predict through XGBoost
  int rounds_ = 0;
  std::size_t num_features_ = 0;
  int nthread_ = 1;
};

}  // namespace churnwatch

// XGBoost C API wrapper (see tree_booster.h). Every call goes through XgbCall, which turns
// a non-zero return into kInternal naming the call and XGBoost's own message.
#include "models/tree_booster.h"

#include <nlohmann/json.hpp>
#include <xgboost/c_api.h>

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "churnwatch/thread_pool.h"

namespace churnwatch {
namespace {

Status XgbCall(int rc, const char* call) {
  if (rc == 0) return Status::OK();
  return Status::Internal(std::string("XGBoost ") + call + " failed: " + XGBGetLastError());
}
#define CW_XGB(call) CW_RETURN_IF_ERROR(XgbCall((call), #call))

/// Owns one DMatrix handle.
class DMatrixOwner {
 public:
  DMatrixOwner() = default;
  ~DMatrixOwner() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  DMatrixOwner(const DMatrixOwner&) = delete;
  DMatrixOwner& operator=(const DMatrixOwner&) = delete;
  DMatrixHandle* out() { return &handle_; }
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

/// Owns one Booster handle until released into a TreeBooster.
class BoosterOwner {
 public:
  ~BoosterOwner() {
    if (handle_ != nullptr) XGBoosterFree(handle_);
  }
  BoosterHandle* out() { return &handle_; }
  BoosterHandle get() const { return handle_; }
  BoosterHandle release() {
    BoosterHandle h = handle_;
    handle_ = nullptr;
    return h;
  }

 private:
  BoosterHandle handle_ = nullptr;
};

Status MakeDMatrix(const DenseMatrix& x, DMatrixOwner& out) {
  CW_XGB(XGDMatrixCreateFromMat(x.values.data(), x.rows, x.cols, std::numeric_limits<float>::quiet_NaN(),
                                out.out()));
  return Status::OK();
}

Status SetParam(BoosterHandle h, const char* name, const std::string& value) {
  CW_XGB(XGBoosterSetParam(h, name, value.c_str()));
  return Status::OK();
}

std::string Num(double v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

/// The number after the last ':' of an evaluation line such as "[3]\tvalid-logloss:0.61".
Result<double> ParseEvalLine(const char* line) {
  std::string_view s(line);
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return Status::Internal("unexpected XGBoost evaluation output: " + std::string(s));
  std::string tail(s.substr(colon + 1));
  char* end = nullptr;
  const double v = std::strtod(tail.c_str(), &end);
  if (end == tail.c_str()) return Status::Internal("unexpected XGBoost evaluation output: " + std::string(s));
  return v;
}

Status CommonParams(BoosterHandle h, const TreeParams& p) {
  CW_RETURN_IF_ERROR(SetParam(h, "verbosity", "0"));
  CW_RETURN_IF_ERROR(SetParam(h, "tree_method", "hist"));
  CW_RETURN_IF_ERROR(SetParam(h, "nthread", std::to_string(p.nthread)));
  CW_RETURN_IF_ERROR(SetParam(h, "seed", std::to_string(p.seed)));
  CW_RETURN_IF_ERROR(SetParam(h, "max_depth", std::to_string(p.max_depth)));
  CW_RETURN_IF_ERROR(SetParam(h, "eta", Num(p.eta)));
  CW_RETURN_IF_ERROR(SetParam(h, "subsample", Num(p.subsample)));
  CW_RETURN_IF_ERROR(SetParam(h, "colsample_bytree", Num(p.colsample_bytree)));
  CW_RETURN_IF_ERROR(SetParam(h, "min_child_weight", Num(p.min_child_weight)));
  CW_RETURN_IF_ERROR(SetParam(h, "lambda", Num(p.lambda)));
  return Status::OK();
}

/// Boosts round by round, evaluating `valid` after each and keeping the best round; returns
/// the number of rounds to keep.
Status BoostWithEarlyStopping(BoosterOwner& booster, DMatrixOwner& dtrain, DMatrixOwner& dvalid,
                              const TreeParams& p, bool higher_is_better, int* best_rounds) {
  double best = std::numeric_limits<double>::infinity();
  int best_iter = -1;
  if (!p.early_stopping) {
    for (int iter = 0; iter < p.max_rounds; ++iter) CW_XGB(XGBoosterUpdateOneIter(booster.get(), iter, dtrain.get()));
    *best_rounds = p.max_rounds;
    return Status::OK();
  }
  for (int iter = 0; iter < p.max_rounds; ++iter) {
    CW_XGB(XGBoosterUpdateOneIter(booster.get(), iter, dtrain.get()));
    DMatrixHandle evals[] = {dvalid.get()};
    const char* names[] = {"valid"};
    const char* line = nullptr;
    CW_XGB(XGBoosterEvalOneIter(booster.get(), iter, evals, names, 1, &line));
    CW_ASSIGN_OR_RETURN(double score, ParseEvalLine(line));
    if (higher_is_better) score = -score;
    if (score < best - 1e-12) {
      best = score;
      best_iter = iter;
    } else if (iter - best_iter >= p.early_stopping_rounds) {
      break;
    }
  }
  *best_rounds = best_iter + 1;
  return Status::OK();
}

}  // namespace

TreeBooster::~TreeBooster() {
  if (handle_ != nullptr) XGBoosterFree(static_cast<BoosterHandle>(handle_));
}

namespace {
/// Shared training skeleton: builds DMatrices, sets labels through `set_labels`, boosts.
template <typename SetLabels>
Status TrainSkeleton(const DenseMatrix& train, const DenseMatrix& valid, const TreeParams& p,
                     const std::vector<std::pair<const char*, std::string>>& objective_params, SetLabels set_labels,
                     BoosterHandle* sliced, int* rounds) {
  if (train.rows == 0 || valid.rows == 0) return Status::DataError("no rows to train or validate the tree model on");
  if (train.cols != valid.cols) return Status::Internal("train and validation matrices differ in width");
  DMatrixOwner dtrain, dvalid;
  CW_RETURN_IF_ERROR(MakeDMatrix(train, dtrain));
  CW_RETURN_IF_ERROR(MakeDMatrix(valid, dvalid));
  CW_RETURN_IF_ERROR(set_labels(dtrain.get(), dvalid.get()));
  BoosterOwner booster;
  DMatrixHandle cache[] = {dtrain.get(), dvalid.get()};
  CW_XGB(XGBoosterCreate(cache, 2, booster.out()));
  CW_RETURN_IF_ERROR(CommonParams(booster.get(), p));
  for (const auto& [name, value] : objective_params) CW_RETURN_IF_ERROR(SetParam(booster.get(), name, value));
  bool higher_is_better = false;
  for (const auto& [name, value] : objective_params)
    if (std::string_view(name) == "eval_metric" && value == "auc") higher_is_better = true;
  CW_RETURN_IF_ERROR(BoostWithEarlyStopping(booster, dtrain, dvalid, p, higher_is_better, rounds));
  // Keep only the best rounds so that saving, predicting and SHAP all see the same trees.
  BoosterOwner cut;
  CW_XGB(XGBoosterSlice(booster.get(), 0, *rounds, 1, cut.out()));
  *sliced = cut.release();
  return Status::OK();
}
}  // namespace

Result<std::shared_ptr<const TreeBooster>> TreeBooster::TrainBinary(const DenseMatrix& train,
                                                                    std::span<const float> labels,
                                                                    const DenseMatrix& valid,
                                                                    std::span<const float> valid_labels,
                                                                    const TreeParams& params) {
  auto set_labels = [&](DMatrixHandle t, DMatrixHandle v) -> Status {
    CW_XGB(XGDMatrixSetFloatInfo(t, "label", labels.data(), labels.size()));
    CW_XGB(XGDMatrixSetFloatInfo(v, "label", valid_labels.data(), valid_labels.size()));
    return Status::OK();
  };
  BoosterHandle handle = nullptr;
  int rounds = 0;
  CW_RETURN_IF_ERROR(TrainSkeleton(train, valid, params,
                                   {{"objective", "binary:logistic"}, {"eval_metric", params.stop_on_auc ? "auc" : "logloss"}}, set_labels,
                                   &handle, &rounds));
  std::shared_ptr<TreeBooster> out(new TreeBooster());
  out->handle_ = handle;
  out->rounds_ = rounds;
  out->num_features_ = train.cols;
  out->nthread_ = params.nthread;
  CW_RETURN_IF_ERROR(out->Flatten());
  return std::shared_ptr<const TreeBooster>(std::move(out));
}

Result<std::shared_ptr<const TreeBooster>> TreeBooster::TrainAft(const DenseMatrix& train, std::span<const float> lower,
                                                                 std::span<const float> upper,
                                                                 const DenseMatrix& valid,
                                                                 std::span<const float> valid_lower,
                                                                 std::span<const float> valid_upper,
                                                                 const TreeParams& params) {
  auto set_labels = [&](DMatrixHandle t, DMatrixHandle v) -> Status {
    CW_XGB(XGDMatrixSetFloatInfo(t, "label_lower_bound", lower.data(), lower.size()));
    CW_XGB(XGDMatrixSetFloatInfo(t, "label_upper_bound", upper.data(), upper.size()));
    CW_XGB(XGDMatrixSetFloatInfo(v, "label_lower_bound", valid_lower.data(), valid_lower.size()));
    CW_XGB(XGDMatrixSetFloatInfo(v, "label_upper_bound", valid_upper.data(), valid_upper.size()));
    return Status::OK();
  };
  BoosterHandle handle = nullptr;
  int rounds = 0;
  CW_RETURN_IF_ERROR(TrainSkeleton(train, valid, params,
                                   {{"objective", "survival:aft"},
                                    {"eval_metric", "aft-nloglik"},
                                    {"aft_loss_distribution", "normal"},
                                    {"aft_loss_distribution_scale", Num(params.aft_sigma)}},
                                   set_labels, &handle, &rounds));
  std::shared_ptr<TreeBooster> out(new TreeBooster());
  out->handle_ = handle;
  out->rounds_ = rounds;
  out->num_features_ = train.cols;
  out->nthread_ = params.nthread;
  CW_RETURN_IF_ERROR(out->Flatten());
  return std::shared_ptr<const TreeBooster>(std::move(out));
}

namespace {
// Prediction configurations, built once (XGBoost parses them on every call; building them
// per call cost a string allocation each). Contributions: type 2 exact, 3 approximate.
constexpr const char* kPredictValue =
    "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
    "\"strict_shape\": false, \"cache_id\": 0, \"missing\": NaN}";
constexpr const char* kPredictMargin =
    "{\"type\": 1, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
    "\"strict_shape\": false, \"cache_id\": 0, \"missing\": NaN}";
constexpr const char* kContribExact =
    "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false}";
constexpr const char* kContribApprox =
    "{\"type\": 3, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false}";

/// Rows per DMatrix for contributions: bounds the CSR copy XGBoost needs (contributions
/// have no in-place path) to about 30 MB whatever the batch size.
constexpr std::size_t kContribChunkRows = 65536;
}  // namespace

Status TreeBooster::Flatten() {
  bst_ulong len = 0;
  const char* bytes = nullptr;
  CW_XGB(XGBoosterSaveModelToBuffer(static_cast<BoosterHandle>(handle_), "{\"format\": \"json\"}", &len, &bytes));
  try {
    // XGBoost writes floats in their shortest round-trip form, so parsing to double and
    // narrowing gives the stored float32 back exactly.
    const auto doc = nlohmann::json::parse(std::string_view(bytes, len));
    const auto& learner = doc.at("learner");
    const std::string objective = learner.at("objective").at("name").get<std::string>();
    const auto& booster = learner.at("gradient_booster");
    if (booster.at("name").get<std::string>() != "gbtree" || (objective != "binary:logistic" && objective != "survival:aft")) {
      objective_ = Objective::kOther;  // anything else predicts through XGBoost
      return Status::OK();
    }
    const float base_score = std::stof(learner.at("learner_model_param").at("base_score").get<std::string>());
    // The objectives' ProbToMargin in XGBoost 1.7, in float as there.
    base_margin_ = objective == "binary:logistic" ? -std::log(1.0f / base_score - 1.0f) : std::log(base_score);
    nodes_.clear();
    roots_.clear();
    for (const auto& tree : booster.at("model").at("trees")) {
      const auto left = tree.at("left_children").get<std::vector<std::int32_t>>();
      const auto right = tree.at("right_children").get<std::vector<std::int32_t>>();
      const auto feature = tree.at("split_indices").get<std::vector<std::uint32_t>>();
      const auto value = tree.at("split_conditions").get<std::vector<double>>();
      const auto default_left = tree.at("default_left").get<std::vector<std::uint32_t>>();
      if (tree.contains("split_type"))
        for (int t : tree.at("split_type").get<std::vector<int>>())
          if (t != 0) {  // categorical splits: leave prediction to XGBoost
            objective_ = Objective::kOther;
            return Status::OK();
          }
      const std::size_t n = left.size();
      if (n == 0 || right.size() != n || feature.size() != n || value.size() != n || default_left.size() != n)
        return Status::Internal("XGBoost model JSON: tree arrays of different lengths");
      const auto offset = static_cast<std::int32_t>(nodes_.size());
      roots_.push_back(offset);
      for (std::size_t i = 0; i < n; ++i) {
        FlatNode node;
        node.value = static_cast<float>(value[i]);
        if (left[i] >= 0) {
          if (left[i] >= static_cast<std::int32_t>(n) || right[i] < 0 || right[i] >= static_cast<std::int32_t>(n) ||
              feature[i] >= num_features_)
            return Status::Internal("XGBoost model JSON: node out of range");
          node.left = offset + left[i];
          node.right = offset + right[i];
          node.feature = feature[i];
          node.default_left = default_left[i] != 0 ? 1 : 0;
        }
        nodes_.push_back(node);
      }
    }
    objective_ = objective == "binary:logistic" ? Objective::kLogistic : Objective::kAft;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot read XGBoost's model JSON: ") + e.what());
  }
  return Status::OK();
}

float TreeBooster::FlatMargin(const float* row) const {
  float sum = base_margin_;
  const FlatNode* nodes = nodes_.data();
  for (const std::int32_t root : roots_) {
    const FlatNode* n = nodes + root;
    while (n->left >= 0) {
      const float v = row[n->feature];
      const std::int32_t next = std::isnan(v) ? (n->default_left ? n->left : n->right) : (v < n->value ? n->left : n->right);
      n = nodes + next;
    }
    sum += n->value;
  }
  return sum;
}

Status TreeBooster::PredictInto(const float* data, std::size_t rows, bool margin, float* out) const {
  if (rows == 0) return Status::OK();
  if (objective_ != Objective::kOther) {
    const std::size_t cols = num_features_;
    CW_RETURN_IF_ERROR(ParallelForChunks(rows, kRowBlock, nthread_, [&](std::size_t begin, std::size_t end) {
      for (std::size_t r = begin; r < end; ++r) {
        const float m = FlatMargin(data + r * cols);
        if (margin)
          out[r] = m;
        else
          out[r] = objective_ == Objective::kLogistic ? 1.0f / (1.0f + std::exp(-m)) : std::exp(m);
      }
    }));
    return Status::OK();
  }
  return PredictXgboostInto(data, rows, margin, out);
}

Result<std::vector<float>> TreeBooster::PredictWithXgboost(const DenseMatrix& x, bool margin) const {
  if (x.cols != num_features_)
    return Status::InvalidArgument("model expects " + std::to_string(num_features_) + " features, got " +
                                   std::to_string(x.cols));
  std::vector<float> out(x.rows);
  if (x.rows > 0) CW_RETURN_IF_ERROR(PredictXgboostInto(x.values.data(), x.rows, margin, out.data()));
  return out;
}

Status TreeBooster::PredictXgboostInto(const float* data, std::size_t rows, bool margin, float* out) const {
  // Array interface of the caller's row-major float32 buffer (read in place, no copy).
  char values[192];
  std::snprintf(values, sizeof values,
                "{\"data\": [%ju, true], \"shape\": [%zu, %zu], \"typestr\": \"<f4\", \"version\": 3}",
                static_cast<std::uintmax_t>(reinterpret_cast<std::uintptr_t>(data)), rows, num_features_);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  CW_XGB(XGBoosterPredictFromDense(static_cast<BoosterHandle>(handle_), values, margin ? kPredictMargin : kPredictValue,
                                   nullptr, &shape, &dim, &result));
  // The buffer belongs to XGBoost's thread-local entry: copy before any other call.
  std::copy(result, result + rows, out);
  return Status::OK();
}

Result<std::vector<float>> TreeBooster::Predict(const DenseMatrix& x, bool margin) const {
  if (x.cols != num_features_)
    return Status::InvalidArgument("model expects " + std::to_string(num_features_) + " features, got " +
                                   std::to_string(x.cols));
  std::vector<float> out(x.rows);
  CW_RETURN_IF_ERROR(PredictInto(x.values.data(), x.rows, margin, out.data()));
  return out;
}

Result<std::vector<float>> TreeBooster::Contributions(const DenseMatrix& x, bool approximate) const {
  if (x.cols != num_features_)
    return Status::InvalidArgument("model expects " + std::to_string(num_features_) + " features, got " +
                                   std::to_string(x.cols));
  const std::size_t width = x.cols + 1;
  std::vector<float> out(x.rows * width);
  for (std::size_t begin = 0; begin < x.rows; begin += kContribChunkRows) {
    const std::size_t n = std::min(kContribChunkRows, x.rows - begin);
    DMatrixOwner dm;
    CW_XGB(XGDMatrixCreateFromMat_omp(x.values.data() + begin * x.cols, n, x.cols,
                                      std::numeric_limits<float>::quiet_NaN(), dm.out(), nthread_));
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    CW_XGB(XGBoosterPredictFromDMatrix(static_cast<BoosterHandle>(handle_), dm.get(),
                                       approximate ? kContribApprox : kContribExact, &shape, &dim, &result));
    std::copy(result, result + n * width, out.begin() + static_cast<std::ptrdiff_t>(begin * width));
  }
  return out;
}

Result<std::string> TreeBooster::Save() const {
  bst_ulong len = 0;
  const char* bytes = nullptr;
  CW_XGB(XGBoosterSaveModelToBuffer(static_cast<BoosterHandle>(handle_), "{\"format\": \"ubj\"}", &len, &bytes));
  return std::string(bytes, len);
}

Result<std::shared_ptr<const TreeBooster>> TreeBooster::Load(std::string_view bytes, int nthread) {
  BoosterOwner booster;
  CW_XGB(XGBoosterCreate(nullptr, 0, booster.out()));
  CW_XGB(XGBoosterLoadModelFromBuffer(booster.get(), bytes.data(), bytes.size()));
  CW_RETURN_IF_ERROR(SetParam(booster.get(), "nthread", std::to_string(nthread)));
  int rounds = 0;
  CW_XGB(XGBoosterBoostedRounds(booster.get(), &rounds));
  bst_ulong features = 0;
  CW_XGB(XGBoosterGetNumFeature(booster.get(), &features));
  std::shared_ptr<TreeBooster> out(new TreeBooster());
  out->handle_ = booster.release();
  out->rounds_ = rounds;
  out->num_features_ = features;
  out->nthread_ = nthread;
  CW_RETURN_IF_ERROR(out->Flatten());
  return std::shared_ptr<const TreeBooster>(std::move(out));
}

}  // namespace churnwatch

// Training and scoring of the stacked churn ensemble (docs/models.md, "Training protocol").
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "churnwatch/models.h"
#include "models/customer_hash.h"
#include "churnwatch/thread_pool.h"
#include "models/tree_booster.h"
#include "models/validation_metrics.h"

namespace churnwatch {
namespace {

// The stacker's inputs: each component's probability on the log-odds scale. Its own clamp
// (1e-6, not Platt's 1e-7 in calibration.cc) is part of every saved stacker's fit.
double StackLogit(double p) {
  p = std::clamp(p, 1e-6, 1 - 1e-6);
  return std::log(p / (1 - p));
}
double Sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

std::vector<std::size_t> LabelledRows(const FeatureTable& t) {
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < t.num_rows(); ++r)
    if (t.labels[r] != ChurnLabel::kUnknown) rows.push_back(r);
  return rows;
}

std::vector<float> LabelsOf(const FeatureTable& t, std::span<const std::size_t> rows) {
  std::vector<float> y(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) y[i] = t.labels[rows[i]] == ChurnLabel::kChurned ? 1.0f : 0.0f;
  return y;
}

/// Ridge-stabilised logistic regression on a few dense inputs by Newton–Raphson (the
/// stacker: 2 or 3 inputs plus a bias, so a closed 4×4 solve per step is plenty).
std::vector<double> FitSmallLogistic(const std::vector<std::vector<double>>& x, std::span<const float> y) {
  const std::size_t k = x.empty() ? 0 : x[0].size();
  const std::size_t d = k + 1;
  std::vector<double> w(d, 0);
  for (int iter = 0; iter < 50; ++iter) {
    std::vector<double> g(d, 0), h(d * d, 0);
    for (std::size_t i = 0; i < x.size(); ++i) {
      double z = w[k];
      for (std::size_t j = 0; j < k; ++j) z += w[j] * x[i][j];
      const double p = Sigmoid(z), r = p - y[i], v = p * (1 - p);
      for (std::size_t a = 0; a < d; ++a) {
        const double xa = a < k ? x[i][a] : 1.0;
        g[a] += r * xa;
        for (std::size_t b = 0; b < d; ++b) h[a * d + b] += v * xa * (b < k ? x[i][b] : 1.0);
      }
    }
    for (std::size_t a = 0; a < d; ++a) {
      g[a] += 1e-3 * w[a];
      h[a * d + a] += 1e-3;
    }
    // Gaussian elimination with partial pivoting on the d×d system h·step = g.
    std::vector<double> step = g;
    for (std::size_t c = 0; c < d; ++c) {
      std::size_t piv = c;
      for (std::size_t r = c + 1; r < d; ++r)
        if (std::abs(h[r * d + c]) > std::abs(h[piv * d + c])) piv = r;
      for (std::size_t b = 0; b < d; ++b) std::swap(h[c * d + b], h[piv * d + b]);
      std::swap(step[c], step[piv]);
      for (std::size_t r = c + 1; r < d; ++r) {
        const double f = h[r * d + c] / h[c * d + c];
        for (std::size_t b = c; b < d; ++b) h[r * d + b] -= f * h[c * d + b];
        step[r] -= f * step[c];
      }
    }
    for (std::size_t c = d; c-- > 0;) {
      for (std::size_t b = c + 1; b < d; ++b) step[c] -= h[c * d + b] * step[b];
      step[c] /= h[c * d + c];
    }
    double delta = 0;
    for (std::size_t a = 0; a < d; ++a) {
      w[a] -= step[a];
      delta += std::abs(step[a]);
    }
    if (delta < 1e-10) break;
  }
  return w;
}

/// Standard normal CDF.
double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

ChurnModel::ChurnModel() = default;
ChurnModel::~ChurnModel() = default;

double RecencyRule(double recency_days, int horizon_days) {
  return recency_days > horizon_days / 2.0 ? 1.0 : 0.0;
}

double ChurnModel::Stack(double p_trees, double p_logistic, double p_bgnbd) const {
  double z = stacker_[3] + stacker_[0] * StackLogit(p_trees) + stacker_[1] * StackLogit(p_logistic);
  // A customer without a BG/NBD estimate contributes logit(0.5) = 0 for that input.
  if (uses_bgnbd_ && !std::isnan(p_bgnbd)) z += stacker_[2] * StackLogit(p_bgnbd);
  return Sigmoid(z);
}

double ChurnModel::LeadTime(double aft_margin, double recency) const {
  // Renewal approximation (docs/models.md, "Lead time"). Next-purchase time t from the
  // cutoff is log-normal: ln t = margin + sigma·Z. The customer crosses H without buying
  // after `remaining` = H − recency days unless they buy first; if they do, each later
  // purchase-free stretch exceeds H with probability S(H) and a failed stretch lasts at
  // most H days, so the wait after a purchase is about H / S(H).
  const double h = info_.horizon_days;
  const double remaining = std::max(1.0, h - recency);
  auto survival = [&](double t) { return 1 - Phi((std::log(t) - aft_margin) / aft_sigma_); };
  const double p0 = survival(remaining);
  const double p1 = std::max(survival(h), 1e-3);
  const double e = p0 * remaining + (1 - p0) * (remaining / 2 + h / p1);
  return std::min(e, 3650.0);
}

std::optional<std::size_t> ChurnModel::RecencyColumn() const {
  for (std::size_t j = 0; j < feature_names_.size(); ++j)
    if (feature_names_[j] == kRecencyColumn) return j;
  return std::nullopt;
}

RowScores ChurnModel::Combine(std::span<const float> row, float p_trees, float aft_margin, double p_bgnbd,
                              std::optional<std::size_t> recency_col) const {
  RowScores s;
  s.p_trees = p_trees;
  s.p_logistic = logistic_.Predict(row);
  s.p_bgnbd = p_bgnbd;
  s.p_stacked = Stack(s.p_trees, s.p_logistic, s.p_bgnbd);
  s.p_churn = calibration_.Apply(s.p_stacked);
  if (survival_ && recency_col) {
    const float rec = row[*recency_col];
    if (!std::isnan(rec)) s.expected_days_to_churn = LeadTime(aft_margin, rec);
  }
  return s;
}

Result<std::vector<RowScores>> ChurnModel::ScoreMatrix(const DenseMatrix& x, std::span<const double> p_bgnbd) const {
  if (x.cols != feature_names_.size())
    return Status::InvalidArgument("model expects " + std::to_string(feature_names_.size()) + " features, got " +
                                   std::to_string(x.cols));
  // Both boosters predict in place over the caller's matrix (XGBoost's threads).
  std::vector<float> p_trees(x.rows), aft(survival_ ? x.rows : 0);
  CW_RETURN_IF_ERROR(trees_->PredictInto(x.values.data(), x.rows, /*margin=*/false, p_trees.data()));
  if (survival_) CW_RETURN_IF_ERROR(survival_->PredictInto(x.values.data(), x.rows, /*margin=*/true, aft.data()));
  const auto recency_col = RecencyColumn();
  std::vector<RowScores> out(x.rows);
  // Logistic regression, stacker, calibration and lead time: per row, independent, so the
  // rows are split into fixed blocks over the same number of threads as XGBoost uses.
  CW_RETURN_IF_ERROR(ParallelForChunks(x.rows, kRowBlock, trees_->nthread(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r)
      out[r] = Combine(x.row(r), p_trees[r], survival_ ? aft[r] : 0.0f, p_bgnbd.empty() ? kNaN : p_bgnbd[r],
                       recency_col);
  }));
  return out;
}

Status ChurnModel::CheckFeatures(std::span<const std::string> available) const {
  std::string missing;
  std::size_t found = 0;
  for (const auto& name : feature_names_) {
    if (std::find(available.begin(), available.end(), name) == available.end())
      missing += (missing.empty() ? "" : ", ") + name;
    else
      ++found;
  }
  if (missing.empty()) return Status::OK();
  const std::size_t extra = available.size() - found;
  return Status::InvalidArgument("model " + info_.version + " needs features the data lacks: " + missing + " (" +
                                 std::to_string(extra) + " columns of the data are unknown to the model)");
}

Result<std::vector<RowScores>> ChurnModel::Score(const FeatureTable& table) const {
  CW_RETURN_IF_ERROR(CheckFeatures(table.names));
  CW_ASSIGN_OR_RETURN(DenseMatrix x, MatrixFromTable(table, feature_names_));
  std::span<const double> bg;
  if (uses_bgnbd_) {
    const auto idx = table.FeatureIndex(kBgnbdColumn);
    if (!idx)
      return Status::InvalidArgument("model " + info_.version + " stacks BG/NBD but the table has no column " +
                                     std::string(kBgnbdColumn));
    bg = table.columns[*idx];
  }
  return ScoreMatrix(x, bg);
}

Result<RowScores> ChurnModel::ScoreRow(std::span<const float> features, double p_bgnbd) const {
  if (features.size() != feature_names_.size())
    return Status::InvalidArgument("model " + info_.version + " expects " + std::to_string(feature_names_.size()) +
                                   " feature values, got " + std::to_string(features.size()));
  // The low-latency path: the caller's values are read in place, nothing is allocated here.
  float p_trees = 0, aft = 0;
  CW_RETURN_IF_ERROR(trees_->PredictInto(features.data(), 1, /*margin=*/false, &p_trees));
  if (survival_) CW_RETURN_IF_ERROR(survival_->PredictInto(features.data(), 1, /*margin=*/true, &aft));
  return Combine(features, p_trees, aft, uses_bgnbd_ ? p_bgnbd : kNaN, RecencyColumn());
}

Result<std::vector<float>> ChurnModel::TreeContributions(const DenseMatrix& x, bool approximate) const {
  return trees_->Contributions(x, approximate);
}

int ChurnModel::nthread() const { return trees_->nthread(); }

Result<std::vector<float>> ChurnModel::TreeMargins(const DenseMatrix& x) const {
  return trees_->Predict(x, /*margin=*/true);
}

std::shared_ptr<const ChurnModel> ChurnModel::WithInfo(ModelInfo info) const {
  std::shared_ptr<ChurnModel> copy(new ChurnModel(*this));
  copy->info_ = std::move(info);
  return copy;
}

Status ChurnModel::AppendTimeFoldScores(const FeatureTable& t, const DenseMatrix& x_va, std::span<const float> y_va,
                                        const TrainOptions& options, std::vector<double>& stacked,
                                        std::vector<float>& labels) const {
  std::vector<DayNumber> cutoffs(t.cutoffs.begin(), t.cutoffs.end());
  std::sort(cutoffs.begin(), cutoffs.end());
  cutoffs.erase(std::unique(cutoffs.begin(), cutoffs.end()), cutoffs.end());
  const auto bg_idx = t.FeatureIndex(kBgnbdColumn);
  TreeParams fixed = options.trees;
  fixed.early_stopping = false;
  fixed.max_rounds = trees_->rounds();
  const double c[] = {logistic_.c};
  for (DayNumber cutoff : cutoffs) {
    // Fit on the cutoffs whose label window [T', T' + H) ends by this cutoff.
    std::vector<std::size_t> fit_rows, score_rows;
    for (std::size_t r = 0; r < t.num_rows(); ++r) {
      if (t.labels[r] == ChurnLabel::kUnknown) continue;
      if (t.cutoffs[r] + t.horizon_days <= cutoff) fit_rows.push_back(r);
      if (t.cutoffs[r] == cutoff) score_rows.push_back(r);
    }
    if (fit_rows.empty() || score_rows.empty()) continue;
    const auto y_fit = LabelsOf(t, fit_rows);
    const double pos = std::accumulate(y_fit.begin(), y_fit.end(), 0.0);
    if (pos == 0 || pos == static_cast<double>(y_fit.size())) continue;
    CW_ASSIGN_OR_RETURN(DenseMatrix x_fit, MatrixFromTable(t, feature_names_, fit_rows));
    CW_ASSIGN_OR_RETURN(DenseMatrix x_score, MatrixFromTable(t, feature_names_, score_rows));
    CW_ASSIGN_OR_RETURN(auto trees, TreeBooster::TrainBinary(x_fit, y_fit, x_va, y_va, fixed));
    CW_ASSIGN_OR_RETURN(auto logistic, TrainLogistic(x_fit, y_fit, x_va, y_va, c));
    CW_ASSIGN_OR_RETURN(auto p_trees, trees->Predict(x_score, false));
    const auto y_score = LabelsOf(t, score_rows);
    for (std::size_t i = 0; i < score_rows.size(); ++i) {
      const double bg = bg_idx ? t.columns[*bg_idx][score_rows[i]] : kNaN;
      stacked.push_back(Stack(p_trees[i], logistic.Predict(x_score.row(i)), bg));
      labels.push_back(y_score[i]);
    }
  }
  return Status::OK();
}

Result<std::shared_ptr<const ChurnModel>> ChurnModel::Train(const TrainingSet& data, const TrainOptions& options) {
  if (data.train == nullptr || data.valid == nullptr)
    return Status::InvalidArgument("training needs a train and a validation table");
  const FeatureTable& tr = *data.train;
  const FeatureTable& va = *data.valid;
  std::shared_ptr<ChurnModel> m(new ChurnModel());
  for (const auto& name : tr.names)
    if (name != kBgnbdColumn) m->feature_names_.push_back(name);
  if (m->feature_names_.empty()) return Status::DataError("the training table has no feature columns");
  CW_RETURN_IF_ERROR(m->CheckFeatures(va.names).WithContext("validation table"));

  const auto tr_rows = LabelledRows(tr);
  const auto va_rows = LabelledRows(va);
  if (tr_rows.empty()) return Status::DataError("the training cutoffs have no labelled rows (is H fully observed?)");
  if (va_rows.empty()) return Status::DataError("the validation cutoff has no labelled rows (is H fully observed?)");
  const auto y_tr = LabelsOf(tr, tr_rows);
  const auto y_va = LabelsOf(va, va_rows);
  for (const auto* y : {&y_tr, &y_va}) {
    const double pos = std::accumulate(y->begin(), y->end(), 0.0);
    if (pos == 0 || pos == static_cast<double>(y->size()))
      return Status::DataError(std::string(y == &y_tr ? "training" : "validation") +
                               " rows are all one class; churn models need both churned and retained customers");
  }
  CW_ASSIGN_OR_RETURN(DenseMatrix x_tr, MatrixFromTable(tr, m->feature_names_, tr_rows));
  CW_ASSIGN_OR_RETURN(DenseMatrix x_va, MatrixFromTable(va, m->feature_names_, va_rows));

  if ((!data.train_mine.empty() && data.train_mine.size() != tr.num_rows()) ||
      (!data.refit_mine.empty() && (data.refit == nullptr || data.refit_mine.size() != data.refit->num_rows())))
    return Status::InvalidArgument("distributed training: the row ownership masks do not match the tables");
  const bool distributed = !data.train_mine.empty();
  if (distributed && options.calibrate_on == CalibrationRows::kTimeFolds)
    return Status::InvalidArgument("--calibrate-on time-folds is not available with several training workers");
  // The tree models' own rows: all of them, or this member's share (XGBoost joins them).
  DenseMatrix x_tr_mine;
  std::vector<float> y_tr_mine;
  std::vector<std::size_t> tr_rows_mine;
  if (distributed) {
    for (std::size_t i = 0; i < tr_rows.size(); ++i)
      if (data.train_mine[tr_rows[i]] != 0) tr_rows_mine.push_back(tr_rows[i]);
    CW_ASSIGN_OR_RETURN(x_tr_mine, MatrixFromTable(tr, m->feature_names_, tr_rows_mine));
    y_tr_mine = LabelsOf(tr, tr_rows_mine);
  }
  const DenseMatrix& x_tr_trees = distributed ? x_tr_mine : x_tr;
  const std::vector<float>& y_tr_trees = distributed ? y_tr_mine : y_tr;
  const std::vector<std::size_t>& tr_rows_trees = distributed ? tr_rows_mine : tr_rows;

  CW_ASSIGN_OR_RETURN(m->trees_, TreeBooster::TrainBinary(x_tr_trees, y_tr_trees, x_va, y_va, options.trees));
  CW_ASSIGN_OR_RETURN(m->logistic_, TrainLogistic(x_tr, y_tr, x_va, y_va, options.logistic_c_grid));

  // BG/NBD enters the stack only when both tables carry it.
  std::vector<double> bg_va(va_rows.size(), kNaN);
  const auto bg_tr_idx = tr.FeatureIndex(kBgnbdColumn);
  const auto bg_va_idx = va.FeatureIndex(kBgnbdColumn);
  m->uses_bgnbd_ = bg_tr_idx.has_value() && bg_va_idx.has_value();
  if (m->uses_bgnbd_)
    for (std::size_t i = 0; i < va_rows.size(); ++i) bg_va[i] = va.columns[*bg_va_idx][va_rows[i]];

  // Stacker and calibration on the validation cutoff. "fitted": half A (by customer hash)
  // fits the combiner, half B the calibration; "average": equal weights, calibration on all.
  const bool fitted = options.stacker == StackerKind::kFitted;
  CW_ASSIGN_OR_RETURN(auto p_trees, m->trees_->Predict(x_va, false));
  std::vector<double> p_lr(va_rows.size());
  for (std::size_t i = 0; i < va_rows.size(); ++i) p_lr[i] = m->logistic_.Predict(x_va.row(i));
  std::vector<std::size_t> half_b;
  if (fitted) {
    std::vector<std::vector<double>> stack_x;
    std::vector<float> stack_y;
    for (std::size_t i = 0; i < va_rows.size(); ++i) {
      if (HashCustomerId(va.customer_ids[va_rows[i]]) % 2 == 1) {
        half_b.push_back(i);
        continue;
      }
      std::vector<double> in{StackLogit(p_trees[i]), StackLogit(p_lr[i])};
      if (m->uses_bgnbd_) in.push_back(std::isnan(bg_va[i]) ? 0.0 : StackLogit(bg_va[i]));
      stack_x.push_back(std::move(in));
      stack_y.push_back(y_va[i]);
    }
    const auto w = FitSmallLogistic(stack_x, stack_y);
    m->stacker_ = {w[0], w[1], m->uses_bgnbd_ ? w[2] : 0.0, w.back()};
  } else {
    const bool use_bg = m->uses_bgnbd_ && options.stack_bgnbd;
    const int k = int{options.stack_trees} + int{options.stack_logistic} + int{use_bg};
    if (k == 0) return Status::InvalidArgument("the average stacker needs at least one opinion to combine");
    const double w = 1.0 / k;
    m->stacker_ = {options.stack_trees ? w : 0.0, options.stack_logistic ? w : 0.0, use_bg ? w : 0.0, 0.0};
    half_b.resize(va_rows.size());
    std::iota(half_b.begin(), half_b.end(), std::size_t{0});
  }
  std::vector<double> stacked_b;
  std::vector<float> y_b;
  for (std::size_t i : half_b) {
    stacked_b.push_back(m->Stack(p_trees[i], p_lr[i], bg_va[i]));
    y_b.push_back(y_va[i]);
  }
  if (options.calibrate_on == CalibrationRows::kTimeFolds) {
    CW_RETURN_IF_ERROR(m->AppendTimeFoldScores(data.refit != nullptr ? *data.refit : tr, x_va, y_va, options,
                                               stacked_b, y_b));
  }
  const bool isotonic = options.calibration == CalibrationChoice::kIsotonic ||
                        (options.calibration == CalibrationChoice::kAuto && y_b.size() >= 2000);
  if (options.calibration == CalibrationChoice::kNone)
    m->calibration_.method = Calibration::Method::kNone;
  else
    m->calibration_ = isotonic ? FitIsotonic(stacked_b, y_b) : FitPlatt(stacked_b, y_b);

  // Figures of the components as selected, before the refit below changes them: settings
  // are compared by these (docs/models.md, "Purged validation").
  {
    const std::vector<double> p_trees_d(p_trees.begin(), p_trees.end());
    std::vector<double> stacked(va_rows.size());
    std::unique_ptr<bool[]> second_half(new bool[va_rows.size()]);  // vector<bool> has no span
    for (std::size_t i = 0; i < va_rows.size(); ++i) {
      stacked[i] = m->Stack(p_trees[i], p_lr[i], bg_va[i]);
      second_half[i] = HashCustomerId(va.customer_ids[va_rows[i]]) % 2 == 1;
    }
    models_internal::ValidationScores vs{y_va, p_trees_d, p_lr,
                                         m->uses_bgnbd_ ? std::span<const double>(bg_va) : std::span<const double>(),
                                         stacked, std::span<const bool>(second_half.get(), va_rows.size())};
    m->info_.purged = data.refit != nullptr;
    m->info_.purged_valid_metrics = models_internal::PurgedValidationMetrics(vs, m->calibration_);
  }

  // Survival model of the time to the next purchase (optional). It keeps its own tree
  // shape: the classifier's was chosen on churn ROC-AUC, which says nothing about it.
  m->aft_sigma_ = options.trees.aft_sigma;
  TreeParams aft_params = options.trees;
  aft_params.max_depth = options.survival_max_depth;
  aft_params.min_child_weight = options.survival_min_child_weight;
  auto bounds = [](const std::vector<double>& days, std::span<const std::size_t> rows, int horizon,
                   std::vector<float>& lo, std::vector<float>& hi) {
    for (std::size_t r : rows) {
      const double d = days[r];
      if (std::isnan(d) || d > horizon) {
        lo.push_back(static_cast<float>(horizon));
        hi.push_back(std::numeric_limits<float>::infinity());
      } else {
        const auto t = static_cast<float>(std::max(d, 0.5));  // bought on the cutoff day: half a day
        lo.push_back(t);
        hi.push_back(t);
      }
    }
  };
  std::vector<float> lo_va, hi_va;
  const bool survival = options.survival && data.train_days_to_next.size() == tr.num_rows() &&
                        data.valid_days_to_next.size() == va.num_rows();
  if (survival) {
    std::vector<float> lo_tr, hi_tr;
    bounds(data.train_days_to_next, tr_rows_trees, tr.horizon_days, lo_tr, hi_tr);
    bounds(data.valid_days_to_next, va_rows, va.horizon_days, lo_va, hi_va);
    CW_ASSIGN_OR_RETURN(m->survival_,
                        TreeBooster::TrainAft(x_tr_trees, lo_tr, hi_tr, x_va, lo_va, hi_va, aft_params));
  }

  // Refit on the full training table with the settings chosen above.
  if (data.refit != nullptr) {
    const FeatureTable& rf = *data.refit;
    CW_RETURN_IF_ERROR(m->CheckFeatures(rf.names).WithContext("refit table"));
    const auto rf_rows = LabelledRows(rf);
    const auto y_rf = LabelsOf(rf, rf_rows);
    CW_ASSIGN_OR_RETURN(DenseMatrix x_rf, MatrixFromTable(rf, m->feature_names_, rf_rows));
    std::vector<std::size_t> rf_rows_mine;
    DenseMatrix x_rf_mine;
    std::vector<float> y_rf_mine;
    if (distributed) {
      if (data.refit_mine.empty())
        return Status::InvalidArgument("distributed training: the refit table has no row ownership mask");
      for (std::size_t r : rf_rows)
        if (data.refit_mine[r] != 0) rf_rows_mine.push_back(r);
      CW_ASSIGN_OR_RETURN(x_rf_mine, MatrixFromTable(rf, m->feature_names_, rf_rows_mine));
      y_rf_mine = LabelsOf(rf, rf_rows_mine);
    }
    const DenseMatrix& x_rf_trees = distributed ? x_rf_mine : x_rf;
    const std::vector<float>& y_rf_trees = distributed ? y_rf_mine : y_rf;
    const std::vector<std::size_t>& rf_rows_trees = distributed ? rf_rows_mine : rf_rows;
    TreeParams fixed = options.trees;
    fixed.early_stopping = false;
    fixed.max_rounds = m->trees_->rounds();
    CW_ASSIGN_OR_RETURN(m->trees_, TreeBooster::TrainBinary(x_rf_trees, y_rf_trees, x_va, y_va, fixed));
    const double c[] = {m->logistic_.c};
    CW_ASSIGN_OR_RETURN(m->logistic_, TrainLogistic(x_rf, y_rf, x_va, y_va, c));
    if (m->survival_ && data.refit_days_to_next.size() == rf.num_rows()) {
      std::vector<float> lo_rf, hi_rf;
      bounds(data.refit_days_to_next, rf_rows_trees, rf.horizon_days, lo_rf, hi_rf);
      TreeParams aft_fixed = aft_params;
      aft_fixed.early_stopping = false;
      aft_fixed.max_rounds = m->survival_->rounds();
      CW_ASSIGN_OR_RETURN(m->survival_,
                          TreeBooster::TrainAft(x_rf_trees, lo_rf, hi_rf, x_va, lo_va, hi_va, aft_fixed));
    }
  }

  // Operating threshold and validation metrics on the whole validation cutoff.
  m->info_.horizon_days = tr.horizon_days;
  CW_ASSIGN_OR_RETURN(auto scored, m->ScoreMatrix(x_va, bg_va));
  std::vector<double> p(scored.size());
  for (std::size_t i = 0; i < scored.size(); ++i) p[i] = scored[i].p_churn;
  m->threshold_ = MaxF1Threshold(y_va, p);

  ModelInfo& info = m->info_;
  const FeatureTable& fitted_on = data.refit != nullptr ? *data.refit : tr;
  std::vector<DayNumber> cut(fitted_on.cutoffs.begin(), fitted_on.cutoffs.end());
  std::sort(cut.begin(), cut.end());
  cut.erase(std::unique(cut.begin(), cut.end()), cut.end());
  info.train_cutoffs = cut;
  if (!va.cutoffs.empty()) info.valid_cutoff = *std::max_element(va.cutoffs.begin(), va.cutoffs.end());
  info.data_fingerprint = FingerprintTable(fitted_on).substr(0, 32) + FingerprintTable(va).substr(0, 32);
  info.train_rows = static_cast<std::int64_t>(LabelledRows(fitted_on).size());
  info.valid_rows = static_cast<std::int64_t>(va_rows.size());
  info.best_iteration = m->trees_->rounds();
  info.valid_metrics = ComputeMetrics(y_va, p, m->threshold_);
  return std::shared_ptr<const ChurnModel>(std::move(m));
}

}  // namespace churnwatch

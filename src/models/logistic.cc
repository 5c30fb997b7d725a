// Logistic-regression baseline through liblinear (L2R_LR). Inputs are transformed with
// sign(x)·log1p|x| because spend and counts are heavy-tailed (one wholesale buyer would
// otherwise dominate the moments), then standardised with training moments; a missing
// value becomes 0 (the training mean) and switches on its feature's missing indicator.
#include <linear.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "churnwatch/models.h"

namespace churnwatch {
namespace {

double Transform(float v) { return std::copysign(std::log1p(std::abs(static_cast<double>(v))), v); }

void Silent(const char*) {}

/// Standardised inputs of one row, features then indicators.
void Inputs(const LogisticModel& m, std::span<const float> row, std::vector<double>& out) {
  const std::size_t f = m.mean.size();
  out.assign(m.weights.size(), 0.0);
  std::size_t ind = f;
  for (std::size_t j = 0; j < f; ++j) {
    const bool missing = std::isnan(row[j]);
    if (!missing) out[j] = (Transform(row[j]) - m.mean[j]) / m.sd[j];
    if (m.has_indicator[j]) out[ind++] = missing ? 1.0 : 0.0;
  }
}

double LogLoss(const LogisticModel& m, const DenseMatrix& x, std::span<const float> y) {
  double s = 0;
  for (std::size_t r = 0; r < x.rows; ++r) {
    const double p = std::clamp(m.Predict(x.row(r)), 1e-12, 1 - 1e-12);
    s -= y[r] > 0.5f ? std::log(p) : std::log(1 - p);
  }
  return x.rows == 0 ? 0 : s / static_cast<double>(x.rows);
}

struct ModelDeleter {
  void operator()(model* m) const { free_and_destroy_model(&m); }
};

}  // namespace

double LogisticModel::Predict(std::span<const float> row) const {
  const std::size_t f = mean.size();
  double z = bias;
  std::size_t ind = f;
  for (std::size_t j = 0; j < f; ++j) {
    const bool missing = std::isnan(row[j]);
    if (!missing) z += weights[j] * (Transform(row[j]) - mean[j]) / sd[j];
    if (has_indicator[j]) {
      if (missing) z += weights[ind];
      ++ind;
    }
  }
  return 1.0 / (1.0 + std::exp(-z));
}

Result<LogisticModel> TrainLogistic(const DenseMatrix& train, std::span<const float> labels, const DenseMatrix& valid,
                                    std::span<const float> valid_labels, std::span<const double> c_grid) {
  const std::size_t f = train.cols;
  const std::size_t n = train.rows;
  double positives = 0;
  for (float y : labels) positives += y > 0.5f ? 1 : 0;
  if (n == 0 || positives == 0 || positives == static_cast<double>(n))
    return Status::DataError("logistic regression needs both churned and retained rows in training");

  LogisticModel base;
  base.mean.assign(f, 0);
  base.sd.assign(f, 1);
  base.has_indicator.assign(f, 0);
  for (std::size_t j = 0; j < f; ++j) {
    double s = 0, s2 = 0, k = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const float v = train.values[r * f + j];
      if (std::isnan(v)) {
        base.has_indicator[j] = 1;
        continue;
      }
      const double t = Transform(v);
      s += t;
      s2 += t * t;
      k += 1;
    }
    if (k > 0) {
      base.mean[j] = s / k;
      const double var = s2 / k - base.mean[j] * base.mean[j];
      // A constant column gets sd 1 so it standardises to 0 and carries no weight.
      base.sd[j] = var > 1e-12 ? std::sqrt(var) : 1.0;
    }
  }
  std::size_t indicators = 0;
  for (auto h : base.has_indicator) indicators += h;
  const std::size_t width = f + indicators;
  base.weights.assign(width, 0);

  // liblinear's sparse rows: non-zero inputs, 1-based indices, a -1 terminator; the bias
  // term is liblinear's own (problem.bias = 1, index width + 1).
  std::vector<feature_node> nodes;
  std::vector<std::size_t> starts(n);
  std::vector<double> dense;
  nodes.reserve(n * (width / 2 + 2));
  for (std::size_t r = 0; r < n; ++r) {
    Inputs(base, train.row(r), dense);
    starts[r] = nodes.size();
    for (std::size_t j = 0; j < width; ++j)
      if (dense[j] != 0) nodes.push_back({static_cast<int>(j + 1), dense[j]});
    nodes.push_back({static_cast<int>(width + 1), 1.0});
    nodes.push_back({-1, 0});
  }
  std::vector<feature_node*> rows(n);
  for (std::size_t r = 0; r < n; ++r) rows[r] = nodes.data() + starts[r];
  std::vector<double> y(n);
  for (std::size_t r = 0; r < n; ++r) y[r] = labels[r] > 0.5f ? 1.0 : 0.0;

  problem prob{};
  prob.l = static_cast<int>(n);
  prob.n = static_cast<int>(width + 1);
  prob.y = y.data();
  prob.x = rows.data();
  prob.bias = 1.0;

  set_print_string_function(&Silent);
  std::optional<LogisticModel> best;
  double best_loss = std::numeric_limits<double>::infinity();
  // Each fit starts from the previous C's solution (a regularisation path): neighbouring
  // C values have close optima, so the trust-region Newton solver needs a fraction of the
  // iterations it needs from zero. liblinear's internal sign convention follows the first
  // label in the data, which is the same for every C, so its w carries over as it is.
  std::vector<double> warm;
  for (double c : c_grid) {
    parameter param{};
    param.solver_type = L2R_LR;
    param.eps = 0.01;
    param.C = c;
    param.init_sol = warm.empty() ? nullptr : warm.data();
    if (const char* err = check_parameter(&prob, &param))
      return Status::Internal(std::string("liblinear check_parameter failed: ") + err);
    std::unique_ptr<model, ModelDeleter> fitted(::train(&prob, &param));
    if (!fitted) return Status::Internal("liblinear train returned no model");
    warm.assign(fitted->w, fitted->w + prob.n);
    int label_of[2] = {0, 0};
    get_labels(fitted.get(), label_of);
    const int churn_idx = label_of[0] == 1 ? 0 : 1;
    LogisticModel candidate = base;
    candidate.c = c;
    for (std::size_t j = 0; j < width; ++j)
      candidate.weights[j] = get_decfun_coef(fitted.get(), static_cast<int>(j + 1), churn_idx);
    candidate.bias = get_decfun_bias(fitted.get(), churn_idx);
    const double loss = valid.rows > 0 ? LogLoss(candidate, valid, valid_labels) : 0;
    if (!best || loss < best_loss) {
      best_loss = loss;
      best = std::move(candidate);
    }
  }
  if (!best) return Status::InvalidArgument("logistic regression needs at least one C value");
  return *std::move(best);
}

}  // namespace churnwatch

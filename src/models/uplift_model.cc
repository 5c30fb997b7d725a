// The two-model uplift model (uplift_model.h), on our one owner of XGBoost handles.
#include "churnwatch/uplift_model.h"

#include <string>

#include "models/customer_hash.h"
#include "models/tree_booster.h"

namespace churnwatch {

namespace {

// Rows of one arm split into fit and early-stopping parts by a hash of the row index, so
// the split does not follow the file's order.
Result<std::shared_ptr<const TreeBooster>> TrainArm(const DenseMatrix& x, std::span<const float> y,
                                                    std::span<const std::uint8_t> treated, std::uint8_t arm,
                                                    const TreeParams& params) {
  DenseMatrix fit, stop;
  fit.cols = stop.cols = x.cols;
  std::vector<float> fit_y, stop_y;
  double positives = 0, rows = 0;
  for (std::size_t r = 0; r < x.rows; ++r) {
    if (treated[r] != arm) continue;
    const bool to_stop = HashCustomerId(std::to_string(r)) % 5 == 0;
    DenseMatrix& m = to_stop ? stop : fit;
    m.values.insert(m.values.end(), x.row(r).begin(), x.row(r).end());
    ++m.rows;
    (to_stop ? stop_y : fit_y).push_back(y[r]);
    positives += y[r];
    rows += 1;
  }
  const char* name = arm ? "treated" : "control";
  if (rows < 50 || positives < 1 || positives > rows - 1 || stop.rows == 0)
    return Status::InvalidArgument(std::string("uplift model: the ") + name +
                                   " arm needs at least 50 customers with both outcomes present (has " +
                                   std::to_string(static_cast<long long>(rows)) + ", " +
                                   std::to_string(static_cast<long long>(positives)) + " with the outcome)");
  return TreeBooster::TrainBinary(fit, fit_y, stop, stop_y, params);
}

}  // namespace

Result<std::shared_ptr<const UpliftModel>> UpliftModel::Train(const DenseMatrix& x, std::span<const float> outcome,
                                                              std::span<const std::uint8_t> treated,
                                                              UpliftMethod method, const TreeParams& params) {
  if (outcome.size() != x.rows || treated.size() != x.rows)
    return Status::InvalidArgument("uplift model: outcome and arm must have one value per row");
  std::shared_ptr<UpliftModel> m(new UpliftModel());
  m->method_ = method;
  CW_ASSIGN_OR_RETURN(m->treated_, TrainArm(x, outcome, treated, 1, params));
  if (method == UpliftMethod::kTwoModel) {
    CW_ASSIGN_OR_RETURN(m->control_, TrainArm(x, outcome, treated, 0, params));
    return std::shared_ptr<const UpliftModel>(std::move(m));
  }
  // Class transformation: balance the arms, then learn Z on everyone kept ("arm" 1 below
  // selects all of them).
  double n_t = 0, n_c = 0;
  for (std::uint8_t t : treated) (t ? n_t : n_c) += 1;
  const double keep_t = n_t > n_c ? n_c / n_t : 1.0, keep_c = n_c > n_t ? n_t / n_c : 1.0;
  DenseMatrix kept;
  kept.cols = x.cols;
  std::vector<float> z;
  std::vector<std::uint8_t> all;
  for (std::size_t r = 0; r < x.rows; ++r) {
    const double keep = treated[r] ? keep_t : keep_c;
    const double u = static_cast<double>(HashCustomerId("keep" + std::to_string(r)) >> 11) * 0x1.0p-53;
    if (u >= keep) continue;
    kept.values.insert(kept.values.end(), x.row(r).begin(), x.row(r).end());
    ++kept.rows;
    z.push_back((treated[r] != 0) == (outcome[r] > 0.5) ? 1.f : 0.f);
    all.push_back(1);
  }
  CW_ASSIGN_OR_RETURN(m->control_, TrainArm(kept, z, all, 1, params));
  return std::shared_ptr<const UpliftModel>(std::move(m));
}

Result<std::vector<double>> UpliftModel::PredictTreatedResponse(const DenseMatrix& x) const {
  CW_ASSIGN_OR_RETURN(auto p, treated_->Predict(x, /*margin=*/false));
  return std::vector<double>(p.begin(), p.end());
}

Result<std::vector<double>> UpliftModel::PredictUplift(const DenseMatrix& x) const {
  if (method_ == UpliftMethod::kClassTransformation) {
    CW_ASSIGN_OR_RETURN(auto pz, control_->Predict(x, false));
    std::vector<double> u(pz.size());
    for (std::size_t i = 0; i < u.size(); ++i) u[i] = 2.0 * static_cast<double>(pz[i]) - 1.0;
    return u;
  }
  CW_ASSIGN_OR_RETURN(auto pt, treated_->Predict(x, false));
  CW_ASSIGN_OR_RETURN(auto pc, control_->Predict(x, false));
  std::vector<double> u(pt.size());
  for (std::size_t i = 0; i < u.size(); ++i) u[i] = static_cast<double>(pt[i]) - static_cast<double>(pc[i]);
  return u;
}

}  // namespace churnwatch

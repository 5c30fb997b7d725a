#pragma once
/// \file uplift_model.h
/// Who is persuadable: an uplift model trained on the results of a randomised campaign
/// (docs/campaign.md, "Uplift model"), with gradient-boosted trees (XGBoost,
/// binary:logistic). Two methods:
///  - kTwoModel: one classifier on the treated, one on the control; uplift =
///    P(outcome | treated, x) − P(outcome | control, x).
///  - kClassTransformation (a transformed outcome; Jaskowski & Jaroszewicz 2012): one
///    classifier of Z = 1 when (treated and outcome) or (control and no outcome); with
///    equally large arms, uplift = 2 P(Z = 1 | x) − 1. The larger arm is subsampled (by
///    row hash) to the size of the smaller one so the identity holds.
/// Either way a classifier on the treated alone is the "response model" the uplift model is
/// compared with: it ranks who responds when contacted, including those who would have
/// responded anyway.
///
/// Each model early-stops on a fifth of its own rows, chosen by row index hash, so
/// training is deterministic. A trained model is immutable and may predict from several
/// threads.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "churnwatch/models.h"
#include "churnwatch/status.h"

namespace churnwatch {

class TreeBooster;

enum class UpliftMethod { kTwoModel, kClassTransformation };

class UpliftModel {
 public:
  /// `x` one row per customer, `outcome` 0/1, `treated` 1 for the treated arm. Each arm
  /// needs at least 50 rows with both outcomes present (else kInvalidArgument).
  static Result<std::shared_ptr<const UpliftModel>> Train(const DenseMatrix& x, std::span<const float> outcome,
                                                         std::span<const std::uint8_t> treated, UpliftMethod method,
                                                         const TreeParams& params);
  /// P(outcome | treated, x) − P(outcome | control, x), one per row.
  Result<std::vector<double>> PredictUplift(const DenseMatrix& x) const;
  /// P(outcome | treated, x): the response model's score.
  Result<std::vector<double>> PredictTreatedResponse(const DenseMatrix& x) const;

 private:
  UpliftModel() = default;
  UpliftMethod method_ = UpliftMethod::kTwoModel;
  std::shared_ptr<const TreeBooster> treated_, control_;  ///< control_: the Z model for kClassTransformation
};

}  // namespace churnwatch

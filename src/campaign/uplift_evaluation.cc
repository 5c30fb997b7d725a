// Training and judging an uplift model on a randomised experiment (campaign_learn.h).
#include <algorithm>
#include <random>

#include "churnwatch/campaign_learn.h"
#include "churnwatch/uplift_model.h"

namespace churnwatch {

Result<UpliftModelEvaluation> EvaluateUpliftModel(const DenseMatrix& x, std::span<const float> outcome,
                                                  std::span<const std::uint8_t> treated, double test_share,
                                                  UpliftMethod method, const TreeParams& params) {
  if (!(test_share > 0 && test_share < 1))
    return Status::InvalidArgument("uplift evaluation: the held-out share must be in (0, 1)");
  if (outcome.size() != x.rows || treated.size() != x.rows)
    return Status::InvalidArgument("uplift evaluation: outcome and arm must have one value per row");
  DenseMatrix train, test;
  train.cols = test.cols = x.cols;
  std::vector<float> train_y, test_y;
  std::vector<std::uint8_t> train_t, test_t;
  const auto threshold = static_cast<std::uint64_t>(test_share * 0x1.0p64);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const bool held_out = CampaignHash("uplift-holdout", std::to_string(r)) < threshold;
    DenseMatrix& m = held_out ? test : train;
    m.values.insert(m.values.end(), x.row(r).begin(), x.row(r).end());
    ++m.rows;
    (held_out ? test_y : train_y).push_back(outcome[r]);
    (held_out ? test_t : train_t).push_back(treated[r]);
  }
  CW_ASSIGN_OR_RETURN(auto model, UpliftModel::Train(train, train_y, train_t, method, params));
  CW_ASSIGN_OR_RETURN(auto uplift, model->PredictUplift(test));
  CW_ASSIGN_OR_RETURN(auto response, model->PredictTreatedResponse(test));
  std::vector<double> random(test.rows);
  std::mt19937_64 rng(20080320);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (double& v : random) v = uniform(rng);
  UpliftModelEvaluation e;
  e.train_rows = train.rows;
  e.test_rows = test.rows;
  e.uplift_model = EvaluateUpliftRanking(uplift, test_y, test_t);
  e.response_model = EvaluateUpliftRanking(response, test_y, test_t);
  e.random = EvaluateUpliftRanking(random, test_y, test_t);
  std::vector<double> null_qini;
  for (int k = 0; k < 200; ++k) {
    for (double& v : random) v = uniform(rng);
    null_qini.push_back(EvaluateUpliftRanking(random, test_y, test_t).qini);
  }
  std::sort(null_qini.begin(), null_qini.end());
  e.random_qini_p95 = null_qini[189];  // 190th of 200
  e.random_qini_p99 = null_qini[197];  // 198th of 200
  return e;
}

}  // namespace churnwatch

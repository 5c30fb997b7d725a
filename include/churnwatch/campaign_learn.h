#pragma once
/// \file campaign_learn.h
/// Learning from campaigns (docs/campaign.md): the uplift each action measurably caused,
/// per (action, cause, value tier), for the decision step's effect table; and how well a
/// ranking of customers finds the persuadable ones (Qini, uplift at k).
///
/// Storage: Store documents, collection "measured_uplift", key = campaign id, value = a
/// JSON array of MeasuredUplift objects {action, cause, value_tier, metric, uplift, ci_low,
/// ci_high, n_treated, n_control}. Re-reporting a campaign replaces its rows.
///
/// Intended use by the effect table (not wired here): rows with more customers should move
/// the table further from its prior; `n_treated`, `n_control` and the interval say how far.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/campaign_report.h"
#include "churnwatch/models.h"
#include "churnwatch/uplift_model.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch {

struct MeasuredUplift {
  std::string action, cause, value_tier;
  std::string metric;                 ///< the campaign's primary metric (e.g. win_back)
  double uplift = kNaN;               ///< absolute (treated − control)
  double ci_low = kNaN, ci_high = kNaN;  ///< 95 %
  std::int64_t n_treated = 0, n_control = 0;
  int campaigns = 1;                  ///< how many campaigns were pooled
};

/// The "cause_tier" rows of the report's primary metric (pure).
std::vector<MeasuredUplift> MeasuredUpliftRows(const CampaignReport& report);

/// Stores the report's rows under its campaign id (replacing earlier ones).
Status RecordMeasuredUplift(Store& store, const CampaignReport& report);

/// Every recorded row, campaigns pooled per (action, cause, value tier, metric) by
/// inverse-variance weighting (fixed effect: the interval's half-width / 1.96 is each
/// campaign's standard error); rows without an interval are skipped. Sorted by key.
/// kDataError naming the campaign for a damaged document.
Result<std::vector<MeasuredUplift>> ReadMeasuredUplift(Store& store);

/// How well `score` ranks customers by their uplift on a randomised sample: customers
/// sorted by score, highest first; at each prefix the Qini curve is
/// Q(k) = Y_t(k) − Y_c(k) · N_t(k) / N_c(k) (treated responders minus control responders
/// scaled to the treated count). `qini` is the area between the curve and the straight
/// line of a random ranking, divided by the number of customers (0 for a random ranking,
/// in expectation); `uplift_at` holds the treated − control response rate in the top 10,
/// 20, 30 and 50 %.
struct UpliftRankingQuality {
  double qini = kNaN;
  double total_uplift = kNaN;   ///< treated − control response rate over everyone
  std::vector<std::pair<double, double>> uplift_at;  ///< (fraction, uplift)
};
UpliftRankingQuality EvaluateUpliftRanking(std::span<const double> score, std::span<const float> outcome,
                                           std::span<const std::uint8_t> treated);

/// An uplift model (uplift_model.h) trained on part of a randomised experiment and judged
/// on the rest, against a random ranking (a fixed seeded shuffle) and against the response
/// model (the treated arm's model alone). Rows go to the held-out part by a hash of their
/// index (`test_share` of them).
/// `random_qini_p95` / `p99`: the 95th / 99th percentile of the Qini of 200 random
/// rankings of the held-out part (seeded), the bar a model must clear to be "better than
/// random" at the 5 % / 1 % level.
struct UpliftModelEvaluation {
  std::size_t train_rows = 0, test_rows = 0;
  UpliftRankingQuality uplift_model, response_model, random;
  double random_qini_p95 = kNaN, random_qini_p99 = kNaN;
};
Result<UpliftModelEvaluation> EvaluateUpliftModel(const DenseMatrix& x, std::span<const float> outcome,
                                                  std::span<const std::uint8_t> treated, double test_share,
                                                  UpliftMethod method, const TreeParams& params);

}  // namespace churnwatch

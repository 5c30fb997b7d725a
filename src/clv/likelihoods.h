#pragma once
// Log-likelihoods of the BG/NBD and Gamma-Gamma models over grouped histories, with
// analytic gradients. Everything is in log space (lgamma, log-sum-exp), so large x, t_x, T
// never overflow — the failure Fader & Hardie's 2013 note reports for the spreadsheet
// ("#NUM!").

#include "churnwatch/clv.h"
#include "clv/history_groups.h"
#include "churnwatch/thread_pool.h"

namespace churnwatch::clv::internal {

/// Weighted sum of BG/NBD log-likelihoods over groups keyed (x, t_x, T). When `grad` is not
/// null it receives d/d(r, alpha, a, b). Parameters must be positive. With a `pool`, fixed
/// chunks of groups are summed on its threads; the result is the same with or without one.
/// When a pool task fails, its Status goes to `failure` (when given) and the result is NaN.
double BgNbdGroupedLogLik(const HistoryGroups& g, const BgNbdParams& m, double* grad, ThreadPool* pool = nullptr,
                          Status* failure = nullptr);

/// The clv stage's name for the runtime's pool (tests use it).
using TaskPool = ThreadPool;

/// Weighted sum of Gamma-Gamma log-likelihoods over groups keyed (x, mean spend). When
/// `grad` is not null it receives d/d(p, q, gamma). Parameters must be positive.
double GammaGammaGroupedLogLik(const HistoryGroups& g, const GammaGammaParams& m, double* grad);

}  // namespace churnwatch::clv::internal

#pragma once
/// \file clv.h
/// Customer value for non-contractual retail: the BG/NBD purchase model (Fader, Hardie &
/// Lee 2005, "Counting Your Customers the Easy Way") and the Gamma-Gamma spend model
/// (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"), fitted by maximum
/// likelihood with NLopt, and the per-customer quantities built on them: P(alive),
/// expected purchases, P(at least one purchase), expected spend and discounted CLV.
///
/// Time is measured in one unit chosen by the caller (days or weeks; see clv_summary.h) and
/// every `t`, `t_x`, `T` and horizon passed to one fitted model must use that same unit.
/// The formulas are written out in docs/clv.md.
///
/// Thread safety: every function here is pure; fitted parameters are plain values that
/// any number of threads may share.

#include <cstddef>
#include <span>
#include <string>

#include "churnwatch/status.h"

namespace churnwatch::clv {

/// Sufficient statistics of one customer's purchase history at a cutoff (FHL 2005 §3):
/// `x` repeat purchases (purchase *days* after the first, same-day purchases merged),
/// `t_x` time from the first purchase to the last one, `T` time from the first purchase to
/// the cutoff, and `mean_spend` the mean amount of the repeat purchases (0 when x = 0).
/// Valid histories have finite values with x >= 0, 0 <= t_x <= T.
struct CustomerSummary {
  double x = 0;
  double t_x = 0;
  double T = 0;
  double mean_spend = 0;
};

/// BG/NBD parameters: purchase rate lambda ~ Gamma(r, alpha) (alpha in time units), dropout
/// probability after each repeat purchase p ~ Beta(a, b).
struct BgNbdParams {
  double r = 0;
  double alpha = 0;
  double a = 0;
  double b = 0;
};

/// Gamma-Gamma parameters: spend per transaction ~ Gamma(p, nu), nu ~ Gamma(q, gamma).
struct GammaGammaParams {
  double p = 0;
  double q = 0;
  double gamma = 0;
};

/// How an optimisation went. `converged` is true only when NLopt stopped on a tolerance
/// *and* the gradient of the mean log-likelihood (in log-parameters) is below
/// `FitOptions::gradient_tolerance`; `reason` says which in words either way.
struct FitReport {
  double log_likelihood = 0;   ///< at the returned parameters, summed over customers
  bool converged = false;
  std::string reason;          ///< e.g. "L-BFGS stopped: ftol reached; |grad| = 3e-9"
  int iterations = 0;          ///< log-likelihood evaluations, all starts and stages
  std::size_t customers = 0;   ///< customers used by the fit
  std::size_t groups = 0;      ///< distinct histories actually evaluated (see docs/clv.md)
};

struct BgNbdFit {
  BgNbdParams params;
  FitReport report;
};

struct GammaGammaFit {
  GammaGammaParams params;
  FitReport report;
  std::size_t excluded_nonpositive_spend = 0;  ///< repeat buyers left out: mean spend <= 0
};

struct FitOptions {
  int max_evaluations = 3000;        ///< per optimiser stage
  double gradient_tolerance = 1e-5;  ///< on the mean log-likelihood, log-parameter scale
  /// Parameters are searched within [lower_bound, upper_bound] (alpha and gamma after
  /// the data are rescaled so that the mean T, or mean spend, is 1).
  double lower_bound = 1e-6;
  double upper_bound = 1e6;
  /// Threads that group histories and sum the likelihood (thread_pool.h); the fit is the
  /// same for any count.
  int threads = 2;
};

// ---------------------------------------------------------------------------------------
// Fitting

/// Checks every summary (finite, x >= 0, 0 <= t_x <= T, mean_spend finite); the error is
/// kInvalidArgument naming the customer's position, the field and the value.
Status ValidateSummaries(std::span<const CustomerSummary> customers);

/// Maximum-likelihood BG/NBD fit. Identical (x, t_x, T) histories are evaluated once with a
/// weight. Errors: kInvalidArgument for invalid summaries or an empty span; kDataError when
/// nobody made a repeat purchase (the dropout process is then not identified) or the
/// likelihood is not finite anywhere the optimiser looked. A fit that ran but did not
/// converge is returned with `report.converged == false` and the reason.
Result<BgNbdFit> FitBgNbd(std::span<const CustomerSummary> customers, const FitOptions& options = {});

/// Sum over customers of the BG/NBD log-likelihood (FHL 2005 eq. 6, computed in log space).
/// kInvalidArgument for invalid summaries or parameters that are not all positive.
Result<double> BgNbdLogLikelihood(std::span<const CustomerSummary> customers, const BgNbdParams& params);

/// Maximum-likelihood Gamma-Gamma fit on the repeat buyers (x >= 1) with a positive mean
/// spend; the others are skipped (counted in `excluded_nonpositive_spend` when x >= 1).
/// kDataError when fewer than 2 repeat buyers remain.
Result<GammaGammaFit> FitGammaGamma(std::span<const CustomerSummary> customers, const FitOptions& options = {});

/// Sum over repeat buyers with positive mean spend of the Gamma-Gamma log-likelihood of
/// their mean spend (Fader & Hardie 2013 eq. 3).
Result<double> GammaGammaLogLikelihood(std::span<const CustomerSummary> customers, const GammaGammaParams& params);

// ---------------------------------------------------------------------------------------
// Per-customer quantities. Parameters must be positive and the summary valid (as returned
// by the fits and ValidateSummaries); `t` is in the model's time unit and >= 0.

/// P(alive at T | x, t_x, T) under BG/NBD (FHL 2005 eq. 11). It is 1 for x = 0 by the model's
/// construction (dropout happens only after a repeat purchase) — see ReportedProbabilityAlive.
double ProbabilityAlive(const BgNbdParams& m, const CustomerSummary& c);

/// What churnwatch reports as P(alive): the BG/NBD value for repeat buyers; for one-time
/// buyers (x = 0) the posterior that lets the first purchase be a dropout opportunity too,
/// 1 / (1 + a/b * ((alpha+T)/alpha)^r) (the MBG/NBD form of Batislam et al. 2007 evaluated at
/// the BG/NBD parameters), so a one-time buyer's P(alive) decays with time since purchase.
double ReportedProbabilityAlive(const BgNbdParams& m, const CustomerSummary& c);

/// E[X(t) | x, t_x, T]: expected repeat purchases in (T, T+t] (FHL 2005 eq. 10), via the
/// Gauss hypergeometric function with an Euler transformation that stays accurate for every
/// a > 0 (including a = 1). Returns NaN only if the hypergeometric series failed to
/// converge, which callers must report (ScoreCustomers and ComputeClv turn it into kDataError).
double ExpectedPurchases(const BgNbdParams& m, const CustomerSummary& c, double t);

/// E[X(t)] for a customer just acquired at time 0 (FHL 2005 eq. 7).
double UnconditionalExpectedPurchases(const BgNbdParams& m, double t);

/// The fitted chance of dropping out after any one purchase: the mean of Beta(a, b), a/(a+b).
double MeanDropoutProbability(const BgNbdParams& m);

/// Below this mean dropout per purchase, a customer with a few dozen purchases keeps
/// P(alive) above 0.97 whatever their silence: the fit has found (almost) no dropout.
inline constexpr double kNegligibleDropout = 1e-3;

/// Empty for an ordinary fit; otherwise one sentence for the user saying that the fit sees
/// almost no dropout (MeanDropoutProbability < kNegligibleDropout), so P(alive) is close to 1
/// for everyone and does not rank who has left, and that P(purchase within H) still does.
/// Happens on short histories (Online Retail before its last months: a at its lower bound).
std::string BgNbdDropoutNote(const BgNbdParams& m);

/// P(X(T, T+t) >= 1 | x, t_x, T) = P(alive) * (1 - ((alpha+T)/(alpha+T+t))^(r+x)): alive at T,
/// and the posterior Poisson rate Gamma(r+x, alpha+T) produces a purchase within t.
double ProbabilityAnyPurchase(const BgNbdParams& m, const CustomerSummary& c, double t);

/// E[Z | x, mean_spend] (Fader & Hardie 2013 eq. 5): a weighted mean of the population mean
/// p*gamma/(q-1) and the customer's own mean; the population mean for x = 0 or a
/// non-positive mean spend. NaN when q <= 1 (the mean spend is then infinite).
double ExpectedSpend(const GammaGammaParams& m, const CustomerSummary& c);

/// Expected spend per purchase net of returns, for a customer whose mean_spend is already net
/// (RfmSummary::net_share in features.h): ExpectedSpend for a repeat buyer with a positive
/// net mean; otherwise the model can only give the population mean, which is then scaled by
/// the customer's own net share (0 for a customer who returned everything they bought).
double ExpectedNetSpend(const GammaGammaParams& m, const CustomerSummary& c, double net_share);

/// Discounted customer lifetime value over `months` months:
///   sum_{k=1..months} [E[X(k*M)] - E[X((k-1)*M)]] * spend * margin / (1+d)^k,
/// with M = `month_length` in the model's time unit (365.25/12 days), E[X] the conditional
/// expectation above and d the monthly discount rate.
double CustomerLifetimeValue(const BgNbdParams& m, const CustomerSummary& c, double spend, double margin,
                             double monthly_discount_rate, int months, double month_length);

}  // namespace churnwatch::clv

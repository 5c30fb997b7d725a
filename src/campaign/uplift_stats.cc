// Two-group comparisons for the campaign report (campaign_report.h). The interval and test
// choices follow common practice for A/B tests and match the figures published with the
// Hillstrom data (tests/campaign/hillstrom_test.cc): unpooled Wald interval with a pooled
// z-test for rates; Welch's t for money, which is zero-inflated and heavy-tailed, so equal
// variances cannot be assumed.
#include <algorithm>
#include <cmath>

#include "churnwatch/campaign_report.h"

namespace churnwatch {

namespace {

constexpr double kZ975 = 1.959963984540054;  // standard normal 97.5 % quantile

// Continued fraction of the regularised incomplete beta (modified Lentz), valid for
// x < (a + 1) / (a + b + 2); the caller uses the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return h;
}

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * BetaContinuedFraction(a, b, x) / a;
  return 1 - std::exp(log_front) * BetaContinuedFraction(b, a, 1 - x) / b;
}

double Mean(std::span<const double> v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? kNaN : s / static_cast<double>(v.size());
}

double SampleVariance(std::span<const double> v, double mean) {
  if (v.size() < 2) return kNaN;
  double s = 0;
  for (double x : v) s += (x - mean) * (x - mean);
  return s / static_cast<double>(v.size() - 1);
}

std::string SizeWarning(std::int64_t n_t, std::int64_t n_c) {
  if (n_t < kMinGroupSize || n_c < kMinGroupSize)
    return "too small to tell: " + std::to_string(n_t) + " treated and " + std::to_string(n_c) +
           " control customers (at least " + std::to_string(kMinGroupSize) + " each are needed)";
  return "";
}

}  // namespace

double StudentTwoSidedP(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2).
  return RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
}

double StudentTwoSidedQuantile(double alpha, double df) {
  if (!(df > 0) || !(alpha > 0 && alpha < 1)) return kNaN;
  double lo = 0, hi = 1;
  while (StudentTwoSidedP(hi, df) > alpha) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (StudentTwoSidedP(mid, df) > alpha ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

UpliftEstimate CompareProportions(std::int64_t x_t, std::int64_t n_t, std::int64_t x_c, std::int64_t n_c) {
  UpliftEstimate e;
  e.n_treated = n_t;
  e.n_control = n_c;
  e.warning = SizeWarning(n_t, n_c);
  if (n_t == 0 || n_c == 0) {
    if (e.warning.empty()) e.warning = "too small to tell: an empty group";
    return e;
  }
  const double nt = static_cast<double>(n_t), nc = static_cast<double>(n_c);
  const double pt = static_cast<double>(x_t) / nt, pc = static_cast<double>(x_c) / nc;
  e.treated_mean = pt;
  e.control_mean = pc;
  e.uplift = pt - pc;
  const double se = std::sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc);
  e.ci_low = e.uplift - kZ975 * se;
  e.ci_high = e.uplift + kZ975 * se;
  const double pooled = static_cast<double>(x_t + x_c) / (nt + nc);
  const double se_pooled = std::sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc));
  if (se_pooled > 0) {
    e.statistic = e.uplift / se_pooled;
    e.p_value = std::erfc(std::fabs(e.statistic) / std::sqrt(2.0));
  } else {
    e.statistic = 0;
    e.p_value = 1;
  }
  if (e.warning.empty() && (std::min(x_t, n_t - x_t) < 5 || std::min(x_c, n_c - x_c) < 5))
    e.warning = "too small to tell: fewer than 5 customers with (or without) the outcome in a group (" +
                std::to_string(x_t) + " of " + std::to_string(n_t) + " treated, " + std::to_string(x_c) + " of " +
                std::to_string(n_c) + " control)";
  return e;
}

UpliftEstimate CompareMeans(std::span<const double> treated, std::span<const double> control) {
  UpliftEstimate e;
  e.n_treated = static_cast<std::int64_t>(treated.size());
  e.n_control = static_cast<std::int64_t>(control.size());
  e.warning = SizeWarning(e.n_treated, e.n_control);
  if (treated.size() < 2 || control.size() < 2) {
    e.treated_mean = Mean(treated);
    e.control_mean = Mean(control);
    e.uplift = e.treated_mean - e.control_mean;
    if (e.warning.empty()) e.warning = "too small to tell: fewer than 2 customers in a group";
    return e;
  }
  const double mt = Mean(treated), mc = Mean(control);
  const double vt = SampleVariance(treated, mt) / static_cast<double>(treated.size());
  const double vc = SampleVariance(control, mc) / static_cast<double>(control.size());
  e.treated_mean = mt;
  e.control_mean = mc;
  e.uplift = mt - mc;
  const double se = std::sqrt(vt + vc);
  if (!(se > 0)) {  // both groups constant: no spread to test against
    e.ci_low = e.ci_high = e.uplift;
    e.statistic = e.uplift == 0 ? 0 : kNaN;
    e.p_value = e.uplift == 0 ? 1 : kNaN;
    return e;
  }
  e.df = (vt + vc) * (vt + vc) /
         (vt * vt / static_cast<double>(treated.size() - 1) + vc * vc / static_cast<double>(control.size() - 1));
  e.statistic = e.uplift / se;
  e.p_value = StudentTwoSidedP(e.statistic, e.df);
  const double q = StudentTwoSidedQuantile(0.05, e.df);
  e.ci_low = e.uplift - q * se;
  e.ci_high = e.uplift + q * se;
  return e;
}

}  // namespace churnwatch

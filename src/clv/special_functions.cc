// Digamma and the Gauss hypergeometric function, written out because neither the C++
// standard library nor the project's Debian dependencies (NLopt) provide them.
#include "clv/special_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace churnwatch::clv::internal {

double Digamma(double x) {
  double result = 0;
  // psi(x) = psi(x + 1) - 1/x moves the argument to x >= 10, the range where the asymptotic
  // expansion is accurate to double precision.
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const double inv = 1 / x;
  const double inv2 = inv * inv;
  // ln x - 1/(2x) - sum B_2k / (2k x^2k), Bernoulli numbers B_2..B_12.
  const double series =
      inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * 691.0 / 32760)))));
  return result + std::log(x) - 0.5 * inv - series;
}

double LogAbsGamma(double x, int* sign) {
  *sign = 1;
  // Gamma alternates in sign between consecutive negative integers: negative on (-1, 0),
  // positive on (-2, -1), ... (std::lgamma's own sign output, signgam, is not thread safe).
  if (x < 0 && static_cast<long long>(std::ceil(-x)) % 2 == 1) *sign = -1;
  return std::lgamma(x);
}

HypergeometricValue Hyp2F1Series(double a, double b, double c, double z, int max_terms) {
  double sum = 1;
  double term = 1;
  for (int k = 0; k < max_terms; ++k) {
    term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
    sum += term;
    // The term ratio tends to z; bounding the remaining ratios by q = max(next ratio, z)
    // bounds the tail by |term| q / (1 - q), which must be below 1e-16 of the sum.
    const double next = std::abs((a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2)) * z);
    const double q = std::max(next, std::abs(z));
    if (term == 0 || (q < 1 && std::abs(term) * q / (1 - q) <= 1e-16 * std::abs(sum))) return {sum, true};
    if (!std::isfinite(sum)) return {sum, false};
  }
  return {sum, false};
}

namespace {

// Gamma(c) Gamma(d) / (Gamma(e) Gamma(f)) through logarithms (the arguments may be large
// or negative); 0 when e or f is a pole, where 1/Gamma vanishes.
double GammaRatio(double c, double d, double e, double f) {
  auto is_pole = [](double v) { return v <= 0 && v == std::floor(v); };
  if (is_pole(e) || is_pole(f)) return 0;
  int sc, sd, se, sf;
  const double log_value = LogAbsGamma(c, &sc) + LogAbsGamma(d, &sd) - LogAbsGamma(e, &se) - LogAbsGamma(f, &sf);
  return sc * sd * se * sf * std::exp(log_value);
}

}  // namespace

HypergeometricValue Hyp2F1(double a, double b, double c, double z) {
  constexpr int kShortBudget = 20000;
  constexpr int kLongBudget = 2000000;
  if (z <= 0.9) return Hyp2F1Series(a, b, c, z, kShortBudget);
  const double s = c - a - b;
  const bool near_integer = std::abs(s - std::round(s)) < 0.05;
  // For large c the direct series converges fast whatever z is, and the gamma factors of
  // the transformation would only lose digits.
  if (near_integer || c > 50) {
    auto direct = Hyp2F1Series(a, b, c, z, kShortBudget);
    if (direct.converged) return direct;
    return Hyp2F1Series(a, b, c, z, kLongBudget);
  }
  // DLMF 15.8.4: both series below run in 1 - z < 0.1.
  const double w = 1 - z;
  const auto f1 = Hyp2F1Series(a, b, a + b - c + 1, w, kShortBudget);
  const auto f2 = Hyp2F1Series(c - a, c - b, s + 1, w, kShortBudget);
  const double value = GammaRatio(c, s, c - a, c - b) * f1.value +
                       std::pow(w, s) * GammaRatio(c, -s, a, b) * f2.value;
  return {value, f1.converged && f2.converged && std::isfinite(value)};
}

}  // namespace churnwatch::clv::internal

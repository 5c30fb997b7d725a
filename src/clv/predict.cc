// Per-customer quantities of the fitted BG/NBD and Gamma-Gamma models (formulas in
// docs/clv.md, references in clv.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "churnwatch/clv.h"
#include "clv/special_functions.h"

namespace churnwatch::clv {
namespace {

// ln of a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x), the odds of "dropped out after the last
// purchase" against "still alive" (FHL 2005 eq. 11); only defined for x > 0.
double LogDeathOdds(const BgNbdParams& m, const CustomerSummary& c) {
  return std::log(m.a) - std::log(m.b + c.x - 1) + (m.r + c.x) * (std::log(m.alpha + c.T) - std::log(m.alpha + c.t_x));
}

double Logistic(double log_odds) {  // 1 / (1 + exp(log_odds)), without overflow
  if (log_odds > 0) {
    const double e = std::exp(-log_odds);
    return e / (1 + e);
  }
  return 1 / (1 + std::exp(log_odds));
}

// G(z) = sum_{k>=1} (A)_k (a)_{k-1} / ((C)_k k!) z^k = (2F1(A, a-1; C; z) - 1) / (a - 1),
// written as its own series so that a = 1 needs no special case.
double SeriesG(double A, double a, double C, double z, bool* ok) {
  if (z > 0.9 && std::abs(a - 1) > 1e-3) {
    const auto f = internal::Hyp2F1(A, a - 1, C, z);
    *ok = f.converged;
    return (f.value - 1) / (a - 1);
  }
  const int budget = z > 0.9 ? 2000000 : 20000;
  double term = A * z / C;
  double sum = term;
  for (int k = 1; k < budget; ++k) {
    term *= (A + k) * (a - 1 + k) / ((C + k) * (k + 1)) * z;
    sum += term;
    const double next = std::abs((A + k + 1) * (a + k) / ((C + k + 1) * (k + 2)) * z);
    const double q = std::max(next, z);
    if (term == 0 || (q < 1 && std::abs(term) * q / (1 - q) <= 1e-16 * std::abs(sum))) {
      *ok = true;
      return sum;
    }
  }
  *ok = false;
  return sum;
}

}  // namespace

double ProbabilityAlive(const BgNbdParams& m, const CustomerSummary& c) {
  if (c.x <= 0) return 1;
  return Logistic(LogDeathOdds(m, c));
}

double ReportedProbabilityAlive(const BgNbdParams& m, const CustomerSummary& c) {
  if (c.x > 0) return ProbabilityAlive(m, c);
  // One-time buyer: dropout allowed at the first purchase with prior probability a/(a+b);
  // alive and silent for T has likelihood (b/(a+b)) (alpha/(alpha+T))^r.
  return Logistic(std::log(m.a) - std::log(m.b) + m.r * (std::log(m.alpha + c.T) - std::log(m.alpha)));
}

double ExpectedPurchases(const BgNbdParams& m, const CustomerSummary& c, double t) {
  if (!(t > 0)) return 0;
  // FHL 2005 eq. 10:
  //   E = (a+b+x-1)/(a-1) * [1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)] / (1 + [x>0] odds)
  // with z = t/(alpha+T+t). Euler's transformation 2F1(a',b';c;z) = (1-z)^(c-a'-b')
  // 2F1(c-a', c-b'; c; z) turns the bracket into 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; C; z),
  // C = a+b+x-1, whose series terms shrink like k^(a-r-x-2) z^k, and splitting off the
  // first term gives [1 - (1-z)^(a-1)]/(a-1) - (1-z)^(a-1) G(z), exact for every a.
  const double x = c.x;
  const double log_one_minus_z = -std::log1p(t / (m.alpha + c.T));
  const double z = t / (m.alpha + c.T + t);
  const double A = m.a + m.b - 1 - m.r;
  const double C = m.a + m.b + x - 1;
  bool ok = false;
  const double G = SeriesG(A, m.a, C, z, &ok);
  if (!ok) return std::numeric_limits<double>::quiet_NaN();
  const double am1 = m.a - 1;
  const double head = std::abs(am1) < 1e-12 ? -log_one_minus_z : -std::expm1(am1 * log_one_minus_z) / am1;
  const double numerator = C * (head - std::exp(am1 * log_one_minus_z) * G);
  if (x <= 0) return numerator;
  return numerator * Logistic(LogDeathOdds(m, c));
}

double MeanDropoutProbability(const BgNbdParams& m) { return m.a / (m.a + m.b); }

std::string BgNbdDropoutNote(const BgNbdParams& m) {
  const double p = MeanDropoutProbability(m);
  if (!(p < kNegligibleDropout)) return {};
  char share[32];
  std::snprintf(share, sizeof share, "%.2g%%", 100 * p);
  return std::string("the fit sees almost no dropout (") + share +
         " chance per purchase, a/(a+b)): P(alive) is close to 1 for every customer and does not tell who has "
         "left, likely because the history is too short to show it; P(purchase within H) still falls with "
         "silence, rank by it";
}

double UnconditionalExpectedPurchases(const BgNbdParams& m, double t) {
  // eq. 7 is eq. 10 for a customer with no history: x = t_x = T = 0.
  return ExpectedPurchases(m, CustomerSummary{}, t);
}

double ProbabilityAnyPurchase(const BgNbdParams& m, const CustomerSummary& c, double t) {
  if (!(t > 0)) return 0;
  const double silent = std::exp(-(m.r + c.x) * std::log1p(t / (m.alpha + c.T)));
  return ProbabilityAlive(m, c) * (1 - silent);
}

double ExpectedSpend(const GammaGammaParams& m, const CustomerSummary& c) {
  if (!(m.q > 1)) return std::numeric_limits<double>::quiet_NaN();
  const double population_mean = m.p * m.gamma / (m.q - 1);
  if (!(c.x >= 1 && c.mean_spend > 0)) return population_mean;
  // Fader & Hardie 2013 eq. 5: p (gamma + x zbar) / (p x + q - 1).
  return m.p * (m.gamma + c.x * c.mean_spend) / (m.p * c.x + m.q - 1);
}

double ExpectedNetSpend(const GammaGammaParams& m, const CustomerSummary& c, double net_share) {
  const double spend = ExpectedSpend(m, c);
  return c.x >= 1 && c.mean_spend > 0 ? spend : spend * net_share;
}

double CustomerLifetimeValue(const BgNbdParams& m, const CustomerSummary& c, double spend, double margin,
                             double monthly_discount_rate, int months, double month_length) {
  double value = 0;
  double previous = 0;
  double discount = 1;
  for (int k = 1; k <= months; ++k) {
    const double cumulative = ExpectedPurchases(m, c, k * month_length);
    discount /= 1 + monthly_discount_rate;
    value += (cumulative - previous) * discount;
    previous = cumulative;
  }
  return value * spend * margin;
}

}  // namespace churnwatch::clv

// The two likelihoods, written so that each distinct x costs its gamma and digamma
// functions once and each distinct history one or two logarithms and one exponential.
#include "clv/likelihoods.h"

#include <cmath>
#include <vector>

#include "clv/special_functions.h"

namespace churnwatch::clv::internal {

// FHL 2005 eq. 6, per customer:
//   ln L = [lnG(r+x) - lnG(r) + r ln alpha] + [lnB(a, b+x) - lnB(a, b)]
//          + ln( (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x) )
// with the last term as a log-sum-exp of A3 = -(r+x) ln(alpha+T) and
// A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x).
double BgNbdGroupedLogLik(const HistoryGroups& g, const BgNbdParams& m, double* grad) {
  const double r = m.r, alpha = m.alpha, a = m.a, b = m.b;
  const double log_alpha = std::log(alpha), log_a = std::log(a);
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  const double psi_r = grad ? Digamma(r) : 0, psi_b = grad ? Digamma(b) : 0, psi_ab = grad ? Digamma(a + b) : 0;
  double ll = 0, dr = 0, dalpha = 0, da = 0, db = 0;
  // ln(alpha + t) and 1/(alpha + t) once per distinct time (far fewer than groups).
  std::vector<double> log_time(g.times.size()), inv_time(g.times.size());
  for (std::size_t k = 0; k < g.times.size(); ++k) {
    log_time[k] = std::log(alpha + g.times[k]);
    inv_time[k] = 1 / (alpha + g.times[k]);
  }

  for (std::size_t run = 0; run < g.runs(); ++run) {
    const std::size_t begin = g.run_begin[run], end = g.run_begin[run + 1];
    const double x = g.x[begin];
    const double rx = r + x;
    const double constant = std::lgamma(rx) - lg_r + r * log_alpha + lg_ab + std::lgamma(b + x) - lg_b - std::lgamma(a + b + x);
    const bool repeat = x > 0;
    const double log_a_term = repeat ? log_a - std::log(b + x - 1) : 0;
    double run_weight = 0, s_ll = 0, s_log3 = 0, s_log4 = 0, s_inv = 0, s_w4 = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const double w = g.weight[i];
      const double log3 = log_time[g.v_code[i]];  // ln(alpha + T)
      const double a3 = -rx * log3;
      double term, w4 = 0, log4 = 0;
      if (repeat) {
        log4 = log_time[g.u_code[i]];  // ln(alpha + t_x)
        const double a4 = log_a_term - rx * log4;
        // log-sum-exp around the larger exponent; w4 = share of the second term.
        if (a3 >= a4) {
          const double e = std::exp(a4 - a3);
          term = a3 + std::log1p(e);
          w4 = e / (1 + e);
        } else {
          const double e = std::exp(a3 - a4);
          term = a4 + std::log1p(e);
          w4 = 1 / (1 + e);
        }
      } else {
        term = a3;
      }
      run_weight += w;
      s_ll += w * term;
      if (grad) {
        const double w3 = 1 - w4;
        s_log3 += w * w3 * log3;
        s_log4 += w * w4 * log4;
        s_inv += w * (w3 * inv_time[g.v_code[i]] + (repeat ? w4 * inv_time[g.u_code[i]] : 0));
        s_w4 += w * w4;
      }
    }
    ll += run_weight * constant + s_ll;
    if (grad) {
      dr += run_weight * (Digamma(rx) - psi_r + log_alpha) - s_log3 - s_log4;
      dalpha += run_weight * r / alpha - rx * s_inv;
      const double psi_abx = Digamma(a + b + x);
      da += run_weight * (psi_ab - psi_abx) + s_w4 / a;
      db += run_weight * (psi_ab + Digamma(b + x) - psi_b - psi_abx) - (repeat ? s_w4 / (b + x - 1) : 0);
    }
  }
  if (grad) {
    grad[0] = dr;
    grad[1] = dalpha;
    grad[2] = da;
    grad[3] = db;
  }
  return ll;
}

// Fader & Hardie 2013 eq. 3, the density of a repeat buyer's mean spend zbar = m over x
// transactions:
//   ln f = lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + (px-1) ln m + px ln x - (px+q) ln(x m + gamma)
double GammaGammaGroupedLogLik(const HistoryGroups& g, const GammaGammaParams& m, double* grad) {
  const double p = m.p, q = m.q, gamma = m.gamma;
  const double log_gamma = std::log(gamma), lg_q = std::lgamma(q);
  const double psi_q = grad ? Digamma(q) : 0;
  double ll = 0, dp = 0, dq = 0, dgamma = 0;
  for (std::size_t run = 0; run < g.runs(); ++run) {
    const std::size_t begin = g.run_begin[run], end = g.run_begin[run + 1];
    const double x = g.x[begin];
    const double px = p * x;
    const double log_x = std::log(x);
    const double constant = std::lgamma(px + q) - std::lgamma(px) - lg_q + q * log_gamma + px * log_x;
    double run_weight = 0, s_ll = 0, s_log_m = 0, s_log_den = 0, s_inv_den = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const double w = g.weight[i];
      const double spend = g.u[i];
      const double log_m = std::log(spend);
      const double den = x * spend + gamma;
      const double log_den = std::log(den);
      run_weight += w;
      s_ll += w * ((px - 1) * log_m - (px + q) * log_den);
      s_log_m += w * log_m;
      s_log_den += w * log_den;
      s_inv_den += w / den;
    }
    ll += run_weight * constant + s_ll;
    if (grad) {
      const double psi_pxq = Digamma(px + q);
      dp += x * (run_weight * (psi_pxq - Digamma(px) + log_x) + s_log_m - s_log_den);
      dq += run_weight * (psi_pxq - psi_q + log_gamma) - s_log_den;
      dgamma += run_weight * q / gamma - (px + q) * s_inv_den;
    }
  }
  if (grad) {
    grad[0] = dp;
    grad[1] = dq;
    grad[2] = dgamma;
  }
  return ll;
}

}  // namespace churnwatch::clv::internal

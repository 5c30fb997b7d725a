// The two likelihoods, written so that each distinct x costs its gamma and digamma
// functions once and each distinct history one or two logarithms and one exponential.
#include "clv/likelihoods.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "clv/special_functions.h"

namespace churnwatch::clv::internal {

namespace {

// Groups per task of the BG/NBD sum. Fixed, so that the partial sums and the order they
// are added in do not depend on how many threads computed them.
constexpr std::size_t kChunk = 4096;
// Groups whose exponentials and logarithms are evaluated together in one pass: small
// enough for the scratch arrays to stay in L1, long enough for the loop to vectorise.
constexpr std::size_t kBlock = 256;

constexpr double kLn2 = 0.6931471805599453094;
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;  // ln 2 with 21 trailing zero bits ...
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;  // ... and the rest
constexpr double kRoundMagic = 0x1.8p52;          // x + 1.5*2^52 rounds x to an integer

// exp(y) for y <= 0, within a few ulp; 0 below -708 (where the result would be subnormal,
// far below anything that matters next to 1). Straight-line code, so that a loop calling
// it vectorises (std::exp is an opaque library call).
inline double ExpNonPositive(double y) {
  const double t = y * (1 / kLn2) + kRoundMagic;
  const double n = t - kRoundMagic;  // nearest integer to y / ln 2
  const double r = (y - n * kLn2Hi) - n * kLn2Lo;  // |r| <= ln2 / 2
  // Taylor series to r^13 (remainder below 1e-17 relative for |r| <= 0.35), evaluated in
  // Estrin's scheme: a dependency chain of 4 multiply-adds instead of 13.
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double p01 = 1 + r, p23 = 0.5 + r * (1.0 / 6), p45 = 1.0 / 24 + r * (1.0 / 120);
  const double p67 = 1.0 / 720 + r * (1.0 / 5040), p89 = 1.0 / 40320 + r * (1.0 / 362880);
  const double p1011 = 1.0 / 3628800 + r * (1.0 / 39916800), p1213 = 1.0 / 479001600 + r * (1.0 / 6227020800);
  const double q0 = p01 + r2 * p23, q1 = p45 + r2 * p67, q2 = p89 + r2 * p1011;
  const double q = (q0 + r4 * q1) + r8 * (q2 + r4 * p1213);
  // 2^n from the integer sitting in the low bits of t (n >= -1022 here).
  const std::uint64_t exponent = (std::bit_cast<std::uint64_t>(t) - std::bit_cast<std::uint64_t>(kRoundMagic) + 1023) << 52;
  const double e = q * std::bit_cast<double>(exponent);
  const double zero = 0;
  return y < -708 ? zero : e;
}

// ln(1 + e) for 0 <= e <= 1, within a few ulp of the result: ln(1+f) = 2 atanh(f / (2+f)),
// after halving 1 + e when it exceeds sqrt 2 so that |f / (2+f)| <= 0.172.
inline double Log1pUnit(double e) {
  const bool halve = e > 0.41421356237309505;
  const double halved = (e - 1) * 0.5;  // (1+e)/2 - 1, exactly
  const double f = halve ? halved : e;
  const double s = f / (2 + f);
  const double s2 = s * s;
  // sum_{k=0}^{10} s2^k / (2k+1), remainder below 1e-18 relative; Estrin's scheme again.
  const double t2 = s2 * s2, t4 = t2 * t2, t8 = t4 * t4;
  const double p01 = 1 + s2 * (1.0 / 3), p23 = 1.0 / 5 + s2 * (1.0 / 7), p45 = 1.0 / 9 + s2 * (1.0 / 11);
  const double p67 = 1.0 / 13 + s2 * (1.0 / 15), p89 = 1.0 / 17 + s2 * (1.0 / 19);
  const double q = (p01 + t2 * p23) + t4 * (p45 + t2 * p67) + t8 * (p89 + t2 * (1.0 / 21));
  const double ln2 = kLn2, zero = 0;
  return 2 * s * q + (halve ? ln2 : zero);
}

// Per-run (equal x) quantities that do not depend on t_x or T.
struct RunTerms {
  double rx = 0, constant = 0, log_a_term = 0;  // log_a_term = ln a - ln(b+x-1)
  double d_r = 0, d_a = 0, d_b = 0;            // per-customer gradient parts
  double inv_bx1 = 0;                          // 1 / (b+x-1)
};

struct Partial {
  double ll = 0, dr = 0, dalpha = 0, da = 0, db = 0;
};

// Sums over groups [begin, end) of one run with x > 0. For each group the log-sum-exp of
// A3 = -(r+x) ln(alpha+T) and A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x) is
// max(A3, A4) + ln(1 + exp(-|A4 - A3|)), and w4 = the second term's share.
// Compiled twice, for AVX2 and for the baseline instruction set, and picked when the program
// loads; both compute the same IEEE operations (no contraction into FMA), so the result does
// not depend on the machine.
[[gnu::target_clones("avx2", "default")]] void RepeatSegment(const HistoryGroups& g, const RunTerms& run, const double* log_time, const double* inv_time,
                   std::size_t begin, std::size_t end, bool grad, double sums[6]) {
  double log3[kBlock], log4[kBlock], term[kBlock], w4[kBlock];
  const double rx = run.rx, lat = run.log_a_term;
  for (std::size_t block = begin; block < end; block += kBlock) {
    const std::size_t m = std::min(kBlock, end - block);
    const std::uint32_t* u = g.u_code.data() + block;
    const std::uint32_t* v = g.v_code.data() + block;
    for (std::size_t j = 0; j < m; ++j) {
      log3[j] = log_time[v[j]];
      log4[j] = log_time[u[j]];
    }
    for (std::size_t j = 0; j < m; ++j) {  // vectorised: no calls, no branches
      const double a3 = -rx * log3[j];
      const double a4 = lat - rx * log4[j];
      const double d = a4 - a3;
      const double e = ExpNonPositive(-std::abs(d));
      const double inv = 1 / (1 + e);
      const double e_inv = e * inv;
      const double larger = d > 0 ? a4 : a3;
      term[j] = larger + Log1pUnit(e);
      w4[j] = d > 0 ? inv : e_inv;
    }
    const double* w = g.weight.data() + block;
    double s_ll = 0, s_log3 = 0, s_log4 = 0, s_inv = 0, s_w4 = 0;
    if (grad) {
      for (std::size_t j = 0; j < m; ++j) {
        const double ww4 = w[j] * w4[j], ww3 = w[j] - ww4;
        s_ll += w[j] * term[j];
        s_log3 += ww3 * log3[j];
        s_log4 += ww4 * log4[j];
        s_inv += ww3 * inv_time[v[j]] + ww4 * inv_time[u[j]];
        s_w4 += ww4;
      }
    } else {
      for (std::size_t j = 0; j < m; ++j) s_ll += w[j] * term[j];
    }
    sums[0] += s_ll;
    sums[1] += s_log3;
    sums[2] += s_log4;
    sums[3] += s_inv;
    sums[4] += s_w4;
  }
  for (std::size_t i = begin; i < end; ++i) sums[5] += g.weight[i];
}

// The run with x = 0: ln L's last term is just A3 = -r ln(alpha+T).
void FirstPurchaseSegment(const HistoryGroups& g, const double* log_time, const double* inv_time, std::size_t begin,
                          std::size_t end, bool grad, double sums[6]) {
  double s_log3 = 0, s_inv = 0, s_w = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double w = g.weight[i];
    s_w += w;
    s_log3 += w * log_time[g.v_code[i]];
    if (grad) s_inv += w * inv_time[g.v_code[i]];
  }
  sums[1] += s_log3;
  sums[3] += s_inv;
  sums[5] += s_w;
}

}  // namespace

// FHL 2005 eq. 6, per customer:
//   ln L = [lnG(r+x) - lnG(r) + r ln alpha] + [lnB(a, b+x) - lnB(a, b)]
//          + ln( (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x) )
// Terms that depend on x only are computed once per run of equal x; ln(alpha + t) once per
// distinct time; the rest once per distinct history, in fixed chunks of groups whose
// partial sums are added in chunk order.
double BgNbdGroupedLogLik(const HistoryGroups& g, const BgNbdParams& m, double* grad, ThreadPool* pool,
                          Status* failure) {
  const double r = m.r, alpha = m.alpha, a = m.a, b = m.b;
  const double log_alpha = std::log(alpha), log_a = std::log(a);
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  const double psi_r = grad ? Digamma(r) : 0, psi_b = grad ? Digamma(b) : 0, psi_ab = grad ? Digamma(a + b) : 0;
  std::vector<double> log_time(g.times.size()), inv_time(g.times.size());
  for (std::size_t k = 0; k < g.times.size(); ++k) {
    log_time[k] = std::log(alpha + g.times[k]);
    inv_time[k] = 1 / (alpha + g.times[k]);
  }
  std::vector<RunTerms> runs(g.runs());
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const double x = g.x[g.run_begin[k]];
    RunTerms& t = runs[k];
    t.rx = r + x;
    t.constant = std::lgamma(t.rx) - lg_r + r * log_alpha + lg_ab + std::lgamma(b + x) - lg_b - std::lgamma(a + b + x);
    if (x > 0) {
      t.log_a_term = log_a - std::log(b + x - 1);
      t.inv_bx1 = 1 / (b + x - 1);
    }
    if (grad) {
      const double psi_abx = Digamma(a + b + x);
      t.d_r = Digamma(t.rx) - psi_r + log_alpha;
      t.d_a = psi_ab - psi_abx;
      t.d_b = psi_ab + Digamma(b + x) - psi_b - psi_abx;
    }
  }

  const std::size_t chunks = (g.size() + kChunk - 1) / kChunk;
  std::vector<Partial> partial(chunks);
  auto chunk = [&](std::size_t c) {
    const std::size_t cb = c * kChunk, ce = std::min(g.size(), cb + kChunk);
    std::size_t k = static_cast<std::size_t>(std::upper_bound(g.run_begin.begin(), g.run_begin.end(), cb) -
                                             g.run_begin.begin()) - 1;
    Partial p;
    for (; k < runs.size() && g.run_begin[k] < ce; ++k) {
      const RunTerms& t = runs[k];
      const std::size_t begin = std::max(cb, g.run_begin[k]), end = std::min(ce, g.run_begin[k + 1]);
      // sums: ll part, w3 ln(alpha+T), w4 ln(alpha+t_x), w3/(alpha+T) + w4/(alpha+t_x), w4, weight
      double sums[6] = {0, 0, 0, 0, 0, 0};
      const bool repeat = g.x[begin] > 0;
      if (repeat)
        RepeatSegment(g, t, log_time.data(), inv_time.data(), begin, end, grad != nullptr, sums);
      else
        FirstPurchaseSegment(g, log_time.data(), inv_time.data(), begin, end, grad != nullptr, sums);
      const double weight = sums[5];
      p.ll += weight * t.constant + (repeat ? sums[0] : -t.rx * sums[1]);
      if (grad) {
        p.dr += weight * t.d_r - sums[1] - sums[2];
        p.dalpha += weight * r / alpha - t.rx * sums[3];
        p.da += weight * t.d_a + sums[4] / a;
        p.db += weight * t.d_b - sums[4] * t.inv_bx1;
      }
    }
    partial[c] = p;
  };
  if (pool != nullptr && chunks > 1) {
    if (Status s = pool->ParallelFor(chunks, chunk); !s.ok()) {
      if (failure != nullptr) *failure = std::move(s);
      return std::numeric_limits<double>::quiet_NaN();
    }
  } else {
    for (std::size_t c = 0; c < chunks; ++c) chunk(c);
  }

  Partial total;
  for (const Partial& p : partial) {
    total.ll += p.ll;
    total.dr += p.dr;
    total.dalpha += p.dalpha;
    total.da += p.da;
    total.db += p.db;
  }
  if (grad) {
    grad[0] = total.dr;
    grad[1] = total.dalpha;
    grad[2] = total.da;
    grad[3] = total.db;
  }
  return total.ll;
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

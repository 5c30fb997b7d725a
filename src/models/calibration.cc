// Probability calibration: Platt scaling on the logit and isotonic regression by
// pool-adjacent-violators (PAV). Both are monotone, so they never change a ranking's ROC-AUC
// except by merging ties (isotonic plateaus).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "churnwatch/models.h"

namespace churnwatch {
namespace {

double Logit(double p) {
  p = std::clamp(p, 1e-7, 1 - 1e-7);
  return std::log(p / (1 - p));
}

}  // namespace

double Calibration::Apply(double p) const {
  if (std::isnan(p) || method == Method::kNone) return p;
  if (method == Method::kPlatt) return 1.0 / (1.0 + std::exp(-(a * Logit(p) + b)));
  if (x.empty()) return p;
  if (p <= x.front()) return y.front();
  if (p >= x.back()) return y.back();
  const auto it = std::upper_bound(x.begin(), x.end(), p);
  const std::size_t hi = static_cast<std::size_t>(it - x.begin());
  const std::size_t lo = hi - 1;
  const double t = (p - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

Calibration FitPlatt(std::span<const double> scores, std::span<const float> labels) {
  // Newton's method on the two-parameter log-likelihood, with Platt's target smoothing
  // ((n+ + 1)/(n+ + 2), 1/(n- + 2)) so that separable data cannot push a to infinity.
  Calibration c;
  c.method = Calibration::Method::kPlatt;
  const std::size_t n = scores.size();
  double n_pos = 0;
  for (float l : labels) n_pos += l > 0.5f ? 1 : 0;
  const double n_neg = static_cast<double>(n) - n_pos;
  const double t_pos = (n_pos + 1) / (n_pos + 2), t_neg = 1 / (n_neg + 2);
  std::vector<double> z(n), t(n);
  for (std::size_t i = 0; i < n; ++i) {
    z[i] = Logit(scores[i]);
    t[i] = labels[i] > 0.5f ? t_pos : t_neg;
  }
  double a = 1, b = 0;
  for (int iter = 0; iter < 100; ++iter) {
    double g_a = 0, g_b = 0, h_aa = 1e-9, h_ab = 0, h_bb = 1e-9;
    for (std::size_t i = 0; i < n; ++i) {
      const double p = 1 / (1 + std::exp(-(a * z[i] + b)));
      const double d = p - t[i], w = p * (1 - p);
      g_a += d * z[i];
      g_b += d;
      h_aa += w * z[i] * z[i];
      h_ab += w * z[i];
      h_bb += w;
    }
    const double det = h_aa * h_bb - h_ab * h_ab;
    if (std::abs(det) < 1e-18) break;
    const double da = (h_bb * g_a - h_ab * g_b) / det;
    const double db = (h_aa * g_b - h_ab * g_a) / det;
    a -= da;
    b -= db;
    if (std::abs(da) + std::abs(db) < 1e-10) break;
  }
  c.a = a;
  c.b = b;
  return c;
}

Calibration FitIsotonic(std::span<const double> scores, std::span<const float> labels) {
  Calibration c;
  c.method = Calibration::Method::kIsotonic;
  const std::size_t n = scores.size();
  if (n == 0) return c;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return scores[i] < scores[j]; });
  // Blocks of (sum score, sum label, count); equal scores start in one block so the fit is
  // a function of the score.
  struct Block {
    double sx, sy, w;
  };
  std::vector<Block> blocks;
  for (std::size_t k = 0; k < n;) {
    std::size_t e = k;
    Block b{0, 0, 0};
    while (e < n && scores[order[e]] == scores[order[k]]) {
      b.sx += scores[order[e]];
      b.sy += labels[order[e]];
      b.w += 1;
      ++e;
    }
    blocks.push_back(b);
    // Pool while the previous block's mean label is not below this one's.
    while (blocks.size() > 1) {
      Block& cur = blocks.back();
      Block& prev = blocks[blocks.size() - 2];
      if (prev.sy / prev.w < cur.sy / cur.w) break;
      prev.sx += cur.sx;
      prev.sy += cur.sy;
      prev.w += cur.w;
      blocks.pop_back();
    }
    k = e;
  }
  for (const Block& b : blocks) {
    c.x.push_back(b.sx / b.w);
    c.y.push_back(b.sy / b.w);
  }
  return c;
}

}  // namespace churnwatch

// The BG/NBD (and Gamma-Gamma) generative processes, for recovery tests and benchmarks.
#include "churnwatch/clv_simulate.h"

#include <cmath>
#include <random>

namespace churnwatch::clv {

std::vector<CustomerSummary> SimulateBgNbd(const SimulationOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::gamma_distribution<double> rate(o.params.r, 1 / o.params.alpha);
  std::gamma_distribution<double> beta_a(o.params.a, 1.0), beta_b(o.params.b, 1.0);
  std::gamma_distribution<double> nu_dist(o.spend.q, 1 / o.spend.gamma);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::exponential_distribution<double> unit_exp(1.0);
  const bool discrete = o.resolution > 0;

  std::vector<CustomerSummary> out(o.customers);
  for (CustomerSummary& c : out) {
    const double lambda = rate(rng);
    const double ga = beta_a(rng), gb = beta_b(rng);
    const double p = ga / (ga + gb);
    double T = o.T_min + (o.T_max - o.T_min) * uniform(rng);
    if (discrete) T = std::floor(T / o.resolution) * o.resolution;
    double t = 0;
    double last_tick = 0;  // tick of the first purchase
    double x = 0, t_x = 0;
    while (true) {
      t += unit_exp(rng) / lambda;
      if (t > T) break;
      if (discrete) {
        const double tick = std::floor(t / o.resolution);
        if (tick * o.resolution > T) break;
        if (tick != last_tick) {  // a purchase on an already-counted day adds nothing
          x += 1;
          t_x = tick * o.resolution;
          last_tick = tick;
        }
      } else {
        x += 1;
        t_x = t;
      }
      if (uniform(rng) < p) break;
    }
    c.x = x;
    c.t_x = t_x;
    c.T = T;
    if (o.with_spend && x >= 1) {
      const double nu = nu_dist(rng);
      // The mean of x Gamma(p, rate nu) spends is Gamma(p x, rate x nu).
      std::gamma_distribution<double> mean_spend(o.spend.p * x, 1 / (x * nu));
      c.mean_spend = mean_spend(rng);
    }
  }
  return out;
}

}  // namespace churnwatch::clv

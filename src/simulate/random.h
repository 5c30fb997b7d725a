#pragma once
// A small random generator with our own distributions. The standard library's distributions
// are implementation-defined (libstdc++ and libc++ give different numbers for one seed), and
// a world must be the same bytes for a seed everywhere, so every draw here is spelled out.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace churnwatch::simulate_internal {

inline std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// xoshiro256** seeded through SplitMix64 from (seed, stream): one stream per customer.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t s = seed * 0xD1B54A32D192ED03ULL ^ (stream + 0x632BE59BD9B4E019ULL);
    for (auto& w : s_) w = SplitMix64(s);
  }
  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  /// Uniform integer in [lo, hi].
  int Int(int lo, int hi) { return lo + static_cast<int>(Uniform() * (hi - lo + 1)); }
  bool Chance(double p) { return Uniform() < p; }
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }
  double Normal() {
    // Box-Muller; the second value is dropped so the stream stays simple to reason about.
    const double u = 1.0 - Uniform();
    const double v = Uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v);
  }
  /// Gamma(shape, 1) by Marsaglia and Tsang (shape ≥ 1; smaller shapes boosted).
  double Gamma(double shape) {
    if (shape < 1.0) return Gamma(shape + 1.0) * std::pow(Uniform() + 1e-300, 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = Normal();
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const double u = Uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }
  double Beta(double a, double b) {
    const double x = Gamma(a);
    return x / (x + Gamma(b));
  }
  /// Poisson count with mean `mean` (small means: Knuth's product method; the world's rates are small).
  int Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 30) return static_cast<int>(std::max(0.0, std::round(mean + std::sqrt(mean) * Normal())));
    const double limit = std::exp(-mean);
    double p = Uniform();
    int k = 0;
    while (p > limit) {
      p *= Uniform();
      ++k;
    }
    return k;
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace churnwatch::simulate_internal

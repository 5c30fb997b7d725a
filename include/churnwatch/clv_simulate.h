#pragma once
/// \file clv_simulate.h
/// Seeded synthetic populations drawn from the BG/NBD generative process (FHL 2005 §3) and,
/// optionally, the Gamma-Gamma spend process (Fader & Hardie 2013): for parameter-recovery
/// tests, benchmarks at any size and power checks before a campaign.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "churnwatch/clv.h"

namespace churnwatch::clv {

struct SimulationOptions {
  BgNbdParams params{0.25, 4.0, 0.8, 2.5};
  std::size_t customers = 1000;
  std::uint64_t seed = 1;
  /// Each customer's observation length T (time since the first purchase) is uniform in
  /// [T_min, T_max] — a cohort acquired over T_max - T_min time units.
  double T_min = 26;
  double T_max = 39;
  /// 0 keeps continuous purchase times (the model exactly). A positive value rounds times
  /// and T down to multiples of it and merges purchases in the same tick, like daily data
  /// (e.g. 1/7 with weeks as the unit), which is what makes histories repeat.
  double resolution = 0;
  /// When true, mean_spend is drawn from the Gamma-Gamma process with `spend` for x >= 1.
  bool with_spend = false;
  GammaGammaParams spend{6.0, 4.0, 15.0};
};

/// Deterministic for given options (std::mt19937_64 seeded with `seed`).
/// Process per customer: lambda ~ Gamma(r, rate alpha), p ~ Beta(a, b); first purchase at 0;
/// waiting times ~ Exp(lambda); after each repeat purchase the customer drops out with
/// probability p; purchases after T are not observed.
std::vector<CustomerSummary> SimulateBgNbd(const SimulationOptions& options);

}  // namespace churnwatch::clv

#pragma once
// Seeded synthetic feature tables for model tests: churn depends on recency and frequency
// through a known logistic relation, so a working model must rank well above chance.
#include <cmath>
#include <random>
#include <string>

#include "churnwatch/feature_table.h"
#include "churnwatch/models.h"

namespace churnwatch::testing {

inline FeatureTable MakeSyntheticFeatures(std::uint64_t seed, std::size_t rows, DayNumber cutoff,
                                          bool with_bgnbd = false) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::exponential_distribution<double> e(1.0 / 20);
  FeatureTable t;
  t.horizon_days = 90;
  t.names = {"recency_days", "frequency_90", "monetary_90", "ipi_mean", "discount_share", "complaints_90"};
  if (with_bgnbd) t.names.push_back("bgnbd_p_no_purchase_h");
  t.columns.assign(t.names.size(), {});
  for (std::size_t r = 0; r < rows; ++r) {
    const double recency = std::floor(u(rng) * 89);
    const double freq = std::floor(e(rng) / 4);
    const double monetary = freq * (20 + 80 * u(rng));
    const double ipi = u(rng) < 0.1 ? kNaN : 5 + e(rng);
    const double disc = u(rng);
    const double complaints = u(rng) < 0.1 ? 1 : 0;
    const double z = -1.0 + 0.04 * recency - 0.3 * freq + 1.2 * complaints + 0.8 * (disc - 0.5);
    const double p = 1 / (1 + std::exp(-z));
    const bool churned = u(rng) < p;
    t.customer_ids.push_back("C" + std::to_string(seed) + "-" + std::to_string(r));
    t.cutoffs.push_back(cutoff);
    t.labels.push_back(churned ? ChurnLabel::kChurned : ChurnLabel::kRetained);
    const double vals[] = {recency, freq, monetary, ipi, disc, complaints, std::clamp(p + 0.2 * (u(rng) - 0.5), 0.01, 0.99)};
    for (std::size_t f = 0; f < t.names.size(); ++f) t.columns[f].push_back(vals[f]);
  }
  return t;
}

/// A train cutoff (day 15000, seed `seed`) and a validation cutoff 90 days later (seed
/// `seed + 1`), owned together so that `data()` can point at them.
struct SyntheticSplit {
  FeatureTable train, valid;
  TrainingSet data() const {
    TrainingSet d;
    d.train = &train;
    d.valid = &valid;
    return d;
  }
};

inline SyntheticSplit MakeSyntheticSplit(std::uint64_t seed, std::size_t train_rows, std::size_t valid_rows,
                                         bool with_bgnbd = false) {
  return {MakeSyntheticFeatures(seed, train_rows, 15000, with_bgnbd),
          MakeSyntheticFeatures(seed + 1, valid_rows, 15090, with_bgnbd)};
}

}  // namespace churnwatch::testing

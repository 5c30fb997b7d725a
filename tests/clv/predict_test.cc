// Checks the per-customer quantities: conditional expected purchases against mpmath
// evaluations of FHL 2005 eq. 10 with mpmath's own hyp2f1 (80 digits; inputs beside each
// value), including a -> 1 where eq. 10 is 0/0; the unconditional expectation and
// P(any purchase) against Monte Carlo simulation of the generative process; P(alive)
// invariants; Gamma-Gamma spend and discounted CLV against hand computation.
#include <gtest/gtest.h>

#include <cmath>

#include "churnwatch/clv.h"
#include "churnwatch/clv_simulate.h"

namespace churnwatch::clv {
namespace {

TEST(ExpectedPurchases, MatchesMpmathEvaluationsOfEquation10) {
  // Hardie's customer 1 at the CLVTools parameters: 1.2259057045100357 (published 1.226).
  EXPECT_NEAR(ExpectedPurchases({0.2425945, 4.4136019, 0.7929199, 2.4258881}, {2, 30.43, 38.86, 0}, 39),
              1.2259057045100357, 1e-10);
  // Daily units, one-time buyer, a year ahead.
  EXPECT_NEAR(ExpectedPurchases({0.3, 10.0, 1.3, 3.0}, {0, 0, 5, 0}, 365), 2.0770162718644307, 1e-9);
  // z = 400/401.5, far beyond the data: the hypergeometric 1 - z branch.
  EXPECT_NEAR(ExpectedPurchases({0.3, 1.0, 0.6, 2.0}, {0, 0, 0.5, 0}, 400), 11.269161950667841, 1e-8);
  // A heavy buyer: x = 300.
  EXPECT_NEAR(ExpectedPurchases({0.3, 1.0, 0.6, 2.0}, {300, 100, 101, 0}, 52), 129.58143929115901, 1e-8);
  EXPECT_NEAR(ExpectedPurchases({0.5, 2.0, 1.3, 3.0}, {3, 20, 30, 0}, 365), 4.6958199873342874, 1e-9);
}

TEST(ExpectedPurchases, ContinuousThroughAEqualsOne) {
  // mpmath limit a -> 1 (a = 1 + 1e-30): 6.8524925958505127.
  const CustomerSummary c{3, 20, 30, 0};
  EXPECT_NEAR(ExpectedPurchases({0.5, 2.0, 1.0, 3.0}, c, 365), 6.8524925958505127, 1e-9);
  EXPECT_NEAR(ExpectedPurchases({0.5, 2.0, 1.0 + 1e-9, 3.0}, c, 365), 6.8524925958505127, 1e-6);
  EXPECT_NEAR(ExpectedPurchases({0.5, 2.0, 1.0 - 1e-9, 3.0}, c, 365), 6.8524925958505127, 1e-6);
}

TEST(ExpectedPurchases, ZeroHorizonAndMonotone) {
  const BgNbdParams m{0.24, 4.4, 0.79, 2.43};
  const CustomerSummary c{4, 20, 38, 0};
  EXPECT_EQ(ExpectedPurchases(m, c, 0), 0);
  double previous = 0;
  for (double t = 1; t <= 200; t += 7) {
    const double e = ExpectedPurchases(m, c, t);
    EXPECT_GT(e, previous);
    previous = e;
  }
}

TEST(ExpectedPurchases, UnconditionalMatchesSimulation) {
  // New customers observed for exactly t = 26 units: the mean repeat count estimates
  // E[X(26)] (eq. 7) and the share with x > 0 estimates 1 - (alpha/(alpha+t))^r.
  SimulationOptions o;
  o.params = {0.8, 5.0, 0.9, 3.0};
  o.customers = 200000;
  o.T_min = o.T_max = 26;
  o.seed = 7;
  const auto sim = SimulateBgNbd(o);
  double sum = 0, sum_sq = 0, any = 0;
  for (const auto& c : sim) {
    sum += c.x;
    sum_sq += c.x * c.x;
    any += c.x > 0;
  }
  const double n = static_cast<double>(sim.size());
  const double mean = sum / n;
  const double se = std::sqrt((sum_sq / n - mean * mean) / n);
  EXPECT_NEAR(mean, UnconditionalExpectedPurchases(o.params, 26), 4 * se);
  const double p_any = ProbabilityAnyPurchase(o.params, CustomerSummary{}, 26);
  EXPECT_NEAR(p_any, 1 - std::pow(5.0 / 31.0, 0.8), 1e-12);
  EXPECT_NEAR(any / n, p_any, 4 * std::sqrt(p_any * (1 - p_any) / n));
}

TEST(ProbabilityAlive, ModelValueAndReportedValue) {
  const BgNbdParams m{0.2426, 4.4136, 0.7930, 2.4259};
  // x = 0: the model says 1 by construction; we report the MBG-style posterior instead.
  EXPECT_EQ(ProbabilityAlive(m, {0, 0, 38, 0}), 1.0);
  const double reported = ReportedProbabilityAlive(m, {0, 0, 38, 0});
  EXPECT_NEAR(reported, 1 / (1 + 0.7930 / 2.4259 * std::pow(42.4136 / 4.4136, 0.2426)), 1e-12);
  EXPECT_LT(ReportedProbabilityAlive(m, {0, 0, 50, 0}), reported);  // decays with silence
  // x > 0: FHL eq. 11 by hand, and the reported value is the model value.
  const CustomerSummary c{2, 30.43, 38.86, 0};
  const double by_hand = 1 / (1 + 0.7930 / (2.4259 + 1) * std::pow((4.4136 + 38.86) / (4.4136 + 30.43), 2.2426));
  EXPECT_NEAR(ProbabilityAlive(m, c), by_hand, 1e-12);
  EXPECT_EQ(ReportedProbabilityAlive(m, c), ProbabilityAlive(m, c));
  // Recent buyers are more likely alive; extreme histories stay in [0, 1] without NaN.
  EXPECT_GT(ProbabilityAlive(m, {2, 38, 38.86, 0}), ProbabilityAlive(m, c));
  const double extreme = ProbabilityAlive(m, {5000, 1, 1e6, 0});
  EXPECT_GE(extreme, 0.0);
  EXPECT_FALSE(std::isnan(extreme));
}

TEST(ProbabilityAnyPurchase, AliveTimesPoissonGammaFormula) {
  const BgNbdParams m{0.2426, 4.4136, 0.7930, 2.4259};
  const CustomerSummary c{2, 30.43, 38.86, 0};
  const double expected = ProbabilityAlive(m, c) * (1 - std::pow((4.4136 + 38.86) / (4.4136 + 38.86 + 13), 2.2426));
  EXPECT_NEAR(ProbabilityAnyPurchase(m, c, 13), expected, 1e-12);
  EXPECT_LT(ProbabilityAnyPurchase(m, c, 13), ProbabilityAnyPurchase(m, c, 26));
}

TEST(ExpectedSpend, WeightedMeanOfPopulationAndCustomer) {
  const GammaGammaParams m{6.25, 3.74, 15.44};
  const double population = 6.25 * 15.44 / 2.74;
  EXPECT_NEAR(ExpectedSpend(m, {0, 0, 10, 0}), population, 1e-12);
  // weights (q-1)/(px+q-1) and px/(px+q-1), x = 4, zbar = 50
  const double w = 2.74 / (6.25 * 4 + 2.74);
  EXPECT_NEAR(ExpectedSpend(m, {4, 10, 20, 50}), w * population + (1 - w) * 50, 1e-12);
  EXPECT_TRUE(std::isnan(ExpectedSpend({6, 0.9, 15}, {4, 10, 20, 50})));  // q <= 1: no finite mean
}

TEST(ExpectedNetSpend, ScalesOnlyWhatTheModelCannotInformByTheNetShare) {
  const GammaGammaParams m{6, 4, 15};
  const double population = 6.0 * 15 / 3;
  // A repeat buyer's mean is already net: the Gamma-Gamma mean is used as it is.
  EXPECT_DOUBLE_EQ(ExpectedNetSpend(m, {4, 10, 20, 50}, 0.5), ExpectedSpend(m, {4, 10, 20, 50}));
  // A one-time buyer gets the population mean, scaled by what they kept of their purchase.
  EXPECT_DOUBLE_EQ(ExpectedNetSpend(m, {0, 0, 10, 0}, 1.0), population);
  EXPECT_DOUBLE_EQ(ExpectedNetSpend(m, {0, 0, 10, 0}, 0.25), 0.25 * population);
  // A repeat buyer who returned everything (net mean 0) is expected to spend nothing.
  EXPECT_EQ(ExpectedNetSpend(m, {3, 10, 20, 0}, 0.0), 0.0);
}

TEST(CustomerLifetimeValue, DiscountedSumOfMonthlyPurchases) {
  const BgNbdParams m{0.2426, 4.4136, 0.7930, 2.4259};
  const CustomerSummary c{2, 30.43, 38.86, 22.35};
  const double month = 365.25 / 12 / 7;  // weeks
  // No discount: CLV = E[X(12 months)] * spend * margin.
  EXPECT_NEAR(CustomerLifetimeValue(m, c, 24.66, 0.3, 0.0, 12, month), ExpectedPurchases(m, c, 12 * month) * 24.66 * 0.3,
              1e-9);
  // With discount, by hand over the twelve monthly increments.
  double by_hand = 0;
  for (int k = 1; k <= 12; ++k)
    by_hand += (ExpectedPurchases(m, c, k * month) - ExpectedPurchases(m, c, (k - 1) * month)) / std::pow(1.01, k);
  EXPECT_NEAR(CustomerLifetimeValue(m, c, 24.66, 0.3, 0.01, 12, month), by_hand * 24.66 * 0.3, 1e-9);
}

}  // namespace
}  // namespace churnwatch::clv

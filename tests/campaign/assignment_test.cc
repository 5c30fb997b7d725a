// Checks the control-group assignment (campaign.h): it depends only on the campaign id and
// the set of targets (not their order), differs between campaigns, holds back the
// configured share within every zone × value-tier stratum, and is balanced on an attribute
// it was not stratified on (chi-square test against an attribute that follows customer-id
// order, so an assignment that picked ids in order would fail it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "churnwatch/campaign.h"

namespace churnwatch {
namespace {

std::vector<CampaignTarget> Targets(int n) {
  const char* zones[] = {"red", "yellow", "blue"};
  const char* tiers[] = {"high", "mid", "low"};
  std::vector<CampaignTarget> t;
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "C%06d", i);
    // Uneven strata: red/high is small, blue/low large.
    const int z = (i % 7 == 0) ? 0 : (i % 3 == 0 ? 1 : 2);
    const int v = (i % 5 == 0) ? 0 : (i % 2 == 0 ? 1 : 2);
    t.push_back({id, "coupon", "sms", "price", zones[z], tiers[v], 5});
  }
  return t;
}

std::set<std::string> Controls(const std::vector<Assignment>& a) {
  std::set<std::string> c;
  for (const auto& x : a)
    if (x.control) c.insert(x.target.customer_id);
  return c;
}

TEST(CampaignAssignment, SameCampaignSameTargetsSameAssignmentInAnyOrder) {
  auto targets = Targets(5000);
  const auto first = AssignControlGroup("spring", targets, 0.1);
  std::mt19937 rng(7);
  std::shuffle(targets.begin(), targets.end(), rng);
  const auto second = AssignControlGroup("spring", targets, 0.1);
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].target.customer_id, second[i].target.customer_id);
    EXPECT_EQ(first[i].control, second[i].control) << first[i].target.customer_id;
  }
  // Another campaign draws another control group: overlap near share² of the customers
  // (0.01 × 5000 = 50), far from the 500 of an identical draw.
  const auto other = Controls(AssignControlGroup("summer", targets, 0.1));
  const auto mine = Controls(first);
  std::size_t overlap = 0;
  for (const auto& id : mine) overlap += other.count(id);
  EXPECT_LT(overlap, 100u);
  EXPECT_GT(overlap, 15u);
}

TEST(CampaignAssignment, EveryStratumHoldsBackItsShare) {
  const auto targets = Targets(5000);
  for (double share : {0.1, 0.25}) {
    std::map<std::string, std::pair<int, int>> strata;  // n, control
    for (const auto& a : AssignControlGroup("spring", targets, share)) {
      auto& s = strata[a.target.zone + "|" + a.target.value_tier];
      s.first += 1;
      s.second += a.control;
    }
    EXPECT_EQ(strata.size(), 9u);
    for (const auto& [k, s] : strata) EXPECT_LE(std::fabs(s.second - share * s.first), 1.0) << k << " share " << share;
  }
}

TEST(CampaignAssignment, BalancedOnAnAttributeItWasNotStratifiedOn) {
  auto targets = Targets(6000);
  // The attribute follows id order: first third "a", then "b", then "c".
  std::map<std::string, int> block;
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i].channel = std::string(1, static_cast<char>('a' + 3 * i / targets.size()));
  double table[2][3] = {};
  for (const auto& a : AssignControlGroup("balance", targets, 0.1)) table[a.control][a.target.channel[0] - 'a'] += 1;
  // Pearson chi-square of independence, 2 × 3 table, df = 2. Critical value at p = 0.001
  // is 13.816 (any chi-square table, e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
  double rows[2] = {}, cols[3] = {}, total = 0;
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) {
      rows[r] += table[r][c];
      cols[c] += table[r][c];
      total += table[r][c];
    }
  double chi2 = 0;
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) {
      const double expected = rows[r] * cols[c] / total;
      chi2 += (table[r][c] - expected) * (table[r][c] - expected) / expected;
    }
  EXPECT_LT(chi2, 13.816) << "control counts by block: " << table[1][0] << " " << table[1][1] << " " << table[1][2];

  // The same test fails for a control group that takes the first 10 % of ids: the
  // statistic can tell an unbalanced assignment apart.
  double bad[2][3] = {};
  for (std::size_t i = 0; i < targets.size(); ++i) bad[i < targets.size() / 10][targets[i].channel[0] - 'a'] += 1;
  double bad_chi2 = 0;
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) {
      const double expected = (bad[r][0] + bad[r][1] + bad[r][2]) * 2000.0 / total;
      bad_chi2 += (bad[r][c] - expected) * (bad[r][c] - expected) / expected;
    }
  EXPECT_GT(bad_chi2, 13.816);
}

TEST(CampaignAssignment, TinyStrataStillGiveTheShareOverall) {
  // 2,000 strata of one customer each: rounding per stratum must not drop the control
  // group to zero. Goodness of fit to 10 %, df = 1, critical value 10.828 at p = 0.001.
  std::vector<CampaignTarget> targets;
  for (int i = 0; i < 2000; ++i) targets.push_back({"K" + std::to_string(i), "call", "", "", "z" + std::to_string(i), "", 0});
  double control = 0;
  for (const auto& a : AssignControlGroup("tiny", targets, 0.1)) control += a.control;
  const double expected = 200, n = 2000;
  const double chi2 = (control - expected) * (control - expected) / expected +
                      (control - expected) * (control - expected) / (n - expected);
  EXPECT_LT(chi2, 10.828) << control << " controls";
}

TEST(CampaignAssignment, HashIsStableAcrossReleases) {
  // The assignment is evidence of what was randomised, so its hash must never change:
  // SHA-256("spring\0C000001") starts with these 8 bytes (sha256sum of the same bytes:
  // printf 'spring\0C000001' | sha256sum).
  EXPECT_EQ(CampaignHash("spring", "C000001"), 0x25749c0ee30d6793ull);
  EXPECT_NE(CampaignHash("spring", "C000001"), CampaignHash("sprin", "gC000001"));
}

}  // namespace
}  // namespace churnwatch

// Checks the tracks at their boundaries (onboarding and win-back eligibility) and the
// effect table: specificity, config rows winning over priors, and measured uplift shrunk
// toward the prior by its effective sample size.
#include <gtest/gtest.h>

#include <vector>

#include "churnwatch/effects.h"
#include "churnwatch/tracks.h"

namespace churnwatch {
namespace {

TEST(Tracks, WinBackWindowBoundaries) {
  const TrackConfig c;  // winback_days 0 → 2·H
  EXPECT_EQ(WinBackWindowDays(c, 90), 180);
  EXPECT_EQ(AssignTrack(c, 90, 90, 400, 5), Track::kRetain);     // recency = H: still active
  EXPECT_EQ(AssignTrack(c, 90, 91, 400, 5), Track::kWinBack);    // just past H
  EXPECT_EQ(AssignTrack(c, 90, 180, 400, 5), Track::kWinBack);   // = 2·H: inside
  EXPECT_EQ(AssignTrack(c, 90, 181, 400, 5), Track::kNone);      // beyond the window
  EXPECT_EQ(AssignTrack(c, 90, kNaN, 400, 5), Track::kNone);
  TrackConfig w;
  w.winback_days = 120;
  EXPECT_EQ(AssignTrack(w, 90, 120, 400, 5), Track::kWinBack);
  EXPECT_EQ(AssignTrack(w, 90, 121, 400, 5), Track::kNone);
  // A lapsed one-time buyer is to win back, not to onboard: recency decides first.
  EXPECT_EQ(AssignTrack(c, 90, 100, 100, 1), Track::kWinBack);
}

TEST(Tracks, NewCustomerBoundaries) {
  const TrackConfig c;  // new_customer_days 30
  EXPECT_EQ(AssignTrack(c, 90, 5, 29, 3), Track::kOnboard);    // started 29 days ago
  EXPECT_EQ(AssignTrack(c, 90, 5, 30, 3), Track::kRetain);     // 30 days: established if > 1 day
  EXPECT_EQ(AssignTrack(c, 90, 40, 40, 1), Track::kOnboard);   // one purchase day
  EXPECT_EQ(AssignTrack(c, 90, 40, 200, 2), Track::kRetain);   // two days: a pattern begins
  EXPECT_EQ(AssignTrack(c, 90, 40, 364, 1), Track::kOnboard);  // one day, first within the year
  EXPECT_EQ(AssignTrack(c, 90, 40, 365, 1), Track::kRetain);   // bought before the year too
  EXPECT_EQ(AssignTrack(c, 90, 40, kNaN, kNaN), Track::kRetain);
  TrackConfig none;
  none.new_customer_days = 0;
  EXPECT_EQ(AssignTrack(none, 90, 5, 0, 3), Track::kRetain);
}

TEST(Effects, MostSpecificRowWinsThenLaterRow) {
  Playbook p = Playbook::Defaults();
  EffectTable t = EffectTable::FromPlaybook(p);
  EXPECT_DOUBLE_EQ(t.Effect("coupon", "price", "mid", "mature"), 0.10);  // the playbook uplift
  EXPECT_DOUBLE_EQ(t.Effect("no_such_action", "price", "mid", "mature"), 0);
  t.Add({"coupon", "*", "*", "*", 0.05});
  t.Add({"coupon", "price", "*", "*", 0.20});
  t.Add({"coupon", "price", "high", "*", 0.25});
  EXPECT_DOUBLE_EQ(t.Effect("coupon", "experience", "mid", "mature"), 0.05);
  EXPECT_DOUBLE_EQ(t.Effect("coupon", "price", "mid", "mature"), 0.20);
  EXPECT_DOUBLE_EQ(t.Effect("coupon", "price", "high", "mature"), 0.25);
  t.Add({"coupon", "price", "*", "*", 0.30});  // same specificity, later: wins
  EXPECT_DOUBLE_EQ(t.Effect("coupon", "price", "mid", "mature"), 0.30);
  EXPECT_TRUE(t.Validate().ok());
  t.Add({"coupon", "pricey", "*", "*", 0.1});
  EXPECT_EQ(t.Validate().message(),
            "effect row 5: unknown cause 'pricey' (use price, experience, competition, need_shift, disengagement, "
            "value_decline, none or *)");
}

TEST(Effects, MeasuredUpliftIsShrunkTowardThePriorBySampleSize) {
  EffectTable t = EffectTable::FromPlaybook(Playbook::Defaults());
  t.Add({"coupon", "price", "*", "*", 0.20});
  // n_eff = 300 × 300 / 600 = 150; k = 50: (150 × 0.05 + 50 × 0.20) / 200 = 0.0875.
  std::vector<MeasuredEffect> m = {{"coupon", "price", "*", 0.05, 0.01, 0.09, 300, 300}};
  ASSERT_TRUE(t.Overlay(m, 50).ok());
  EXPECT_NEAR(t.Effect("coupon", "price", "low", "mature"), 0.0875, 1e-12);
  // A huge measured sample all but replaces the prior.
  EffectTable big = EffectTable::FromPlaybook(Playbook::Defaults());
  big.Add({"coupon", "price", "*", "*", 0.20});
  std::vector<MeasuredEffect> m2 = {{"coupon", "price", "*", 0.05, 0.049, 0.051, 2000000, 2000000}};
  ASSERT_TRUE(big.Overlay(m2, 50).ok());
  EXPECT_NEAR(big.Effect("coupon", "price", "low", "mature"), 0.05, 1e-4);
  // A cell without controls changes nothing; an unknown action is refused.
  std::vector<MeasuredEffect> m3 = {{"coupon", "price", "*", 0.9, 0, 1, 100, 0}};
  ASSERT_TRUE(big.Overlay(m3, 50).ok());
  EXPECT_NEAR(big.Effect("coupon", "price", "low", "mature"), 0.05, 1e-4);
  std::vector<MeasuredEffect> bad = {{"free_car", "*", "*", 0.1, 0, 0.2, 10, 10}};
  EXPECT_EQ(t.Overlay(bad).message(), "measured effect 1 (free_car): action 'free_car' is not in the playbook");
}

}  // namespace
}  // namespace churnwatch

// Checks playbook selection for every reason category with the SPEC.md §9 defaults, the
// value-tier / zone / lifecycle overrides, first-match order, and validation errors.
#include <gtest/gtest.h>

#include <string>

#include "churnwatch/playbook.h"

namespace churnwatch {
namespace {

std::string Pick(const Playbook& p, const char* reason, const char* tier, const char* zone, const char* stage = "mature") {
  const ActionDef* a = p.Select({reason, tier, zone, stage});
  return a == nullptr ? "(none)" : a->key;
}

TEST(Playbook, EachReasonGetsItsDefaultAction) {
  const Playbook p = Playbook::Defaults();
  ASSERT_TRUE(p.Validate().ok()) << p.Validate().ToString();
  EXPECT_EQ(Pick(p, "price", "mid", "yellow"), "coupon");
  EXPECT_EQ(Pick(p, "experience", "mid", "yellow"), "service_recovery");
  EXPECT_EQ(Pick(p, "competition", "mid", "yellow"), "member_perk");
  EXPECT_EQ(Pick(p, "need_shift", "mid", "yellow"), "alternative_products");
  EXPECT_EQ(Pick(p, "value_decline", "mid", "yellow"), "gift");
  EXPECT_EQ(Pick(p, "disengagement", "mid", "yellow"), "app_push");
  EXPECT_EQ(Pick(p, "disengagement", "high", "yellow"), "gift");
}

TEST(Playbook, ValueTierZoneAndLifecycleOverrides) {
  const Playbook p = Playbook::Defaults();
  // High value in the red zone gets a person, whatever the reason.
  for (const char* r : {"price", "experience", "competition", "need_shift", "disengagement", "value_decline"})
    EXPECT_EQ(Pick(p, r, "high", "red"), "vip_manager_call") << r;
  // Low value gets the low-cost push, except a complaint which always gets a reply.
  EXPECT_EQ(Pick(p, "price", "low", "red"), "app_push");
  EXPECT_EQ(Pick(p, "experience", "low", "yellow"), "service_recovery");
  // Lapsed (blue) customers get a win-back coupon.
  EXPECT_EQ(Pick(p, "need_shift", "mid", "blue"), "coupon");
  // A new customer with no particular reason gets a member perk.
  EXPECT_EQ(Pick(p, "", "mid", "none", "new"), "member_perk");
  EXPECT_EQ(Pick(p, "", "mid", "none", "mature"), "app_push");
}

TEST(Playbook, FirstMatchWinsInConfigOrder) {
  Playbook p = Playbook::Defaults();
  p.entries = {{"price", "", "", "", "gift"}, {"price", "high", "", "", "vip_manager_call"}};
  EXPECT_EQ(Pick(p, "price", "high", "red"), "gift");  // the general entry comes first
  EXPECT_EQ(Pick(p, "experience", "high", "red"), "(none)");
  p.entries = {{"*", "any", "*", "", "coupon"}};
  EXPECT_EQ(Pick(p, "experience", "low", "blue"), "coupon");
}

TEST(Playbook, ActionsCarryCostChannelAndUplift) {
  const Playbook p = Playbook::Defaults();
  for (const char* key : kActionKeys) {
    const ActionDef* a = p.FindAction(key);
    ASSERT_NE(a, nullptr) << key;
    EXPECT_FALSE(a->channel.empty());
    EXPECT_GE(a->cost, 0);
    EXPECT_GT(a->uplift, 0);
    EXPECT_LE(a->uplift, 1);
  }
  // SPEC.md §9: a manager's call costs more than a push message.
  EXPECT_GT(p.FindAction("vip_manager_call")->cost, p.FindAction("app_push")->cost);
}

TEST(Playbook, ValidationNamesTheEntryAndField) {
  Playbook p = Playbook::Defaults();
  p.entries.push_back({"pricey", "", "", "", "coupon"});
  EXPECT_EQ(p.Validate().message(), "playbook entry 16: unknown reason 'pricey' (use price, experience, competition, "
                                    "need_shift, disengagement, value_decline)");
  p.entries.back() = {"", "platinum", "", "", "coupon"};
  EXPECT_EQ(p.Validate().message(), "playbook entry 16: unknown value_tier 'platinum' (use high, mid, low)");
  p.entries.back() = {"", "", "green", "", "coupon"};
  EXPECT_EQ(p.Validate().message(), "playbook entry 16: unknown zone 'green' (use red, yellow, blue, none)");
  p.entries.back() = {"", "", "", "", "free_car"};
  EXPECT_EQ(p.Validate().message(), "playbook entry 16: action 'free_car' is not defined under [actions]");
  p.entries.pop_back();
  p.actions[0].uplift = 1.5;
  EXPECT_EQ(p.Validate().message(), "playbook action 'coupon': uplift must be in [0, 1], got 1.500000");
}

TEST(Playbook, ReasonKeysRoundTrip) {
  for (int i = 0; i < kReasonCategoryCount; ++i) {
    const auto c = static_cast<ReasonCategory>(i);
    EXPECT_EQ(ParsePlaybookReasonKey(PlaybookReasonKey(c)), c);
  }
  EXPECT_EQ(PlaybookReasonKey(ReasonCategory::kNeedShift), "need_shift");
  EXPECT_EQ(PlaybookReasonZh(ReasonCategory::kPrice), "价格敏感");
  EXPECT_FALSE(ParsePlaybookReasonKey("other").has_value());
}

}  // namespace
}  // namespace churnwatch

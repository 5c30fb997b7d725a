// Checks reading the policy section of a run config: defaults when keys are absent, every
// key overriding its default, and error messages that name the file, line and key.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "churnwatch/policy_config.h"
#include "churnwatch/rules.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

TEST(PolicyConfig, EmptyDocumentGivesTheDefaults) {
  auto c = ParsePolicyConfig("", "empty.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->zones.red_min_p, 0.7);
  EXPECT_DOUBLE_EQ(c->zones.yellow_min_p, 0.4);
  EXPECT_EQ(c->zones.red_sla_hours, 24);
  EXPECT_EQ(c->zones.yellow_sla_hours, 72);
  EXPECT_EQ(c->zones.blue_sla_hours, 168);
  EXPECT_DOUBLE_EQ(c->budget.tier_shares[0], 0.6);
  EXPECT_DOUBLE_EQ(c->budget.tier_shares[1], 0.3);
  EXPECT_DOUBLE_EQ(c->budget.tier_shares[2], 0.1);
  EXPECT_EQ(c->rules.size(), 5u);  // the SPEC.md §9 seeds
  for (const auto& r : c->rules) EXPECT_TRUE(Rule::Parse(r.name, r.when).ok()) << r.name;
}

TEST(PolicyConfig, KeysOverrideDefaults) {
  const char* text = R"(
[zones]
red_min_p = 0.8
yellow_min_p = 0.3
yellow_split_p = 0.5
blue_min_recency_days = 45
[sla]
red_hours = 4
[budget]
total = 2500
shares = [0.5, 0.4, 0.1]
[actions.coupon]
cost = 2.5
uplift = 0.2
[actions.sms_survey]
channel = "sms"
cost = 0.1
uplift = 0.01
[[rules]]
name = "big_spender_gone_quiet"
when = "monetary_365 > 1000 and recency_days > 45"
reason = "disengagement"
zone = "red"
[[playbook]]
reason = "price"
action = "sms_survey"
[[playbook]]
action = "coupon"
)";
  auto c = ParsePolicyConfig(text, "p.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->zones.red_min_p, 0.8);
  EXPECT_DOUBLE_EQ(c->zones.blue_min_recency_days, 45);
  EXPECT_EQ(c->zones.red_sla_hours, 4);
  EXPECT_EQ(c->zones.yellow_sla_hours, 72);
  EXPECT_DOUBLE_EQ(c->budget.total, 2500);
  EXPECT_DOUBLE_EQ(c->budget.tier_shares[1], 0.4);
  EXPECT_DOUBLE_EQ(c->playbook.FindAction("coupon")->cost, 2.5);
  EXPECT_EQ(c->playbook.FindAction("coupon")->channel, "sms");  // kept from the default
  ASSERT_NE(c->playbook.FindAction("sms_survey"), nullptr);
  ASSERT_EQ(c->rules.size(), 1u);
  EXPECT_EQ(c->rules[0].zone, "red");
  ASSERT_EQ(c->playbook.entries.size(), 2u);
  EXPECT_EQ(c->playbook.Select({"price", "low", "red", ""})->key, "sms_survey");
  EXPECT_EQ(c->playbook.Select({"experience", "low", "red", ""})->key, "coupon");
}

std::string Error(const std::string& text) {
  auto c = ParsePolicyConfig(text, "run.toml");
  if (c.ok()) return "(ok)";
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  return c.status().message();
}

TEST(PolicyConfig, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(Error("[zones]\nred_min_p = \"high\"\n"),
            "run.toml:2: [zones] red_min_p must be a number in [0, 1], got \"high\"");
  EXPECT_EQ(Error("[zones]\nred_min_p = 0.3\n"), "run.toml:1: [zones] needs yellow_min_p ≤ yellow_split_p ≤ red_min_p");
  EXPECT_EQ(Error("[sla]\n\nred_hours = -1\n"), "run.toml:3: [sla] red_hours must be a number in [0, 8760], got -1");
  EXPECT_EQ(Error("[budget]\nshares = [0.6, 0.3]\n"), "run.toml:2: [budget] shares must be three numbers (high, mid, low)");
  EXPECT_EQ(Error("[budget]\nshares = [0.6, 0.3, 0.3]\n"), "run.toml:2: [budget] shares add up to 1.200000, more than 1");
  EXPECT_EQ(Error("[[rules]]\nname = \"r\"\nwhen = \"recency_days >\"\n"),
            "run.toml:1: rule 'r', column 15: expected a number, a string, a feature name or '(', found the end of the rule");
  EXPECT_EQ(Error("[[rules]]\nwhen = \"a > 1\"\n"), "run.toml:1: [[rules]] entry needs a name");
  EXPECT_EQ(Error("[[rules]]\nname = \"r\"\n"), "run.toml:1: rule 'r' needs a 'when' expression");
  EXPECT_EQ(Error("[[rules]]\nname = \"r\"\nwhen = \"a > 1\"\nreason = \"boredom\"\n"),
            "run.toml:1: rule 'r': unknown reason 'boredom'");
  EXPECT_EQ(Error("[[rules]]\nname = \"r\"\nwhen = \"a > 1\"\nzone = \"green\"\n"),
            "run.toml:1: rule 'r': zone must be red, yellow or blue, got 'green'");
  EXPECT_EQ(Error("[[rules]]\nname = \"r\"\nwhen = \"a > 1\"\n[[rules]]\nname = \"r\"\nwhen = \"a > 2\"\n"),
            "run.toml:4: rule 'r' is defined twice");
  EXPECT_EQ(Error("[[playbook]]\naction = \"teleport\"\n"),
            "run.toml: playbook entry 1: action 'teleport' is not defined under [actions]");
  EXPECT_EQ(Error("[actions.coupon]\nuplift = 2\n"), "run.toml:2: [actions.coupon] uplift must be a number in [0, 1], got 2");
  EXPECT_EQ(Error("[zones\n"), "run.toml:1:7: Error while parsing table header: expected ']', saw '\\n'");
}

TEST(PolicyConfig, ShippedExamplePolicyParses) {
  // The shipped file spells out every default: it must parse to exactly the built-in config.
  const auto path = testing::SourceFile("examples/policy.toml");
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  auto c = ParsePolicyConfig(testing::ReadFile(path), path.string());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const PolicyConfig d = DefaultPolicyConfig();
  ASSERT_EQ(c->rules.size(), d.rules.size());
  for (std::size_t i = 0; i < d.rules.size(); ++i) {
    EXPECT_EQ(c->rules[i].name, d.rules[i].name);
    EXPECT_EQ(c->rules[i].when, d.rules[i].when);
    EXPECT_EQ(c->rules[i].reason, d.rules[i].reason);
    EXPECT_EQ(c->rules[i].zone, d.rules[i].zone);
  }
  ASSERT_EQ(c->playbook.entries.size(), d.playbook.entries.size());
  for (std::size_t i = 0; i < d.playbook.entries.size(); ++i) EXPECT_EQ(c->playbook.entries[i].action, d.playbook.entries[i].action);
  for (const auto& a : d.playbook.actions) {
    EXPECT_DOUBLE_EQ(c->playbook.FindAction(a.key)->cost, a.cost) << a.key;
    EXPECT_DOUBLE_EQ(c->playbook.FindAction(a.key)->uplift, a.uplift) << a.key;
  }
}

}  // namespace
}  // namespace churnwatch

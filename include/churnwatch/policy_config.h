#pragma once
/// \file policy_config.h
/// The policy section of a run config (TOML): zone thresholds and SLAs, alert rules, the
/// playbook and the budget. Every key is optional; absent keys keep the SPEC.md §9
/// defaults documented in docs/policy.md and shipped in examples/policy.toml.
///
///     [zones]    red_min_p = 0.7   yellow_min_p = 0.4   yellow_split_p = 0.55
///                blue_min_recency_days = 60
///     [sla]      red_hours = 24    yellow_hours = 72    blue_hours = 168
///     [budget]   total = 10000     shares = [0.6, 0.3, 0.1]   min_net_benefit = 0
///     [[rules]]  name = "..."  when = "<expression>"  reason = "experience"
///                zone = "yellow"  message_en = "..."  message_zh = "..."
///     [actions.coupon]  channel = "sms"  cost = 5  uplift = 0.10  label_en/label_zh
///     [[playbook]]  reason = "price"  value_tier = "*"  zone = "*"  lifecycle = "*"  action = "coupon"
///     [recommend]  products = 3   stopped_after_days = 90
///     [tracks]   new_customer_days = 30   winback_days = 0 (= 2·H)   new_value_prior_orders = 1
///     [[effects]]  action = "coupon"  cause = "price"  value_tier = "*"  stage = "*"  effect = 0.2
///     [budget]   split = "total" | "tiers"
///
/// Giving `[[rules]]` replaces the shipped rules; `[[playbook]]` replaces the default
/// entries; `[actions.X]` overrides or adds one action.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/effects.h"
#include "churnwatch/playbook.h"
#include "churnwatch/policy.h"
#include "churnwatch/status.h"
#include "churnwatch/tracks.h"

namespace churnwatch {

/// One configured alert rule (its expression is parsed by Rule::Parse).
struct RuleSpec {
  std::string name;
  std::string when;           ///< the expression (include/churnwatch/rules.h)
  std::string reason;         ///< reason key the rule points at (drives the playbook), or empty
  std::string zone = "yellow";///< urgency of the alert it raises: red | yellow | blue (its SLA)
  std::string message_en;
  std::string message_zh;
};

struct RecommendConfig {
  int products = 3;               ///< alternative products named per customer
  int stopped_after_days = 90;    ///< a category unbought for this long before T is "stopped"
  int neighbours = 50;            ///< similar customers consulted
};

struct PolicyConfig {
  ZoneConfig zones;
  BudgetConfig budget;
  std::vector<RuleSpec> rules;
  Playbook playbook;
  RecommendConfig recommend;
  TrackConfig tracks;
  /// A new customer's spend per order is shrunk toward that of the other new customers
  /// as if the peers' mean were worth this many more orders of the customer's own.
  double new_value_prior_orders = 1;
  /// Effect rows added after the shipped priors (DefaultEffectRows), so they win over them.
  std::vector<EffectRow> effects;
};

/// The SPEC.md §9 seed rules, over the feature names of docs/features.md.
std::vector<RuleSpec> DefaultRules();
/// Defaults everywhere: DefaultRules(), Playbook::Defaults(), 60/30/10 budget.
PolicyConfig DefaultPolicyConfig();

/// Reads the policy keys of a TOML document. Every key is checked: a top-level table other
/// than the policy's own (zones, sla, budget, recommend, rules, actions, playbook) and
/// `other_tables` (those the caller reads itself, e.g. a run config's [run] [ingest]
/// [model] [report]), or an unknown key inside one, is an error with a suggestion. Errors
/// are kInvalidArgument naming `source` and the line of the offending key, e.g.
/// The tables a run config (app/run.h) holds besides the policy tables: a reader that takes
/// "a policy file or a run config" (`grade --policy`) passes them as `other_tables`, and the
/// run config's own reader checks their keys.
inline constexpr std::string_view kRunConfigTables[] = {"run", "ingest", "model", "report", "campaign"};

/// "demo.toml:12: [zones] red_min_p must be a number in [0, 1], got \"high\"" or
/// "demo.toml:3: unknown key 'budget.totl' (did you mean 'total'? allowed here: ...)". Rule
/// expressions are parsed here (syntax errors surface now); names are bound later against
/// the feature table.
Result<PolicyConfig> ParsePolicyConfig(std::string_view toml_text, std::string_view source,
                                       std::span<const std::string_view> other_tables = {});

}  // namespace churnwatch

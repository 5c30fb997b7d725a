#pragma once
/// \file policy_engine.h
/// The batch policy step of a run (SPEC.md §9): from scored customers and their features
/// to zones, alerts (zone alerts and rule alerts, each with its SLA deadline), one proposed
/// action per alerted customer from the playbook, its expected net benefit, and the budget
/// allocation that decides which actions are funded.
///
/// Rules see every feature of the FeatureTable by name, plus the numbers `p_churn`,
/// `p_alive`, `clv`, `expected_days_to_churn` and the texts `value_tier`,
/// `frequency_tier`, `segment`, `lifecycle_stage`, `zone`, `grade` (the model zone).
///
/// The playbook key of a customer is (reason, value tier, model zone, lifecycle stage),
/// where reason is the `reason` of the first rule that fired (rules are explicit business
/// knowledge) or else the model's strongest reason. CLV missing → monetary_365 is used as
/// the value at stake (a year's spend as a proxy for the next year's).
///
/// Tracks (include/churnwatch/tracks.h): each scored customer is on the retain, onboarding
/// or win-back track. Onboarding customers are never in a zone (never red): they get no
/// zone alert but an action item on the onboarding list. Win-back customers are in the
/// blue zone. Rule alerts fire on every track.
///
/// Actions by expected value: every action the playbook allows for the customer
/// (Playbook::Allowed on (reason, tier, zone, stage), where stage is "new" / "winback" on
/// those tracks) is valued as P × value × effect(action | cause, tier, stage) − cost, with
/// (P below is PolicyInput::p_money when given, else p_churn.)
///   - retain: P = p_churn, value = CLV (monetary_365 when CLV is missing);
///   - onboarding: P = p_churn (no second purchase within H), value = the customer's own
///     spend per order shrunk toward the other new customers' mean
///     ((own + k·peer) / (1 + k), k = new_value_prior_orders), times the new customers'
///     mean CLV per unit of that spend (1 without CLV);
///   - win-back: P = p_churn (no purchase within H unless acted on; 1 − p_alive when
///     p_churn is missing),
///     value = monetary_365 (a year's spend is what winning them back regains).
/// The cause is the top reason key. The budget (AllocateChoices) funds at most one action
/// per customer; each item carries the funded action (or, unfunded, the best one), the
/// runner-up and both expected values.
///
/// Thread safety: a pure function of its inputs.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "churnwatch/feature_table.h"
#include "churnwatch/policy.h"
#include "churnwatch/effects.h"
#include "churnwatch/policy_config.h"
#include "churnwatch/scored_customer.h"
#include "churnwatch/status.h"

namespace churnwatch {

struct PolicyInput {
  std::span<const ScoredCustomer> scored;
  /// Features of the scored customers: the row with the same customer id and cutoff ==
  /// ScoredCustomer::as_of is used. May be null (then rules see only the score fields and
  /// no one is lapsed).
  const FeatureTable* features = nullptr;
  Timestamp raised_at = 0;  ///< when the alerts are raised (deadline = raised_at + SLA)
  int horizon_days = 90;    ///< H, for the tracks
  /// Effects to value actions with (e.g. priors with measured uplift overlaid); null:
  /// EffectTable::Defaults of the playbook plus the config's [[effects]] rows.
  const EffectTable* effects = nullptr;
  /// P(churn) for the money figures (expected net benefit, value kept), one per scored
  /// customer, e.g. recalibrated on the most recent matured cutoff
  /// (include/churnwatch/decision_inputs.h); empty: ScoredCustomer::p_churn. Zones and
  /// rules always read p_churn.
  std::span<const double> p_money;
};

struct Alert {
  std::string customer_id;
  std::string kind;        ///< "zone" or "rule"
  std::string rule;        ///< rule name for kind == "rule"
  Zone zone = Zone::kNone; ///< model zone (kind zone) or the rule's configured zone
  std::string grade;       ///< zone grade, empty for rule alerts
  std::string reason;      ///< reason key: model's top reason, or the rule's reason
  std::string message_en;
  std::string message_zh;
  Timestamp raised_at = 0;
  Timestamp deadline = 0;
};

struct ActionItem {
  std::size_t scored_index = 0;       ///< index into PolicyInput::scored
  std::string customer_id;
  Zone zone = Zone::kNone;            ///< model zone
  std::string grade;
  std::string value_tier;
  std::string lifecycle_stage;
  std::vector<std::string> reasons;   ///< reason keys, strongest first (rule reason first)
  std::vector<std::string> rules;     ///< names of the rules that fired
  std::string action;                 ///< action key, empty when the playbook matched nothing
  std::string action_label_en, action_label_zh;
  std::string channel;
  double cost = 0;
  double uplift = 0;
  double p_churn = kNaN;
  double value_at_stake = kNaN;       ///< CLV, or monetary_365 when CLV is missing
  double expected_benefit = 0;        ///< p_churn × value × uplift − cost
  bool funded = false;
  Timestamp deadline = 0;             ///< earliest deadline of the customer's alerts
  std::string products;               ///< alternative products (filled by the recommender)
  Track track = Track::kRetain;       ///< retain, onboard or winback
  std::string cause;                  ///< reason key the effects were looked up with
  std::string reason_en, reason_zh;   ///< the top reason's sentence ("no clear cause: ..." for a symptom)
  double p_second_purchase = kNaN;    ///< onboarding: 1 − p_churn
  std::string runner_up;              ///< second-best allowed action by expected value, or empty
  double runner_up_benefit = kNaN;    ///< its expected net benefit
};

struct PolicyOutcome {
  std::vector<ZoneAssignment> zones;         ///< one per scored customer
  std::vector<Alert> alerts;                 ///< zone alerts first, then rule alerts
  std::vector<ActionItem> actions;           ///< one per alerted customer, in scored order
  BudgetAllocation budget;                   ///< over `actions`
  std::array<std::int64_t, kZoneCount> zone_counts{};          ///< indexed by Zone
  std::vector<std::pair<std::string, std::int64_t>> rule_hits; ///< per configured rule, in order
  double money_at_risk = 0;                  ///< Σ p_churn × value over red + yellow customers
  /// Expected net benefit of the best plan without the tier split minus that of the plan
  /// keeping the `tier_shares` (with flow to the next tier): what the split gives up (≥ 0
  /// up to the greedy's gap).
  double split_gives_up = 0;
  double net_benefit_without_split = 0;
  double net_benefit_with_split = 0;
  std::array<std::int64_t, 4> track_counts{};  ///< scored customers per Track
};

/// Applies zones, rules, playbook and budget. kInvalidArgument when a rule does not parse
/// or names a feature the table lacks (the message says which, with a suggestion).
Result<PolicyOutcome> ApplyPolicy(const PolicyConfig& config, const PolicyInput& input);

}  // namespace churnwatch

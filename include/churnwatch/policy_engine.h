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
/// Thread safety: a pure function of its inputs.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "churnwatch/feature_table.h"
#include "churnwatch/policy.h"
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
};

struct PolicyOutcome {
  std::vector<ZoneAssignment> zones;         ///< one per scored customer
  std::vector<Alert> alerts;                 ///< zone alerts first, then rule alerts
  std::vector<ActionItem> actions;           ///< one per alerted customer, in scored order
  BudgetAllocation budget;                   ///< over `actions`
  std::array<std::int64_t, kZoneCount> zone_counts{};          ///< indexed by Zone
  std::vector<std::pair<std::string, std::int64_t>> rule_hits; ///< per configured rule, in order
  double money_at_risk = 0;                  ///< Σ p_churn × value over red + yellow customers
};

/// Applies zones, rules, playbook and budget. kInvalidArgument when a rule does not parse
/// or names a feature the table lacks (the message says which, with a suggestion).
Result<PolicyOutcome> ApplyPolicy(const PolicyConfig& config, const PolicyInput& input);

}  // namespace churnwatch

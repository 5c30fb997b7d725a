// The batch policy step (include/churnwatch/policy_engine.h).
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "churnwatch/playbook.h"
#include "churnwatch/policy_engine.h"
#include "churnwatch/rules.h"

namespace churnwatch {

namespace {

constexpr const char* kExtraNumbers[] = {"p_churn", "p_alive", "clv", "expected_days_to_churn"};
constexpr const char* kTexts[] = {"value_tier", "frequency_tier", "segment", "lifecycle_stage", "zone", "grade"};

Zone ParseZone(std::string_view z) {
  if (z == "red") return Zone::kRed;
  if (z == "yellow") return Zone::kYellow;
  if (z == "blue") return Zone::kBlue;
  return Zone::kNone;
}

// Rows of the feature table keyed by "customer_id\x1fcutoff".
std::unordered_map<std::string, std::size_t> IndexRows(const FeatureTable& t) {
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(t.num_rows());
  for (std::size_t r = 0; r < t.num_rows(); ++r)
    index.emplace(t.customer_ids[r] + '\x1f' + std::to_string(t.cutoffs[r]), r);
  return index;
}

}  // namespace

Result<PolicyOutcome> ApplyPolicy(const PolicyConfig& config, const PolicyInput& input) {
  const FeatureTable* table = input.features;
  RuleSchema schema;
  if (table != nullptr) schema.numeric_names = table->names;
  for (const char* n : kExtraNumbers) schema.numeric_names.emplace_back(n);
  for (const char* n : kTexts) schema.text_names.emplace_back(n);
  const std::size_t num_features = table != nullptr ? table->num_features() : 0;

  std::vector<Rule> rules;
  for (const auto& spec : config.rules) {
    CW_ASSIGN_OR_RETURN(Rule rule, Rule::Parse(spec.name, spec.when));
    CW_RETURN_IF_ERROR(rule.Bind(schema));
    rules.push_back(std::move(rule));
  }
  std::unordered_map<std::string, std::size_t> row_of;
  if (table != nullptr) row_of = IndexRows(*table);
  std::optional<std::size_t> recency_col, monetary_col;
  if (table != nullptr) {
    recency_col = table->FeatureIndex("recency_days");
    monetary_col = table->FeatureIndex("monetary_365");
  }

  PolicyOutcome out;
  out.zones.resize(input.scored.size());
  out.rule_hits.reserve(rules.size());
  for (const auto& spec : config.rules) out.rule_hits.emplace_back(spec.name, 0);
  std::vector<Alert> rule_alerts;
  std::vector<double> numbers(schema.numeric_names.size());
  std::vector<std::string> texts(schema.text_names.size());

  for (std::size_t i = 0; i < input.scored.size(); ++i) {
    const ScoredCustomer& sc = input.scored[i];
    std::optional<std::size_t> row;
    if (table != nullptr) {
      auto it = row_of.find(sc.customer_id + '\x1f' + std::to_string(sc.as_of));
      if (it != row_of.end()) row = it->second;
    }
    auto feature = [&](std::optional<std::size_t> col) {
      return row && col ? table->columns[*col][*row] : kNaN;
    };

    const ZoneAssignment za = AssignZone(config.zones, sc.p_churn, sc.value_tier, feature(recency_col));
    out.zones[i] = za;
    ++out.zone_counts[static_cast<int>(za.zone)];
    const double value = std::isnan(sc.clv) ? feature(monetary_col) : sc.clv;
    if ((za.zone == Zone::kRed || za.zone == Zone::kYellow) && !std::isnan(sc.p_churn) && !std::isnan(value))
      out.money_at_risk += sc.p_churn * std::max(0.0, value);

    for (std::size_t f = 0; f < num_features; ++f) numbers[f] = row ? table->columns[f][*row] : kNaN;
    numbers[num_features + 0] = sc.p_churn;
    numbers[num_features + 1] = sc.p_alive;
    numbers[num_features + 2] = sc.clv;
    numbers[num_features + 3] = sc.expected_days_to_churn;
    texts[0] = sc.value_tier;
    texts[1] = sc.frequency_tier;
    texts[2] = sc.segment;
    texts[3] = sc.lifecycle_stage;
    texts[4] = std::string(ZoneName(za.zone));
    texts[5] = za.grade;
    const RuleRow rr{numbers, texts};

    const std::string top_reason =
        sc.reason_count > 0 ? std::string(PlaybookReasonKey(sc.reasons[0].category)) : std::string();
    ActionItem item;
    Timestamp deadline = 0;
    bool alerted = false;
    if (za.zone != Zone::kNone) {
      Alert a;
      a.customer_id = sc.customer_id;
      a.kind = "zone";
      a.zone = za.zone;
      a.grade = za.grade;
      a.reason = top_reason;
      if (sc.reason_count > 0) {
        a.message_en = sc.reasons[0].sentence_en;
        a.message_zh = sc.reasons[0].sentence_zh;
      }
      a.raised_at = input.raised_at;
      a.deadline = SlaDeadline(config.zones, za.zone, input.raised_at);
      deadline = a.deadline;
      alerted = true;
      out.alerts.push_back(std::move(a));
    }
    std::string rule_reason;
    for (std::size_t r = 0; r < rules.size(); ++r) {
      if (!rules[r].Fires(rr)) continue;
      const RuleSpec& spec = config.rules[r];
      ++out.rule_hits[r].second;
      Alert a;
      a.customer_id = sc.customer_id;
      a.kind = "rule";
      a.rule = spec.name;
      a.zone = ParseZone(spec.zone);
      a.reason = spec.reason;
      a.message_en = spec.message_en;
      a.message_zh = spec.message_zh;
      a.raised_at = input.raised_at;
      a.deadline = SlaDeadline(config.zones, a.zone, input.raised_at);
      deadline = alerted ? std::min(deadline, a.deadline) : a.deadline;
      alerted = true;
      if (rule_reason.empty()) rule_reason = spec.reason;
      item.rules.push_back(spec.name);
      rule_alerts.push_back(std::move(a));
    }
    if (!alerted) continue;

    item.scored_index = i;
    item.customer_id = sc.customer_id;
    item.zone = za.zone;
    item.grade = za.grade;
    item.value_tier = sc.value_tier;
    item.lifecycle_stage = sc.lifecycle_stage;
    if (!rule_reason.empty()) item.reasons.push_back(rule_reason);
    for (int k = 0; k < sc.reason_count && k < 3; ++k) {
      std::string key(PlaybookReasonKey(sc.reasons[static_cast<std::size_t>(k)].category));
      if (std::find(item.reasons.begin(), item.reasons.end(), key) == item.reasons.end()) item.reasons.push_back(key);
    }
    const std::string reason = item.reasons.empty() ? std::string() : item.reasons[0];
    item.p_churn = sc.p_churn;
    item.value_at_stake = value;
    item.deadline = deadline;
    if (const ActionDef* def =
            config.playbook.Select({reason, sc.value_tier, ZoneName(za.zone), sc.lifecycle_stage})) {
      item.action = def->key;
      item.action_label_en = def->label_en;
      item.action_label_zh = def->label_zh;
      item.channel = def->channel;
      item.cost = def->cost;
      item.uplift = def->uplift;
      item.expected_benefit = ExpectedNetBenefit(sc.p_churn, std::max(0.0, value), def->uplift, def->cost);
    }
    out.actions.push_back(std::move(item));
  }
  for (auto& a : rule_alerts) out.alerts.push_back(std::move(a));

  std::vector<BudgetCandidate> candidates;
  candidates.reserve(out.actions.size());
  for (const auto& a : out.actions) {
    // No action (empty playbook match) is never funded: its benefit is marked non-positive.
    candidates.push_back({ValueTierIndex(a.value_tier), a.cost, a.action.empty() ? -1.0 : a.expected_benefit});
  }
  out.budget = AllocateBudget(config.budget, candidates);
  for (std::size_t k = 0; k < out.actions.size(); ++k) out.actions[k].funded = out.budget.funded[k];
  return out;
}

}  // namespace churnwatch

// The batch policy step (include/churnwatch/policy_engine.h).
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "churnwatch/playbook.h"
#include "churnwatch/policy_engine.h"
#include "churnwatch/rules.h"
#include "churnwatch/tracks.h"

namespace churnwatch {

namespace {

constexpr const char* kExtraNumbers[] = {"p_churn", "p_alive", "clv", "expected_days_to_churn"};
constexpr const char* kTexts[] = {"value_tier", "frequency_tier", "segment", "lifecycle_stage", "zone", "grade"};

bool IsCauseKey(std::string_view k) {
  return k == "price" || k == "experience" || k == "competition" || k == "need_shift";
}

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
  std::optional<std::size_t> recency_col, monetary_col, tenure_col, days_col, orders_col;
  if (table != nullptr) {
    recency_col = table->FeatureIndex("recency_days");
    monetary_col = table->FeatureIndex("monetary_365");
    tenure_col = table->FeatureIndex("tenure_days");
    days_col = table->FeatureIndex("purchase_days_365");
    orders_col = table->FeatureIndex("frequency_365");
  }
  EffectTable own_effects;
  const EffectTable* effects = input.effects;
  if (effects == nullptr) {
    own_effects = EffectTable::Defaults(config.playbook);
    for (const auto& row : config.effects) own_effects.Add(row);
    effects = &own_effects;
  }

  PolicyOutcome out;
  out.zones.resize(input.scored.size());
  out.rule_hits.reserve(rules.size());
  for (const auto& spec : config.rules) out.rule_hits.emplace_back(spec.name, 0);
  std::vector<Alert> rule_alerts;
  std::vector<double> numbers(schema.numeric_names.size());
  std::vector<std::string> texts(schema.text_names.size());

  // Pass 1: rows, tracks, and the new customers' peer figures for their value at stake.
  const std::size_t n = input.scored.size();
  std::vector<std::optional<std::size_t>> row_at(n);
  std::vector<Track> tracks(n, Track::kRetain);
  auto feature_at = [&](std::size_t i, std::optional<std::size_t> col) {
    return row_at[i] && col ? table->columns[*col][*row_at[i]] : kNaN;
  };
  auto own_spend_per_order = [&](std::size_t i) {
    const double m = feature_at(i, monetary_col), k = feature_at(i, orders_col);
    return std::isnan(m) ? kNaN : std::max(0.0, m) / std::max(1.0, std::isnan(k) ? 1.0 : k);
  };
  double peer_spend_sum = 0, peer_clv_sum = 0, peer_clv_spend_sum = 0;
  std::size_t peer_n = 0, peer_clv_n = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const ScoredCustomer& sc = input.scored[i];
    if (table != nullptr) {
      auto it = row_of.find(sc.customer_id + '\x1f' + std::to_string(sc.as_of));
      if (it != row_of.end()) row_at[i] = it->second;
    }
    tracks[i] = row_at[i] ? AssignTrack(config.tracks, input.horizon_days, feature_at(i, recency_col),
                                        feature_at(i, tenure_col), feature_at(i, days_col))
                          : Track::kRetain;
    ++out.track_counts[static_cast<std::size_t>(tracks[i])];
    if (tracks[i] != Track::kOnboard) continue;
    const double own = own_spend_per_order(i);
    if (std::isnan(own)) continue;
    peer_spend_sum += own;
    ++peer_n;
    if (!std::isnan(sc.clv)) {
      peer_clv_sum += std::max(0.0, sc.clv);
      peer_clv_spend_sum += own;
      ++peer_clv_n;
    }
  }
  const double peer_spend = peer_n > 0 ? peer_spend_sum / static_cast<double>(peer_n) : kNaN;
  // Future value per unit of first-order spend among new customers (the model's expected
  // repeat purchases); 1 (one more order) when CLV is unknown.
  const double clv_per_spend = peer_clv_n > 0 && peer_clv_spend_sum > 0 ? peer_clv_sum / peer_clv_spend_sum : 1.0;
  const double k_prior = config.new_value_prior_orders;

  std::vector<ChoiceCandidate> candidates;
  std::vector<std::vector<const ActionDef*>> allowed_of;
  std::vector<std::vector<double>> effect_of;
  for (std::size_t i = 0; i < n; ++i) {
    const ScoredCustomer& sc = input.scored[i];
    const std::optional<std::size_t> row = row_at[i];
    const Track track = tracks[i];
    for (std::size_t f = 0; f < num_features; ++f) numbers[f] = row ? table->columns[f][*row] : kNaN;

    ZoneAssignment za = AssignZone(config.zones, sc.p_churn, sc.value_tier, feature_at(i, recency_col));
    // No established pattern, no churn warning; a lapsed customer is to win back (blue).
    if (track == Track::kOnboard) za = {};
    if (track == Track::kWinBack) za = {Zone::kBlue, ValueTierIndex(sc.value_tier) == 0 ? "B1" : "B2"};
    out.zones[i] = za;
    ++out.zone_counts[static_cast<int>(za.zone)];
    double value = std::isnan(sc.clv) ? feature_at(i, monetary_col) : sc.clv;
    const double p_model = input.p_money.size() == n ? input.p_money[i] : sc.p_churn;
    double p_loss = p_model;
    if (track == Track::kOnboard) {
      const double own = own_spend_per_order(i);
      if (!std::isnan(own) && !std::isnan(peer_spend))
        value = (own + k_prior * peer_spend) / (1 + k_prior) * clv_per_spend;
    } else if (track == Track::kWinBack) {
      value = feature_at(i, monetary_col);
      if (std::isnan(p_loss) && !std::isnan(sc.p_alive)) p_loss = 1 - sc.p_alive;
    }
    if ((za.zone == Zone::kRed || za.zone == Zone::kYellow) && !std::isnan(p_model) && !std::isnan(value))
      out.money_at_risk += p_model * std::max(0.0, value);

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
    if (!alerted && track != Track::kOnboard) continue;

    item.scored_index = i;
    item.customer_id = sc.customer_id;
    item.zone = za.zone;
    item.grade = za.grade;
    item.value_tier = sc.value_tier;
    item.lifecycle_stage = sc.lifecycle_stage;
    item.track = track;
    // A rule's reason leads, unless it names a symptom while the model found a cause.
    const bool rule_symptom = rule_reason == "disengagement" || rule_reason == "value_decline";
    const bool model_cause = sc.reason_count > 0 && IsCauseKey(PlaybookReasonKey(sc.reasons[0].category));
    if (!rule_reason.empty() && !(rule_symptom && model_cause)) item.reasons.push_back(rule_reason);
    for (int k = 0; k < sc.reason_count && k < 3; ++k) {
      std::string key(PlaybookReasonKey(sc.reasons[static_cast<std::size_t>(k)].category));
      if (std::find(item.reasons.begin(), item.reasons.end(), key) == item.reasons.end()) item.reasons.push_back(key);
    }
    if (!rule_reason.empty() &&
        std::find(item.reasons.begin(), item.reasons.end(), rule_reason) == item.reasons.end())
      item.reasons.push_back(rule_reason);
    if (sc.reason_count > 0) {
      item.reason_en = sc.reasons[0].sentence_en;
      item.reason_zh = sc.reasons[0].sentence_zh;
    }
    const std::string reason = item.reasons.empty() ? std::string() : item.reasons[0];
    item.cause = reason.empty() ? "none" : reason;
    item.p_churn = p_loss;
    item.value_at_stake = value;
    item.deadline = deadline != 0 ? deadline : SlaDeadline(config.zones, Zone::kYellow, input.raised_at);
    if (track == Track::kOnboard && !std::isnan(p_model)) item.p_second_purchase = 1 - p_model;
    const std::string_view stage = track == Track::kOnboard   ? std::string_view("new")
                                   : track == Track::kWinBack ? std::string_view("winback")
                                                              : std::string_view(sc.lifecycle_stage);
    std::vector<const ActionDef*> allowed =
        config.playbook.Allowed({reason, sc.value_tier, ZoneName(za.zone), stage});
    ChoiceCandidate cand;
    cand.value_tier = ValueTierIndex(sc.value_tier);
    std::vector<double> option_effects;
    for (const ActionDef* def : allowed) {
      const double effect = effects->Effect(def->key, item.cause, sc.value_tier, stage);
      option_effects.push_back(effect);
      cand.options.push_back({def->cost, ExpectedNetBenefit(p_loss, std::max(0.0, value), effect, def->cost)});
    }
    candidates.push_back(std::move(cand));
    allowed_of.push_back(std::move(allowed));
    effect_of.push_back(std::move(option_effects));
    out.actions.push_back(std::move(item));
  }
  for (auto& a : rule_alerts) out.alerts.push_back(std::move(a));

  BudgetConfig split = config.budget, whole = config.budget;
  split.split_by_tier = true;
  whole.split_by_tier = false;
  ChoiceAllocation with_split = AllocateChoices(split, candidates);
  ChoiceAllocation without_split = AllocateChoices(whole, candidates);
  out.net_benefit_with_split = with_split.total_net_benefit;
  out.net_benefit_without_split = without_split.total_net_benefit;
  out.split_gives_up = without_split.total_net_benefit - with_split.total_net_benefit;
  const ChoiceAllocation& plan = config.budget.split_by_tier ? with_split : without_split;

  out.budget.funded.assign(out.actions.size(), false);
  for (int t = 0; t < 3; ++t) {
    out.budget.tier_budget[t] = plan.tier_budget[t];
    out.budget.tier_spent[t] = plan.tier_spent[t];
  }
  out.budget.total_spent = plan.total_spent;
  out.budget.total_net_benefit = plan.total_net_benefit;
  out.budget.funded_count = plan.funded_count;
  for (std::size_t k = 0; k < out.actions.size(); ++k) {
    ActionItem& item = out.actions[k];
    const auto& opts = candidates[k].options;
    const auto& defs = allowed_of[k];
    if (opts.empty()) continue;
    // The funded option, or (unfunded) the best one; the runner-up is the best other.
    std::size_t best = 0;
    for (std::size_t o = 1; o < opts.size(); ++o)
      if (opts[o].net_benefit > opts[best].net_benefit) best = o;
    const std::size_t pick = plan.chosen[k] >= 0 ? static_cast<std::size_t>(plan.chosen[k]) : best;
    std::optional<std::size_t> second;
    for (std::size_t o = 0; o < opts.size(); ++o)
      if (o != pick && (!second || opts[o].net_benefit > opts[*second].net_benefit)) second = o;
    const ActionDef* def = defs[pick];
    item.action = def->key;
    item.action_label_en = def->label_en;
    item.action_label_zh = def->label_zh;
    item.channel = def->channel;
    item.cost = def->cost;
    item.uplift = effect_of[k][pick];
    item.expected_benefit = opts[pick].net_benefit;
    item.funded = plan.chosen[k] >= 0;
    out.budget.funded[k] = item.funded;
    if (second) {
      item.runner_up = defs[*second]->key;
      item.runner_up_benefit = opts[*second].net_benefit;
    }
  }
  return out;
}

}  // namespace churnwatch

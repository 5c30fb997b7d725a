// Reads the policy section of a run config (include/churnwatch/policy_config.h) with
// toml++. Every error names the file and line of the key so that a config typo is found
// without reading code.
#include <algorithm>
#include <span>
#include <vector>
#include <sstream>
#include <string>

#include <toml++/toml.h>

#include "churnwatch/policy_config.h"
#include "churnwatch/rules.h"
#include "churnwatch/toml_keys.h"

namespace churnwatch {

std::vector<RuleSpec> DefaultRules() {
  // Feature names from the catalogue in docs/features.md. Rules over event features are
  // silent (unknown, never true) when a retailer has no events: the features are NaN.
  return {
      {"high_value_competitor_view", "value_tier == \"high\" and logins_30 == 0 and competitor_view_30 > 0",
       "competition", "red", "High-value customer, no app login for 30 days, viewed a competitor",
       "高价值客户 30 天未登录 App 且浏览了竞品"},
      {"repeated_complaints", "complaints_90 >= 3", "experience", "red", "3 or more complaints in 90 days",
       "90 天内投诉 3 次及以上"},
      {"frequency_below_baseline", "frequency_vs_baseline < 0.6", "disengagement", "yellow",
       "Purchases in the last 90 days below 60 % of the customer's own yearly pace",
       "近 90 天购买频次低于本人全年节奏的 60%"},
      {"cart_abandon_rate", "cart_abandon_rate_90 > 0.15", "price", "yellow", "Cart-abandon rate above 15 % (90 days)",
       "近 90 天购物车放弃率高于 15%"},
      {"no_store_visit_30d", "visits_30 == 0 and visits_change < 0", "disengagement", "yellow",
       "A store regular with no visit for 30 days", "常到店客户 30 天未到店"},
  };
}

PolicyConfig DefaultPolicyConfig() {
  PolicyConfig c;
  c.rules = DefaultRules();
  c.playbook = Playbook::Defaults();
  return c;
}

namespace {

class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  Status Error(const toml::node& node, const std::string& what) const {
    return Status::InvalidArgument(std::string(source_) + ":" + std::to_string(node.source().begin.line) + ": " + what);
  }

  static std::string Show(const toml::node& node) {
    std::ostringstream os;
    if (auto s = node.as_string()) os << '"' << s->get() << '"';
    else if (auto i = node.as_integer()) os << i->get();
    else if (auto f = node.as_floating_point()) os << f->get();
    else if (auto b = node.as_boolean()) os << (b->get() ? "true" : "false");
    else os << "a " << node.type();
    return os.str();
  }

  Status Number(const toml::table& t, std::string_view table, std::string_view key, double lo, double hi, double& out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::OK();
    std::optional<double> v = n->value<double>();
    if (!v || *v < lo || *v > hi) {
      std::ostringstream os;
      os << "[" << table << "] " << key << " must be a number in [" << lo << ", " << hi << "], got " << Show(*n);
      return Error(*n, os.str());
    }
    out = *v;
    return Status::OK();
  }

  Status Int(const toml::table& t, std::string_view table, std::string_view key, int lo, int hi, int& out) const {
    double d = out;
    CW_RETURN_IF_ERROR(Number(t, table, key, lo, hi, d));
    out = static_cast<int>(d);
    return Status::OK();
  }

  Status Text(const toml::table& t, std::string_view table, std::string_view key, std::string& out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::OK();
    if (!n->is_string()) return Error(*n, "[" + std::string(table) + "] " + std::string(key) + " must be a string, got " + Show(*n));
    out = n->as_string()->get();
    return Status::OK();
  }

 private:
  std::string_view source_;
};

}  // namespace

Result<PolicyConfig> ParsePolicyConfig(std::string_view toml_text, std::string_view source,
                                       std::span<const std::string_view> other_tables) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(std::string(source) + ":" + std::to_string(e.source().begin.line) + ":" +
                                   std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  Reader r(source);
  PolicyConfig c = DefaultPolicyConfig();
  {
    std::vector<std::string_view> top = {"zones", "sla", "budget", "recommend", "rules", "actions", "playbook", "tracks", "effects"};
    top.insert(top.end(), other_tables.begin(), other_tables.end());
    CW_RETURN_IF_ERROR(config::CheckKeys(doc, source, "", top));
  }
  // A section that is not a table (`zones = 1`) would otherwise be skipped as absent.
  for (std::string_view t : {"zones", "sla", "budget", "recommend", "actions"})
    if (const toml::node* n = doc.get(t); n != nullptr && !n->is_table())
      return r.Error(*n, "[" + std::string(t) + "] must be a table");

  if (const toml::table* z = doc["zones"].as_table()) {
    CW_RETURN_IF_ERROR(config::CheckKeys(*z, source, "zones", {"red_min_p", "yellow_min_p", "yellow_split_p", "blue_min_recency_days"}));
    CW_RETURN_IF_ERROR(r.Number(*z, "zones", "red_min_p", 0, 1, c.zones.red_min_p));
    CW_RETURN_IF_ERROR(r.Number(*z, "zones", "yellow_min_p", 0, 1, c.zones.yellow_min_p));
    CW_RETURN_IF_ERROR(r.Number(*z, "zones", "yellow_split_p", 0, 1, c.zones.yellow_split_p));
    CW_RETURN_IF_ERROR(r.Number(*z, "zones", "blue_min_recency_days", 0, 1e6, c.zones.blue_min_recency_days));
    if (!(c.zones.yellow_min_p <= c.zones.yellow_split_p && c.zones.yellow_split_p <= c.zones.red_min_p))
      return r.Error(*z, "[zones] needs yellow_min_p ≤ yellow_split_p ≤ red_min_p");
  }
  if (const toml::table* s = doc["sla"].as_table()) {
    CW_RETURN_IF_ERROR(config::CheckKeys(*s, source, "sla", {"red_hours", "yellow_hours", "blue_hours"}));
    CW_RETURN_IF_ERROR(r.Int(*s, "sla", "red_hours", 0, 24 * 365, c.zones.red_sla_hours));
    CW_RETURN_IF_ERROR(r.Int(*s, "sla", "yellow_hours", 0, 24 * 365, c.zones.yellow_sla_hours));
    CW_RETURN_IF_ERROR(r.Int(*s, "sla", "blue_hours", 0, 24 * 365, c.zones.blue_sla_hours));
  }
  if (const toml::table* b = doc["budget"].as_table()) {
    CW_RETURN_IF_ERROR(config::CheckKeys(*b, source, "budget", {"total", "min_net_benefit", "shares", "split"}));
    CW_RETURN_IF_ERROR(r.Number(*b, "budget", "total", 0, 1e15, c.budget.total));
    CW_RETURN_IF_ERROR(r.Number(*b, "budget", "min_net_benefit", -1e15, 1e15, c.budget.min_net_benefit));
    if (const toml::node* n = b->get("shares")) {
      const toml::array* a = n->as_array();
      if (a == nullptr || a->size() != 3) return r.Error(*n, "[budget] shares must be three numbers (high, mid, low)");
      double sum = 0;
      for (std::size_t i = 0; i < 3; ++i) {
        auto v = a->get(i)->value<double>();
        if (!v || *v < 0) return r.Error(*n, "[budget] shares must be three numbers ≥ 0, got " + Reader::Show(*a->get(i)));
        c.budget.tier_shares[i] = *v;
        sum += *v;
      }
      if (sum > 1.0 + 1e-9) return r.Error(*n, "[budget] shares add up to " + std::to_string(sum) + ", more than 1");
    }
  }
  if (const toml::table* b = doc["budget"].as_table()) {
    std::string split = "total";
    CW_RETURN_IF_ERROR(r.Text(*b, "budget", "split", split));
    if (split != "total" && split != "tiers")
      return r.Error(*b->get("split"), "[budget] split must be \"total\" (fund the best total) or \"tiers\" "
                                       "(keep the shares), got \"" + split + "\"");
    c.budget.split_by_tier = split == "tiers";
  }
  if (const toml::table* t = doc["tracks"].as_table()) {
    for (const auto& [key, node] : *t)
      if (key.str() != "new_customer_days" && key.str() != "winback_days" && key.str() != "new_value_prior_orders")
        return r.Error(node, "[tracks] has no key '" + std::string(key.str()) +
                                 "' (use new_customer_days, winback_days, new_value_prior_orders)");
    CW_RETURN_IF_ERROR(r.Int(*t, "tracks", "new_customer_days", 0, 3650, c.tracks.new_customer_days));
    CW_RETURN_IF_ERROR(r.Int(*t, "tracks", "winback_days", 0, 7300, c.tracks.winback_days));
    CW_RETURN_IF_ERROR(r.Number(*t, "tracks", "new_value_prior_orders", 0, 1e6, c.new_value_prior_orders));
  }
  if (const toml::node* ef = doc.get("effects")) {
    const toml::array* a = ef->as_array();
    if (a == nullptr) return r.Error(*ef, "effects must be an array of tables: [[effects]]");
    for (const toml::node& item : *a) {
      const toml::table* t = item.as_table();
      if (t == nullptr) return r.Error(item, "each [[effects]] entry must be a table");
      for (const auto& [key, node] : *t)
        if (key.str() != "action" && key.str() != "cause" && key.str() != "value_tier" && key.str() != "stage" &&
            key.str() != "effect")
          return r.Error(node, "[[effects]] has no key '" + std::string(key.str()) +
                                   "' (use action, cause, value_tier, stage, effect)");
      EffectRow row;
      row.effect = -1;
      CW_RETURN_IF_ERROR(r.Text(*t, "effects", "action", row.action));
      CW_RETURN_IF_ERROR(r.Text(*t, "effects", "cause", row.cause));
      CW_RETURN_IF_ERROR(r.Text(*t, "effects", "value_tier", row.value_tier));
      CW_RETURN_IF_ERROR(r.Text(*t, "effects", "stage", row.stage));
      CW_RETURN_IF_ERROR(r.Number(*t, "effects", "effect", 0, 1, row.effect));
      if (row.action.empty()) return r.Error(item, "[[effects]] entry needs an action");
      if (row.effect < 0) return r.Error(item, "[[effects]] entry for '" + row.action + "' needs an effect in [0, 1]");
      c.effects.push_back(std::move(row));
    }
  }
  if (const toml::table* rc = doc["recommend"].as_table()) {
    // product_names is the run config's (pipeline.h); a policy file may carry it too.
    CW_RETURN_IF_ERROR(
        config::CheckKeys(*rc, source, "recommend", {"products", "stopped_after_days", "neighbours", "product_names"}));
    CW_RETURN_IF_ERROR(r.Int(*rc, "recommend", "products", 0, 50, c.recommend.products));
    CW_RETURN_IF_ERROR(r.Int(*rc, "recommend", "stopped_after_days", 1, 3650, c.recommend.stopped_after_days));
    CW_RETURN_IF_ERROR(r.Int(*rc, "recommend", "neighbours", 1, 10000, c.recommend.neighbours));
  }
  if (const toml::node* rules = doc.get("rules")) {
    const toml::array* a = rules->as_array();
    if (a == nullptr) return r.Error(*rules, "rules must be an array of tables: [[rules]]");
    c.rules.clear();
    for (const toml::node& item : *a) {
      const toml::table* t = item.as_table();
      if (t == nullptr) return r.Error(item, "each [[rules]] entry must be a table");
      CW_RETURN_IF_ERROR(
          config::CheckKeys(*t, source, "rules", {"name", "when", "reason", "zone", "message_en", "message_zh"}));
      RuleSpec spec;
      spec.zone = "yellow";
      CW_RETURN_IF_ERROR(r.Text(*t, "rules", "name", spec.name));
      CW_RETURN_IF_ERROR(r.Text(*t, "rules", "when", spec.when));
      CW_RETURN_IF_ERROR(r.Text(*t, "rules", "reason", spec.reason));
      CW_RETURN_IF_ERROR(r.Text(*t, "rules", "zone", spec.zone));
      CW_RETURN_IF_ERROR(r.Text(*t, "rules", "message_en", spec.message_en));
      CW_RETURN_IF_ERROR(r.Text(*t, "rules", "message_zh", spec.message_zh));
      if (spec.name.empty()) return r.Error(item, "[[rules]] entry needs a name");
      for (const auto& other : c.rules)
        if (other.name == spec.name) return r.Error(item, "rule '" + spec.name + "' is defined twice");
      if (spec.when.empty()) return r.Error(item, "rule '" + spec.name + "' needs a 'when' expression");
      if (!spec.reason.empty() && !ParsePlaybookReasonKey(spec.reason))
        return r.Error(item, "rule '" + spec.name + "': unknown reason '" + spec.reason + "'");
      if (spec.zone != "red" && spec.zone != "yellow" && spec.zone != "blue")
        return r.Error(item, "rule '" + spec.name + "': zone must be red, yellow or blue, got '" + spec.zone + "'");
      auto parsed = Rule::Parse(spec.name, spec.when);
      if (!parsed.ok()) return r.Error(item, parsed.status().message());
      c.rules.push_back(std::move(spec));
    }
  }
  if (const toml::table* actions = doc["actions"].as_table()) {
    for (const auto& [key, node] : *actions) {
      const toml::table* t = node.as_table();
      const std::string name(key.str());
      if (t == nullptr) return r.Error(node, "[actions." + name + "] must be a table");
      auto found = std::find_if(c.playbook.actions.begin(), c.playbook.actions.end(),
                                [&](const ActionDef& a) { return a.key == name; });
      ActionDef* def = found == c.playbook.actions.end() ? nullptr : &*found;
      if (def == nullptr) {
        c.playbook.actions.push_back(ActionDef{name, "", 0, 0, name, name});
        def = &c.playbook.actions.back();
      }
      const std::string table = "actions." + name;
      CW_RETURN_IF_ERROR(config::CheckKeys(*t, source, table, {"channel", "cost", "uplift", "label_en", "label_zh"}));
      CW_RETURN_IF_ERROR(r.Text(*t, table, "channel", def->channel));
      CW_RETURN_IF_ERROR(r.Number(*t, table, "cost", 0, 1e9, def->cost));
      CW_RETURN_IF_ERROR(r.Number(*t, table, "uplift", 0, 1, def->uplift));
      CW_RETURN_IF_ERROR(r.Text(*t, table, "label_en", def->label_en));
      CW_RETURN_IF_ERROR(r.Text(*t, table, "label_zh", def->label_zh));
    }
  }
  if (const toml::node* pb = doc.get("playbook")) {
    const toml::array* a = pb->as_array();
    if (a == nullptr) return r.Error(*pb, "playbook must be an array of tables: [[playbook]]");
    c.playbook.entries.clear();
    for (const toml::node& item : *a) {
      const toml::table* t = item.as_table();
      if (t == nullptr) return r.Error(item, "each [[playbook]] entry must be a table");
      CW_RETURN_IF_ERROR(config::CheckKeys(*t, source, "playbook", {"reason", "value_tier", "zone", "lifecycle", "action"}));
      PlaybookEntry e;
      CW_RETURN_IF_ERROR(r.Text(*t, "playbook", "reason", e.reason));
      CW_RETURN_IF_ERROR(r.Text(*t, "playbook", "value_tier", e.value_tier));
      CW_RETURN_IF_ERROR(r.Text(*t, "playbook", "zone", e.zone));
      CW_RETURN_IF_ERROR(r.Text(*t, "playbook", "lifecycle", e.lifecycle_stage));
      CW_RETURN_IF_ERROR(r.Text(*t, "playbook", "action", e.action));
      c.playbook.entries.push_back(std::move(e));
    }
  }
  if (Status s = c.playbook.Validate(); !s.ok()) return Status::InvalidArgument(std::string(source) + ": " + s.message());
  EffectTable effects = EffectTable::FromPlaybook(c.playbook);
  for (const auto& row : c.effects) effects.Add(row);
  if (Status s = effects.Validate(); !s.ok()) return Status::InvalidArgument(std::string(source) + ": [[effects]] " + s.message());
  return c;
}

}  // namespace churnwatch

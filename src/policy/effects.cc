// The effect table (include/churnwatch/effects.h).
#include <algorithm>
#include <string>

#include "churnwatch/effects.h"

namespace churnwatch {

namespace {

bool AnyKey(std::string_view v) { return v.empty() || v == "*" || v == "any"; }
bool KeyMatches(std::string_view pattern, std::string_view value) { return AnyKey(pattern) || pattern == value; }
int Specificity(const EffectRow& r) {
  return (AnyKey(r.cause) ? 0 : 1) + (AnyKey(r.value_tier) ? 0 : 1) + (AnyKey(r.stage) ? 0 : 1);
}

}  // namespace

std::vector<EffectRow> DefaultEffectRows() {
  // Planning priors, not measurements: an action keeps a good share of the customers whose
  // cause it answers and few of the others. Replace them with measured uplift (Overlay).
  return {
      {"coupon", "*", "*", "*", 0.05},
      {"coupon", "price", "*", "*", 0.20},
      {"coupon", "*", "*", "new", 0.08},
      {"coupon", "*", "*", "winback", 0.08},
      {"coupon", "price", "*", "winback", 0.15},
      {"gift", "*", "*", "*", 0.05},
      {"gift", "value_decline", "*", "*", 0.10},
      {"gift", "disengagement", "*", "*", 0.07},
      {"service_recovery", "*", "*", "*", 0.03},
      {"service_recovery", "experience", "*", "*", 0.30},
      {"vip_manager_call", "*", "*", "*", 0.06},
      {"vip_manager_call", "*", "high", "*", 0.15},
      {"vip_manager_call", "experience", "high", "*", 0.30},
      {"vip_manager_call", "competition", "high", "*", 0.20},
      {"alternative_products", "*", "*", "*", 0.02},
      {"alternative_products", "need_shift", "*", "*", 0.15},
      {"app_push", "*", "*", "*", 0.02},
      {"app_push", "*", "*", "new", 0.04},
      {"app_push", "disengagement", "*", "*", 0.03},
      {"member_perk", "*", "*", "*", 0.04},
      {"member_perk", "competition", "*", "*", 0.18},
      {"member_perk", "price", "*", "*", 0.10},
      {"member_perk", "*", "*", "new", 0.07},
  };
}

EffectTable EffectTable::FromPlaybook(const Playbook& playbook) {
  EffectTable t;
  for (const auto& a : playbook.actions) t.fallback_.push_back({a.key, a.uplift});
  return t;
}

EffectTable EffectTable::Defaults(const Playbook& playbook) {
  EffectTable t = FromPlaybook(playbook);
  for (auto& row : DefaultEffectRows())
    if (playbook.FindAction(row.action) != nullptr) t.Add(std::move(row));
  return t;
}

void EffectTable::Add(EffectRow row) { rows_.push_back(std::move(row)); }

double EffectTable::Effect(std::string_view action, std::string_view cause, std::string_view value_tier,
                           std::string_view stage) const {
  const EffectRow* best = nullptr;
  int best_spec = -1;
  for (const auto& r : rows_) {
    if (r.action != action || !KeyMatches(r.cause, cause) || !KeyMatches(r.value_tier, value_tier) ||
        !KeyMatches(r.stage, stage))
      continue;
    const int s = Specificity(r);
    if (s >= best_spec) {  // later rows of equal specificity win
      best = &r;
      best_spec = s;
    }
  }
  if (best != nullptr) return best->effect;
  for (const auto& f : fallback_)
    if (f.action == action) return f.uplift;
  return 0;
}

Status EffectTable::Overlay(std::span<const MeasuredEffect> measured, double prior_strength) {
  if (!(prior_strength >= 0)) return Status::InvalidArgument("effect overlay: prior_strength must be ≥ 0");
  for (std::size_t i = 0; i < measured.size(); ++i) {
    const MeasuredEffect& m = measured[i];
    const std::string where = "measured effect " + std::to_string(i + 1) + " (" + m.action + ")";
    const bool known = std::any_of(fallback_.begin(), fallback_.end(), [&](const Fallback& f) { return f.action == m.action; });
    if (!known) return Status::InvalidArgument(where + ": action '" + m.action + "' is not in the playbook");
    if (m.n_treated < 0 || m.n_control < 0) return Status::InvalidArgument(where + ": group sizes must be ≥ 0");
    if (!(m.uplift >= -1 && m.uplift <= 1))
      return Status::InvalidArgument(where + ": uplift must be in [-1, 1], got " + std::to_string(m.uplift));
    if (m.n_treated == 0 || m.n_control == 0) continue;
    const double nt = static_cast<double>(m.n_treated), nc = static_cast<double>(m.n_control);
    const double n = nt * nc / (nt + nc);
    const double prior = Effect(m.action, m.cause, m.value_tier, "*");
    const double posterior = (n * m.uplift + prior_strength * prior) / (n + prior_strength);
    rows_.push_back({m.action, AnyKey(m.cause) ? "*" : m.cause, AnyKey(m.value_tier) ? "*" : m.value_tier, "*",
                     std::clamp(posterior, 0.0, 1.0)});
  }
  return Status::OK();
}

Status EffectTable::Validate() const {
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const EffectRow& r = rows_[i];
    const std::string where = "effect row " + std::to_string(i + 1);
    if (std::none_of(fallback_.begin(), fallback_.end(), [&](const Fallback& f) { return f.action == r.action; }))
      return Status::InvalidArgument(where + ": action '" + r.action + "' is not defined under [actions]");
    if (!AnyKey(r.cause) && r.cause != "none" && !ParsePlaybookReasonKey(r.cause))
      return Status::InvalidArgument(where + ": unknown cause '" + r.cause +
                                     "' (use price, experience, competition, need_shift, disengagement, "
                                     "value_decline, none or *)");
    if (!AnyKey(r.value_tier) && r.value_tier != "high" && r.value_tier != "mid" && r.value_tier != "low")
      return Status::InvalidArgument(where + ": unknown value_tier '" + r.value_tier + "' (use high, mid, low or *)");
    if (!(r.effect >= 0 && r.effect <= 1))
      return Status::InvalidArgument(where + ": effect must be in [0, 1], got " + std::to_string(r.effect));
  }
  return Status::OK();
}

}  // namespace churnwatch

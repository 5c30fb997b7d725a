// The retention playbook (include/churnwatch/playbook.h): action catalogue, SPEC.md §9
// defaults, validation and first-match selection.
#include <algorithm>
#include <string>

#include "churnwatch/playbook.h"

namespace churnwatch {

namespace {
constexpr const char* kReasonKeys[] = {"price", "experience", "competition", "need_shift", "disengagement", "value_decline"};
constexpr const char* kReasonZh[] = {"价格敏感", "体验不佳", "竞争分流", "需求转移", "活跃下降", "价值下滑"};
constexpr const char* kReasonEn[] = {"price sensitivity", "poor experience", "competition",
                                     "need shift",        "disengagement",   "value decline"};

bool IsAny(std::string_view v) { return v.empty() || v == "*" || v == "any"; }

bool Matches(std::string_view pattern, std::string_view value) { return IsAny(pattern) || pattern == value; }
}  // namespace

std::string_view PlaybookReasonKey(ReasonCategory c) { return kReasonKeys[static_cast<int>(c)]; }
std::string_view PlaybookReasonZh(ReasonCategory c) { return kReasonZh[static_cast<int>(c)]; }
std::string_view PlaybookReasonEn(ReasonCategory c) { return kReasonEn[static_cast<int>(c)]; }

std::optional<ReasonCategory> ParsePlaybookReasonKey(std::string_view key) {
  for (int i = 0; i < kReasonCategoryCount; ++i)
    if (key == kReasonKeys[i]) return static_cast<ReasonCategory>(i);
  return std::nullopt;
}

Playbook Playbook::Defaults() {
  Playbook p;
  // Costs in the store's currency per customer contacted; uplifts are planning defaults
  // (share of would-be churners an action keeps) until campaigns measure them (§10).
  p.actions = {
      {"coupon", "sms", 5.0, 0.10, "Targeted coupon", "定向优惠券"},
      {"gift", "store", 8.0, 0.08, "Gift with next purchase", "购物赠礼"},
      {"service_recovery", "phone", 15.0, 0.20, "Apology, compensation and service fix", "致歉补偿与服务改进"},
      {"vip_manager_call", "phone", 25.0, 0.25, "1-to-1 call from a customer manager", "客户经理一对一联系"},
      {"alternative_products", "email", 1.0, 0.06, "Recommend alternative products", "推荐替代商品"},
      {"app_push", "app", 0.2, 0.03, "Community / app push message", "社群/App 推送"},
      {"member_perk", "app", 6.0, 0.12, "Member-only price or perk", "会员专享价/权益"},
  };
  p.entries = {
      {"", "high", "red", "", "vip_manager_call"},
      {"experience", "", "", "", "service_recovery"},
      {"", "low", "", "", "app_push"},
      {"", "", "blue", "", "coupon"},
      {"price", "", "", "", "coupon"},
      {"competition", "", "", "", "member_perk"},
      {"need_shift", "", "", "", "alternative_products"},
      {"value_decline", "", "", "", "gift"},
      {"disengagement", "high", "", "", "gift"},
      {"", "", "", "new", "member_perk"},
      {"", "", "", "new", "coupon"},
      {"", "high", "", "winback", "vip_manager_call"},
      {"", "", "", "winback", "coupon"},
      {"", "", "", "winback", "member_perk"},
      {"", "", "", "", "app_push"},
  };
  return p;
}

Status Playbook::Validate() const {
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const auto& a = actions[i];
    const std::string where = "playbook action '" + a.key + "'";
    if (a.key.empty()) return Status::InvalidArgument("playbook action " + std::to_string(i + 1) + ": empty key");
    if (!(a.cost >= 0)) return Status::InvalidArgument(where + ": cost must be ≥ 0, got " + std::to_string(a.cost));
    if (!(a.uplift >= 0 && a.uplift <= 1))
      return Status::InvalidArgument(where + ": uplift must be in [0, 1], got " + std::to_string(a.uplift));
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const std::string where = "playbook entry " + std::to_string(i + 1);
    if (!IsAny(e.reason) && !ParsePlaybookReasonKey(e.reason))
      return Status::InvalidArgument(where + ": unknown reason '" + e.reason +
                                     "' (use price, experience, competition, need_shift, disengagement, value_decline)");
    if (!IsAny(e.value_tier) && e.value_tier != "high" && e.value_tier != "mid" && e.value_tier != "low")
      return Status::InvalidArgument(where + ": unknown value_tier '" + e.value_tier + "' (use high, mid, low)");
    if (!IsAny(e.zone) && e.zone != "red" && e.zone != "yellow" && e.zone != "blue" && e.zone != "none")
      return Status::InvalidArgument(where + ": unknown zone '" + e.zone + "' (use red, yellow, blue, none)");
    if (FindAction(e.action) == nullptr)
      return Status::InvalidArgument(where + ": action '" + e.action + "' is not defined under [actions]");
  }
  return Status::OK();
}

const ActionDef* Playbook::FindAction(std::string_view key) const {
  auto it = std::find_if(actions.begin(), actions.end(), [&](const ActionDef& a) { return a.key == key; });
  return it == actions.end() ? nullptr : &*it;
}

const ActionDef* Playbook::Select(const PlaybookQuery& q) const {
  for (const auto& e : entries)
    if (Matches(e.reason, q.reason) && Matches(e.value_tier, q.value_tier) && Matches(e.zone, q.zone) &&
        Matches(e.lifecycle_stage, q.lifecycle_stage))
      return FindAction(e.action);
  return nullptr;
}

std::vector<const ActionDef*> Playbook::Allowed(const PlaybookQuery& q) const {
  std::vector<const ActionDef*> out;
  for (const auto& e : entries) {
    if (!(Matches(e.reason, q.reason) && Matches(e.value_tier, q.value_tier) && Matches(e.zone, q.zone) &&
          Matches(e.lifecycle_stage, q.lifecycle_stage)))
      continue;
    const ActionDef* def = FindAction(e.action);
    if (def != nullptr && std::find(out.begin(), out.end(), def) == out.end()) out.push_back(def);
  }
  return out;
}

}  // namespace churnwatch

// Texts of the action list (action_messages.h). The message names no personal data: the
// list is keyed by the retailer's customer id and the CRM tool adds name and contact.
#include "report/action_messages.h"

#include <string>

#include "churnwatch/run_record.h"

namespace churnwatch::run_output {

Bilingual ReasonText(const RunState& state, const ActionItem& a) {
  Bilingual out;
  auto add = [&](const std::string& en, const std::string& zh) {
    if (en.empty() && zh.empty()) return;
    out.en += (out.en.empty() ? "" : "; ") + en;
    out.zh += (out.zh.empty() ? "" : "；") + (zh.empty() ? en : zh);
  };
  for (const auto& name : a.rules)
    for (const auto& r : state.config->policy.rules)
      if (r.name == name) add(r.message_en, r.message_zh);
  if (a.scored_index < state.scored.size()) {
    const ScoredCustomer& sc = state.scored[a.scored_index];
    for (int k = 0; k < sc.reason_count; ++k) {
      const auto& r = sc.reasons[static_cast<std::size_t>(k)];
      add(r.sentence_en, r.sentence_zh);
    }
  }
  return out;
}

Bilingual ActionMessage(const ActionItem& a) {
  const std::string& k = a.action;
  if (k == "coupon")
    return {"We miss you! Here is a coupon for your next purchase with us.", "好久不见！为您准备了一张下次购物可用的优惠券。"};
  if (k == "gift")
    return {"Thank you for shopping with us: a gift is waiting for you with your next purchase.",
            "感谢您一直以来的支持：您下次购物时将获赠一份礼品。"};
  if (k == "service_recovery")
    return {"We are sorry about your recent experience with us and would like to make it right: may we call you to "
            "hear what happened and offer you compensation?",
            "对于您最近的不愉快体验，我们深表歉意。我们希望弥补：能否致电了解情况，并为您提供补偿？"};
  if (k == "vip_manager_call")
    return {"Your customer manager would like to call you to hear how we can serve you better.",
            "您的专属客户经理希望与您通话，了解如何更好地为您服务。"};
  if (k == "alternative_products")
    return a.products.empty()
               ? Bilingual{"We have picked some products you may like.", "我们为您挑选了一些可能喜欢的商品。"}
               : Bilingual{"Picked for you: " + a.products + ".", "为您推荐：" + a.products + "。"};
  if (k == "app_push") return {"New in store this week: come and have a look.", "本周上新，欢迎来看看。"};
  if (k == "member_perk")
    return {"As a member, you get a member-only price on your next purchase.", "作为会员，您下次购物可享会员专享价。"};
  return {a.action_label_en, a.action_label_zh.empty() ? a.action_label_en : a.action_label_zh};
}

}  // namespace churnwatch::run_output

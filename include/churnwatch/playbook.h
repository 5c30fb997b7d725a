#pragma once
/// \file playbook.h
/// The retention playbook of SPEC.md §9: a catalogue of actions, each with a channel, a
/// cost and an expected uplift (the share of would-be churners it keeps), and an ordered
/// list of entries mapping (reason × value tier × zone × lifecycle stage) to an action.
///
/// Selection is *first match wins*, in config order, like a firewall: an entry matches when
/// each of its four keys is empty/"*" or equal to the customer's value. Put specific
/// entries before general ones; the last entry should match everything. The defaults
/// (Playbook::Defaults, docs/policy.md) follow SPEC.md §9: high value in the red zone →
/// 1-to-1 manager call; experience → apology + compensation; low value → low-cost push;
/// price → targeted coupon; competition → member-only perk; need shift → alternative
/// products; value decline → gift with purchase; disengagement → app push (gift for high
/// value); blue (lapsed) → win-back coupon.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/scored_customer.h"
#include "churnwatch/status.h"

namespace churnwatch {

/// "price", "experience", "competition", "need_shift", "disengagement", "value_decline".
std::string_view PlaybookReasonKey(ReasonCategory c);
std::optional<ReasonCategory> ParsePlaybookReasonKey(std::string_view key);
/// Chinese label of a reason category (价格敏感, ...), for reports.
std::string_view PlaybookReasonZh(ReasonCategory c);
/// English label ("price sensitivity", ...).
std::string_view PlaybookReasonEn(ReasonCategory c);

/// The seven action kinds of SPEC.md §9, by key.
inline constexpr const char* kActionKeys[] = {"coupon",           "gift",                 "service_recovery",
                                              "vip_manager_call", "alternative_products", "app_push",
                                              "member_perk"};

struct ActionDef {
  std::string key;        ///< one of kActionKeys (or a retailer's own key)
  std::string channel;    ///< "sms", "app", "phone", "email", "store", ...
  double cost = 0;        ///< per customer, in the store's currency
  double uplift = 0;      ///< expected share of churners kept (0..1), replaced by measured uplift later
  std::string label_en;
  std::string label_zh;
};

struct PlaybookEntry {
  std::string reason;           ///< reason key, or "" / "*" for any
  std::string value_tier;       ///< high | mid | low | any
  std::string zone;             ///< red | yellow | blue | none | any
  std::string lifecycle_stage;  ///< new | growing | mature | declining | ... | any
  std::string action;           ///< key of an ActionDef
};

struct PlaybookQuery {
  std::string_view reason;
  std::string_view value_tier;
  std::string_view zone;
  std::string_view lifecycle_stage;
};

struct Playbook {
  std::vector<ActionDef> actions;
  std::vector<PlaybookEntry> entries;

  /// SPEC.md §9 defaults (costs and uplifts in docs/policy.md).
  static Playbook Defaults();

  /// Every entry names a defined action and a known reason / tier / zone; costs ≥ 0 and
  /// uplifts in [0, 1]. kInvalidArgument naming the entry (1-based) and field otherwise.
  Status Validate() const;

  const ActionDef* FindAction(std::string_view key) const;

  /// The first matching entry's action, or nullptr when no entry matches.
  const ActionDef* Select(const PlaybookQuery& query) const;

  /// Every action some matching entry names, in entry order, each once: the actions the
  /// playbook allows for the customer, among which the policy engine picks by expected
  /// net benefit (include/churnwatch/policy_engine.h).
  std::vector<const ActionDef*> Allowed(const PlaybookQuery& query) const;
};

}  // namespace churnwatch

#pragma once
/// \file effects.h
/// The effect table: the share of would-be churners an action keeps, by
/// (action, cause, value tier, lifecycle stage). Expected net benefit of an action is
/// P(churn) × value at stake × effect − cost (include/churnwatch/decisions.h).
///
/// Rows are priors from configuration (`[[effects]]` in a policy file, defaults below) and,
/// once campaigns have measured them, measured uplift overlaid with Overlay(). A lookup
/// takes the most specific matching row: a row matches when each of its keys is "*" (any)
/// or equal to the query's; more non-"*" keys win; among equally specific rows the later
/// one wins (so a config row overrides a default, and an overlaid row overrides both).
/// An action with no matching row has the `uplift` of its playbook definition.
///
/// Thread safety: const methods may be called concurrently; Add/Overlay must not race them.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/playbook.h"
#include "churnwatch/status.h"

namespace churnwatch {

/// One prior row. Keys are "*" for any; cause is a reason key (price, experience,
/// competition, need_shift, disengagement, value_decline, or "none" for "no clear cause"),
/// value_tier high|mid|low, stage a lifecycle stage or a track ("new", "winback").
struct EffectRow {
  std::string action;
  std::string cause = "*";
  std::string value_tier = "*";
  std::string stage = "*";
  double effect = 0;  ///< share of would-be churners kept, in [0, 1]
};

/// A measured uplift of a campaign, as the campaign module stores it (one document per
/// (action, cause, value tier) cell): uplift = churn rate of control − churn rate of
/// treated, with its confidence interval and the two group sizes.
struct MeasuredEffect {
  std::string action;
  std::string cause = "*";
  std::string value_tier = "*";
  double uplift = 0;
  double ci_low = 0;
  double ci_high = 0;
  std::int64_t n_treated = 0;
  std::int64_t n_control = 0;
};

class EffectTable {
 public:
  /// The table of `playbook` with the shipped priors (DefaultEffectRows) for its actions.
  static EffectTable Defaults(const Playbook& playbook);
  /// Only the playbook's own uplifts (no cause-specific rows).
  static EffectTable FromPlaybook(const Playbook& playbook);

  /// Appends a prior row (it wins over earlier rows of equal specificity).
  void Add(EffectRow row);

  /// Overlays measured rows. Each becomes a row (action, cause, value_tier, stage "*")
  /// whose effect is the measured uplift shrunk toward the current prior for that cell by
  /// its sample size: with n = n_treated·n_control / (n_treated + n_control) (the
  /// effective size of a difference of two rates), effect = (n·uplift + k·prior) / (n + k),
  /// clamped to [0, 1], where k = `prior_strength` (pseudo-customers the prior is worth).
  /// A cell with no treated or no control customer leaves the prior unchanged.
  /// kInvalidArgument (naming the row, 1-based) for an action the table does not know,
  /// a negative group size, or an uplift outside [-1, 1].
  Status Overlay(std::span<const MeasuredEffect> measured, double prior_strength = 200);

  /// The effect of `action` for the query; the action's playbook uplift when no row
  /// matches, 0 for an action the playbook lacks.
  double Effect(std::string_view action, std::string_view cause, std::string_view value_tier,
                std::string_view stage) const;

  /// Checks every row: a known action, a known cause / tier, effect in [0, 1].
  /// kInvalidArgument naming the row (1-based) and field.
  Status Validate() const;

  std::span<const EffectRow> rows() const { return rows_; }

 private:
  struct Fallback {
    std::string action;
    double uplift;
  };
  std::vector<EffectRow> rows_;
  std::vector<Fallback> fallback_;
};

/// The shipped priors (docs/policy.md "Effects"): each action works best on the cause it
/// answers (coupon on price, service recovery on poor experience, member perk on
/// competition, alternative products on need shift, gift on value decline) and much less
/// elsewhere; a manager's call works on high-value customers; cheap touches suit new
/// customers' first repeat.
std::vector<EffectRow> DefaultEffectRows();

}  // namespace churnwatch

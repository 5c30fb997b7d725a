#pragma once
/// \file score_csv.h
/// The per-customer CSV of `churnwatch score --out` and of `run`'s customers.csv (SPEC.md
/// §14, docs/cli.md): one header and one row format, so the two files carry the same
/// columns, in the same order, formatted the same way.
///
/// Columns: customer_id, p_churn, expected_days_to_churn, p_alive, clv, value_tier,
/// segment, lifecycle_stage, zone, grade, reason_1, reason_2, reason_3, action,
/// action_cost, expected_benefit (the §14 contract), then frequency_tier,
/// reason_1_feature, reason_1_en, reason_1_zh, model_version, funded (1 when the budget
/// funds the customer's action, else 0); `run` appends rules (the fired rule names joined
/// by '|'). Probabilities have six significant digits, days one decimal, money (clv,
/// action_cost, expected_benefit) two decimals; a missing number is an empty field.
/// Fields with a comma, quote or line break are quoted.

#include <span>
#include <string>

#include "churnwatch/policy_engine.h"
#include "churnwatch/scored_customer.h"

namespace churnwatch {

struct ScoreCsvOptions {
  bool rules = false;  ///< append the "rules" column (run's customers.csv)
};

/// The whole file, header included. `outcome` is ApplyPolicy's result for `scored` (its
/// zones are aligned with `scored`, its actions point into it by scored_index).
std::string FormatScoreCsv(std::span<const ScoredCustomer> scored, const PolicyOutcome& outcome,
                           const ScoreCsvOptions& options = {});

}  // namespace churnwatch

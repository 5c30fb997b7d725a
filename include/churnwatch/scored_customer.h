#pragma once
/// \file scored_customer.h
/// One customer's score at a cutoff: what models/ and explain/ produce and policy/,
/// report/ and the CSV outputs of `score` and `run` (SPEC.md §14) consume.

#include <array>
#include <string>

#include "churnwatch/types.h"

namespace churnwatch {

/// The six reason categories of SPEC.md §8; keys are part of the CSV contract.
enum class ReasonCategory : std::uint8_t { kPrice = 0, kExperience, kCompetition, kNeedShift, kDisengagement, kValueDecline };
inline constexpr int kReasonCategoryCount = 6;

struct Reason {
  ReasonCategory category = ReasonCategory::kDisengagement;
  double contribution = 0;       ///< summed SHAP contribution (log-odds) of the category
  std::string top_feature;       ///< the category's strongest feature for this customer
  std::string sentence_en;       ///< quotes the customer's own numbers
  std::string sentence_zh;
};

struct ScoredCustomer {
  std::string customer_id;
  DayNumber as_of = 0;
  double p_churn = kNaN;                 ///< calibrated ensemble probability
  double expected_days_to_churn = kNaN;  ///< warning lead time from the survival model
  double p_alive = kNaN;                 ///< BG/NBD
  double clv = kNaN;                     ///< 12-month discounted CLV
  std::string value_tier;                ///< high | mid | low
  std::string frequency_tier;            ///< high | mid | low
  std::string segment;                   ///< RFM named segment
  std::string lifecycle_stage;
  std::array<Reason, 3> reasons{};       ///< strongest first
  int reason_count = 0;                  ///< how many of `reasons` are filled
  std::string model_version;
};

}  // namespace churnwatch

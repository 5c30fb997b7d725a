#pragma once
/// \file explain.h
/// Churn reasons (SPEC.md §8): the tree model's SHAP contributions (XGBoost pred_contribs,
/// log-odds) of the features whose values point toward churn (PointsTowardChurn) summed per
/// reason category; the top three categories with a positive sum, each with its strongest
/// such feature and one sentence in English and Chinese quoting the customer's own numbers
/// ("usually buys every 21 days; 64 days since last purchase" / "通常每21天购买一次;已64天未购买").
/// A feature whose value does not point toward churn (0 % returns, spend that rose) is left
/// out of its category whatever the sign of its contribution: a positive one is an artefact
/// of interactions, and neither says anything about the category's problem.
///
/// Reasons explain the tree component of the ensemble, which carries the per-feature
/// structure; the stacker and calibration are monotone in it.
/// Exact contributions (Tree SHAP) for customers a person will look at; `approximate`
/// (Saabas attribution, much faster) for bulk scoring. Both sum to the trees' margin.
/// Thread safety: pure functions over immutable inputs.

#include <array>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/category_stops.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/models.h"
#include "churnwatch/scored_customer.h"
#include "churnwatch/status.h"

namespace churnwatch {

/// Feature -> reason category, for one model's feature list. A feature may map to no
/// category (its contribution is left out of every reason), e.g. `tenure_days`.
class ReasonMap {
 public:
  /// Defaults: the feature catalogue's category for catalogue features; for other
  /// features (labelled tables) a keyword rule on the name (docs/models.md); else none.
  static ReasonMap Defaults(std::span<const std::string> features);
  /// Defaults overridden by a TOML file with a [reasons] table of `feature = "category"`
  /// (keys as in SPEC.md §14, or "none"). kNotFound for a missing file; kInvalidArgument
  /// naming the file, feature and value for an unknown category. Features of the file
  /// that the model lacks are ignored (one file serves several models).
  static Result<ReasonMap> Load(const std::filesystem::path& path, std::span<const std::string> features);

  std::optional<ReasonCategory> CategoryOf(std::size_t feature) const { return categories_[feature]; }
  std::size_t size() const { return categories_.size(); }

 private:
  std::vector<std::optional<ReasonCategory>> categories_;
};

/// Reason category key (SPEC.md §14) and its display names.
std::string_view ReasonKey(ReasonCategory c);
std::optional<ReasonCategory> ParseReasonKey(std::string_view key);

/// Up to three reasons of one row, strongest first.
struct RowReasons {
  std::array<Reason, 3> reasons{};
  int count = 0;
  /// The summed contribution of every category (only features pointing toward churn).
  std::array<double, kReasonCategoryCount> sums{};
};

/// Price, poor experience, competition and need shift are causes; disengagement and value
/// decline are symptoms.
bool IsCause(ReasonCategory c);

struct CauseOptions {
  /// The transactions, for need shift read per category (FindCategoryStop); null: need
  /// shift has no evidence.
  const RetailColumns* history = nullptr;
  CategoryStopOptions stops;
  /// A cause with evidence is named only when its category's contribution is positive
  /// (it adds to the risk); a stopped category adds when it held at least
  /// `stop_share_adds` of the customer's spend. False: evidence alone names a cause.
  bool require_risk = true;
  double stop_share_adds = 0.25;
  /// Causes are ranked by max(contribution, 0) + evidence_weight × ln(evidence strength).
  double evidence_weight = 0.5;
};

/// Turns each row's reasons into causes (docs/models.md "Reasons"): a cause is named when
/// its evidence rule holds on the row before the cutoff and it adds to the risk; the
/// sentence quotes the evidence ("2 complaints in the last 90 days", "stopped buying cat
/// food in March after 14 months; still buys litter"). Evidence rules: experience —
/// complaints, reviews rated ≤ 2, a burst of service contacts, a falling rating, a high
/// return rate; competition — competitor views, a channel shift of ≥ 30 points; price —
/// discount dependence (≥ 60 % of spend or of orders on discount), a rising discounted
/// share, coupon redemption ≥ 50 %, trading down (unit price ≤ 80 % of the prior 90 days),
/// cart abandonment ≥ 30 %; need shift — a stopped category (FindCategoryStop). Named causes
/// replace the row's reasons, strongest first (up to three). When no cause qualifies the
/// symptoms stay, the first sentence prefixed "no clear cause; " ("原因不明;"), and a row
/// with no reason at all gets its most useful symptom from its own numbers (the usual
/// interval against the days since the last purchase), so every row ends with a reason.
/// `rows` maps reasons[i] to its table row (identity when empty); `sums` are per reasons[i].
void NameCauses(const FeatureTable& table, std::span<const std::array<double, kReasonCategoryCount>> sums,
                std::span<RowReasons> reasons, std::span<const std::size_t> rows, const CauseOptions& options);

/// Explains `rows` of `table` (all rows when empty). kInvalidArgument when the table lacks
/// the model's features or the map was built for another feature list.
Result<std::vector<RowReasons>> ExplainRows(const ChurnModel& model, const FeatureTable& table,
                                            std::span<const std::size_t> rows, const ReasonMap& map,
                                            bool approximate);

/// Whether row `row`'s value of `feature` may be given as a churn reason: the value is
/// finite and points toward churn in the sense of the feature's category, by the direction
/// table of docs/models.md "Reasons" (e.g. `return_rate` only above 5 %, `monetary_90` only
/// when the last 90 days' spend is below the prior 90 days'). A feature outside the
/// catalogue has no direction and passes whenever its value is finite; a catalogue feature
/// whose rule reads a column the table lacks does not pass. False for an absent feature.
bool PointsTowardChurn(const FeatureTable& table, std::size_t row, std::string_view feature);

/// The English and Chinese sentence for `feature` of row `row` (quotes that row's values of
/// the feature and of its companions, e.g. the purchase interval next to recency, and says
/// which way they moved). Never prints nan or inf: when a value the sentence quotes is
/// missing it falls back to "<feature> = <value>", or "<feature> is missing" when the
/// feature's own value is. Counts agree with their noun ("1 day", "2 days").
std::pair<std::string, std::string> ReasonSentence(const FeatureTable& table, std::size_t row,
                                                   std::string_view feature);

}  // namespace churnwatch

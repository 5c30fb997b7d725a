#pragma once
// Reasons as causes (include/churnwatch/explain.h, NameCauses): the evidence rule of each
// cause read from one row's features (and, for need shift, the customer's history per
// category), and the re-ranking of a row's reasons. Internal to explain/.

#include <array>
#include <optional>
#include <string>

#include "churnwatch/category_stops.h"
#include "churnwatch/explain.h"

namespace churnwatch::explain_internal {

/// One cause's evidence in one row: how strong (≥ 1 when present), the feature that shows
/// it, and a sentence quoting it.
struct Evidence {
  double strength = 0;
  std::string feature;
  std::string en, zh;
};

/// The feature columns the evidence rules read, bound to a table once.
class CauseColumns {
 public:
  explicit CauseColumns(const FeatureTable& table);
  double Get(int id, std::size_t row) const;

  enum : int {
    kComplaints90, kNegativeReviews180, kServiceContacts30, kServiceContactsChange, kRatingTrend, kReturnRate,
    kReturnOrders365, kCompetitorView90, kOnlineShare90, kOnlineShareChange, kDiscountShare, kDiscountShareChange,
    kPromoOrderShare, kCouponRedemption90, kUnitPriceChange, kCartAbandonRate90, kOverdueRatio, kRecencyDays,
    kIntervalMeanDays, kMonetaryChange, kFrequencyVsBaseline, kCount
  };

 private:
  std::array<std::span<const double>, kCount> cols_{};
};

/// The evidence of `cause` (price, experience, competition or need shift) in row `row`, or
/// nullopt. `stop` is the customer's stopped category when the history was read.
std::optional<Evidence> CauseEvidence(ReasonCategory cause, const CauseColumns& cols, std::size_t row,
                                      const std::optional<CategoryStop>& stop, const RetailColumns* history);

/// A symptom sentence from the row's own numbers when the model gave no reason at all.
Evidence SymptomEvidence(const CauseColumns& cols, std::size_t row);

}  // namespace churnwatch::explain_internal

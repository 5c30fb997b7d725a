// The direction table: for every catalogue feature, which of its values point toward churn
// in the sense of the feature's reason category (docs/models.md "Reasons"). A tree model's
// positive contribution from a value that is good in plain terms (0 % returns, spend that
// rose) comes from interactions with other features; such a feature is not given as the
// reason. Each rule tests what the feature's sentence (sentences.cc) quotes, so a sentence
// shown as a reason always reads as one.
#include "explain/directions.h"

#include <array>
#include <cmath>

#include "churnwatch/explain.h"

namespace churnwatch::explain_internal {
namespace {

using enum Side;

// Levels are fixed, not population quantiles, so one customer explained alone gets the
// same reasons as in a batch. docs/models.md "Reasons" lists them.
constexpr double kRecencyLevelDays = 30;     // with no usual interval: a month without a purchase
constexpr double kSlowIntervalDays = 30;     // buys less often than monthly
constexpr double kLongGapDays = 60;          // came back after two months away
constexpr double kFewActiveWeeks = 0.25;     // bought in fewer than one week in four
constexpr double kLoginLevelDays = 30;
constexpr double kNarrowBreadth = 3;         // fewer than three categories in 180 d
constexpr double kConcentratedHhi = 0.5;
constexpr double kChannelShift = 0.2;        // 20 points of orders moved between channels
constexpr double kMostlyDiscounted = 0.5;    // more than half of spend / orders on discount
constexpr double kCartAbandon = 0.15;        // SPEC.md §9's rule level
constexpr double kReturnLevel = 0.05;        // more than 5 % of purchase amount returned
constexpr double kLowRating = 3.5;
constexpr double kNegativeSentiment = 0.25;

constexpr std::array kTable = std::to_array<DirectionRule>({
    // ---- disengagement: buying less, later or less regularly than the customer's own pace
    {"recency_days", "overdue_ratio", kAbove, 1, ""},
    {"recency_days", "recency_days", kAbove, kRecencyLevelDays, "", true},
    {"overdue_ratio", "overdue_ratio", kAbove, 1, ""},
    {"interval_mean_days", "interval_mean_days", kAbove, kSlowIntervalDays, ""},
    {"interval_std_days", "interval_std_days", kAbove, 1, "interval_mean_days"},
    {"reactivation_gap_days", "reactivation_gap_days", kAbove, kLongGapDays, ""},
    {"frequency_30", "frequency_90", kBelow, 1, "frequency_prev90"},
    {"frequency_90", "frequency_90", kBelow, 1, "frequency_prev90"},
    {"frequency_180", "frequency_90", kBelow, 1, "frequency_prev90"},
    {"frequency_prev90", "frequency_90", kBelow, 1, "frequency_prev90"},
    {"freq_change", "frequency_90", kBelow, 1, "frequency_prev90"},
    {"frequency_365", "frequency_vs_baseline", kBelow, 1, ""},
    {"frequency_vs_baseline", "frequency_vs_baseline", kBelow, 1, ""},
    {"purchase_days_365", "frequency_vs_baseline", kBelow, 1, ""},
    {"active_weeks_share_52", "active_weeks_share_52", kBelow, kFewActiveWeeks, ""},
    {"weekly_trend_26", "weekly_trend_26", kBelow, 0, ""},
    {"visits_30", "visits_change", kBelow, 0, ""},
    {"visits_change", "visits_change", kBelow, 0, ""},
    {"logins_30", "logins_change", kBelow, 0, ""},
    {"logins_change", "logins_change", kBelow, 0, ""},
    {"days_since_login", "days_since_login", kAbove, kLoginLevelDays, ""},
    {"page_views_30", "page_views_change", kBelow, 0, ""},
    {"page_views_change", "page_views_change", kBelow, 0, ""},
    {"unsubscribed", "unsubscribed", kAbove, 0.5, ""},
    // ---- need shift: a narrow or narrowing category mix
    {"category_breadth_180", "category_breadth_180", kBelow, kNarrowBreadth, ""},
    {"category_hhi_180", "category_hhi_180", kAbove, kConcentratedHhi, ""},
    {"category_hhi_change", "category_hhi_change", kAbove, 0, ""},
    // ---- competition: orders moving between channels, fewer stores, competitor views
    {"online_share_90", "online_share_change", kAwayFrom, kChannelShift, ""},
    {"online_share_change", "online_share_change", kAwayFrom, kChannelShift, ""},
    {"stores_used_365", "stores_used_change", kBelow, 0, ""},
    {"stores_used_change", "stores_used_change", kBelow, 0, ""},
    {"competitor_view_30", "competitor_view_30", kAbove, 0, ""},
    {"competitor_view_90", "competitor_view_90", kAbove, 0, ""},
    // ---- price: buying on discount, trading down, abandoning carts, coupons used less
    {"discount_share", "discount_share", kAbove, kMostlyDiscounted, ""},
    {"discount_share_change", "discount_share_change", kAbove, 0, ""},
    {"promo_order_share", "promo_order_share", kAbove, kMostlyDiscounted, ""},
    {"unit_price_90", "unit_price_change", kBelow, 1, ""},
    {"unit_price_change", "unit_price_change", kBelow, 1, ""},
    {"cart_abandon_rate_90", "cart_abandon_rate_90", kAbove, kCartAbandon, ""},
    {"coupon_redemption_90", "coupon_redemption_change", kBelow, 0, ""},
    {"coupon_redemption_change", "coupon_redemption_change", kBelow, 0, ""},
    // ---- experience: returns, complaints, service contacts, poor or falling ratings
    {"return_rate", "return_rate", kAbove, kReturnLevel, ""},
    {"return_orders_365", "return_rate", kAbove, kReturnLevel, ""},
    {"service_contacts_30", "service_contacts_30", kAbove, 0, ""},
    {"service_contacts_change", "service_contacts_change", kAbove, 0, ""},
    {"complaints_90", "complaints_90", kAbove, 0, ""},
    {"negative_reviews_180", "negative_reviews_180", kAbove, 0, ""},
    {"mean_rating_365", "mean_rating_365", kBelow, kLowRating, ""},
    {"rating_trend", "rating_trend", kBelow, 0, ""},
    {"negative_sentiment_share", "negative_sentiment_share", kAbove, kNegativeSentiment, ""},
    // ---- value decline: recent spend or order value below the prior 90 days
    {"monetary_30", "monetary_90", kBelow, 1, "monetary_prev90"},
    {"monetary_90", "monetary_90", kBelow, 1, "monetary_prev90"},
    {"monetary_180", "monetary_90", kBelow, 1, "monetary_prev90"},
    {"monetary_365", "monetary_90", kBelow, 1, "monetary_prev90"},
    {"monetary_prev90", "monetary_90", kBelow, 1, "monetary_prev90"},
    {"monetary_change", "monetary_90", kBelow, 1, "monetary_prev90"},
    {"aov_90", "aov_change", kBelow, 1, ""},
    {"aov_90", "monetary_90", kBelow, 1, "monetary_prev90"},  // smaller orders, more of them: no decline
    {"aov_change", "aov_change", kBelow, 1, ""},
    {"aov_change", "monetary_90", kBelow, 1, "monetary_prev90"},
    {"basket_size_90", "basket_size_90", kNever, 0, ""},  // no prior-period basket to compare
    // tenure_days is context (no category by default); a mapping that makes it a reason
    // gets the plain "any finite value" treatment of features outside the catalogue.
});

}  // namespace

std::span<const DirectionRule> DirectionTable() { return kTable; }

DirectionCheck::DirectionCheck(const FeatureTable& table, std::span<const std::string> features) {
  features_.resize(features.size());
  for (std::size_t f = 0; f < features.size(); ++f) {
    Feature& out = features_[f];
    out.values = table.Column(features[f]);
    for (const DirectionRule& rule : kTable) {
      if (rule.feature != features[f]) continue;
      out.catalogued = true;
      Bound b{table.Column(rule.tested), {}, rule.side, rule.level, true, rule.otherwise};
      if (!rule.baseline.empty()) {
        b.baseline = table.Column(rule.baseline);
        b.known = !b.baseline.empty();
      }
      if (b.tested.empty()) b.known = false;
      out.rules.push_back(b);
    }
  }
}

bool DirectionCheck::PointsTowardChurn(std::size_t f, std::size_t row) const {
  const Feature& feature = features_[f];
  if (feature.values.empty() || !std::isfinite(feature.values[row])) return false;
  if (!feature.catalogued) return true;
  // Alternatives in order: the first whose rows are all known decides; within one, every
  // row must hold.
  bool holds = true, known = true;
  for (std::size_t i = 0; i < feature.rules.size(); ++i) {
    const Bound& b = feature.rules[i];
    if (b.otherwise) {
      if (known) return holds;
      holds = known = true;
    }
    if (b.side == kNever) return false;
    const double x = b.known ? b.tested[row] : kNaN;
    const double bound = !b.known ? kNaN : b.baseline.empty() ? b.level : b.level * b.baseline[row];
    if (!std::isfinite(x) || !std::isfinite(bound)) {
      known = false;
      continue;
    }
    switch (b.side) {
      case kAbove: holds = holds && x > bound; break;
      case kBelow: holds = holds && x < bound; break;
      case kAwayFrom: holds = holds && std::abs(x) >= bound; break;
      case kNever: holds = false; break;
    }
  }
  return known && holds;
}

}  // namespace churnwatch::explain_internal

namespace churnwatch {

bool PointsTowardChurn(const FeatureTable& table, std::size_t row, std::string_view feature) {
  const std::string name(feature);
  const explain_internal::DirectionCheck check(table, std::span<const std::string>(&name, 1));
  return check.PointsTowardChurn(0, row);
}

}  // namespace churnwatch

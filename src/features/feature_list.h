#pragma once
// The feature list, once: X(id, name, group, unit, reason, definition). The catalogue
// (catalog.cc) and the kernel's column indices (kernel.h) are both generated from it, so a
// feature cannot be computed without being catalogued or catalogued without being computed.
// Windows: "last W d" = days [T-W, T); "prior 90 d" = [T-180, T-90); "prior 60 d" = [T-90, T-30).
// Purchase lines are non-return lines; an order is a distinct (order_id, day).

#define CW_FEATURE_LIST(X)                                                                                            \
  /* ---- behaviour ---- */                                                                                           \
  X(kRecencyDays, "recency_days", kBehaviour, "days", kDisengagement,                                                 \
    "T minus the day of the last purchase before T")                                                                  \
  X(kFrequency30, "frequency_30", kBehaviour, "orders", kDisengagement, "purchase orders in the last 30 d")           \
  X(kFrequency90, "frequency_90", kBehaviour, "orders", kDisengagement, "purchase orders in the last 90 d")           \
  X(kFrequency180, "frequency_180", kBehaviour, "orders", kDisengagement, "purchase orders in the last 180 d")        \
  X(kFrequency365, "frequency_365", kBehaviour, "orders", kDisengagement, "purchase orders in the last 365 d")        \
  X(kFrequencyPrev90, "frequency_prev90", kBehaviour, "orders", kDisengagement, "purchase orders in the prior 90 d")  \
  X(kFreqChange, "freq_change", kBehaviour, "ratio", kDisengagement,                                                  \
    "frequency_90 / frequency_prev90; NaN when frequency_prev90 = 0")                                                 \
  X(kFrequencyVsBaseline, "frequency_vs_baseline", kBehaviour, "ratio", kDisengagement,                               \
    "frequency_90 / (frequency_365 * 90 / 365): the last quarter against the customer's own yearly pace")            \
  X(kPurchaseDays365, "purchase_days_365", kBehaviour, "days", kDisengagement,                                        \
    "distinct days with a purchase in the last 365 d")                                                                \
  X(kTenureDays, "tenure_days", kBehaviour, "days",                                                                   \
    kDisengagement, "T minus the earlier of the first purchase day and joined_at (when joined_at < T)")               \
  X(kIntervalMeanDays, "interval_mean_days", kBehaviour, "days", kDisengagement,                                      \
    "mean gap between consecutive distinct purchase days in the last 365 d; NaN with fewer than 2 days")             \
  X(kIntervalStdDays, "interval_std_days", kBehaviour, "days", kDisengagement,                                        \
    "population standard deviation of those gaps; NaN with fewer than 2 purchase days")                              \
  X(kOverdueRatio, "overdue_ratio", kBehaviour, "ratio", kDisengagement,                                              \
    "recency_days / interval_mean_days; NaN when interval_mean_days is NaN")                                          \
  X(kReactivationGapDays, "reactivation_gap_days", kBehaviour, "days", kDisengagement,                               \
    "longest gap between consecutive purchase days whose later day is in the last 90 d; NaN if none")                \
  X(kWeeklyTrend26, "weekly_trend_26", kBehaviour, "orders/week per week", kDisengagement,                            \
    "least-squares slope of purchase orders per week over the last 26 weeks (182 d), oldest week = 0")               \
  X(kActiveWeeksShare52, "active_weeks_share_52", kBehaviour, "share", kDisengagement,                                \
    "share of the last 52 weeks (364 d) with at least one purchase order")                                            \
  X(kCategoryBreadth180, "category_breadth_180", kBehaviour, "categories", kNeedShift,                                \
    "distinct categories of purchase lines in the last 180 d; NaN if none has a category")                           \
  X(kCategoryHhi180, "category_hhi_180", kBehaviour, "index", kNeedShift,                                             \
    "Herfindahl index of purchase-line counts by category in the last 180 d (1 = one category)")                     \
  X(kCategoryHhiChange, "category_hhi_change", kBehaviour, "index", kNeedShift,                                       \
    "category HHI of the last 90 d minus that of the prior 90 d; NaN if either has no categorised line")             \
  X(kOnlineShare90, "online_share_90", kBehaviour, "share", kCompetition,                                             \
    "share of purchase lines with a known channel in the last 90 d that are online or app")                          \
  X(kOnlineShareChange, "online_share_change", kBehaviour, "share", kCompetition,                                     \
    "online_share_90 minus the same share in the prior 90 d")                                                         \
  X(kStoresUsed365, "stores_used_365", kBehaviour, "stores", kCompetition,                                            \
    "distinct store ids of purchase lines in the last 365 d; NaN if none has a store")                               \
  X(kStoresUsedChange, "stores_used_change", kBehaviour, "stores", kCompetition,                                      \
    "distinct stores in the last 90 d minus distinct stores in the prior 90 d; NaN if no store is known")            \
  X(kBasketSize90, "basket_size_90", kBehaviour, "units/order", kValueDecline,                                        \
    "positive units on purchase lines / purchase orders, last 90 d; NaN without orders")                             \
  /* ---- value ---- */                                                                                               \
  X(kMonetary30, "monetary_30", kValue, "currency", kValueDecline,                                                    \
    "net spend in the last 30 d: purchase amounts minus returned amounts")                                            \
  X(kMonetary90, "monetary_90", kValue, "currency", kValueDecline, "net spend in the last 90 d")                      \
  X(kMonetary180, "monetary_180", kValue, "currency", kValueDecline, "net spend in the last 180 d")                   \
  X(kMonetary365, "monetary_365", kValue, "currency", kValueDecline, "net spend in the last 365 d")                   \
  X(kMonetaryPrev90, "monetary_prev90", kValue, "currency", kValueDecline, "net spend in the prior 90 d")             \
  X(kMonetaryChange, "monetary_change", kValue, "ratio", kValueDecline,                                               \
    "monetary_90 / monetary_prev90; NaN when monetary_prev90 <= 0")                                                   \
  X(kAov90, "aov_90", kValue, "currency/order", kValueDecline,                                                        \
    "purchase amount (returns excluded) / purchase orders, last 90 d; NaN without orders")                           \
  X(kAovChange, "aov_change", kValue, "ratio", kValueDecline,                                                         \
    "aov_90 / the same in the prior 90 d; NaN if either is NaN or the prior is <= 0")                                 \
  X(kDiscountShare, "discount_share", kValue, "share", kPrice,                                                        \
    "purchase amount on lines with discount > 0 / purchase amount on lines with a known discount, last 365 d")       \
  X(kDiscountShareChange, "discount_share_change", kValue, "share", kPrice,                                           \
    "the same share in the last 90 d minus the prior 90 d; NaN if either has no known discount")                     \
  X(kPromoOrderShare, "promo_order_share", kValue, "share", kPrice,                                                   \
    "share of purchase orders with a known discount in the last 365 d that have a discounted line")                  \
  X(kReturnRate, "return_rate", kValue, "share", kExperience,                                                         \
    "returned amount / purchase amount, last 365 d; NaN when the purchase amount is <= 0")                           \
  X(kReturnOrders365, "return_orders_365", kValue, "orders", kExperience,                                             \
    "orders with return lines in the last 365 d")                                                                     \
  X(kUnitPrice90, "unit_price_90", kValue, "currency/unit", kPrice,                                                   \
    "purchase amount / units over purchase lines with quantity > 0, last 90 d")                                       \
  X(kUnitPriceChange, "unit_price_change", kValue, "ratio", kPrice,                                                   \
    "unit_price_90 / the same in the prior 90 d (below 1 = trading down)")                                           \
  /* ---- emotion / engagement (NaN while the event type has not occurred in the data before T) ---- */              \
  X(kVisits30, "visits_30", kEmotion, "events", kDisengagement, "store visits in the last 30 d")                      \
  X(kVisitsChange, "visits_change", kEmotion, "events/30 d", kDisengagement,                                          \
    "visits_30 minus half the visits of the prior 60 d")                                                              \
  X(kLogins30, "logins_30", kEmotion, "events", kDisengagement, "app logins in the last 30 d")                        \
  X(kLoginsChange, "logins_change", kEmotion, "events/30 d", kDisengagement,                                          \
    "logins_30 minus half the logins of the prior 60 d")                                                              \
  X(kDaysSinceLogin, "days_since_login", kEmotion, "days", kDisengagement,                                            \
    "T minus the day of the last app login before T; NaN if none")                                                    \
  X(kPageViews30, "page_views_30", kEmotion, "events", kDisengagement, "page views in the last 30 d")                 \
  X(kPageViewsChange, "page_views_change", kEmotion, "events/30 d", kDisengagement,                                   \
    "page_views_30 minus half the page views of the prior 60 d")                                                      \
  X(kCompetitorView30, "competitor_view_30", kEmotion, "events", kCompetition,                                        \
    "competitor-product views in the last 30 d")                                                                      \
  X(kCompetitorView90, "competitor_view_90", kEmotion, "events", kCompetition,                                        \
    "competitor-product views in the last 90 d")                                                                      \
  X(kCartAbandonRate90, "cart_abandon_rate_90", kEmotion, "share", kPrice,                                            \
    "cart abandons / (cart abandons + purchase orders), last 90 d; NaN when both are 0")                             \
  X(kCouponRedemption90, "coupon_redemption_90", kEmotion, "share", kPrice,                                           \
    "coupons redeemed / coupons issued, last 90 d; NaN when none issued")                                             \
  X(kCouponRedemptionChange, "coupon_redemption_change", kEmotion, "share", kPrice,                                   \
    "coupon_redemption_90 minus the same rate in the prior 90 d")                                                     \
  X(kServiceContacts30, "service_contacts_30", kEmotion, "events", kExperience,                                       \
    "service contacts in the last 30 d")                                                                              \
  X(kServiceContactsChange, "service_contacts_change", kEmotion, "events/30 d", kExperience,                          \
    "service_contacts_30 minus half the contacts of the prior 60 d")                                                  \
  X(kComplaints90, "complaints_90", kEmotion, "events", kExperience, "complaints in the last 90 d")                   \
  X(kNegativeReviews180, "negative_reviews_180", kEmotion, "events", kExperience,                                     \
    "reviews rated <= 2 in the last 180 d")                                                                           \
  X(kMeanRating365, "mean_rating_365", kEmotion, "rating", kExperience,                                               \
    "mean review rating (1-5) in the last 365 d; NaN without rated reviews")                                          \
  X(kRatingTrend, "rating_trend", kEmotion, "rating", kExperience,                                                    \
    "mean rating of the last 180 d minus that of [T-365, T-180); NaN if either is empty")                             \
  X(kNegativeSentimentShare, "negative_sentiment_share", kEmotion, "share", kExperience,                              \
    "share of reviews with text in the last 365 d whose text scores negative on the lexicon")                        \
  X(kUnsubscribed, "unsubscribed", kEmotion, "flag", kDisengagement,                                                  \
    "1 if the customer unsubscribed before T, else 0")

namespace churnwatch::features_internal {

enum FeatureId : int {
#define CW_FEATURE_ENUM(id, name, group, unit, reason, def) id,
  CW_FEATURE_LIST(CW_FEATURE_ENUM)
#undef CW_FEATURE_ENUM
      kNumFeatures
};

}  // namespace churnwatch::features_internal

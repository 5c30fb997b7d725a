// Reasons name causes (include/churnwatch/explain.h, NameCauses). Price, poor experience,
// competition and need shift are causes a retailer can answer; disengagement and value
// decline are what every leaving customer shows, so they are named only when no cause has
// evidence, and then as "no clear cause".
#include "explain/causes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "churnwatch/category_stops.h"

namespace churnwatch::explain_internal {

namespace {

constexpr const char* kCauseFeature[CauseColumns::kCount] = {
    "complaints_90",        "negative_reviews_180", "service_contacts_30",   "service_contacts_change",
    "rating_trend",         "return_rate",          "return_orders_365",     "competitor_view_90",
    "online_share_90",      "online_share_change",  "discount_share",        "discount_share_change",
    "promo_order_share",    "coupon_redemption_90", "unit_price_change",     "cart_abandon_rate_90",
    "overdue_ratio",        "recency_days",         "interval_mean_days",    "monetary_change",
    "frequency_vs_baseline"};

std::string Int(double v) { return std::to_string(static_cast<long long>(std::llround(v))); }
std::string Pct(double share) { return Int(100 * share) + "%"; }
std::string Times(double n) { return Int(n) + (std::llround(n) == 1 ? " time" : " times"); }
std::string OneDecimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

constexpr const char* kMonthEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                    "July",    "August",   "September", "October", "November", "December"};

// Month (1..12) of a day number, through the ISO date text.
int MonthOf(DayNumber d) { return std::stoi(FormatIsoDate(d).substr(5, 2)); }

std::string CategoryName(const RetailColumns* h, std::uint32_t code) {
  if (h == nullptr || code == 0 || code > h->categories.size()) return "category " + std::to_string(code);
  return h->categories[code - 1];
}

// Keeps the stronger of two pieces of evidence.
void Keep(std::optional<Evidence>& best, Evidence e) {
  if (!best || e.strength > best->strength) best = std::move(e);
}

}  // namespace

CauseColumns::CauseColumns(const FeatureTable& table) {
  for (int i = 0; i < kCount; ++i) cols_[static_cast<std::size_t>(i)] = table.Column(kCauseFeature[i]);
}

double CauseColumns::Get(int id, std::size_t row) const {
  const auto& c = cols_[static_cast<std::size_t>(id)];
  return row < c.size() ? c[row] : kNaN;
}

std::optional<Evidence> CauseEvidence(ReasonCategory cause, const CauseColumns& cols, std::size_t row,
                                      const std::optional<CategoryStop>& stop, const RetailColumns* history) {
  using C = CauseColumns;
  auto v = [&](int id) { return cols.Get(id, row); };
  std::optional<Evidence> best;
  // NaN compares false throughout: a source the retailer does not have is no evidence.
  switch (cause) {
    case ReasonCategory::kExperience: {
      if (const double n = v(C::kComplaints90); n >= 1)
        Keep(best, {1 + n, kCauseFeature[C::kComplaints90],
                    Int(n) + (n < 1.5 ? " complaint" : " complaints") + " in the last 90 days", "近90天投诉" + Int(n) + "次"});
      if (const double n = v(C::kNegativeReviews180); n >= 1)
        Keep(best, {1 + n, kCauseFeature[C::kNegativeReviews180],
                    Int(n) + (n < 1.5 ? " review" : " reviews") + " rated 2 stars or lower in the last 180 days",
                    "近180天差评(2星及以下)" + Int(n) + "条"});
      if (const double n = v(C::kServiceContacts30), ch = v(C::kServiceContactsChange); n >= 2 && ch >= 1)
        Keep(best, {1 + ch / 2, kCauseFeature[C::kServiceContacts30],
                    Int(n) + " service contacts in the last 30 days, up from about " + Int(n - ch) + " a month",
                    "近30天联系客服" + Int(n) + "次,此前约每月" + Int(n - ch) + "次"});
      if (const double t = v(C::kRatingTrend); t <= -1)
        Keep(best, {1 + std::abs(t) / 2, kCauseFeature[C::kRatingTrend],
                    "review ratings fell by " + OneDecimal(-t) + " stars against the half-year before",
                    "评分较前半年下降" + OneDecimal(-t) + "星"});
      if (const double r = v(C::kReturnRate), o = v(C::kReturnOrders365); r >= 0.2 && o >= 2)
        Keep(best, {1 + r, kCauseFeature[C::kReturnRate],
                    "returned " + Pct(r) + " of what they bought in the last year (" + Int(o) + " orders)",
                    "近一年退货金额占" + Pct(r) + "(" + Int(o) + "单)"});
      break;
    }
    case ReasonCategory::kCompetition: {
      if (const double n = v(C::kCompetitorView90); n >= 1)
        Keep(best, {1 + n / 2, kCauseFeature[C::kCompetitorView90],
                    "viewed competitors' products " + Times(n) + " in the last 90 days", "近90天浏览竞品" + Int(n) + "次"});
      if (const double s = v(C::kOnlineShare90), ch = v(C::kOnlineShareChange); std::abs(ch) >= 0.3)
        Keep(best, {1 + std::abs(ch), kCauseFeature[C::kOnlineShareChange],
                    "moved channel: online share of purchases went from " + Pct(s - ch) + " to " + Pct(s),
                    "购买渠道转移:线上占比从" + Pct(s - ch) + "变为" + Pct(s)});
      break;
    }
    case ReasonCategory::kPrice: {
      if (const double s = v(C::kDiscountShare); s >= 0.6)
        Keep(best, {1 + 2 * (s - 0.5), kCauseFeature[C::kDiscountShare],
                    Pct(s) + " of their spend in the last year was on discount", "近一年" + Pct(s) + "的消费是折扣商品"});
      if (const double s = v(C::kPromoOrderShare); s >= 0.6)
        Keep(best, {1 + 2 * (s - 0.5), kCauseFeature[C::kPromoOrderShare],
                    "buys on promotion: " + Pct(s) + " of orders in the last year had a discount",
                    "只在促销时购买:近一年" + Pct(s) + "的订单含折扣"});
      if (const double s = v(C::kDiscountShare), ch = v(C::kDiscountShareChange); ch >= 0.25)
        Keep(best, {1 + 2 * ch, kCauseFeature[C::kDiscountShareChange],
                    "discounted share of spend rose by " + Int(100 * ch) + " points in the last 90 days" +
                        (std::isnan(s) ? std::string() : " (year: " + Pct(s) + ")"),
                    "近90天折扣消费占比上升" + Int(100 * ch) + "个百分点"});
      if (const double r = v(C::kCouponRedemption90); r >= 0.5)
        Keep(best, {1 + r, kCauseFeature[C::kCouponRedemption90],
                    "redeemed " + Pct(r) + " of the coupons issued in the last 90 days", "近90天优惠券核销率" + Pct(r)});
      if (const double u = v(C::kUnitPriceChange); u <= 0.8)
        Keep(best, {1 + 2 * (1 - u), kCauseFeature[C::kUnitPriceChange],
                    "trading down: paid " + Pct(1 - u) + " less per unit than in the prior 90 days",
                    "消费降级:单价比前90天低" + Pct(1 - u)});
      if (const double r = v(C::kCartAbandonRate90); r >= 0.3)
        Keep(best, {1 + r, kCauseFeature[C::kCartAbandonRate90],
                    "abandoned " + Pct(r) + " of carts in the last 90 days", "近90天购物车放弃率" + Pct(r)});
      break;
    }
    case ReasonCategory::kNeedShift: {
      if (stop) {
        const int months = std::max(1, static_cast<int>(std::lround((stop->last_day - stop->first_day) / 30.44)));
        const std::string cat = CategoryName(history, stop->category);
        const std::string still = CategoryName(history, stop->still_bought);
        const int month = MonthOf(stop->last_day);
        Keep(best, {1 + 2 * stop->spend_share, "category_stop",
                    "stopped buying " + cat + " in " + kMonthEn[month - 1] + " after " + std::to_string(months) +
                        (months == 1 ? " month" : " months") + "; still buys " + still,
                    std::to_string(month) + "月起不再购买" + cat + "(此前持续" + std::to_string(months) + "个月);仍在购买" +
                        still});
      }
      break;
    }
    default: break;
  }
  return best;
}

Evidence SymptomEvidence(const CauseColumns& cols, std::size_t row) {
  using C = CauseColumns;
  const double rec = cols.Get(C::kRecencyDays, row), ipi = cols.Get(C::kIntervalMeanDays, row);
  if (!std::isnan(rec) && !std::isnan(ipi) && ipi > 0)
    return {1, kCauseFeature[C::kOverdueRatio],
            "usually buys every " + Int(ipi) + " days; " + Int(rec) + " days since last purchase",
            "通常每" + Int(ipi) + "天购买一次;已" + Int(rec) + "天未购买"};
  if (const double m = cols.Get(C::kMonetaryChange, row); m < 1)
    return {1, kCauseFeature[C::kMonetaryChange], "spend in the last 90 days is " + Pct(m) + " of the prior 90 days'",
            "近90天消费为前90天的" + Pct(m)};
  if (!std::isnan(rec))
    return {1, kCauseFeature[C::kRecencyDays], Int(rec) + " days since last purchase", "已" + Int(rec) + "天未购买"};
  return {1, kCauseFeature[C::kRecencyDays], "no purchase pattern to compare with yet", "尚无可比较的购买规律"};
}

}  // namespace churnwatch::explain_internal

namespace churnwatch {

bool IsCause(ReasonCategory c) {
  return c == ReasonCategory::kPrice || c == ReasonCategory::kExperience || c == ReasonCategory::kCompetition ||
         c == ReasonCategory::kNeedShift;
}

void NameCauses(const FeatureTable& table, std::span<const std::array<double, kReasonCategoryCount>> sums,
                std::span<RowReasons> reasons, std::span<const std::size_t> rows, const CauseOptions& options) {
  using namespace explain_internal;
  const CauseColumns cols(table);
  constexpr ReasonCategory kCauses[] = {ReasonCategory::kPrice, ReasonCategory::kExperience, ReasonCategory::kCompetition,
                                        ReasonCategory::kNeedShift};
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    const std::size_t row = rows.empty() ? i : rows[i];
    std::optional<CategoryStop> stop;
    if (options.history != nullptr)
      if (auto c = options.history->FindCustomer(table.customer_ids[row]))
        stop = FindCategoryStop(*options.history, *c, table.cutoffs[row], options.stops);
    struct Named {
      ReasonCategory cause;
      double score;
      double contribution;
      Evidence evidence;
    };
    std::vector<Named> named;
    for (ReasonCategory cause : kCauses) {
      auto ev = CauseEvidence(cause, cols, row, stop, options.history);
      if (!ev) continue;
      const double sum = sums[i][static_cast<std::size_t>(cause)];
      // It must add to the risk: a positive share of the model's score, or, for a stopped
      // category (no model feature carries it), a real share of the customer's spend lost.
      const bool adds = sum > 0 || !options.require_risk ||
                        (cause == ReasonCategory::kNeedShift && stop && stop->spend_share >= options.stop_share_adds);
      if (!adds) continue;
      named.push_back({cause, std::max(sum, 0.0) + options.evidence_weight * std::log(ev->strength), sum, std::move(*ev)});
    }
    RowReasons& rr = reasons[i];
    if (!named.empty()) {
      std::stable_sort(named.begin(), named.end(), [](const Named& a, const Named& b) { return a.score > b.score; });
      RowReasons out;
      for (auto& n : named) {
        if (out.count == 3) break;
        Reason& r = out.reasons[static_cast<std::size_t>(out.count++)];
        r.category = n.cause;
        r.contribution = n.contribution;
        r.top_feature = n.evidence.feature;
        r.sentence_en = std::move(n.evidence.en);
        r.sentence_zh = std::move(n.evidence.zh);
      }
      rr = std::move(out);
      continue;
    }
    // No cause has evidence: the symptoms only, said as such.
    RowReasons out;
    for (int k = 0; k < rr.count; ++k) {
      const Reason& r = rr.reasons[static_cast<std::size_t>(k)];
      if (!IsCause(r.category)) out.reasons[static_cast<std::size_t>(out.count++)] = r;
    }
    if (out.count == 0) {
      Evidence e = SymptomEvidence(cols, row);
      Reason& r = out.reasons[0];
      out.count = 1;
      r.category = ReasonCategory::kDisengagement;
      r.contribution = sums[i][static_cast<std::size_t>(ReasonCategory::kDisengagement)];
      r.top_feature = e.feature;
      r.sentence_en = std::move(e.en);
      r.sentence_zh = std::move(e.zh);
    }
    out.reasons[0].sentence_en = "no clear cause; " + out.reasons[0].sentence_en;
    out.reasons[0].sentence_zh = "原因不明;" + out.reasons[0].sentence_zh;
    rr = std::move(out);
  }
}

}  // namespace churnwatch

// One forward pass over a customer's rows in [T-365, T) feeds every window's accumulators;
// events get a second, shorter pass. Ratios are formed at the end, with NaN wherever a
// denominator or a source is missing (never 0, which the model would read as a fact).
#include "features/kernel.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace churnwatch::features_internal {
namespace {

constexpr int kWindow = 365;

double Ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

// A net sum of currency amounts whose purchases were fully returned comes out as +-1e-14
// rather than 0; snapping keeps it from becoming a huge or sign-flipped ratio denominator.
double SnapMoney(double x) { return std::fabs(x) < 1e-6 ? 0.0 : x; }

}  // namespace

KernelScratch::KernelScratch(const RetailColumns& cols)
    : cat180(cols.categories.size() + 1, 0),
      cat90(cols.categories.size() + 1, 0),
      cat_prev90(cols.categories.size() + 1, 0),
      store_mask(cols.stores.size() + 1, 0) {}

CustomerCursor::CustomerCursor(const RetailColumns& columns, CustomerIdx customer)
    : cols(columns),
      c(customer),
      b(columns.txn_offsets[customer]),
      e(columns.txn_offsets[customer + 1]),
      end(b),
      lo(b),
      next(b),
      eb(columns.evt_offsets[customer]),
      ee(columns.evt_offsets[customer + 1]),
      eend(eb),
      elo(eb) {}

namespace {
// First position in [from, to) whose day is >= t (days sorted): a few steps forward (the
// usual case between neighbouring cutoffs), then a binary search over the rest.
std::uint64_t Forward(const std::vector<DayNumber>& days, std::uint64_t from, std::uint64_t to, DayNumber t) {
  for (int step = 0; step < 8; ++step, ++from)
    if (from == to || days[from] >= t) return from;
  return static_cast<std::uint64_t>(std::partition_point(days.begin() + static_cast<std::ptrdiff_t>(from),
                                                         days.begin() + static_cast<std::ptrdiff_t>(to),
                                                         [t](DayNumber d) { return d < t; }) -
                                    days.begin());
}
// The last purchase day in [from, to), or `fallback` (the last purchase day before `from`).
DayNumber LastPurchaseIn(const RetailColumns& cols, std::uint64_t from, std::uint64_t to, DayNumber fallback) {
  for (std::uint64_t i = to; i > from; --i)
    if (!cols.is_return[i - 1]) return cols.day[i - 1];
  return fallback;
}
}  // namespace

void CustomerCursor::Advance(DayNumber t) {
  T = t;
  const std::uint64_t new_end = Forward(cols.day, end, e, T);
  last_purchase = LastPurchaseIn(cols, end, new_end, last_purchase);
  end = new_end;
  const std::uint64_t new_lo = Forward(cols.day, lo, end, T - kWindow);
  purchase_before_lo = LastPurchaseIn(cols, lo, new_lo, purchase_before_lo);
  lo = new_lo;
}

void CustomerCursor::Prepare() {
  if (first_purchase == kNoDay)
    for (std::uint64_t i = b; i < e; ++i)
      if (!cols.is_return[i]) {
        first_purchase = cols.day[i];
        break;
      }
  if (next < end) next = end;
  while (next < e && cols.is_return[next]) ++next;
  const std::uint64_t new_eend = Forward(cols.evt_day, eend, ee, T);
  for (std::uint64_t i = new_eend; i > eend; --i)
    if (cols.evt_type[i - 1] == static_cast<std::uint8_t>(EventType::kAppLogin)) {
      last_login = cols.evt_day[i - 1];
      break;
    }
  eend = new_eend;
  elo = Forward(cols.evt_day, elo, eend, T - kWindow);
}

bool CustomerCursor::Eligible(const FeatureOptions& opt) const {
  if (last_purchase == kNoDay) return false;
  const int recency = T - last_purchase;
  if (recency > opt.lookback_days) return false;
  return opt.eligibility == Eligibility::kLookback || recency <= opt.horizon_days;
}

// NOLINTNEXTLINE(readability-function-size): the feature kernel, one hot loop (.clang-tidy)
void ComputeRow(const CustomerCursor& at, const FeatureOptions& opt, KernelScratch& sc, double* out,
                RowOutcome& outcome) {
  const RetailColumns& cols = at.cols;
  const CustomerIdx c = at.c;
  const DayNumber T = at.T;
  const std::uint64_t end = at.end, lo = at.lo;
  const DayNumber last_purchase = at.last_purchase;
  const int recency = T - last_purchase;

  // ---- accumulators ----
  // Suffixes name the window: 30, 90, 180, 365 = the last N days before T; prev90 = the
  // previous 90 days (91 to 180 days before T), which the *_change features compare with.
  double freq30 = 0, freq90 = 0, freq180 = 0, freq365 = 0, freq_prev90 = 0;
  double net30 = 0, net90 = 0, net180 = 0, net365 = 0, net_prev90 = 0;
  double gross90 = 0, gross_prev90 = 0, gross365 = 0;
  double units90 = 0, unit_amt90 = 0, units_prev90 = 0, unit_amt_prev90 = 0;
  double disc_known365 = 0, disc_amt365 = 0, disc_known90 = 0, disc_amt90 = 0, disc_known_prev90 = 0, disc_amt_prev90 = 0;
  bool any_disc_known365 = false, any_disc_known90 = false, any_disc_known_prev90 = false;
  double promo_orders = 0, promo_known_orders = 0;
  double returned365 = 0, return_orders = 0;
  double ch_known90 = 0, ch_online90 = 0, ch_known_prev90 = 0, ch_online_prev90 = 0;
  double cat_lines180 = 0, cat_lines90 = 0, cat_lines_prev90 = 0;
  double trend_sum = 0;      // sum over orders in the last 26 weeks of (week index - 12.5)
  std::uint64_t active_weeks = 0;
  int purchase_days = 0;
  DayNumber prev_pday = kNoDay;
  double gap_sum = 0, gap_sq = 0, max_recent_gap = kNaN;
  std::int64_t last_order = -1, last_return_order = -1;
  bool order_known = false, order_promo = false;
  sc.cat_touched.clear();
  sc.store_touched.clear();

  // The purchase day before the window matters for the gap into the last 90 days.
  prev_pday = at.purchase_before_lo;

  auto finish_order = [&] {
    if (last_order >= 0 && order_known) {
      ++promo_known_orders;
      if (order_promo) ++promo_orders;
    }
  };

  for (std::uint64_t i = lo; i < end; ++i) {
    const int d = T - cols.day[i];  // 1..365
    const double amt = cols.amount[i];
    if (d <= 30) net30 += amt;
    if (d <= 90) net90 += amt;
    else if (d <= 180) net_prev90 += amt;
    if (d <= 180) net180 += amt;
    net365 += amt;
    if (cols.is_return[i]) {
      returned365 += std::fabs(amt);
      if (static_cast<std::int64_t>(cols.order[i]) != last_return_order) {
        ++return_orders;
        last_return_order = cols.order[i];
      }
      continue;
    }
    // ---- a purchase line ----
    if (static_cast<std::int64_t>(cols.order[i]) != last_order) {
      finish_order();
      last_order = cols.order[i];
      order_known = false;
      order_promo = false;
      ++freq365;
      if (d <= 30) ++freq30;
      if (d <= 90) ++freq90;
      else if (d <= 180) ++freq_prev90;
      if (d <= 180) ++freq180;
      const int week = (d - 1) / 7;
      if (week < 52) active_weeks |= std::uint64_t{1} << week;
      if (week < 26) trend_sum += (25 - week) - 12.5;
      const DayNumber pday = cols.day[i];
      if (pday != prev_pday) {
        if (prev_pday != kNoDay) {
          const double gap = pday - prev_pday;
          if (d <= 90 && (std::isnan(max_recent_gap) || gap > max_recent_gap)) max_recent_gap = gap;
          if (purchase_days > 0) {  // only gaps inside the window feed the interval statistics
            gap_sum += gap;
            gap_sq += gap * gap;
          }
        }
        ++purchase_days;
        prev_pday = pday;
      }
    }
    gross365 += amt;
    if (d <= 90) gross90 += amt;
    else if (d <= 180) gross_prev90 += amt;
    const double q = cols.quantity[i];
    if (q > 0) {
      if (d <= 90) {
        units90 += q;
        unit_amt90 += amt;
      } else if (d <= 180) {
        units_prev90 += q;
        unit_amt_prev90 += amt;
      }
    }
    const float disc = cols.discount[i];
    if (!std::isnan(disc)) {
      order_known = true;
      any_disc_known365 = true;
      disc_known365 += amt;
      if (disc > 0) {
        order_promo = true;
        disc_amt365 += amt;
      }
      if (d <= 90) {
        any_disc_known90 = true;
        disc_known90 += amt;
        if (disc > 0) disc_amt90 += amt;
      } else if (d <= 180) {
        any_disc_known_prev90 = true;
        disc_known_prev90 += amt;
        if (disc > 0) disc_amt_prev90 += amt;
      }
    }
    if (const std::uint32_t cat = cols.category[i]; cat != 0 && d <= 180) {
      if (sc.cat180[cat] == 0) sc.cat_touched.push_back(cat);
      ++sc.cat180[cat];
      ++cat_lines180;
      if (d <= 90) {
        ++sc.cat90[cat];
        ++cat_lines90;
      } else {
        ++sc.cat_prev90[cat];
        ++cat_lines_prev90;
      }
    }
    if (const std::uint8_t ch = cols.channel[i]; ch != static_cast<std::uint8_t>(Channel::kUnknown)) {
      const bool online = ch == static_cast<std::uint8_t>(Channel::kOnline) || ch == static_cast<std::uint8_t>(Channel::kApp);
      if (d <= 90) {
        ++ch_known90;
        if (online) ++ch_online90;
      } else if (d <= 180) {
        ++ch_known_prev90;
        if (online) ++ch_online_prev90;
      }
    }
    if (const std::uint32_t st = cols.store[i]; st != 0) {
      if (sc.store_mask[st] == 0) sc.store_touched.push_back(st);
      sc.store_mask[st] |= static_cast<std::uint8_t>(1 | (d <= 90 ? 2 : d <= 180 ? 4 : 0));
    }
  }
  finish_order();

  // ---- category and store summaries; reset scratch ----
  double hhi180 = 0, hhi90 = 0, hhi_prev90 = 0;
  for (auto cat : sc.cat_touched) {
    const double s180 = sc.cat180[cat] / cat_lines180;
    hhi180 += s180 * s180;
    if (cat_lines90 > 0) hhi90 += (sc.cat90[cat] / cat_lines90) * (sc.cat90[cat] / cat_lines90);
    if (cat_lines_prev90 > 0) hhi_prev90 += (sc.cat_prev90[cat] / cat_lines_prev90) * (sc.cat_prev90[cat] / cat_lines_prev90);
    sc.cat180[cat] = sc.cat90[cat] = sc.cat_prev90[cat] = 0;
  }
  double stores365 = 0, stores90 = 0, stores_prev90 = 0;
  for (auto st : sc.store_touched) {
    const std::uint8_t m = sc.store_mask[st];
    stores365 += 1;
    if (m & 2) ++stores90;
    if (m & 4) ++stores_prev90;
    sc.store_mask[st] = 0;
  }

  // ---- tenure ----
  // An eligible row has a purchase before T, so the customer's first purchase is before T.
  DayNumber first = at.first_purchase;
  if (const DayNumber joined = cols.joined_at[c]; joined != kNoDay && joined < T && joined < first) first = joined;

  // ---- behaviour ----
  out[kRecencyDays] = recency;
  out[kFrequency30] = freq30;
  out[kFrequency90] = freq90;
  out[kFrequency180] = freq180;
  out[kFrequency365] = freq365;
  out[kFrequencyPrev90] = freq_prev90;
  out[kFreqChange] = Ratio(freq90, freq_prev90);
  out[kFrequencyVsBaseline] = Ratio(freq90, freq365 * 90.0 / 365.0);
  out[kPurchaseDays365] = purchase_days;
  out[kTenureDays] = T - first;
  const double gaps = purchase_days - 1;
  const double mean_gap = gaps > 0 ? gap_sum / gaps : kNaN;
  out[kIntervalMeanDays] = mean_gap;
  out[kIntervalStdDays] = gaps > 0 ? std::sqrt(std::max(0.0, gap_sq / gaps - mean_gap * mean_gap)) : kNaN;
  out[kOverdueRatio] = gaps > 0 ? recency / mean_gap : kNaN;
  out[kReactivationGapDays] = max_recent_gap;
  out[kWeeklyTrend26] = trend_sum / 1462.5;  // sum of (x - mean)^2 for x = 0..25
  out[kActiveWeeksShare52] = std::popcount(active_weeks) / 52.0;
  out[kCategoryBreadth180] = cat_lines180 > 0 ? static_cast<double>(sc.cat_touched.size()) : kNaN;
  out[kCategoryHhi180] = cat_lines180 > 0 ? hhi180 : kNaN;
  out[kCategoryHhiChange] = cat_lines90 > 0 && cat_lines_prev90 > 0 ? hhi90 - hhi_prev90 : kNaN;
  const double online90 = ch_known90 > 0 ? ch_online90 / ch_known90 : kNaN;
  out[kOnlineShare90] = online90;
  out[kOnlineShareChange] = ch_known_prev90 > 0 ? online90 - ch_online_prev90 / ch_known_prev90 : kNaN;
  out[kStoresUsed365] = stores365 > 0 ? stores365 : kNaN;
  out[kStoresUsedChange] = stores365 > 0 ? stores90 - stores_prev90 : kNaN;
  out[kBasketSize90] = freq90 > 0 ? units90 / freq90 : kNaN;

  // ---- value ----
  net30 = SnapMoney(net30);
  net90 = SnapMoney(net90);
  net180 = SnapMoney(net180);
  net365 = SnapMoney(net365);
  net_prev90 = SnapMoney(net_prev90);
  out[kMonetary30] = net30;
  out[kMonetary90] = net90;
  out[kMonetary180] = net180;
  out[kMonetary365] = net365;
  out[kMonetaryPrev90] = net_prev90;
  out[kMonetaryChange] = Ratio(net90, net_prev90);
  const double aov90 = freq90 > 0 ? gross90 / freq90 : kNaN;
  const double aov_prev90 = freq_prev90 > 0 ? gross_prev90 / freq_prev90 : kNaN;
  out[kAov90] = aov90;
  out[kAovChange] = std::isnan(aov90) ? kNaN : Ratio(aov90, aov_prev90);
  out[kDiscountShare] = any_disc_known365 ? Ratio(disc_amt365, disc_known365) : kNaN;
  out[kDiscountShareChange] = any_disc_known90 && any_disc_known_prev90 && disc_known90 > 0 && disc_known_prev90 > 0
                                  ? disc_amt90 / disc_known90 - disc_amt_prev90 / disc_known_prev90
                                  : kNaN;
  out[kPromoOrderShare] = promo_known_orders > 0 ? promo_orders / promo_known_orders : kNaN;
  out[kReturnRate] = Ratio(returned365, gross365);
  out[kReturnOrders365] = return_orders;
  const double price90 = units90 > 0 ? unit_amt90 / units90 : kNaN;
  out[kUnitPrice90] = price90;
  out[kUnitPriceChange] = units_prev90 > 0 && !std::isnan(price90) ? Ratio(price90, unit_amt_prev90 / units_prev90) : kNaN;

  // ---- emotion / engagement ----
  auto present = [&](EventType t) {
    const DayNumber f = cols.first_event_day[static_cast<int>(t)];
    return f != kNoDay && f < T;
  };
  double visits30 = 0, visits_p60 = 0, logins30 = 0, logins_p60 = 0, views30 = 0, views_p60 = 0;
  double comp30 = 0, comp90 = 0, abandon90 = 0, issued90 = 0, redeemed90 = 0, issued_prev90 = 0, redeemed_prev90 = 0;
  double contacts30 = 0, contacts_p60 = 0, complaints90 = 0, neg_reviews180 = 0;
  double rating_sum = 0, rating_n = 0, rating_recent = 0, rating_recent_n = 0;
  double texted = 0, negative_texts = 0;
  for (std::uint64_t i = at.elo; i < at.eend; ++i) {
    const int d = T - cols.evt_day[i];
    switch (static_cast<EventType>(cols.evt_type[i])) {
      case EventType::kVisit:
        if (d <= 30) ++visits30;
        else if (d <= 90) ++visits_p60;
        break;
      case EventType::kAppLogin:
        if (d <= 30) ++logins30;
        else if (d <= 90) ++logins_p60;
        break;
      case EventType::kPageView:
        if (d <= 30) ++views30;
        else if (d <= 90) ++views_p60;
        break;
      case EventType::kCompetitorView:
        if (d <= 30) ++comp30;
        if (d <= 90) ++comp90;
        break;
      case EventType::kCartAbandon:
        if (d <= 90) ++abandon90;
        break;
      case EventType::kCouponIssued:
        if (d <= 90) ++issued90;
        else if (d <= 180) ++issued_prev90;
        break;
      case EventType::kCouponRedeemed:
        if (d <= 90) ++redeemed90;
        else if (d <= 180) ++redeemed_prev90;
        break;
      case EventType::kServiceContact:
        if (d <= 30) ++contacts30;
        else if (d <= 90) ++contacts_p60;
        break;
      case EventType::kComplaint:
        if (d <= 90) ++complaints90;
        break;
      case EventType::kReview: {
        const float v = cols.evt_value[i];
        if (!std::isnan(v)) {
          if (d <= 180 && v <= 2) ++neg_reviews180;
          rating_sum += v;
          ++rating_n;
          if (d <= 180) {
            rating_recent += v;
            ++rating_recent_n;
          }
        }
        if (cols.evt_sentiment[i] != 2) {
          ++texted;
          if (cols.evt_sentiment[i] < 0) ++negative_texts;
        }
        break;
      }
      default: break;
    }
  }
  const double rating_old = rating_sum - rating_recent, rating_old_n = rating_n - rating_recent_n;
  const DayNumber last_login = at.last_login;
  auto count_if_present = [&](EventType t, double v) { return present(t) ? v : kNaN; };
  out[kVisits30] = count_if_present(EventType::kVisit, visits30);
  out[kVisitsChange] = count_if_present(EventType::kVisit, visits30 - visits_p60 / 2);
  out[kLogins30] = count_if_present(EventType::kAppLogin, logins30);
  out[kLoginsChange] = count_if_present(EventType::kAppLogin, logins30 - logins_p60 / 2);
  out[kDaysSinceLogin] = last_login != kNoDay ? static_cast<double>(T - last_login) : kNaN;
  out[kPageViews30] = count_if_present(EventType::kPageView, views30);
  out[kPageViewsChange] = count_if_present(EventType::kPageView, views30 - views_p60 / 2);
  out[kCompetitorView30] = count_if_present(EventType::kCompetitorView, comp30);
  out[kCompetitorView90] = count_if_present(EventType::kCompetitorView, comp90);
  out[kCartAbandonRate90] = present(EventType::kCartAbandon) ? Ratio(abandon90, abandon90 + freq90) : kNaN;
  const double redemption90 = Ratio(redeemed90, issued90);
  out[kCouponRedemption90] = redemption90;
  out[kCouponRedemptionChange] = redemption90 - Ratio(redeemed_prev90, issued_prev90);
  out[kServiceContacts30] = count_if_present(EventType::kServiceContact, contacts30);
  out[kServiceContactsChange] = count_if_present(EventType::kServiceContact, contacts30 - contacts_p60 / 2);
  out[kComplaints90] = count_if_present(EventType::kComplaint, complaints90);
  out[kNegativeReviews180] = count_if_present(EventType::kReview, neg_reviews180);
  out[kMeanRating365] = rating_n > 0 ? rating_sum / rating_n : kNaN;
  out[kRatingTrend] = rating_recent_n > 0 && rating_old_n > 0 ? rating_recent / rating_recent_n - rating_old / rating_old_n : kNaN;
  out[kNegativeSentimentShare] = texted > 0 ? negative_texts / texted : kNaN;
  out[kUnsubscribed] = present(EventType::kUnsubscribe)
                           ? (cols.first_unsubscribe[c] != kNoDay && cols.first_unsubscribe[c] < T ? 1.0 : 0.0)
                           : kNaN;

  // ---- label of [T, T+H) ----
  const int H = opt.horizon_days;
  const DayNumber next = at.next < at.e ? cols.day[at.next] : kNoDay;
  outcome.next_days = next != kNoDay ? static_cast<double>(next - T) : kNaN;
  outcome.observed_days = cols.last_day != kNoDay ? std::max(0, cols.last_day - T + 1) : 0;
  outcome.kind = ChurnKind::kNone;
  outcome.span = ChurnSpan::kNone;
  if (next != kNoDay && next - T < H) {
    outcome.label = ChurnLabel::kRetained;
  } else if (cols.last_day != kNoDay && cols.last_day >= T + H - 1) {
    outcome.label = ChurnLabel::kChurned;
    outcome.kind = cols.passive[c] ? ChurnKind::kPassive : ChurnKind::kActive;
    const int lapsed = recency + H;
    outcome.span = lapsed <= 90 ? ChurnSpan::kShort : lapsed <= 180 ? ChurnSpan::kMid : ChurnSpan::kLong;
  } else {
    outcome.label = ChurnLabel::kUnknown;
  }
}

}  // namespace churnwatch::features_internal

// One-line reason sentences in English and Chinese that quote the customer's own numbers.
// Each template reads the strongest feature and, where it helps a reader, a companion
// (recency is quoted with the usual purchase interval, a 90-day count with the prior 90
// days) and says in words which way a value moved, so the sentence is true whatever the
// sign. A template that reads a missing value is not used: the sentence falls back to
// "<feature> is missing" / "<feature> = <value>", so nan and inf are never printed. The
// values quoted are the ones the direction table (directions.cc) tests.
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "churnwatch/explain.h"

namespace churnwatch {
namespace {

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
/// A count or amount: whole numbers without decimals, others with one ("2", "2.5").
std::string Num(double v) {
  const double r = std::round(v * 10) / 10;
  return Fmt(r == std::round(r) ? "%.0f" : "%.1f", r == 0 ? 0.0 : r);  // never "-0"
}
std::string Money(double v) { return Fmt("%.0f", std::round(v) == 0 ? 0.0 : v); }
std::string Pct(double share) { return Num(std::round(100 * share)) + "%"; }
/// "1 day", "2 days", "1.5 days": the noun agrees with the number as printed.
std::string Count(double n, std::string_view one, std::string_view many) {
  const std::string s = Num(n);
  return s + " " + std::string(s == "1" ? one : many);
}

/// Whole days: "1 day", "14 days" (a mean interval of 14.1 days reads as 14).
std::string Days(double n) { return Count(std::round(n), "day", "days"); }
std::string DaysZh(double n) { return Num(std::round(n)) + "天"; }

/// How `now` compares with `before`, in words: "down from 300" / "低于…的300".
std::string VersusEn(double now, double before, const std::string& before_text) {
  if (now < before) return "down from " + before_text;
  if (now > before) return "up from " + before_text;
  return "the same as " + before_text;
}
std::string VersusZh(double now, double before) {
  if (now < before) return "少于";
  if (now > before) return "多于";
  return "持平于";
}
/// A ratio r as a change in words: 0.78 -> "fell 22%", 1.78 -> "rose 78%".
std::string ChangeEn(double ratio) {
  const double pct = std::round(100 * std::abs(ratio - 1));
  if (pct == 0) return "was unchanged";
  return (ratio < 1 ? "fell " : "rose ") + Num(pct) + "%";
}
std::string ChangeZh(double ratio) {
  const double pct = std::round(100 * std::abs(ratio - 1));
  if (pct == 0) return "持平";
  return (ratio < 1 ? "下降" : "上升") + Num(pct) + "%";
}
/// A difference of shares in points: -0.3 -> "fell 30 points".
std::string PointsEn(double diff) {
  const double pts = std::round(100 * std::abs(diff));
  if (pts == 0) return "was unchanged";
  return (diff < 0 ? "fell " : "rose ") + Count(pts, "point", "points");
}
std::string PointsZh(double diff) {
  const double pts = std::round(100 * std::abs(diff));
  if (pts == 0) return "持平";
  return (diff < 0 ? "下降" : "上升") + Num(pts) + "个百分点";
}

/// Reads a row's values; remembers when a value a template quotes is missing or infinite.
class Row {
 public:
  Row(const FeatureTable& t, std::size_t r) : t_(t), r_(r) {}
  /// A value the sentence quotes: a missing one makes the template unusable.
  double operator()(std::string_view name) const {
    const double x = Optional(name);
    if (!std::isfinite(x)) missing_ = true;
    return x;
  }
  /// A value the template only quotes when it is known (it checks itself).
  double Optional(std::string_view name) const {
    const auto col = t_.Column(name);
    return col.empty() ? kNaN : col[r_];
  }
  bool missing() const { return missing_; }

 private:
  const FeatureTable& t_;
  std::size_t r_;
  mutable bool missing_ = false;
};

using Sentence = std::pair<std::string, std::string>;
using Template = Sentence (*)(const Row&);

Sentence Recency(const Row& v) {
  const double rec = v("recency_days"), ipi = v.Optional("interval_mean_days");
  if (std::isfinite(ipi))
    return {"usually buys every " + Days(ipi) + "; " + Days(rec) + " since last purchase",
            "通常每" + DaysZh(ipi) + "购买一次;已" + DaysZh(rec) + "未购买"};
  return {Days(rec) + " since last purchase", "已" + DaysZh(rec) + "未购买"};
}

Sentence Interval(const Row& v) {
  const double ipi = v("interval_mean_days"), rec = v("recency_days");
  return {"buys only every " + Days(ipi) + " on average; " + Days(rec) + " since last purchase",
          "平均每" + DaysZh(ipi) + "才购买一次;已" + DaysZh(rec) + "未购买"};
}

Sentence Frequency(const Row& v) {
  const double now = v("frequency_90"), before = v("frequency_prev90");
  return {Count(now, "order", "orders") + " in the last 90 days, " + VersusEn(now, before, Num(before)) +
              " in the 90 days before",
          "近90天下单" + Num(now) + "次," + VersusZh(now, before) + "此前90天的" + Num(before) + "次"};
}

Sentence Pace(const Row& v) {
  const double pace = v("frequency_vs_baseline"), year = v("frequency_365");
  return {"bought at " + Pct(pace) + " of their own yearly pace in the last 90 days (" +
              Count(year, "order", "orders") + " in the last year)",
          "近90天购买频率为自身年均水平的" + Pct(pace) + "(近一年" + Num(year) + "单)"};
}

Sentence Monetary(const Row& v) {
  const double now = v("monetary_90"), before = v("monetary_prev90");
  return {"spent " + Money(now) + " in the last 90 days, " + VersusEn(now, before, Money(before)) +
              " in the 90 days before",
          "近90天消费" + Money(now) + "," + VersusZh(now, before) + "此前90天的" + Money(before)};
}

Sentence OrderValue(const Row& v) {
  const double ratio = v("aov_change"), now = v("aov_90");
  return {"average order value " + ChangeEn(ratio) + " against the prior 90 days (now " + Money(now) + ")",
          "客单价较此前90天" + ChangeZh(ratio) + "(现为" + Money(now) + ")"};
}

Sentence UnitPrice(const Row& v) {
  const double ratio = v("unit_price_change"), now = v("unit_price_90");
  const bool down = ratio < 1 && ChangeEn(ratio) != "was unchanged";
  return {"average unit price " + ChangeEn(ratio) + " against the prior 90 days (now " + Fmt("%.2f", now) + ")" +
              (down ? ", trading down" : ""),
          "平均单价较此前90天" + ChangeZh(ratio) + "(现为" + Fmt("%.2f", now) + ")" + (down ? ",消费降级" : "")};
}

Sentence CouponRedemption(const Row& v) {
  const double diff = v("coupon_redemption_change"), now = v("coupon_redemption_90");
  return {"coupon redemption " + PointsEn(diff) + " against the prior 90 days (now " + Pct(now) + ")",
          "优惠券核销率较此前90天" + PointsZh(diff) + "(现为" + Pct(now) + ")"};
}

Sentence Returns(const Row& v) {
  const double rate = v("return_rate"), orders = v.Optional("return_orders_365");
  if (std::isfinite(orders))
    return {"returned " + Pct(rate) + " of purchases by amount in the last year (" +
                Count(orders, "order", "orders") + " with returns)",
            "近一年退货金额占购买的" + Pct(rate) + "(" + Num(orders) + "笔退货订单)"};
  return {"returned " + Pct(rate) + " of purchases by amount in the last year", "近一年退货金额占购买的" + Pct(rate)};
}

Sentence OnlineShare(const Row& v) {
  const double diff = v("online_share_change"), now = v.Optional("online_share_90");
  const std::string en_now = std::isfinite(now) ? " (now " + Pct(now) + ")" : "";
  const std::string zh_now = std::isfinite(now) ? "(现为" + Pct(now) + ")" : "";
  return {"online share of orders " + PointsEn(diff) + " against the prior 90 days" + en_now,
          "线上订单占比较此前90天" + PointsZh(diff) + zh_now};
}

Sentence StoresUsed(const Row& v) {
  const double d = v("stores_used_change");
  if (d == 0) return {"uses as many stores as in the prior 90 days", "光顾门店数与此前90天持平"};
  return {"uses " + Count(std::abs(d), "store", "stores") + (d < 0 ? " fewer" : " more") + " than in the prior 90 days",
          "光顾门店数较此前90天" + std::string(d < 0 ? "减少" : "增加") + Num(std::abs(d)) + "家"};
}

/// A 30-day event count quoted with the monthly average of the two months before
/// (`change` = last 30 d minus half of the prior 60 d).
Sentence Monthly(const Row& v, std::string_view count, std::string_view change, std::string_view one,
                 std::string_view many, std::string_view zh_what, std::string_view zh_unit) {
  const double now = v(count), before = now - v(change);
  return {Count(now, one, many) + " in the last 30 days, " + VersusEn(now, before, Num(before)) +
              " a month in the two months before",
          "近30天" + std::string(zh_what) + Num(now) + std::string(zh_unit) + "," + VersusZh(now, before) +
              "此前两个月的月均" + Num(before) + std::string(zh_unit)};
}
Sentence Visits(const Row& v) {
  return Monthly(v, "visits_30", "visits_change", "store visit", "store visits", "到店", "次");
}
Sentence Logins(const Row& v) {
  return Monthly(v, "logins_30", "logins_change", "app login", "app logins", "登录App", "次");
}
Sentence PageViews(const Row& v) {
  return Monthly(v, "page_views_30", "page_views_change", "page view", "page views", "浏览页面", "次");
}
Sentence ServiceContacts(const Row& v) {
  return Monthly(v, "service_contacts_30", "service_contacts_change", "service contact", "service contacts",
                 "联系客服", "次");
}

const std::map<std::string, Template, std::less<>>& Templates() {
  static const auto* kTemplates = new std::map<std::string, Template, std::less<>>{
      {"recency_days", Recency},
      {"overdue_ratio", Recency},
      {"interval_mean_days", Interval},
      {"interval_std_days",
       [](const Row& v) -> Sentence {
         const double sd = v("interval_std_days"), mean = v("interval_mean_days");
         return {"buys irregularly: gaps between purchases vary by " + Days(sd) + " around " + Days(mean),
                 "购买不规律:购买间隔平均" + DaysZh(mean) + ",波动" + DaysZh(sd)};
       }},
      {"reactivation_gap_days",
       [](const Row& v) -> Sentence {
         const double gap = v("reactivation_gap_days");
         return {"came back in the last 90 days after a gap of " + Days(gap), "近90天在中断" + DaysZh(gap) + "后才再次购买"};
       }},
      {"frequency_30", Frequency},
      {"frequency_90", Frequency},
      {"frequency_180", Frequency},
      {"frequency_prev90", Frequency},
      {"freq_change", Frequency},
      {"frequency_365", Pace},
      {"frequency_vs_baseline", Pace},
      {"purchase_days_365", Pace},
      {"active_weeks_share_52",
       [](const Row& v) -> Sentence {
         // Weeks, not a percent of weeks: "2% of the weeks" reads badly in both languages.
         const std::string weeks = Num(std::round(52 * v("active_weeks_share_52")));
         return {"bought in " + weeks + " of the last 52 weeks", "近52周中有" + weeks + "周有购买"};
       }},
      {"weekly_trend_26",
       [](const Row& v) -> Sentence {
         const double slope = v("weekly_trend_26");
         const std::string size = Fmt("%.2f", std::abs(slope));
         if (size == "0.00") return {"weekly orders flat over 26 weeks", "近26周每周订单数基本持平"};
         return {"weekly orders trending " + std::string(slope < 0 ? "down" : "up") + " by " + size +
                     " per week over 26 weeks",
                 "近26周每周订单数呈" + std::string(slope < 0 ? "下降" : "上升") + "趋势(每周" + size + ")"};
       }},
      {"monetary_30", Monetary},
      {"monetary_90", Monetary},
      {"monetary_180", Monetary},
      {"monetary_365", Monetary},
      {"monetary_prev90", Monetary},
      {"monetary_change", Monetary},
      {"aov_90", OrderValue},
      {"aov_change", OrderValue},
      {"basket_size_90",
       [](const Row& v) -> Sentence {
         return {Fmt("%.1f", v("basket_size_90")) + " items per order in the last 90 days",
                 "近90天每单" + Fmt("%.1f", v("basket_size_90")) + "件"};
       }},
      {"discount_share",
       [](const Row& v) -> Sentence {
         return {Pct(v("discount_share")) + " of spend bought on discount", Pct(v("discount_share")) + "的消费为折扣购买"};
       }},
      {"discount_share_change",
       [](const Row& v) -> Sentence {
         const double d = v("discount_share_change");
         return {"share of spend bought on discount " + PointsEn(d) + " against the prior 90 days",
                 "折扣购买占消费比例较此前90天" + PointsZh(d)};
       }},
      {"promo_order_share",
       [](const Row& v) -> Sentence {
         return {Pct(v("promo_order_share")) + " of orders used a promotion",
                 Pct(v("promo_order_share")) + "的订单使用了促销"};
       }},
      {"unit_price_change", UnitPrice},
      {"unit_price_90", UnitPrice},
      {"coupon_redemption_90", CouponRedemption},
      {"coupon_redemption_change", CouponRedemption},
      {"cart_abandon_rate_90",
       [](const Row& v) -> Sentence {
         return {"abandoned " + Pct(v("cart_abandon_rate_90")) + " of carts in the last 90 days",
                 "近90天购物车放弃率" + Pct(v("cart_abandon_rate_90"))};
       }},
      {"return_rate", Returns},
      {"return_orders_365", Returns},
      {"complaints_90",
       [](const Row& v) -> Sentence {
         const double n = v("complaints_90");
         return {Count(n, "complaint", "complaints") + " in the last 90 days", "近90天投诉" + Num(n) + "次"};
       }},
      {"negative_reviews_180",
       [](const Row& v) -> Sentence {
         const double n = v("negative_reviews_180");
         return {Count(n, "negative review", "negative reviews") + " in the last 180 days",
                 "近180天差评" + Num(n) + "条"};
       }},
      {"mean_rating_365",
       [](const Row& v) -> Sentence {
         const std::string r = Fmt("%.1f", v("mean_rating_365"));
         return {"average review rating " + r + " of 5 in the last year", "近一年平均评分" + r + "分(满分5分)"};
       }},
      {"rating_trend",
       [](const Row& v) -> Sentence {
         const double d = v("rating_trend");
         const std::string size = Fmt("%.1f", std::abs(d));
         if (size == "0.0") return {"review rating unchanged against the half year before", "评分与此前半年持平"};
         return {"review rating " + std::string(d < 0 ? "fell " : "rose ") + size + " against the half year before",
                 "评分较此前半年" + std::string(d < 0 ? "下降" : "上升") + size + "分"};
       }},
      {"negative_sentiment_share",
       [](const Row& v) -> Sentence {
         return {Pct(v("negative_sentiment_share")) + " of reviews in the last year read negative",
                 "近一年" + Pct(v("negative_sentiment_share")) + "的评价为负面"};
       }},
      {"service_contacts_30", ServiceContacts},
      {"service_contacts_change", ServiceContacts},
      {"competitor_view_30",
       [](const Row& v) -> Sentence {
         const double n = v("competitor_view_30");
         return {"viewed competitors' products " + Count(n, "time", "times") + " in the last 30 days",
                 "近30天浏览竞品" + Num(n) + "次"};
       }},
      {"competitor_view_90",
       [](const Row& v) -> Sentence {
         const double n = v("competitor_view_90");
         return {"viewed competitors' products " + Count(n, "time", "times") + " in the last 90 days",
                 "近90天浏览竞品" + Num(n) + "次"};
       }},
      {"online_share_90", OnlineShare},
      {"online_share_change", OnlineShare},
      {"stores_used_365", StoresUsed},
      {"stores_used_change", StoresUsed},
      {"category_breadth_180",
       [](const Row& v) -> Sentence {
         const double n = v("category_breadth_180");
         return {"bought from only " + Count(n, "category", "categories") + " in the last 180 days",
                 "近180天仅购买" + Num(n) + "个品类"};
       }},
      {"category_hhi_180",
       [](const Row& v) -> Sentence {
         const std::string h = Fmt("%.2f", v("category_hhi_180"));
         return {"purchases concentrated in few categories (concentration " + h + " of 1, last 180 days)",
                 "近180天购买集中于少数品类(集中度" + h + ",满分1)"};
       }},
      {"category_hhi_change",
       [](const Row& v) -> Sentence {
         const double d = v("category_hhi_change");
         const std::string size = Fmt("%.2f", std::abs(d));
         return {"category mix " + std::string(d > 0 ? "narrowed" : "widened") + " against the prior 90 days (concentration " +
                     (d > 0 ? "+" : "-") + size + ")",
                 "品类结构较此前90天" + std::string(d > 0 ? "收窄" : "拓宽") + "(集中度" + (d > 0 ? "+" : "-") + size + ")"};
       }},
      {"days_since_login",
       [](const Row& v) -> Sentence {
         const double n = v("days_since_login");
         return {Days(n) + " since last app login", "已" + DaysZh(n) + "未登录App"};
       }},
      {"visits_30", Visits},
      {"visits_change", Visits},
      {"logins_30", Logins},
      {"logins_change", Logins},
      {"page_views_30", PageViews},
      {"page_views_change", PageViews},
      {"unsubscribed",
       [](const Row& v) -> Sentence {
         return v("unsubscribed") > 0.5 ? Sentence{"unsubscribed from marketing messages", "已退订营销信息"}
                                        : Sentence{"still subscribed to marketing messages", "仍订阅营销信息"};
       }},
  };
  return *kTemplates;
}

/// Chinese text takes full-width punctuation (，；：（）); the templates write ASCII for
/// brevity. Numbers carry no thousands separators here, so every ',' is punctuation.
std::string FullWidth(const std::string& zh) {
  std::string out;
  out.reserve(zh.size() + 16);
  for (char c : zh) {
    switch (c) {
      case ',': out += "，"; break;
      case ';': out += "；"; break;
      case ':': out += "："; break;
      case '(': out += "（"; break;
      case ')': out += "）"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::pair<std::string, std::string> ReasonSentence(const FeatureTable& table, std::size_t row,
                                                   std::string_view feature) {
  const Row v{table, row};
  const double x = v.Optional(feature);
  const auto& templates = Templates();
  if (const auto it = templates.find(feature); it != templates.end()) {
    Sentence s = it->second(v);
    if (!v.missing()) return {std::move(s.first), FullWidth(s.second)};
  }
  const std::string name(feature);
  if (!std::isfinite(x)) return {name + " is missing", name + "缺失"};
  return {name + " = " + Fmt("%.4g", x), name + " = " + Fmt("%.4g", x)};
}

}  // namespace churnwatch

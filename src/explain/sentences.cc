// One-line reason sentences in English and Chinese that quote the customer's own numbers.
// Each template reads the strongest feature and, where it helps a reader, a companion
// (recency is quoted with the usual purchase interval, a 90-day count with the prior 90
// days). Unknown features fall back to "name = value".
#include <cmath>
#include <cstdio>
#include <functional>
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
std::string Int(double v) { return Fmt("%.0f", v); }
std::string Money(double v) { return Fmt("%.0f", v); }
std::string Pct(double share) { return Fmt("%.0f%%", 100 * share); }
/// A ratio r as a signed percentage change: 0.6 -> "-40%".
std::string Change(double ratio) { return Fmt("%+.0f%%", 100 * (ratio - 1)); }

struct Row {
  const FeatureTable& t;
  std::size_t r;
  double operator()(std::string_view name) const {
    const auto col = t.Column(name);
    return col.empty() ? kNaN : col[r];
  }
};

using Sentence = std::pair<std::string, std::string>;
using Template = std::function<Sentence(const Row&)>;

Sentence Recency(const Row& v) {
  const double rec = v("recency_days"), ipi = v("interval_mean_days");
  if (!std::isnan(ipi))
    return {"usually buys every " + Int(ipi) + " days; " + Int(rec) + " days since last purchase",
            "通常每" + Int(ipi) + "天购买一次;已" + Int(rec) + "天未购买"};
  return {Int(rec) + " days since last purchase", "已" + Int(rec) + "天未购买"};
}

Sentence Frequency(const Row& v) {
  return {Int(v("frequency_90")) + " orders in the last 90 days vs " + Int(v("frequency_prev90")) +
              " in the 90 days before",
          "近90天下单" + Int(v("frequency_90")) + "次,此前90天" + Int(v("frequency_prev90")) + "次"};
}

Sentence Monetary(const Row& v) {
  return {"spent " + Money(v("monetary_90")) + " in the last 90 days vs " + Money(v("monetary_prev90")) +
              " in the 90 days before",
          "近90天消费" + Money(v("monetary_90")) + ",此前90天" + Money(v("monetary_prev90"))};
}

const std::map<std::string, Template, std::less<>>& Templates() {
  static const auto* kTemplates = new std::map<std::string, Template, std::less<>>{
      {"recency_days", Recency},
      {"overdue_ratio", Recency},
      {"interval_mean_days", Recency},
      {"frequency_30", Frequency},
      {"frequency_90", Frequency},
      {"frequency_prev90", Frequency},
      {"freq_change", Frequency},
      {"frequency_180",
       [](const Row& v) -> Sentence {
         return {Int(v("frequency_180")) + " orders in the last 180 days", "近180天下单" + Int(v("frequency_180")) + "次"};
       }},
      {"frequency_365",
       [](const Row& v) -> Sentence {
         return {Int(v("frequency_365")) + " orders in the last year", "近一年下单" + Int(v("frequency_365")) + "次"};
       }},
      {"frequency_vs_baseline",
       [](const Row& v) -> Sentence {
         return {"bought at " + Pct(v("frequency_vs_baseline")) + " of their own yearly pace in the last 90 days",
                 "近90天购买频率为自身年均水平的" + Pct(v("frequency_vs_baseline"))};
       }},
      {"active_weeks_share_52",
       [](const Row& v) -> Sentence {
         return {"bought in " + Pct(v("active_weeks_share_52")) + " of the last 52 weeks",
                 "近52周中有" + Pct(v("active_weeks_share_52")) + "的周有购买"};
       }},
      {"weekly_trend_26",
       [](const Row& v) -> Sentence {
         return {"weekly orders trending " + Fmt("%+.2f", v("weekly_trend_26")) + " per week over 26 weeks",
                 "近26周每周订单数变化趋势" + Fmt("%+.2f", v("weekly_trend_26"))};
       }},
      {"monetary_90", Monetary},
      {"monetary_prev90", Monetary},
      {"monetary_change", Monetary},
      {"monetary_30", Monetary},
      {"monetary_180", Monetary},
      {"monetary_365",
       [](const Row& v) -> Sentence {
         return {"spent " + Money(v("monetary_365")) + " in the last year", "近一年消费" + Money(v("monetary_365"))};
       }},
      {"aov_90",
       [](const Row& v) -> Sentence {
         return {"average order " + Money(v("aov_90")) + " in the last 90 days", "近90天客单价" + Money(v("aov_90"))};
       }},
      {"aov_change",
       [](const Row& v) -> Sentence {
         return {"average order value " + Change(v("aov_change")) + " against the prior 90 days (now " +
                     Money(v("aov_90")) + ")",
                 "客单价较此前90天变化" + Change(v("aov_change")) + "(现为" + Money(v("aov_90")) + ")"};
       }},
      {"basket_size_90",
       [](const Row& v) -> Sentence {
         return {Fmt("%.1f", v("basket_size_90")) + " items per order in the last 90 days",
                 "近90天每单" + Fmt("%.1f", v("basket_size_90")) + "件"};
       }},
      {"discount_share",
       [](const Row& v) -> Sentence {
         return {Pct(v("discount_share")) + " of spend bought on discount",
                 Pct(v("discount_share")) + "的消费为折扣购买"};
       }},
      {"promo_order_share",
       [](const Row& v) -> Sentence {
         return {Pct(v("promo_order_share")) + " of orders used a promotion",
                 Pct(v("promo_order_share")) + "的订单使用了促销"};
       }},
      {"unit_price_change",
       [](const Row& v) -> Sentence {
         return {"average unit price " + Change(v("unit_price_change")) + " against the prior 90 days (trading down)",
                 "平均单价较此前90天变化" + Change(v("unit_price_change")) + "(消费降级)"};
       }},
      {"unit_price_90",
       [](const Row& v) -> Sentence {
         return {"average unit price " + Fmt("%.2f", v("unit_price_90")) + " in the last 90 days",
                 "近90天平均单价" + Fmt("%.2f", v("unit_price_90"))};
       }},
      {"coupon_redemption_90",
       [](const Row& v) -> Sentence {
         return {"redeemed " + Pct(v("coupon_redemption_90")) + " of coupons in the last 90 days",
                 "近90天优惠券核销率" + Pct(v("coupon_redemption_90"))};
       }},
      {"cart_abandon_rate_90",
       [](const Row& v) -> Sentence {
         return {"abandoned " + Pct(v("cart_abandon_rate_90")) + " of carts in the last 90 days",
                 "近90天购物车放弃率" + Pct(v("cart_abandon_rate_90"))};
       }},
      {"return_rate",
       [](const Row& v) -> Sentence {
         return {"returned " + Pct(v("return_rate")) + " of purchases", "退货率" + Pct(v("return_rate"))};
       }},
      {"return_orders_365",
       [](const Row& v) -> Sentence {
         return {Int(v("return_orders_365")) + " orders with returns in the last year",
                 "近一年有" + Int(v("return_orders_365")) + "笔退货订单"};
       }},
      {"complaints_90",
       [](const Row& v) -> Sentence {
         return {Int(v("complaints_90")) + " complaints in the last 90 days", "近90天投诉" + Int(v("complaints_90")) + "次"};
       }},
      {"negative_reviews_180",
       [](const Row& v) -> Sentence {
         return {Int(v("negative_reviews_180")) + " negative reviews in the last 180 days",
                 "近180天差评" + Int(v("negative_reviews_180")) + "条"};
       }},
      {"service_contacts_30",
       [](const Row& v) -> Sentence {
         return {Int(v("service_contacts_30")) + " service contacts in the last 30 days",
                 "近30天联系客服" + Int(v("service_contacts_30")) + "次"};
       }},
      {"competitor_view_30",
       [](const Row& v) -> Sentence {
         return {"viewed competitors " + Int(v("competitor_view_30")) + " times in the last 30 days",
                 "近30天浏览竞品" + Int(v("competitor_view_30")) + "次"};
       }},
      {"online_share_change",
       [](const Row& v) -> Sentence {
         return {"online share of orders moved " + Fmt("%+.0f", 100 * v("online_share_change")) +
                     " points against the prior 90 days",
                 "线上订单占比较此前90天变化" + Fmt("%+.0f", 100 * v("online_share_change")) + "个百分点"};
       }},
      {"stores_used_change",
       [](const Row& v) -> Sentence {
         return {"uses " + Fmt("%+.0f", v("stores_used_change")) + " stores against the prior 90 days",
                 "光顾门店数较此前90天变化" + Fmt("%+.0f", v("stores_used_change"))};
       }},
      {"category_breadth_180",
       [](const Row& v) -> Sentence {
         return {"bought from " + Int(v("category_breadth_180")) + " categories in the last 180 days",
                 "近180天购买" + Int(v("category_breadth_180")) + "个品类"};
       }},
      {"days_since_login",
       [](const Row& v) -> Sentence {
         return {Int(v("days_since_login")) + " days since last app login",
                 "已" + Int(v("days_since_login")) + "天未登录App"};
       }},
      {"logins_30",
       [](const Row& v) -> Sentence {
         return {Int(v("logins_30")) + " app logins in the last 30 days", "近30天登录App" + Int(v("logins_30")) + "次"};
       }},
      {"visits_30",
       [](const Row& v) -> Sentence {
         return {Int(v("visits_30")) + " store visits in the last 30 days", "近30天到店" + Int(v("visits_30")) + "次"};
       }},
  };
  return *kTemplates;
}

}  // namespace

std::pair<std::string, std::string> ReasonSentence(const FeatureTable& table, std::size_t row,
                                                   std::string_view feature) {
  const Row v{table, row};
  const auto& templates = Templates();
  if (const auto it = templates.find(feature); it != templates.end()) return it->second(v);
  const double x = v(feature);
  const std::string value = std::isnan(x) ? "missing" : Fmt("%.4g", x);
  const std::string value_zh = std::isnan(x) ? "缺失" : Fmt("%.4g", x);
  return {std::string(feature) + " = " + value, std::string(feature) + " = " + value_zh};
}

}  // namespace churnwatch

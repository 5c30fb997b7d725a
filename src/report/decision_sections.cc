// The report's decision sections (src/report/decision_sections.h).
#include "report/decision_sections.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "churnwatch/tracks.h"
#include "report/svg_charts.h"

namespace churnwatch::report_internal {

namespace {

std::string FixedOrDash(double v, int decimals) {
  if (std::isnan(v)) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string DecisionTable(const std::vector<DecisionRow>& rows, const std::string& currency, std::string_view p_en,
                          std::string_view p_zh) {
  if (rows.empty()) return "<p class=\"note\">" + Both("Nobody on this list.", "名单为空。") + "</p>";
  // The same card layout as the customers to contact first: a table on a laptop, one card
  // per customer on a phone (each cell labelled from data-en / data-zh).
  const std::pair<std::string, std::string> heads[] = {{"customer", "客户"},
                                                      {std::string(p_en), std::string(p_zh)},
                                                      {"value at stake", "客户价值"},
                                                      {"reason", "原因"},
                                                      {"action · expected net benefit", "动作 · 预期净收益"},
                                                      {"runner-up", "次优动作"}};
  std::string s = "<table class=\"cards\"><thead><tr>";
  for (const auto& [en, zh] : heads) s += "<th>" + Both(en, zh) + "</th>";
  s += "</tr></thead><tbody>";
  auto td = [&](std::size_t i, bool num, const std::string& body) {
    return "<td" + std::string(num ? " class=\"num\"" : "") + " data-en=\"" + Escape(heads[i].first) +
           "\" data-zh=\"" + Escape(heads[i].second) + "\"><div>" + body + "</div></td>";
  };
  auto code = [](const std::string& text) { return "<span translate=\"no\">" + Escape(text) + "</span>"; };
  for (const auto& r : rows) {
    s += "<tr>" + td(0, false, code(r.customer_id) + (r.grade.empty() ? "" : " <span class=\"note\">" + code(r.grade) + "</span>")) +
         td(1, true, FixedOrDash(r.p, 2)) + td(2, true, Escape(FormatMoney(r.value, currency))) +
         td(3, false, Both(r.reason)) +
         td(4, false,
            Both(r.action) + " · " + Escape(FormatMoney(r.expected_benefit, currency)) +
                (r.funded ? "" : " <span class=\"note\">" + Both("(not funded)", "（预算外）") + "</span>")) +
         td(5, false,
            r.runner_up.empty() ? "–" : code(r.runner_up) + " · " + Escape(FormatMoney(r.runner_up_benefit, currency))) +
         "</tr>";
  }
  return s + "</tbody></table>";
}

std::string DecisionSection(std::string_view id, const std::string& en, const std::string& zh, const std::string& body) {
  return "<section id=\"" + std::string(id) + "\"><h2>" + Both(en, zh) + "</h2>" + body + "</section>";
}

}  // namespace

std::string DecisionSections(const ReportData& d) {
  const DecisionLists& x = d.decisions;
  if (!x.available) return {};
  const std::string& cur = d.currency;
  std::string h;
  h += DecisionSection("red-list", "Red list: act within a day (" + FormatCount(x.red_total) + ")",
               "红色名单：一天内处理（" + FormatCount(x.red_total) + "）", DecisionTable(x.red, cur, "p_churn", "流失概率"));
  h += DecisionSection("onboard", "Onboarding list: new customers to bring back for a second purchase (" +
                              FormatCount(x.onboarding_total) + ")",
               "新客培育名单：促成第二次购买（" + FormatCount(x.onboarding_total) + "）",
               "<p class=\"note\">" +
                   Both("No established buying pattern yet, so not a churn warning; ranked by the chance of a second "
                        "purchase × their own spend.",
                        "尚无稳定购买规律，不算流失预警；按再次购买概率 × 本人消费排序。") +
                   "</p>" + DecisionTable(x.onboarding, cur, "P(second purchase)", "再次购买概率"));
  h += DecisionSection("winback", "Win-back list: lapsed " + std::to_string(d.horizon_days) + "+ days (" +
                              FormatCount(x.winback_total) + ")",
               "挽回名单：已沉默 " + std::to_string(d.horizon_days) + " 天以上（" + FormatCount(x.winback_total) + "）",
               DecisionTable(x.winback, cur, "P(has left)", "已流失概率"));
  std::string budget = "<p id=\"split-give-up\">";
  if (x.split_in_use)
    budget += Both("Keeping the value-tier shares of the budget gives up " + FormatMoney(x.split_gives_up, cur) +
                       " of expected net benefit (" + FormatMoney(x.net_benefit_with_split, cur) + " instead of " +
                       FormatMoney(x.net_benefit_without_split, cur) + ").",
                   "按价值层级固定预算比例会少得 " + FormatMoney(x.split_gives_up, cur) + " 的预期净收益（" +
                       FormatMoney(x.net_benefit_with_split, cur) + "，不限比例为 " +
                       FormatMoney(x.net_benefit_without_split, cur) + "）。");
  else
    budget += Both("The budget funds the best total (" + FormatMoney(x.net_benefit_without_split, cur) +
                       "); keeping the value-tier shares would give up " + FormatMoney(x.split_gives_up, cur) + ".",
                   "预算按总收益最大分配（" + FormatMoney(x.net_benefit_without_split, cur) + "）；若按价值层级固定比例，会少得 " +
                       FormatMoney(x.split_gives_up, cur) + "。");
  budget += "</p><p class=\"note\">";
  if (x.unspent > 0.005)
    budget += x.unfunded_positive == 0
                  ? Both(FormatMoney(x.unspent, cur) + " left unspent: no further action has a positive expected value.",
                         "剩余 " + FormatMoney(x.unspent, cur) + " 未使用：其余动作的预期收益均不为正。")
                  : Both(FormatMoney(x.unspent, cur) + " left: " + FormatCount(x.unfunded_positive) +
                             " worthwhile actions each cost more than what is left.",
                         "剩余 " + FormatMoney(x.unspent, cur) + "：另有 " + FormatCount(x.unfunded_positive) +
                             " 个有正收益的动作，但单个成本超过剩余预算。");
  else
    budget += Both("The whole budget is used.", "预算已全部使用。");
  budget += "</p>";
  h += DecisionSection("budget-choice", "Budget by expected value", "按预期收益分配预算", budget);
  return h;
}

}  // namespace churnwatch::report_internal

namespace churnwatch::run_output {

void FillDecisionLists(const RunState& s, std::size_t rows, ReportData& d) {
  DecisionLists& x = d.decisions;
  x.available = true;
  const PolicyOutcome& p = s.policy;
  x.split_in_use = s.config->policy.budget.split_by_tier;
  x.net_benefit_with_split = p.net_benefit_with_split;
  x.net_benefit_without_split = p.net_benefit_without_split;
  x.split_gives_up = p.split_gives_up;
  x.unspent = std::max(0.0, s.config->policy.budget.total - p.budget.total_spent);
  std::vector<const ActionItem*> red, onboard, winback;
  for (const auto& a : p.actions) {
    if (!a.funded && a.expected_benefit > 0) ++x.unfunded_positive;
    if (a.track == Track::kOnboard) onboard.push_back(&a);
    else if (a.track == Track::kWinBack) winback.push_back(&a);
    else if (a.zone == Zone::kRed) red.push_back(&a);
  }
  x.red_total = static_cast<std::int64_t>(red.size());
  x.onboarding_total = static_cast<std::int64_t>(onboard.size());
  x.winback_total = static_cast<std::int64_t>(winback.size());
  auto by_benefit = [](const ActionItem* a, const ActionItem* b) { return a->expected_benefit > b->expected_benefit; };
  auto second_purchase_value = [](const ActionItem* a) {
    const double p = std::isnan(a->p_second_purchase) ? 0 : a->p_second_purchase;
    return p * (std::isnan(a->value_at_stake) ? 0 : a->value_at_stake);
  };
  std::stable_sort(red.begin(), red.end(), by_benefit);
  std::stable_sort(winback.begin(), winback.end(), by_benefit);
  std::stable_sort(onboard.begin(), onboard.end(), [&](const ActionItem* a, const ActionItem* b) {
    return second_purchase_value(a) > second_purchase_value(b);
  });
  auto rows_of = [&](const std::vector<const ActionItem*>& from, std::vector<DecisionRow>& to) {
    for (std::size_t i = 0; i < from.size() && i < rows; ++i) {
      const ActionItem& a = *from[i];
      DecisionRow r;
      r.customer_id = a.customer_id;
      r.grade = a.grade;
      r.p = a.track == Track::kOnboard ? a.p_second_purchase : a.p_churn;
      r.value = a.value_at_stake;
      r.reason = {a.reason_en, a.reason_zh};
      r.action = {a.action_label_en, a.action_label_zh};
      r.expected_benefit = a.expected_benefit;
      r.runner_up = a.runner_up;
      r.runner_up_benefit = a.runner_up_benefit;
      r.funded = a.funded;
      to.push_back(std::move(r));
    }
  };
  rows_of(red, x.red);
  rows_of(onboard, x.onboarding);
  rows_of(winback, x.winback);
}

}  // namespace churnwatch::run_output

// The manager's part of the report (html_sections.h): what the run read, what to do today
// and what it is worth, the customers to contact first, and what zones and grades mean.
// Plain words only; the statistics are in model_section.cc.
#include <algorithm>
#include <cmath>
#include <string>

#include "report/html_sections.h"
#include "report/svg_charts.h"

namespace churnwatch::report_internal {

namespace {

std::string Kpi(const std::string& value, const Bilingual& label, std::string_view id) {
  return "<div class=\"kpi\"><div class=\"v\" id=\"" + std::string(id) + "\">" + Escape(value) +
         "</div><div class=\"l\">" + Both(label) + "</div></div>";
}

std::string Hours(int h) { return std::to_string(h); }

// Reject reason codes of the ingest stage (ingest.h RejectReasonName) in words.
Bilingual RejectReasonWords(const std::string& code) {
  if (code == "missing_customer_id") return {"no customer id (e.g. walk-in sales)", "缺少客户编号（如散客交易）"};
  if (code == "missing_field") return {"a required field is empty", "必填字段为空"};
  if (code == "bad_date") return {"date not readable in the mapped format", "日期与映射格式不符"};
  if (code == "bad_number") return {"amount or number not readable", "金额或数字无法识别"};
  if (code == "wrong_field_count") return {"wrong number of fields on the line", "该行字段数不符"};
  if (code == "unterminated_quote") return {"a quote is never closed", "引号未闭合"};
  if (code == "bad_channel") return {"unknown sales channel", "未知销售渠道"};
  if (code == "bad_event_type") return {"unknown event type", "未知事件类型"};
  if (code == "bad_boolean") return {"yes/no field not readable", "是/否字段无法识别"};
  if (code == "bad_utf8") return {"text is not valid UTF-8", "文本不是有效的 UTF-8 编码"};
  return {code, code};
}

std::string CountLine(const std::string& n, const Bilingual& what) {
  return "<tr><td>" + Both(what) + "</td><td class=\"num\">" + n + "</td></tr>";
}

}  // namespace

std::string DataQualitySectionHtml(const ReportData& d) {
  const DataQualitySection& q = d.data_quality;
  std::string s;
  if (!q.ingested) {
    s += "<p class=\"lead\">" +
         Both("This run loaded no new files; it used the data already in the store.",
              "本次运行未载入新文件，使用数据库中已有的数据。") +
         "</p>";
  } else {
    const double share = q.rows_read > 0 ? static_cast<double>(q.rows_rejected) / static_cast<double>(q.rows_read) : 0;
    s += "<table class=\"dq\"><tbody>" + CountLine(FormatCount(q.rows_read), {"rows read", "读取行数"}) +
         CountLine(FormatCount(q.rows_loaded), {"rows loaded (new)", "新载入行数"}) +
         CountLine(FormatCount(q.already_present), {"rows already in the store", "数据库中已有的行"}) +
         CountLine(FormatCount(q.rows_rejected) + " (" + Percent(share) + ")", {"rows rejected", "拒收行数"});
    for (const auto& [code, n] : q.rejected_by_reason)
      s += "<tr><td>&nbsp;&nbsp;· " + Both(RejectReasonWords(code)) + " <span class=\"code\">" + Code(code) +
           "</span></td><td class=\"num\">" + FormatCount(n) + "</td></tr>";
    s += CountLine(FormatCount(q.rows_excluded), {"rows excluded by the mapping's rules", "按映射规则排除的行"});
    for (const auto& [rule, n] : q.excluded_by_rule)
      s += "<tr><td>&nbsp;&nbsp;· " + Code(rule) + "</td><td class=\"num\">" + FormatCount(n) + "</td></tr>";
    s += CountLine(FormatCount(q.duplicates_skipped), {"exact repeats of a line skipped", "跳过的完全重复行"}) +
         "</tbody></table>";
    if (share >= 0.05)
      s += "<p class=\"warn\" id=\"dq-warning\">" +
           Both(Percent(share) + " of the rows read were rejected. Check the reasons above and the rejects file "
                "before acting on this report: a wrong date or amount format in the mapping rejects real purchases.",
                "读取的行中有 " + Percent(share) +
                    " 被拒收。请先查看上面的原因和拒收文件再使用本报告：映射中的日期或金额格式错误会拒收真实的购买记录。") +
           "</p>";
    for (const auto& f : q.rejects_files)
      s += "<p class=\"note\">" + Both("Rejected rows with their reasons: ", "拒收的行及原因见：") + Code(f) + "</p>";
  }
  s += "<p class=\"note\">" +
       Both("The store now holds " + FormatCount(q.store_transactions) + " purchase lines of " +
                FormatCount(q.store_customers) + " customers.",
            "数据库现有 " + FormatCount(q.store_customers) + " 位客户的 " + FormatCount(q.store_transactions) +
                " 条购买记录。") +
       "</p>";
  return Section("data-quality", {"Data this report is based on", "本报告使用的数据"}, s);
}

std::string TodaySectionHtml(const ReportData& d) {
  const ZoneConfig& z = d.zone_config;
  const std::string n = FormatCount(d.actions_funded);
  const std::string spent = FormatMoney(d.budget_spent, d.currency), total = FormatMoney(d.budget_total, d.currency);
  const std::string benefit = FormatMoney(d.expected_net_benefit, d.currency);
  const std::string risk = FormatMoney(d.money_at_risk, d.currency);
  std::string s = "<p class=\"lead\" id=\"today-lead\">";
  if (d.actions_funded > 0)
    s += Both("Contact the " + n + " customers of the action list, red first (within " + Hours(z.red_sla_hours) +
                  " hours, by a person), then yellow (" + Hours(z.yellow_sla_hours) + " hours) and blue (" +
                  Hours(z.blue_sla_hours) + " hours). This uses " + spent + " of the " + total +
                  " budget and is expected to bring back " + benefit + " more than it costs. In all, " + risk +
                  " of customer value is at risk.",
              "请联系行动清单中的 " + n + " 位客户：先红色（" + Hours(z.red_sla_hours) + " 小时内，由专人联系），再黄色（" +
                  Hours(z.yellow_sla_hours) + " 小时内）和蓝色（" + Hours(z.blue_sla_hours) + " 小时内）。预计花费预算 " +
                  spent + "（共 " + total + "），扣除成本后预期挽回 " + benefit + "。面临流失风险的客户价值共 " + risk +
                  "。");
  else
    s += Both("No retention action is funded in this run. In all, " + risk + " of customer value is at risk.",
              "本次运行没有安排挽留动作。面临流失风险的客户价值共 " + risk + "。");
  s += "</p><div class=\"kpis\" id=\"kpis\">" +
       Kpi(FormatCount(d.actions_funded), {"customers to contact (funded actions)", "待联系客户（已安排挽留动作）"},
           "kpi-actions") +
       Kpi(risk, {"money at risk: chance of leaving × customer value, red and yellow",
                  "风险金额：流失概率 × 客户价值（红色与黄色）"},
           "kpi-risk") +
       Kpi(benefit, {"expected gain after costs", "扣除成本后的预期收益"}, "kpi-benefit") +
       Kpi(spent + " / " + total, {"budget used", "预算使用"}, "kpi-budget") +
       Kpi(FormatCount(d.alerts), {"alerts raised", "预警数"}, "kpi-alerts") +
       Kpi(FormatCount(d.customers), {"active customers scored", "已评估的活跃客户"}, "kpi-customers") + "</div>";
  s += "<div class=\"grid2\"><div id=\"actions\"><h3>" +
       Both("What to do: funded actions (customers · cost)", "做什么：已安排的挽留动作（客户数 · 成本）") + "</h3>" +
       (d.actions.empty() ? "<p class=\"note\">" + Both("None.", "无。") + "</p>"
                          : HorizontalBars(d.actions, d.currency, true)) +
       "</div><div id=\"reasons\"><h3>" +
       Both("Why: main reason of alerted customers (customers · money at risk)",
            "为什么：预警客户的首要原因（客户数 · 风险金额）") +
       "</h3>" + HorizontalBars(d.reasons, d.currency, true) + "</div></div>";
  return Section("today", {"What to do today", "今日待办"}, s);
}

std::string TopCustomersSectionHtml(const ReportData& d) {
  struct Col {
    Bilingual head;
    bool num;
  };
  const Col cols[] = {{{"customer", "客户"}, false},
                      {{"grade", "等级"}, false},
                      {{"chance of leaving", "流失概率"}, true},
                      {{"customer value", "客户价值"}, true},
                      {{"why", "原因"}, false},
                      {{"what to do", "挽留动作"}, false},
                      {{"expected gain", "预期收益"}, true},
                      {{"contact by", "处理时限"}, false}};
  std::string s = "<p class=\"note\">" +
                  Both("The alerted customers with the most value at risk (chance of leaving × value), the earliest "
                       "deadline first. The grade legend is under Risk zones.",
                       "风险金额（流失概率 × 客户价值）最高的预警客户，处理时限最早的在前。等级说明见“预警分级”。") +
                  "</p><table id=\"top-table\" class=\"cards\"><thead><tr>";
  for (const Col& c : cols) s += "<th>" + Both(c.head) + "</th>";
  s += "</tr></thead><tbody>";
  auto td = [&](std::size_t i, const std::string& body) {
    return "<td" + std::string(cols[i].num ? " class=\"num\"" : "") + " data-en=\"" + Escape(cols[i].head.en) +
           "\" data-zh=\"" + Escape(cols[i].head.zh) + "\"><div>" + body + "</div></td>";  // one child: the card's value column
  };
  for (const auto& c : d.top_customers) {
    std::string reasons;
    for (const auto& r : c.reasons) reasons += "<div>" + Both(r) + "</div>";
    for (std::size_t k = 0; k < c.rules.size(); ++k) {
      const Bilingual* m = k < c.rule_messages.size() && !c.rule_messages[k].en.empty() ? &c.rule_messages[k] : nullptr;
      reasons += "<div>⚑ " + (m ? Both(*m) + " <span class=\"code\">" + Code(c.rules[k]) + "</span>" : Code(c.rules[k])) +
                 "</div>";
    }
    const std::string badge = c.grade.empty() ? Both(c.zone == "none" ? Bilingual{"no alert", "无预警"}
                                                                       : Bilingual{c.zone, c.zone})
                                              : Code(c.grade);
    std::string action = Both(c.action);
    if (!c.products.empty()) action += ": " + Code(c.products);
    if (!c.funded) action += " <span class=\"note\">" + Both("(not funded)", "（预算外）") + "</span>";
    s += "<tr>" + td(0, Code(c.customer_id)) + td(1, "<span class=\"zone " + Escape(c.zone) + "\">" + badge + "</span>") +
         td(2, Percent(c.p_churn)) + td(3, Escape(FormatMoney(c.clv, d.currency))) + td(4, reasons) + td(5, action) +
         td(6, Escape(FormatMoney(c.expected_benefit, d.currency))) + td(7, Escape(c.deadline)) + "</tr>";
  }
  return Section("top", {"Customers to contact first", "优先联系的客户"}, s + "</tbody></table>");
}

std::string ZonesSectionHtml(const ReportData& d) {
  const ZoneConfig& z = d.zone_config;
  const std::string red = Percent(z.red_min_p), yellow = Percent(z.yellow_min_p), split = Percent(z.yellow_split_p);
  const std::string days = Fixed(z.blue_min_recency_days, 0);
  auto item = [](const std::string& term, const Bilingual& meaning) {
    return "<dt>" + term + "</dt><dd>" + Both(meaning) + "</dd>";
  };
  auto badge = [](std::string_view zone, const std::string& text) {
    return "<span class=\"zone " + std::string(zone) + "\">" + text + "</span>";
  };
  std::string legend = "<dl class=\"legend\" id=\"legend\">";
  legend += item(badge("red", Both("red", "红色")),
                 {"high risk: chance of leaving " + red + " or more; a person contacts them within " +
                      Hours(z.red_sla_hours) + " hours",
                  "高风险：流失概率不低于 " + red + "；" + Hours(z.red_sla_hours) + " 小时内由专人联系"});
  legend += item(badge("yellow", Both("yellow", "黄色")),
                 {"may leave: chance of leaving " + yellow + " to " + red + "; an automated message within " +
                      Hours(z.yellow_sla_hours) + " hours",
                  "可能流失：流失概率 " + yellow + " 至 " + red + "；" + Hours(z.yellow_sla_hours) + " 小时内自动触达"});
  legend += item(badge("blue", Both("blue", "蓝色")),
                 {"already silent for " + days + " days or more: a win-back offer within " + Hours(z.blue_sla_hours) +
                      " hours, whatever the chance of leaving",
                  "已 " + days + " 天以上未购买：" + Hours(z.blue_sla_hours) + " 小时内发出召回优惠，不论流失概率"});
  legend += item(badge("none", Both("none", "无")), {"no alert", "无预警"});
  legend += item(Code("R1 R2 R3"), {"red, by customer value: high, mid, low", "红色，按客户价值：高、中、低"});
  legend += item(Code("Y1"), {"yellow, high value, chance of leaving " + split + " or more",
                              "黄色，高价值，流失概率不低于 " + split});
  legend += item(Code("Y2"), {"yellow, high value below " + split + ", or mid value " + split + " or more",
                              "黄色，高价值且低于 " + split + "，或中等价值且不低于 " + split});
  legend += item(Code("Y3"), {"yellow, mid value below " + split + ", or low value " + split + " or more",
                              "黄色，中等价值且低于 " + split + "，或低价值且不低于 " + split});
  legend += item(Code("Y4"), {"yellow, low value, below " + split, "黄色，低价值，低于 " + split});
  legend += item(Code("B1 B2"), {"blue: B1 high value, B2 the others", "蓝色：B1 高价值，B2 其他"});
  legend += "</dl>";
  return Section("zones", {"Risk zones and grades", "预警分级"},
                 "<div class=\"grid2\"><div>" + HorizontalBars(d.zones, d.currency, true) + "<h3>" +
                     Both("Grades (most urgent first)", "等级（最紧急在前）") + "</h3><div id=\"grades\">" +
                     HorizontalBars(d.grades) + "</div></div><div><h3>" + Both("What they mean", "含义") + "</h3>" +
                     legend + "</div></div>");
}

}  // namespace churnwatch::report_internal

// The bilingual HTML report (include/churnwatch/report.h): page layout, KPI tiles, tables
// and the language toggle. Charts come from svg_charts.cc.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <system_error>

#include "churnwatch/atomic_file.h"
#include "churnwatch/report.h"
#include "report/decision_sections.h"
#include "report/svg_charts.h"

namespace churnwatch {

using report_internal::Both;
using report_internal::Escape;

std::string FormatMoney(double value, std::string_view currency) {
  if (std::isnan(value)) return "–";
  const bool neg = value < 0;
  const double rounded = std::round(std::fabs(value) * 100) / 100;
  const auto whole = static_cast<std::int64_t>(std::floor(rounded));
  const int cents = static_cast<int>(std::lround((rounded - static_cast<double>(whole)) * 100));
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%02d", cents % 100);
  return std::string(neg ? "-" : "") + std::string(currency) + FormatCount(whole) + frac;
}

namespace {

std::string Fixed(double v, int decimals) {
  if (std::isnan(v) || v < -0.5) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

constexpr const char* kStyle = R"CSS(
:root{--red:#d62728;--yellow:#e9b100;--blue:#1f77b4;--grey:#888}
body{font-family:"Noto Sans","Noto Sans CJK SC","Helvetica Neue",Arial,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#1d2b3a;color:#fff;padding:18px 28px;display:flex;justify-content:space-between;align-items:center}
header h1{margin:0;font-size:22px}
header .meta{font-size:13px;opacity:.85}
button#lang{font-size:14px;padding:6px 14px;border-radius:4px;border:1px solid #fff;background:transparent;color:#fff;cursor:pointer}
main{padding:18px 28px;max-width:1200px;margin:auto}
section{background:#fff;border-radius:6px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:17px;margin:0 0 12px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}
.kpi{background:#fff;border-radius:6px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.kpi .v{font-size:24px;font-weight:600}
.kpi .l{font-size:13px;color:#555}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px}
svg.chart{width:100%;max-width:640px;height:auto;font-size:13px}
svg.square{max-width:520px}
svg .tick,svg .legend{font-size:11px;fill:#555}
svg .cell{font-size:16px;font-weight:600}
svg .cellsub{font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#fafafa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.zone{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
.zone.red{background:var(--red)}.zone.yellow{background:var(--yellow)}.zone.blue{background:var(--blue)}.zone.none{background:var(--grey)}
.note{color:#666;font-size:13px}
body:not(.zh) [lang="zh"]{display:none}
body.zh [lang="en"]{display:none}
)CSS";

// The only script: the language toggle (also reachable as #zh / #en in the address).
constexpr const char* kScript = R"JS(
(function(){
  function set(zh){document.body.classList.toggle('zh',zh);document.documentElement.lang=zh?'zh-CN':'en';}
  set(location.hash==='#zh');
  document.getElementById('lang').addEventListener('click',function(){
    var zh=!document.body.classList.contains('zh');set(zh);history.replaceState(null,'',zh?'#zh':'#en');});
})();
)JS";

std::string Kpi(const std::string& value, std::string_view en, std::string_view zh, std::string_view id) {
  return "<div class=\"kpi\"><div class=\"v\" id=\"" + std::string(id) + "\">" + Escape(value) +
         "</div><div class=\"l\">" + Both(en, zh) + "</div></div>";
}

std::string Section(std::string_view id, std::string_view en, std::string_view zh, const std::string& body) {
  return "<section id=\"" + std::string(id) + "\"><h2>" + Both(en, zh) + "</h2>" + body + "</section>";
}

std::string QualitySection(const ReportData& d) {
  const auto& q = d.quality;
  if (!q.available) return "<p class=\"note\">" + Both(q.note) + "</p>";
  using report_internal::Series;
  const char* colors[] = {"#e15759", "#4e79a7", "#59a14f", "#9c755f", "#b07aa1"};
  std::vector<Series> roc;
  std::vector<std::pair<std::string, double>> lifts;
  for (std::size_t i = 0; i < q.models.size(); ++i) {
    roc.push_back({q.models[i].name + " (AUC " + Fixed(q.models[i].roc_auc, 3) + ")", q.models[i].roc, colors[i % 5]});
    lifts.emplace_back(q.models[i].name, q.models[i].lift_top_decile);
  }
  std::vector<Series> cal(1);
  cal[0].name = q.models.empty() ? "model" : q.models[0].name;
  cal[0].color = "#e15759";
  for (const auto& b : q.calibration) cal[0].points.push_back({b.mean_predicted, b.observed_rate});
  std::sort(cal[0].points.begin(), cal[0].points.end(), [](const CurvePoint& a, const CurvePoint& b) { return a.x < b.x; });

  std::string s = "<p class=\"note\">" + Escape(q.evaluated_on) + "</p><div class=\"grid2\"><div><h3>" +
                  Both("ROC curve", "ROC 曲线") + "</h3>" +
                  report_internal::UnitSquareChart(roc, {"false positive rate", "假阳性率"}, {"true positive rate", "真阳性率"}) +
                  "</div><div><h3>" + Both("Calibration", "校准") + "</h3>" +
                  report_internal::UnitSquareChart(cal, {"predicted p_churn", "预测流失概率"}, {"observed churn rate", "实际流失率"},
                                                   true) +
                  "</div><div><h3>" + Both("Lift in the top decile vs baselines", "前 10% 提升度（对比基线）") + "</h3>" +
                  report_internal::ColumnBars(lifts, {"lift", "提升度"}) + "</div></div>";
  s += "<table><tr><th>" + Both("model", "模型") + "</th><th>ROC-AUC</th><th>PR-AUC</th><th>" +
       Both("lift top 10 %", "前 10% 提升度") + "</th><th>Brier</th><th>ECE</th></tr>";
  for (const auto& m : q.models)
    s += "<tr><td>" + Escape(m.name) + "</td><td class=\"num\">" + Fixed(m.roc_auc, 3) + "</td><td class=\"num\">" +
         Fixed(m.pr_auc, 3) + "</td><td class=\"num\">" + Fixed(m.lift_top_decile, 2) + "</td><td class=\"num\">" +
         Fixed(m.brier, 3) + "</td><td class=\"num\">" + Fixed(m.ece, 3) + "</td></tr>";
  return s + "</table>";
}

std::string TopCustomers(const ReportData& d) {
  std::string s = "<table id=\"top-table\"><tr><th>" + Both("customer", "客户") + "</th><th>" + Both("zone", "预警") +
                  "</th><th>p_churn</th><th>" + Both("value at stake", "客户价值") + "</th><th>" +
                  Both("reasons", "流失原因") + "</th><th>" + Both("action", "挽留动作") + "</th><th>" +
                  Both("net benefit", "预期净收益") + "</th><th>" + Both("deadline", "处理时限") + "</th></tr>";
  for (const auto& c : d.top_customers) {
    std::string reasons;
    for (const auto& r : c.reasons) reasons += "<div>" + Both(r) + "</div>";
    for (const auto& r : c.rules) reasons += "<div>⚑ " + Escape(r) + "</div>";
    s += "<tr><td>" + Escape(c.customer_id) + "</td><td><span class=\"zone " + Escape(c.zone) + "\">" +
         Escape(c.grade.empty() ? c.zone : c.grade) + "</span></td><td class=\"num\">" + Fixed(c.p_churn, 2) +
         "</td><td class=\"num\">" + FormatMoney(c.clv, d.currency) + "</td><td>" + reasons + "</td><td>" +
         Both(c.action) + (c.funded ? "" : " <span class=\"note\">" + Both("(not funded)", "（预算外）") + "</span>") +
         "</td><td class=\"num\">" + FormatMoney(c.expected_benefit, d.currency) + "</td><td>" + Escape(c.deadline) +
         "</td></tr>";
  }
  return s + "</table>";
}

}  // namespace

std::string RenderHtmlReport(const ReportData& d) {
  std::string h;
  h.reserve(64 * 1024);
  h += "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>" + Escape(d.title) + " — " + Escape(d.as_of) + "</title><style>" + kStyle + "</style></head><body>";
  h += "<header><div><h1>" + Both("Customer churn early warning", "客户流失预警报告") + "</h1><div class=\"meta\">" +
       Both("as of ", "截至 ") + Escape(d.as_of) + " · " + Both("horizon ", "流失窗口 ") + std::to_string(d.horizon_days) +
       Both(" days", " 天") + " · " + Both("model ", "模型 ") + Escape(d.model_version) + " · " + Escape(d.source) +
       "</div></div><button id=\"lang\" type=\"button\">" + Both("中文", "English") + "</button></header><main>";

  h += "<div class=\"kpis\" id=\"kpis\">" + Kpi(FormatCount(d.customers), "customers scored", "已评分客户", "kpi-customers") +
       Kpi(FormatCount(d.alerts), "alerts raised", "预警数", "kpi-alerts") +
       Kpi(FormatMoney(d.money_at_risk, d.currency), "money at risk (p × value, red + yellow)", "风险金额（概率 × 价值，红+黄）",
           "kpi-risk") +
       Kpi(FormatCount(d.actions_funded), "actions funded", "已安排挽留动作", "kpi-actions") +
       Kpi(FormatMoney(d.budget_spent, d.currency) + " / " + FormatMoney(d.budget_total, d.currency), "budget used",
           "预算使用", "kpi-budget") +
       Kpi(FormatMoney(d.expected_net_benefit, d.currency), "expected net benefit", "预期净收益", "kpi-benefit") +
       "</div><br>";

  h += "<div class=\"grid2\">";
  h += Section("zones", "Risk zones", "预警分级",
               report_internal::HorizontalBars(d.zones, d.currency, true) + "<h3>" + Both("Grades", "等级") + "</h3>" +
                   report_internal::HorizontalBars(d.grades));
  h += Section("reasons", "Reasons (top reason of alerted customers)", "流失原因（预警客户的首要原因）",
               report_internal::HorizontalBars(d.reasons, d.currency, true));
  h += "</div><div class=\"grid2\">";
  h += Section("matrix", "Value × frequency", "价值 × 频次矩阵", report_internal::Heatmap(d.matrix_count, d.matrix_mean_p));
  h += Section("segments", "RFM segments", "RFM 客群", report_internal::HorizontalBars(d.segments));
  h += "</div>";
  h += Section("quality", "Model quality", "模型质量",
               QualitySection(d) + (d.bgnbd_note.en.empty()
                                        ? std::string()
                                        : "<p class=\"note\" id=\"bgnbd-note\">" + Both(d.bgnbd_note) + "</p>"));
  h += "<div class=\"grid2\">";
  h += Section("rules", "Rule alerts", "规则预警",
               d.rule_hits.empty() ? "<p class=\"note\">" + Both("No rules configured.", "未配置规则。") + "</p>"
                                   : report_internal::HorizontalBars(d.rule_hits));
  h += Section("actions", "Funded actions (count · cost)", "已安排的挽留动作（数量 · 成本）",
               report_internal::HorizontalBars(d.actions, d.currency, true));
  h += "</div>";
  h += Section("top", "Top at-risk customers", "高风险客户", TopCustomers(d));
  h += report_internal::DecisionSections(d);  // red, onboarding and win-back lists; budget choice
  h += "<p class=\"note\">" + Both("Generated ", "生成于 ") + Escape(d.generated_at) + " · churnwatch " +
       Escape(CHURNWATCH_VERSION) + "</p></main><script>" + kScript + "</script></body></html>\n";
  return h;
}

Status WriteHtmlReport(const ReportData& data, const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Status::IOError("cannot create directory " + path.parent_path().string() + ": " + ec.message());
  return WriteFileAtomically(path, RenderHtmlReport(data));
}

}  // namespace churnwatch

// The bilingual HTML report (include/churnwatch/report.h): the page (style, language
// toggle) and the order of its sections, manager first, statistics last. The sections are
// rendered in manager_sections.cc and model_section.cc, the charts in svg_charts.cc.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <system_error>

#include "churnwatch/atomic_file.h"
#include "churnwatch/report.h"
#include "report/decision_sections.h"
#include "report/html_sections.h"
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

namespace report_internal {

std::string Section(std::string_view id, const Bilingual& title, const std::string& body) {
  return "<section id=\"" + std::string(id) + "\"><h2>" + Both(title) + "</h2>" + body + "</section>";
}

std::string Fixed(double v, int decimals) {
  if (std::isnan(v) || v < -0.5) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Percent(double share) {
  if (std::isnan(share) || share < 0) return "–";
  return std::to_string(static_cast<int>(std::lround(100 * share))) + "%";
}

std::string Code(std::string_view text) { return "<span translate=\"no\">" + Escape(text) + "</span>"; }

}  // namespace report_internal

namespace {

// Phone first: nothing is wider than the screen. Grids collapse to one column below their
// minimum, bars are HTML (their labels wrap instead of being cut), SVG charts scale with
// their viewBox, and below 700 px the customer table becomes one card per customer.
constexpr const char* kStyle = R"CSS(
:root{--red:#d62728;--yellow:#e9b100;--blue:#1f77b4;--grey:#888}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:"Noto Sans","Noto Sans CJK SC","Helvetica Neue",Arial,sans-serif;margin:0;color:#222;background:#f6f7f9;overflow-wrap:break-word}
header{background:#1d2b3a;color:#fff;padding:18px 28px;display:flex;flex-wrap:wrap;gap:10px;justify-content:space-between;align-items:center}
header h1{margin:0;font-size:22px}
header .meta{font-size:13px;opacity:.85}
button#lang{font-size:14px;padding:6px 14px;border-radius:4px;border:1px solid #fff;background:transparent;color:#fff;cursor:pointer}
main{padding:18px 28px;max-width:1200px;margin:auto}
section{background:#fff;border-radius:6px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:0}
h2{font-size:17px;margin:0 0 12px}
h3{font-size:15px;margin:14px 0 8px}
.lead{font-size:15px;line-height:1.5;margin:0 0 12px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(180px,100%),1fr));gap:12px;margin:0 0 14px}
.kpi{background:#f6f7f9;border-radius:6px;padding:12px 16px;min-width:0}
.kpi .v{font-size:24px;font-weight:600}
.kpi .l{font-size:13px;color:#555}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(480px,100%),1fr));gap:18px}
.grid2>*{min-width:0}
svg.chart{width:100%;max-width:640px;height:auto;font-size:13px}
svg.square{max-width:420px}
svg .tick,svg .legend{font-size:11px;fill:#555}
svg .cell{font-size:18px;font-weight:600}
svg .cellsub{font-size:14px}
.bars{font-size:13px}
.bar-row{display:grid;grid-template-columns:minmax(7em,38%) minmax(0,1fr);gap:4px 10px;align-items:center;margin:4px 0}
.bar-row .bl{text-align:right}
.bar-row .bt{display:flex;align-items:center;gap:6px;min-width:0}
.bar-row .bf{flex:none;height:14px;min-width:2px;border-radius:2px}
.bar-row .bv{flex:1 1 auto;min-width:0;color:#444;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#fafafa}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{word-break:keep-all}
.zone{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;white-space:nowrap}
.zone.red{background:var(--red)}.zone.yellow{background:var(--yellow)}.zone.blue{background:var(--blue)}.zone.none{background:var(--grey)}
.note{color:#666;font-size:13px}
.warn{background:#fff4e5;border-left:4px solid #e9b100;padding:8px 12px;margin:8px 0}
.code{color:#666;font-size:12px}
dl.legend{display:grid;grid-template-columns:auto minmax(0,1fr);gap:6px 12px;font-size:13px;margin:8px 0}
dl.legend dt{white-space:nowrap}
dl.legend dd{margin:0}
body:not(.zh) [lang="zh"]{display:none}
body.zh [lang="en"]{display:none}
@media (max-width:700px){
  header{padding:12px 14px}
  header h1{font-size:19px}
  main{padding:10px}
  section{padding:12px}
  .kpis{grid-template-columns:1fr 1fr;gap:8px}
  .kpi{padding:10px}
  .kpi .v{font-size:19px}
  .bar-row{grid-template-columns:minmax(0,1fr)}
  .bar-row .bl{text-align:left}
  table.cards thead{display:none}
  table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
  table.cards tr{border:1px solid #e4e4e4;border-radius:6px;margin:0 0 10px;padding:6px 0}
  table.cards td{display:grid;grid-template-columns:7.5em minmax(0,1fr);gap:8px;border:0;padding:3px 10px;text-align:left;overflow-wrap:anywhere}
  table.cards td.num{text-align:left;white-space:normal}
  table.cards td::before{content:attr(data-en);color:#666}
  body.zh table.cards td::before{content:attr(data-zh)}
}
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

}  // namespace

std::string RenderHtmlReport(const ReportData& d) {
  using namespace report_internal;
  std::string h;
  h.reserve(64 * 1024);
  h += "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>" + Escape(d.title) + " — " + Escape(d.as_of) + "</title><style>" + kStyle + "</style></head><body>";
  h += "<header><div><h1>" + Both("Customer churn early warning", "客户流失预警报告") + "</h1><div class=\"meta\">" +
       Both("as of ", "截至 ") + Escape(d.as_of) + " · " + Both("churn means no purchase within ", "流失指 ") +
       std::to_string(d.horizon_days) + Both(" days", " 天内未再购买") + " · " + Code(d.source) +
       "</div></div><button id=\"lang\" type=\"button\" translate=\"no\">" + Both("中文", "English") + "</button></header><main>";

  // A manager reads from the top: can I trust the data, what do I do today, whom do I call
  // first, what do the colours mean; then the breakdowns; the statistics last.
  h += DataQualitySectionHtml(d);
  h += TodaySectionHtml(d);
  h += TopCustomersSectionHtml(d);
  h += ZonesSectionHtml(d);
  h += "<div class=\"grid2\">";
  h += Section("matrix", {"Value × frequency: customers and average churn risk", "价值 × 频次：客户数与平均流失概率"},
               Heatmap(d.matrix_count, d.matrix_mean_p));
  h += Section("segments", {"Customer segments (recency, frequency, money)", "客户分群（按最近购买、频次、金额）"},
               HorizontalBars(d.segments));
  h += "</div>";
  h += Section("rules", {"Rule alerts (your business rules)", "规则预警（业务规则）"},
               d.rule_hits.empty() ? "<p class=\"note\">" + Both("No rules configured.", "未配置规则。") + "</p>"
                                   : HorizontalBars(d.rule_hits));
  h += report_internal::DecisionSections(d);  // red, onboarding and win-back lists; budget choice
  h += ModelSectionHtml(d);
  h += "<p class=\"note\">" + Both("Generated ", "生成于 ") + Escape(d.generated_at) + " · " + Code("churnwatch") + " " +
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

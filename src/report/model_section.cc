// The model section of the report (html_sections.h), last on the page: how well the model
// in use and its baselines did on a held-out cutoff, for the analyst who checks the numbers
// behind the manager's page. Metric names stay as they are (translate="no") with a phrase
// saying what each measures.
#include <algorithm>
#include <string>
#include <vector>

#include "report/html_sections.h"
#include "report/svg_charts.h"

namespace churnwatch::report_internal {

namespace {

const Bilingual& ModelLabel(const ModelCurve& m) {
  static const Bilingual empty;
  return m.label.en.empty() ? empty : m.label;
}

Bilingual NameOf(const ModelCurve& m) { return ModelLabel(m).en.empty() ? Bilingual{m.name, m.name} : m.label; }

std::string MetricHead(std::string_view code, const Bilingual& meaning) {
  return Code(code) + "<div class=\"note\">" + Both(meaning) + "</div>";
}

}  // namespace

std::string ModelSectionHtml(const ReportData& d) {
  const auto& q = d.quality;
  std::string s = "<p class=\"note\">" + Both("Model version ", "模型版本 ") + Code(d.model_version) + "</p>";
  if (!q.available) {
    s += "<p class=\"note\">" + Both(q.note) + "</p>";
  } else {
    const char* colors[] = {"#e15759", "#4e79a7", "#59a14f", "#9c755f", "#b07aa1"};
    std::vector<Series> roc;
    std::vector<std::pair<Bilingual, double>> lifts;
    for (std::size_t i = 0; i < q.models.size(); ++i) {
      Bilingual name = NameOf(q.models[i]);
      const std::string auc = " (AUC " + Fixed(q.models[i].roc_auc, 3) + ")";
      roc.push_back({{name.en + auc, name.zh + auc}, q.models[i].roc, colors[i % 5]});
      lifts.emplace_back(name, q.models[i].lift_top_decile);
    }
    std::vector<Series> cal(1);
    cal[0].name = q.models.empty() ? Bilingual{"model", "模型"} : NameOf(q.models[0]);
    cal[0].color = "#e15759";
    for (const auto& b : q.calibration) cal[0].points.push_back({b.mean_predicted, b.observed_rate});
    std::sort(cal[0].points.begin(), cal[0].points.end(),
              [](const CurvePoint& a, const CurvePoint& b) { return a.x < b.x; });

    s += "<p class=\"note\">" + Both(q.evaluated_on) + "</p><div class=\"grid2\"><div><h3>" +
         Both("How well it separates leavers (ROC curve)", "区分流失客户的能力（ROC 曲线）") + "</h3>" +
         UnitSquareChart(roc, {"share of stayers flagged", "被误报的留存客户比例"},
                         {"share of leavers flagged", "被识别的流失客户比例"}) +
         "</div><div><h3>" + Both("Are the chances right? (calibration)", "概率是否准确（校准）") + "</h3>" +
         UnitSquareChart(cal, {"predicted chance of leaving", "预测流失概率"}, {"share that left", "实际流失比例"}, true) +
         "</div><div><h3>" +
         Both("Top 10 % flagged: how many times the average churn rate (lift)",
              "风险最高的 10% 客户的流失率是平均水平的几倍（提升度）") +
         "</h3>" + ValueBars(lifts, 1.0) + "</div></div>";
    struct Col {
      std::string head;  // HTML
      Bilingual card;    // the label of the value on a phone, where the table becomes cards
    };
    const Col cols[] = {
        {Both("model", "模型"), {"model", "模型"}},
        {MetricHead("ROC-AUC", {"ranking, 0.5 = chance", "排序能力，0.5 为随机"}), {"ROC-AUC", "ROC-AUC"}},
        {MetricHead("PR-AUC", {"precision over recall", "精确率-召回率曲线下面积"}), {"PR-AUC", "PR-AUC"}},
        {Both("lift top 10 %", "前 10% 提升度"), {"lift top 10 %", "前 10% 提升度"}},
        {MetricHead("Brier", {"probability error, lower is better", "概率误差，越低越好"}), {"Brier", "Brier"}},
        {MetricHead("ECE", {"calibration error, lower is better", "校准误差，越低越好"}), {"ECE", "ECE"}}};
    s += "<table id=\"metrics\" class=\"cards\"><thead><tr>";
    for (const Col& c : cols) s += "<th>" + c.head + "</th>";
    s += "</tr></thead><tbody>";
    for (const auto& m : q.models) {
      const std::string values[] = {Both(NameOf(m)),          Fixed(m.roc_auc, 3), Fixed(m.pr_auc, 3),
                                    Fixed(m.lift_top_decile, 2), Fixed(m.brier, 3),   Fixed(m.ece, 3)};
      s += "<tr>";
      for (std::size_t i = 0; i < 6; ++i)
        s += std::string("<td") + (i > 0 ? " class=\"num\"" : "") + " data-en=\"" +
             Escape(cols[i].card.en) + "\" data-zh=\"" + Escape(cols[i].card.zh) + "\"><div>" + values[i] + "</div></td>";
      s += "</tr>";
    }
    s += "</tbody></table>";
  }
  if (!d.bgnbd_note.en.empty()) s += "<p class=\"note\" id=\"bgnbd-note\">" + Both(d.bgnbd_note) + "</p>";
  return Section("model", {"Model quality (for analysts)", "模型质量（供分析人员参考）"}, s);
}

}  // namespace churnwatch::report_internal

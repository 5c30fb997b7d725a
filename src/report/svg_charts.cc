// Inline-SVG charts for the report (svg_charts.h). Fixed pixel geometry, viewBox scaling:
// the charts stay sharp in the browser and in screenshots, and need no JavaScript.
#include "report/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace churnwatch::report_internal {

namespace {

std::string Num(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Bilingual <text> pair at (x, y).
std::string Text2(double x, double y, const Bilingual& b, std::string_view extra = {}) {
  std::string attrs = "x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" " + std::string(extra);
  return "<text lang=\"en\" " + attrs + ">" + Escape(b.en) + "</text><text lang=\"zh\" " + attrs + ">" +
         Escape(b.zh.empty() ? b.en : b.zh) + "</text>";
}

std::string Text1(double x, double y, std::string_view s, std::string_view extra = {}) {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" " + std::string(extra) + ">" + Escape(s) + "</text>";
}

// Blue (low p) to red (high p).
std::string RiskColor(double p) {
  p = std::clamp(std::isnan(p) ? 0.0 : p, 0.0, 1.0);
  const int r = static_cast<int>(230 * p + 240 * (1 - p) * 0.2 + 20);
  const int g = static_cast<int>(90 * p + 170 * (1 - p));
  const int b = static_cast<int>(80 * p + 220 * (1 - p));
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", std::min(r, 255), std::min(g, 255), std::min(b, 255));
  return buf;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Both(const Bilingual& b) { return Both(b.en, b.zh); }

std::string Both(std::string_view en, std::string_view zh) {
  return "<span lang=\"en\">" + Escape(en) + "</span><span lang=\"zh\">" + Escape(zh.empty() ? en : zh) + "</span>";
}

std::string HorizontalBars(const std::vector<CountRow>& rows, std::string_view value_prefix, bool show_value) {
  std::int64_t max_count = 1;
  for (const auto& r : rows) max_count = std::max(max_count, r.count);
  std::string s = "<div class=\"bars\">";
  for (const auto& r : rows) {
    // The bar takes at most 60 % of its track, so the number after it always has room.
    const double w = 60.0 * static_cast<double>(r.count) / static_cast<double>(max_count);
    std::string tail = FormatCount(r.count);
    if (show_value) tail += " · " + FormatMoney(r.value, value_prefix);
    s += "<div class=\"bar-row\"><div class=\"bl\">" + Both(r.label) +
         (r.code.empty() ? "" : " <span class=\"code\" translate=\"no\">" + Escape(r.code) + "</span>") +
         "</div><div class=\"bt\"><span class=\"bf\" style=\"width:" + Num(w) + "%;background:" +
         (r.color.empty() ? "#4e79a7" : r.color) + "\"></span><span class=\"bv\">" + Escape(tail) +
         "</span></div></div>";
  }
  return s + "</div>";
}

std::string UnitSquareChart(const std::vector<Series>& series, const Bilingual& x_label, const Bilingual& y_label,
                            bool scatter_first) {
  const double x0 = 50, y0 = 20, size = 260;
  auto px = [&](double x) { return x0 + size * std::clamp(x, 0.0, 1.0); };
  auto py = [&](double y) { return y0 + size * (1 - std::clamp(y, 0.0, 1.0)); };
  const double legend_top = y0 + size + 52;
  const double height = legend_top + 18 * static_cast<double>(series.size()) + 4;
  std::string s = "<svg class=\"chart square\" viewBox=\"0 0 " + Num(x0 + size + 20, 0) + " " + Num(height, 0) +
                  "\" role=\"img\">";
  s += "<rect x=\"" + Num(x0) + "\" y=\"" + Num(y0) + "\" width=\"" + Num(size) + "\" height=\"" + Num(size) +
       "\" fill=\"none\" stroke=\"#999\"/>";
  s += "<line x1=\"" + Num(px(0)) + "\" y1=\"" + Num(py(0)) + "\" x2=\"" + Num(px(1)) + "\" y2=\"" + Num(py(1)) +
       "\" stroke=\"#bbb\" stroke-dasharray=\"4 4\"/>";
  for (double t : {0.0, 0.5, 1.0}) {
    s += Text1(px(t), y0 + size + 16, Num(t, 1), "text-anchor=\"middle\" class=\"tick\"");
    s += Text1(x0 - 6, py(t) + 4, Num(t, 1), "text-anchor=\"end\" class=\"tick\"");
  }
  s += Text2(x0 + size / 2, y0 + size + 34, x_label, "text-anchor=\"middle\"");
  s += Text2(14, y0 + size / 2, y_label, "text-anchor=\"middle\" transform=\"rotate(-90 14 " + Num(y0 + size / 2) + ")\"");
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& se = series[k];
    if (scatter_first && k == 0) {
      for (const auto& p : se.points)
        s += "<circle cx=\"" + Num(px(p.x)) + "\" cy=\"" + Num(py(p.y)) + "\" r=\"4\" fill=\"" + se.color + "\"/>";
    }
    std::string path;
    for (const auto& p : se.points) path += (path.empty() ? "M" : " L") + Num(px(p.x)) + " " + Num(py(p.y));
    if (!path.empty())
      s += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + se.color + "\" stroke-width=\"" +
           (k == 0 ? "2.5" : "1.5") + "\"/>";
    const double ly = legend_top + 18 * static_cast<double>(k);
    s += "<rect x=\"" + Num(x0) + "\" y=\"" + Num(ly - 6) + "\" width=\"12\" height=\"4\" fill=\"" + se.color + "\"/>";
    s += Text2(x0 + 18, ly, se.name, "class=\"legend\"");
  }
  return s + "</svg>";
}

std::string Heatmap(const std::array<std::array<std::int64_t, 3>, 3>& counts,
                    const std::array<std::array<double, 3>, 3>& mean_p) {
  const Bilingual tiers[3] = {{"high", "高"}, {"mid", "中"}, {"low", "低"}};
  const double x0 = 130, y0 = 40, cw = 140, ch = 62;
  std::string s = "<svg class=\"chart\" viewBox=\"0 0 580 270\" role=\"img\">";
  s += Text2(x0 + 1.5 * cw, 16, {"frequency tier →", "频次层级 →"}, "text-anchor=\"middle\"");
  s += Text2(60, y0 + 1.5 * ch + 95, {"value tier ↓", "价值层级 ↓"}, "text-anchor=\"middle\"");
  for (int c = 0; c < 3; ++c) s += Text2(x0 + cw * (c + 0.5), y0 - 6, tiers[c], "text-anchor=\"middle\"");
  for (int r = 0; r < 3; ++r) {
    s += Text2(x0 - 10, y0 + ch * (r + 0.5) + 5, tiers[r], "text-anchor=\"end\"");
    for (int c = 0; c < 3; ++c) {
      const double x = x0 + cw * c, y = y0 + ch * r;
      const double p = mean_p[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
      const std::int64_t n = counts[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
      s += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(cw - 4) + "\" height=\"" + Num(ch - 4) +
           "\" fill=\"" + (n > 0 ? RiskColor(p) : std::string("#eee")) + "\"/>";
      s += Text1(x + cw / 2 - 2, y + 26, FormatCount(n), "text-anchor=\"middle\" class=\"cell\"");
      if (n > 0)
        s += Text1(x + cw / 2 - 2, y + 48, std::to_string(static_cast<int>(std::lround(100 * p))) + "%",
                   "text-anchor=\"middle\" class=\"cellsub\"");
    }
  }
  return s + "</svg>";
}

std::string ValueBars(const std::vector<std::pair<Bilingual, double>>& values, double reference) {
  double vmax = reference;
  for (const auto& v : values)
    if (!std::isnan(v.second)) vmax = std::max(vmax, v.second);
  std::string s = "<div class=\"bars\">";
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = std::isnan(values[i].second) ? 0 : values[i].second;
    s += "<div class=\"bar-row\"><div class=\"bl\">" + Both(values[i].first) +
         "</div><div class=\"bt\"><span class=\"bf\" style=\"width:" + Num(vmax > 0 ? 60.0 * v / vmax : 0) +
         "%;background:" + (i == 0 ? "#e15759" : "#9c9c9c") + "\"></span><span class=\"bv\">" + Num(v, 2) +
         "</span></div></div>";
  }
  return s + "</div>";
}

}  // namespace churnwatch::report_internal

#pragma once
// Small inline-SVG chart writers for the HTML report. Every label is emitted twice, once
// per language (`lang="en"` / `lang="zh"`), and the page's CSS hides one of them, so the
// charts switch language with the rest of the page without any script.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "churnwatch/report.h"

namespace churnwatch::report_internal {

/// Escapes & < > " ' for HTML text and attributes.
std::string Escape(std::string_view text);

/// `<span lang="en">en</span><span lang="zh">zh</span>` (escaped).
std::string Both(const Bilingual& b);
std::string Both(std::string_view en, std::string_view zh);

/// Horizontal bars, one per row, with the count (and row.value as money with `value_prefix`
/// when `show_value`) after each bar. HTML, not SVG: a long label wraps instead of being cut,
/// and on a phone the label goes above its bar.
std::string HorizontalBars(const std::vector<CountRow>& rows, std::string_view value_prefix = {},
                           bool show_value = false);

/// Line chart of one or more series in the unit square (ROC), with the diagonal.
struct Series {
  Bilingual name;
  std::vector<CurvePoint> points;
  std::string color;
};
std::string UnitSquareChart(const std::vector<Series>& series, const Bilingual& x_label, const Bilingual& y_label,
                            bool scatter_first = false);

/// A 3×3 heat map: rows value tier high/mid/low, columns frequency tier high/mid/low; cell
/// colour by mean p, text: count and mean p as a percent.
std::string Heatmap(const std::array<std::array<std::int64_t, 3>, 3>& counts,
                    const std::array<std::array<double, 3>, 3>& mean_p);

/// Horizontal bars of one number per model (lift), the first highlighted, with the value
/// after each bar; `reference` (lift 1 = no better than chance) sets the least scale. HTML.
std::string ValueBars(const std::vector<std::pair<Bilingual, double>>& values, double reference);

}  // namespace churnwatch::report_internal

// Hand-written SVG plots of an evaluation (include/churnwatch/eval_plots.h). A 480×400
// canvas, a 360×300 plot area, axes from 0 to 1 (lift: 0 to the highest lift), one
// polyline per model in a fixed colour order, and a legend.
#include "churnwatch/eval_plots.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "churnwatch/metrics.h"

namespace churnwatch {
namespace {

constexpr double kLeft = 70, kTop = 30, kWidth = 360, kHeight = 300;
constexpr const char* kColours[] = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // data coordinates
};

std::string Fmt(double v) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(1);
  os << v;
  return os.str();
}

std::string Plot(const std::string& title, const std::string& x_label, const std::string& y_label,
                 const std::vector<Series>& series, double y_max, bool diagonal, double reference_y = kNaN) {
  auto px = [](double x) { return kLeft + x * kWidth; };
  auto py = [&](double y) { return kTop + kHeight - y / y_max * kHeight; };
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"480\" height=\"400\" font-family=\"sans-serif\" "
       "font-size=\"12\">\n<rect width=\"480\" height=\"400\" fill=\"white\"/>\n";
  s << "<text x=\"240\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">" << title << "</text>\n";
  s << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << kWidth << "\" height=\"" << kHeight
    << "\" fill=\"none\" stroke=\"#444\"/>\n";
  for (int i = 0; i <= 5; ++i) {
    const double t = i / 5.0;
    s << "<text x=\"" << Fmt(px(t)) << "\" y=\"" << Fmt(kTop + kHeight + 16) << "\" text-anchor=\"middle\">" << t
      << "</text>\n";
    std::ostringstream yl;
    yl.precision(2);
    yl << t * y_max;
    s << "<text x=\"" << Fmt(kLeft - 6) << "\" y=\"" << Fmt(py(t * y_max) + 4) << "\" text-anchor=\"end\">"
      << yl.str() << "</text>\n";
  }
  s << "<text x=\"" << Fmt(kLeft + kWidth / 2) << "\" y=\"" << Fmt(kTop + kHeight + 34)
    << "\" text-anchor=\"middle\">" << x_label << "</text>\n";
  s << "<text x=\"16\" y=\"" << Fmt(kTop + kHeight / 2) << "\" text-anchor=\"middle\" transform=\"rotate(-90 16 "
    << Fmt(kTop + kHeight / 2) << ")\">" << y_label << "</text>\n";
  if (diagonal)
    s << "<line x1=\"" << px(0) << "\" y1=\"" << py(0) << "\" x2=\"" << px(1) << "\" y2=\"" << Fmt(py(y_max))
      << "\" stroke=\"#aaa\" stroke-dasharray=\"4 4\"/>\n";
  if (!std::isnan(reference_y))
    s << "<line x1=\"" << px(0) << "\" y1=\"" << Fmt(py(reference_y)) << "\" x2=\"" << px(1) << "\" y2=\""
      << Fmt(py(reference_y)) << "\" stroke=\"#aaa\" stroke-dasharray=\"4 4\"/>\n";
  for (std::size_t k = 0; k < series.size(); ++k) {
    const char* colour = kColours[k % 6];
    s << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.8\" points=\"";
    for (const auto& [x, y] : series[k].points) s << Fmt(px(x)) << "," << Fmt(py(std::min(y, y_max))) << " ";
    s << "\"/>\n";
    const double ly = kTop + 14 + 16.0 * static_cast<double>(k);
    s << "<line x1=\"" << kLeft + kWidth - 120 << "\" y1=\"" << Fmt(ly - 4) << "\" x2=\"" << kLeft + kWidth - 100
      << "\" y2=\"" << Fmt(ly - 4) << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/>\n";
    s << "<text x=\"" << kLeft + kWidth - 95 << "\" y=\"" << Fmt(ly) << "\">" << series[k].name << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

Status WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return Status::IOError(path.string() + ": cannot write");
  return Status::OK();
}

/// Cumulative lift at 2 %, 4 %, ... 100 % of customers by descending score.
std::vector<std::pair<double, double>> LiftCurve(std::span<const float> labels, std::span<const double> scores) {
  std::vector<std::pair<double, double>> points;
  for (int i = 1; i <= 50; ++i) points.emplace_back(i / 50.0, LiftAt(labels, scores, i / 50.0));
  return points;
}

}  // namespace

Result<std::vector<std::string>> WriteEvaluationPlots(const Evaluation& ev, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(dir.string() + ": cannot create directory: " + ec.message());
  const std::string cutoff = FormatIsoDate(ev.cutoff);
  std::vector<Series> roc, cal, lift;
  double max_lift = 1;
  for (const auto& [name, scores] : ev.scores) {
    const auto& m = ev.metrics.at(name);
    std::ostringstream label;
    label.precision(3);
    label << name << " " << m.roc_auc;
    Series r{label.str(), {}};
    for (const auto& p : RocCurve(ev.labels, scores)) r.points.emplace_back(p.fpr, p.tpr);
    roc.push_back(std::move(r));
    if (name != "recency_rule") {
      Series c{name, {}};
      for (const auto& b : m.calibration) c.points.emplace_back(b.mean_predicted, b.observed_rate);
      std::sort(c.points.begin(), c.points.end());
      cal.push_back(std::move(c));
    }
    Series l{name, LiftCurve(ev.labels, scores)};
    for (const auto& p : l.points) max_lift = std::max(max_lift, p.second);
    lift.push_back(std::move(l));
  }
  std::vector<std::string> paths;
  const std::pair<std::string, std::string> files[] = {
      {"roc.svg", Plot("ROC, test cutoff " + cutoff, "false positive rate", "true positive rate", roc, 1, true)},
      {"calibration.svg",
       Plot("Calibration by decile, " + cutoff, "mean predicted P(churn)", "observed churn rate", cal, 1, true)},
      {"lift.svg", Plot("Cumulative lift, " + cutoff, "share of customers targeted", "lift", lift,
                        std::ceil(max_lift), false, 1.0)},
  };
  for (const auto& [name, text] : files) {
    const auto path = dir / name;
    CW_RETURN_IF_ERROR(WriteText(path, text));
    paths.push_back(path.string());
  }
  return paths;
}

}  // namespace churnwatch

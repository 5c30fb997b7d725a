// Population stability index (retrain.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "churnwatch/retrain.h"

namespace churnwatch {

namespace {

constexpr double kEmptyShare = 1e-4;  // an empty bin would make ln(c / r) infinite

std::string DriftLevel(double psi) {
  if (std::isnan(psi)) return "unknown";
  return psi > kPsiAlarm ? "moved" : psi >= kPsiWatch ? "watch" : "stable";
}

}  // namespace

double PopulationStabilityIndex(std::span<const double> reference, std::span<const double> current, int bins) {
  if (reference.empty() || current.empty() || bins < 2) return kNaN;
  std::vector<double> sorted;
  sorted.reserve(reference.size());
  for (double v : reference)
    if (!std::isnan(v)) sorted.push_back(v);
  std::sort(sorted.begin(), sorted.end());
  // Edges at the reference's quantiles; repeated values (a feature that is often 0) merge
  // bins instead of making empty ones.
  std::vector<double> edges;
  for (int b = 1; b < bins && !sorted.empty(); ++b) {
    const double q = sorted[std::min(sorted.size() - 1, sorted.size() * static_cast<std::size_t>(b) / static_cast<std::size_t>(bins))];
    if (edges.empty() || q > edges.back()) edges.push_back(q);
  }
  const std::size_t nbins = edges.size() + 2;  // value bins, then the missing bin
  auto shares = [&](std::span<const double> values) {
    std::vector<double> count(nbins, 0.0);
    for (double v : values) {
      if (std::isnan(v)) {
        count.back() += 1;
        continue;
      }
      // Bin k holds values in [edges[k-1], edges[k]).
      const auto k = static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
      count[k] += 1;
    }
    for (double& c : count) c /= static_cast<double>(values.size());
    return count;
  };
  const auto r = shares(reference), c = shares(current);
  double psi = 0;
  for (std::size_t k = 0; k < nbins; ++k) {
    if (r[k] == 0 && c[k] == 0) continue;
    const double rk = std::max(r[k], kEmptyShare), ck = std::max(c[k], kEmptyShare);
    psi += (ck - rk) * std::log(ck / rk);
  }
  return psi;
}

DriftReport ComputeDrift(const FeatureTable& reference, const FeatureTable& current,
                         std::span<const std::string> features, std::span<const double> reference_scores,
                         std::span<const double> current_scores, std::string reference_label,
                         std::string current_label) {
  DriftReport d;
  d.reference_label = std::move(reference_label);
  d.current_label = std::move(current_label);
  std::vector<DriftItem> feats;
  for (const auto& f : features) {
    const auto r = reference.Column(f), c = current.Column(f);
    if (r.empty() || c.empty()) continue;
    const double psi = PopulationStabilityIndex(r, c);
    feats.push_back({f, psi, DriftLevel(psi)});
  }
  std::stable_sort(feats.begin(), feats.end(), [](const DriftItem& a, const DriftItem& b) {
    return (std::isnan(a.psi) ? -1 : a.psi) > (std::isnan(b.psi) ? -1 : b.psi);
  });
  if (!reference_scores.empty() && !current_scores.empty()) {
    const double psi = PopulationStabilityIndex(reference_scores, current_scores);
    d.items.push_back({"score", psi, DriftLevel(psi)});
  }
  d.items.insert(d.items.end(), feats.begin(), feats.end());
  for (const auto& it : d.items) {
    if (it.level != "watch" && it.level != "moved") continue;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s moved between %s and %s: PSI %.3f (%s)", it.name.c_str(),
                  d.reference_label.c_str(), d.current_label.c_str(), it.psi,
                  it.level == "moved" ? "above 0.25: check the data feed and retrain" : "0.1 to 0.25: watch");
    d.warnings.push_back(buf);
  }
  return d;
}

}  // namespace churnwatch

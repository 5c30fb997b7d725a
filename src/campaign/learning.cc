// Measured uplift for the effect table, and the quality of uplift rankings (campaign_learn.h).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include <nlohmann/json.hpp>

#include "churnwatch/campaign_learn.h"

namespace churnwatch {

namespace {
constexpr double kZ975Learn = 1.959963984540054;
constexpr std::string_view kMeasuredCollection = "measured_uplift";
}  // namespace

std::vector<MeasuredUplift> MeasuredUpliftRows(const CampaignReport& report) {
  const std::string metric = report.spec.primary_metric.empty() ? "win_back" : report.spec.primary_metric;
  std::vector<MeasuredUplift> out;
  for (const auto& row : report.rows) {
    if (row.level != "cause_tier" || row.metric != metric) continue;
    const auto& e = row.estimate;
    out.push_back({row.action, row.cause, row.value_tier, metric, e.uplift, e.ci_low, e.ci_high, e.n_treated,
                   e.n_control, 1});
  }
  return out;
}

Status RecordMeasuredUplift(Store& store, const CampaignReport& report) {
  nlohmann::json arr = nlohmann::json::array();
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  for (const auto& m : MeasuredUpliftRows(report))
    arr.push_back({{"action", m.action},
                   {"cause", m.cause},
                   {"value_tier", m.value_tier},
                   {"metric", m.metric},
                   {"uplift", num(m.uplift)},
                   {"ci_low", num(m.ci_low)},
                   {"ci_high", num(m.ci_high)},
                   {"n_treated", m.n_treated},
                   {"n_control", m.n_control}});
  return store.PutDocument(kMeasuredCollection, report.spec.campaign_id, arr.dump());
}

Result<std::vector<MeasuredUplift>> ReadMeasuredUplift(Store& store) {
  CW_ASSIGN_OR_RETURN(auto keys, store.ListDocumentKeys(kMeasuredCollection));
  struct Pool {
    double weight = 0, weighted = 0;
    std::int64_t n_t = 0, n_c = 0;
    int campaigns = 0;
  };
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Pool> pools;
  for (const auto& key : keys) {
    CW_ASSIGN_OR_RETURN(auto doc, store.GetDocument(kMeasuredCollection, key));
    if (!doc) continue;
    const auto arr = nlohmann::json::parse(*doc, nullptr, false);
    if (arr.is_discarded() || !arr.is_array())
      return Status::DataError("measured uplift of campaign " + key + " is not a JSON array");
    try {
      for (const auto& r : arr) {
        if (r.at("uplift").is_null() || r.at("ci_low").is_null() || r.at("ci_high").is_null()) continue;
        const double u = r.at("uplift").get<double>();
        const double se = (r.at("ci_high").get<double>() - r.at("ci_low").get<double>()) / (2 * kZ975Learn);
        if (!(se > 0)) continue;
        auto& p = pools[{r.at("action").get<std::string>(), r.at("cause").get<std::string>(),
                         r.at("value_tier").get<std::string>(), r.at("metric").get<std::string>()}];
        const double w = 1 / (se * se);
        p.weight += w;
        p.weighted += w * u;
        p.n_t += r.at("n_treated").get<std::int64_t>();
        p.n_c += r.at("n_control").get<std::int64_t>();
        p.campaigns += 1;
      }
    } catch (const nlohmann::json::exception& e) {
      return Status::DataError("measured uplift of campaign " + key + ": " + e.what());
    }
  }
  std::vector<MeasuredUplift> out;
  for (const auto& [k, p] : pools) {
    const double u = p.weighted / p.weight, se = 1 / std::sqrt(p.weight);
    out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), u, u - kZ975Learn * se,
                   u + kZ975Learn * se, p.n_t, p.n_c, p.campaigns});
  }
  return out;
}

UpliftRankingQuality EvaluateUpliftRanking(std::span<const double> score, std::span<const float> outcome,
                                           std::span<const std::uint8_t> treated) {
  UpliftRankingQuality q;
  const std::size_t n = score.size();
  if (n == 0 || outcome.size() != n || treated.size() != n) return q;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Ties broken by index so the curve is reproducible.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  double nt = 0, nc = 0, yt = 0, yc = 0;
  std::vector<double> curve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    if (treated[i]) {
      nt += 1;
      yt += outcome[i];
    } else {
      nc += 1;
      yc += outcome[i];
    }
    curve[k] = nc > 0 ? yt - yc * nt / nc : yt;
  }
  q.total_uplift = (nt > 0 && nc > 0) ? yt / nt - yc / nc : kNaN;
  const double final_q = curve.back();
  double area = 0;
  for (std::size_t k = 0; k < n; ++k)
    area += curve[k] - final_q * static_cast<double>(k + 1) / static_cast<double>(n);
  q.qini = area / (static_cast<double>(n) * static_cast<double>(n));
  for (double f : {0.1, 0.2, 0.3, 0.5}) {
    const auto top = static_cast<std::size_t>(std::ceil(f * static_cast<double>(n)));
    double t_n = 0, c_n = 0, t_y = 0, c_y = 0;
    for (std::size_t k = 0; k < top; ++k) {
      const std::size_t i = order[k];
      (treated[i] ? t_n : c_n) += 1;
      (treated[i] ? t_y : c_y) += outcome[i];
    }
    q.uplift_at.push_back({f, (t_n > 0 && c_n > 0) ? t_y / t_n - c_y / c_n : kNaN});
  }
  return q;
}

}  // namespace churnwatch

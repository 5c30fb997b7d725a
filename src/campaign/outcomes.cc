// Outcomes of a campaign (campaign_report.h): from the orders after its start day, or from
// the values an imported experiment recorded.
#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "churnwatch/campaign_report.h"

namespace churnwatch {

namespace {

enum OrderMetric : std::size_t { kPurchase = 0, kRevenue, kMargin, kWinBack, kRevenueH, kOrderMetricCount };

CustomerOutcome Blank(const CampaignAssignmentRow& a, std::size_t metrics) {
  CustomerOutcome o;
  o.customer_id = a.customer_id;
  o.control = a.control;
  o.action = a.action;
  o.cause = a.cause;
  o.value_tier = a.value_tier;
  o.zone = a.zone;
  o.cost = a.control ? 0 : a.cost;
  o.values.assign(metrics, 0.0);
  return o;
}

}  // namespace

std::vector<CampaignMetric> CampaignMetrics(const CampaignSpec& spec) {
  if (!spec.observed_metrics.empty()) {
    std::vector<CampaignMetric> m;
    for (std::size_t i = 0; i < spec.observed_metrics.size(); ++i)
      m.push_back({spec.observed_metrics[i], spec.observed_binary[i]});
    return m;
  }
  return {{"purchase", true}, {"revenue", false}, {"margin", false}, {"win_back", true}, {"revenue_h", false}};
}

std::vector<CustomerOutcome> OutcomesFromOrders(const CampaignSpec& spec,
                                                std::span<const CampaignAssignmentRow> assignments,
                                                std::span<const Transaction> transactions) {
  std::vector<CustomerOutcome> out;
  out.reserve(assignments.size());
  std::unordered_map<std::string_view, std::size_t> index;
  for (const auto& a : assignments) {
    index.emplace(a.customer_id, out.size());
    out.push_back(Blank(a, kOrderMetricCount));
  }
  const DayNumber s = spec.start_day;
  for (const auto& t : transactions) {
    const auto it = index.find(t.customer_id);
    if (it == index.end()) continue;
    const DayNumber day = DayOf(t.ts);
    if (day < s) continue;  // before the campaign: not an outcome of it
    auto& v = out[it->second].values;
    const bool order = !t.is_return && t.amount > 0;
    if (day < s + spec.purchase_window_days) {
      if (order) v[kPurchase] = 1;
      v[kRevenue] += t.amount;
    }
    if (day < s + spec.winback_days) {
      if (order) v[kWinBack] = 1;
      v[kRevenueH] += t.amount;
    }
  }
  for (auto& o : out) o.values[kMargin] = o.values[kRevenue] * spec.margin_rate;
  return out;
}

Result<std::vector<CustomerOutcome>> LoadCampaignOutcomes(Store& store, const CampaignSpec& spec,
                                                          DayNumber* data_last_day) {
  CW_ASSIGN_OR_RETURN(auto assignments, store.ReadCampaignAssignments(spec.campaign_id));
  if (!spec.observed_metrics.empty()) {
    if (data_last_day) *data_last_day = spec.start_day;
    std::vector<CustomerOutcome> out;
    out.reserve(assignments.size());
    const std::size_t m = spec.observed_metrics.size();
    for (const auto& a : assignments) {
      CustomerOutcome o = Blank(a, m);
      std::string_view rest = a.observed;
      for (std::size_t i = 0; i < m; ++i) {
        const auto comma = rest.find(',');
        const std::string_view field = rest.substr(0, comma);
        const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), o.values[i]);
        if (ec != std::errc() || end != field.data() + field.size())
          return Status::DataError("campaign " + spec.campaign_id + ", customer " + a.customer_id +
                                   ": stored outcome '" + a.observed + "' does not hold " + std::to_string(m) + " numbers");
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
      out.push_back(std::move(o));
    }
    return out;
  }
  std::unordered_map<std::string, int> wanted;
  for (const auto& a : assignments) wanted.emplace(a.customer_id, 0);
  std::vector<Transaction> later;
  DayNumber last = spec.start_day - 1;
  bool any = false;
  CW_RETURN_IF_ERROR(store.ScanTransactions([&](std::span<const Transaction> batch) {
    for (const auto& t : batch) {
      const DayNumber day = DayOf(t.ts);
      last = any ? std::max(last, day) : day;
      any = true;
      if (day >= spec.start_day && wanted.count(t.customer_id)) later.push_back(t);
    }
    return Status::OK();
  }));
  if (data_last_day) *data_last_day = last;
  return OutcomesFromOrders(spec, assignments, later);
}

}  // namespace churnwatch

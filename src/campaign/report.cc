// The campaign report (campaign_report.h): groups of customers, treated against their
// control, per metric; the money of each group; CSV and JSON.
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "churnwatch/campaign_report.h"

namespace churnwatch {

namespace {

// A group of the report: which filters apply. A control customer whose action is empty
// belongs to a no-contact control shared by every action (an imported experiment).
struct GroupKey {
  std::string level;
  bool by_action = false, by_cause_tier = false;
  std::string action, cause, value_tier;

  bool Contains(const CustomerOutcome& o) const {
    if (by_action && o.action != action && !(o.control && o.action.empty())) return false;
    if (by_cause_tier && (o.cause != cause || o.value_tier != value_tier)) return false;
    return true;
  }
};

std::string Number(double v, const char* format = "%.10g") {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

nlohmann::json JsonNumber(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

}  // namespace

CampaignReport BuildCampaignReport(const CampaignSpec& spec, std::span<const CustomerOutcome> outcomes,
                                   DayNumber data_last_day) {
  CampaignReport r;
  r.spec = spec;
  r.data_last_day = data_last_day;
  r.metrics = CampaignMetrics(spec);
  for (const auto& o : outcomes) (o.control ? r.control : r.treated) += 1;

  const bool from_orders = spec.observed_metrics.empty();
  bool h_matured = true;
  if (from_orders) {
    const DayNumber purchase_end = spec.start_day + spec.purchase_window_days - 1;
    const DayNumber h_end = spec.start_day + spec.winback_days - 1;
    if (data_last_day < purchase_end)
      r.warnings.push_back("the " + std::to_string(spec.purchase_window_days) + "-day purchase window runs to " +
                           FormatIsoDate(purchase_end) + " but the orders end on " + FormatIsoDate(data_last_day) +
                           ": purchase, revenue and margin are not final");
    if (data_last_day < h_end) {
      h_matured = false;
      r.warnings.push_back("the " + std::to_string(spec.winback_days) + "-day win-back window runs to " +
                           FormatIsoDate(h_end) + " but the orders end on " + FormatIsoDate(data_last_day) +
                           ": win_back and revenue_h are not final");
    }
  }
  // The money of a group is counted on the longest matured revenue window.
  std::size_t revenue_metric = r.metrics.size();
  for (std::size_t m = 0; m < r.metrics.size(); ++m) {
    const auto& name = r.metrics[m].name;
    if (from_orders ? name == (h_matured ? "revenue_h" : "revenue") : (!r.metrics[m].binary && revenue_metric == r.metrics.size()))
      revenue_metric = m;
  }

  std::vector<GroupKey> groups = {{"campaign"}};
  std::set<std::string> actions;
  std::set<std::tuple<std::string, std::string, std::string>> cells;
  for (const auto& o : outcomes) {
    if (o.control) continue;
    actions.insert(o.action);
    cells.insert({o.action, o.cause, o.value_tier});
  }
  for (const auto& a : actions) groups.push_back({"action", true, false, a, "", ""});
  for (const auto& [a, c, t] : cells) groups.push_back({"cause_tier", true, true, a, c, t});

  std::vector<double> treated, control;
  for (const auto& g : groups) {
    CampaignGroupMoney money{g.level, g.action, g.cause, g.value_tier};
    for (const auto& o : outcomes)
      if (!o.control && g.Contains(o)) money.cost += o.cost;
    for (std::size_t m = 0; m < r.metrics.size(); ++m) {
      treated.clear();
      control.clear();
      for (const auto& o : outcomes)
        if (g.Contains(o)) (o.control ? control : treated).push_back(o.values[m]);
      UpliftEstimate e;
      if (r.metrics[m].binary) {
        std::int64_t xt = 0, xc = 0;
        for (double v : treated) xt += v > 0.5;
        for (double v : control) xc += v > 0.5;
        e = CompareProportions(xt, static_cast<std::int64_t>(treated.size()), xc,
                               static_cast<std::int64_t>(control.size()));
      } else {
        e = CompareMeans(treated, control);
      }
      money.n_treated = e.n_treated;
      money.n_control = e.n_control;
      if (m == revenue_metric) {
        money.revenue_metric = r.metrics[m].name;
        money.incremental_revenue = e.uplift * static_cast<double>(e.n_treated);
        money.incremental_margin = money.incremental_revenue * (from_orders ? spec.margin_rate : 1.0);
        money.net = money.incremental_revenue - money.cost;
      }
      if (g.level == "campaign" && !e.warning.empty() && m == 0) r.warnings.push_back("campaign as a whole: " + e.warning);
      r.rows.push_back({g.level, g.action, g.cause, g.value_tier, r.metrics[m].name, r.metrics[m].binary, e});
    }
    r.money.push_back(std::move(money));
  }
  return r;
}

Result<CampaignReport> ReportCampaign(Store& store, std::string_view campaign_id) {
  CW_ASSIGN_OR_RETURN(CampaignSpec spec, LoadCampaignSpec(store, campaign_id));
  DayNumber last = spec.start_day;
  CW_ASSIGN_OR_RETURN(auto outcomes, LoadCampaignOutcomes(store, spec, &last));
  return BuildCampaignReport(spec, outcomes, last);
}

std::string CampaignReportCsv(const CampaignReport& r) {
  std::string csv =
      "campaign_id,level,action,cause,value_tier,metric,n_treated,n_control,treated_mean,control_mean,uplift,ci_low,"
      "ci_high,statistic,df,p_value,group_cost,group_incremental_revenue,group_net,warning\n";
  std::map<std::tuple<std::string, std::string, std::string, std::string>, const CampaignGroupMoney*> money;
  for (const auto& m : r.money) money[{m.level, m.action, m.cause, m.value_tier}] = &m;
  for (const auto& row : r.rows) {
    const auto& e = row.estimate;
    const CampaignGroupMoney* g = money[{row.level, row.action, row.cause, row.value_tier}];
    csv += CsvField(r.spec.campaign_id) + "," + row.level + "," + CsvField(row.action) + "," + CsvField(row.cause) + "," +
           CsvField(row.value_tier) + "," + row.metric + "," + std::to_string(e.n_treated) + "," +
           std::to_string(e.n_control) + "," + Number(e.treated_mean) + "," + Number(e.control_mean) + "," +
           Number(e.uplift) + "," + Number(e.ci_low) + "," + Number(e.ci_high) + "," + Number(e.statistic) + "," +
           Number(e.df) + "," + Number(e.p_value, "%.3g") + "," + (g ? Number(g->cost) : "") + "," +
           (g ? Number(g->incremental_revenue) : "") + "," + (g ? Number(g->net) : "") + "," + CsvField(e.warning) + "\n";
  }
  return csv;
}

std::string CampaignReportJson(const CampaignReport& r) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.money) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& row : r.rows) {
      if (row.level != g.level || row.action != g.action || row.cause != g.cause || row.value_tier != g.value_tier)
        continue;
      const auto& e = row.estimate;
      metrics[row.metric] = {{"binary", row.binary},
                             {"n_treated", e.n_treated},
                             {"n_control", e.n_control},
                             {"treated", JsonNumber(e.treated_mean)},
                             {"control", JsonNumber(e.control_mean)},
                             {"uplift", JsonNumber(e.uplift)},
                             {"ci_low", JsonNumber(e.ci_low)},
                             {"ci_high", JsonNumber(e.ci_high)},
                             {"statistic", JsonNumber(e.statistic)},
                             {"df", JsonNumber(e.df)},
                             {"p_value", JsonNumber(e.p_value)},
                             {"warning", e.warning}};
    }
    groups.push_back({{"level", g.level},
                      {"action", g.action},
                      {"cause", g.cause},
                      {"value_tier", g.value_tier},
                      {"n_treated", g.n_treated},
                      {"n_control", g.n_control},
                      {"cost", g.cost},
                      {"revenue_metric", g.revenue_metric},
                      {"incremental_revenue", JsonNumber(g.incremental_revenue)},
                      {"incremental_margin", JsonNumber(g.incremental_margin)},
                      {"net", JsonNumber(g.net)},
                      {"metrics", metrics}});
  }
  nlohmann::json j = {{"campaign_id", r.spec.campaign_id},
                      {"name", r.spec.name},
                      {"start", FormatIsoDate(r.spec.start_day)},
                      {"treated", r.treated},
                      {"control", r.control},
                      {"data_last_day", FormatIsoDate(r.data_last_day)},
                      {"warnings", r.warnings},
                      {"groups", groups}};
  return j.dump(1);
}

}  // namespace churnwatch

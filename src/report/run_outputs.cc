// Files and store tables of a run (run_internal.h). The action list is the hand-off to a
// CRM or SMS tool: one row per funded action, keyed by the retailer's own customer id (never
// contact data), with everything a campaign manager needs to act and to prioritise.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "churnwatch/playbook.h"
#include "churnwatch/score_csv.h"
#include "report/run_internal.h"

namespace churnwatch::run_internal {

namespace {

std::string Money(double v) {
  if (std::isnan(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string Join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(1, sep)) + s;
  return out;
}

Status Write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IOError("cannot write " + path.string());
  return Status::OK();
}

ResultColumn TextColumn(std::string name) { return {std::move(name), true, {}, {}}; }
ResultColumn NumberColumn(std::string name) { return {std::move(name), false, {}, {}}; }

}  // namespace

std::string FormatDeadline(Timestamp ts) { return FormatIsoTimestamp(ts).substr(0, 16); }

Status WriteRunFiles(const RunState& s) {
  const auto& dir = s.summary.out_dir;
  // customers.csv: every scored customer, the columns of `score --out` then "rules".
  const std::string c = FormatScoreCsv(s.scored, s.policy, ScoreCsvOptions{.rules = true});
  CW_RETURN_IF_ERROR(Write(dir / "customers.csv", c));

  // actions.csv / actions.json: funded actions, highest expected benefit first.
  std::vector<const ActionItem*> funded;
  for (const auto& a : s.policy.actions)
    if (a.funded) funded.push_back(&a);
  std::stable_sort(funded.begin(), funded.end(),
                   [](const ActionItem* x, const ActionItem* y) { return x->expected_benefit > y->expected_benefit; });
  std::string csv = "customer_id,zone,grade,value_tier,reasons,rules,action,channel,action_cost,expected_benefit,deadline,"
                    "products\n";
  nlohmann::json arr = nlohmann::json::array();
  for (const ActionItem* a : funded) {
    const std::string deadline = FormatIsoTimestamp(a->deadline);
    csv += CsvField(a->customer_id) + "," + std::string(ZoneName(a->zone)) + "," + a->grade + "," + a->value_tier + "," +
           CsvField(Join(a->reasons, '|')) + "," + CsvField(Join(a->rules, '|')) + "," + a->action + "," + a->channel + "," +
           Money(a->cost) + "," + Money(a->expected_benefit) + "," + deadline + "," + CsvField(a->products) + "\n";
    arr.push_back({{"customer_id", a->customer_id},
                   {"zone", std::string(ZoneName(a->zone))},
                   {"grade", a->grade},
                   {"value_tier", a->value_tier},
                   {"reasons", a->reasons},
                   {"rules", a->rules},
                   {"action", a->action},
                   {"channel", a->channel},
                   {"action_cost", a->cost},
                   {"expected_benefit", a->expected_benefit},
                   {"p_churn", std::isnan(a->p_churn) ? nlohmann::json(nullptr) : nlohmann::json(a->p_churn)},
                   {"deadline", deadline},
                   {"products", a->products}});
  }
  CW_RETURN_IF_ERROR(Write(dir / "actions.csv", csv));
  CW_RETURN_IF_ERROR(Write(dir / "actions.json", arr.dump(1) + "\n"));

  std::string al = "customer_id,kind,rule,zone,grade,reason,message_en,message_zh,raised_at,deadline\n";
  for (const auto& a : s.policy.alerts)
    al += CsvField(a.customer_id) + "," + a.kind + "," + a.rule + "," + std::string(ZoneName(a.zone)) + "," + a.grade + "," +
          a.reason + "," + CsvField(a.message_en) + "," + CsvField(a.message_zh) + "," + FormatIsoTimestamp(a.raised_at) + "," +
          FormatIsoTimestamp(a.deadline) + "\n";
  return Write(dir / "alerts.csv", al);
}

Status StoreRunResults(const RunState& s, Store& store) {
  ResultTable alerts;
  alerts.columns = {TextColumn("customer_id"), TextColumn("kind"), TextColumn("rule"), TextColumn("zone"),
                    TextColumn("grade"), TextColumn("reason"), TextColumn("message_en"), TextColumn("message_zh"),
                    NumberColumn("raised_at"), NumberColumn("deadline")};
  for (const auto& a : s.policy.alerts) {
    alerts.columns[0].texts.push_back(a.customer_id);
    alerts.columns[1].texts.push_back(a.kind);
    alerts.columns[2].texts.push_back(a.rule);
    alerts.columns[3].texts.emplace_back(ZoneName(a.zone));
    alerts.columns[4].texts.push_back(a.grade);
    alerts.columns[5].texts.push_back(a.reason);
    alerts.columns[6].texts.push_back(a.message_en);
    alerts.columns[7].texts.push_back(a.message_zh);
    alerts.columns[8].numbers.push_back(static_cast<double>(a.raised_at));
    alerts.columns[9].numbers.push_back(static_cast<double>(a.deadline));
  }
  CW_RETURN_IF_ERROR(store.ReplaceResultTable("alerts", alerts));

  ResultTable actions;
  actions.columns = {TextColumn("customer_id"), TextColumn("zone"), TextColumn("grade"), TextColumn("value_tier"),
                     TextColumn("reasons"), TextColumn("rules"), TextColumn("action"), TextColumn("channel"),
                     NumberColumn("action_cost"), NumberColumn("expected_benefit"), NumberColumn("deadline"),
                     TextColumn("products")};
  for (const auto& a : s.policy.actions) {
    if (!a.funded) continue;
    actions.columns[0].texts.push_back(a.customer_id);
    actions.columns[1].texts.emplace_back(ZoneName(a.zone));
    actions.columns[2].texts.push_back(a.grade);
    actions.columns[3].texts.push_back(a.value_tier);
    actions.columns[4].texts.push_back(Join(a.reasons, '|'));
    actions.columns[5].texts.push_back(Join(a.rules, '|'));
    actions.columns[6].texts.push_back(a.action);
    actions.columns[7].texts.push_back(a.channel);
    actions.columns[8].numbers.push_back(a.cost);
    actions.columns[9].numbers.push_back(a.expected_benefit);
    actions.columns[10].numbers.push_back(static_cast<double>(a.deadline));
    actions.columns[11].texts.push_back(a.products);
  }
  CW_RETURN_IF_ERROR(store.ReplaceResultTable("actions", actions));

  ResultTable customers;
  customers.columns = {TextColumn("customer_id"), NumberColumn("p_churn"), NumberColumn("clv"), TextColumn("value_tier"),
                       TextColumn("zone"), TextColumn("grade"), TextColumn("reason_1")};
  for (std::size_t i = 0; i < s.scored.size(); ++i) {
    const auto& sc = s.scored[i];
    customers.columns[0].texts.push_back(sc.customer_id);
    customers.columns[1].numbers.push_back(sc.p_churn);
    customers.columns[2].numbers.push_back(sc.clv);
    customers.columns[3].texts.push_back(sc.value_tier);
    customers.columns[4].texts.emplace_back(ZoneName(s.policy.zones[i].zone));
    customers.columns[5].texts.push_back(s.policy.zones[i].grade);
    customers.columns[6].texts.emplace_back(sc.reason_count > 0 ? PlaybookReasonKey(sc.reasons[0].category) : "");
  }
  CW_RETURN_IF_ERROR(store.ReplaceResultTable("run_customers", customers));

  nlohmann::json doc = {{"run_id", s.summary.run_id},
                        {"name", s.config->name},
                        {"as_of", s.summary.as_of},
                        {"model_version", s.summary.model_version},
                        {"customers", s.summary.customers},
                        {"alerts", s.summary.alerts},
                        {"actions", s.summary.actions},
                        {"money_at_risk", s.summary.money_at_risk},
                        {"budget_spent", s.summary.budget_spent},
                        {"report", s.summary.report.string()}};
  return store.PutDocument("runs", s.summary.run_id, doc.dump());
}

}  // namespace churnwatch::run_internal

namespace churnwatch::run_internal {

Result<CampaignCreateOutcome> CreateRunCampaign(const RunState& s, Store& store) {
  CampaignSpec spec;
  spec.campaign_id = s.summary.run_id;
  spec.name = s.config->name;
  spec.start_day = *ParseIsoDate(s.summary.as_of);
  spec.control_share = s.config->campaign_control_share;
  spec.purchase_window_days = s.config->campaign_purchase_days;
  spec.winback_days = s.config->horizon_days;
  spec.margin_rate = s.config->campaign_margin;
  spec.source = "run " + s.summary.run_id + ": funded actions";
  std::vector<CampaignTarget> targets;
  for (const auto& a : s.policy.actions)
    if (a.funded)
      targets.push_back({a.customer_id, a.action, a.channel, a.reasons.empty() ? "" : a.reasons[0],
                         std::string(ZoneName(a.zone)), a.value_tier, a.cost});
  return CreateCampaign(store, spec, targets, s.summary.out_dir / "campaign-treated.csv");
}

}  // namespace churnwatch::run_internal

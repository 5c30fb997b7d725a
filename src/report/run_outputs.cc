// Files and store tables of a run (run_record.h). The action list is the hand-off to a
// CRM or SMS tool: one row per funded action, keyed by the retailer's own customer id (never
// contact data), with everything a campaign manager needs to act and to prioritise.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "churnwatch/atomic_file.h"
#include "churnwatch/json_text.h"
#include "churnwatch/playbook.h"
#include "churnwatch/score_csv.h"
#include "churnwatch/run_record.h"
#include "churnwatch/tracks.h"
#include "report/action_messages.h"
#include "churnwatch/service_store.h"

namespace churnwatch::run_output {

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

std::string Probability(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

// Each output appears complete or not at all: a full disk or a killed run never leaves a
// truncated alerts.csv beside the others.
Status Write(const std::filesystem::path& path, const std::string& text) { return WriteFileAtomically(path, text); }

ResultColumn TextColumn(std::string name) { return {std::move(name), true, {}, {}}; }
ResultColumn NumberColumn(std::string name) { return {std::move(name), false, {}, {}}; }

}  // namespace

std::string FormatDeadline(Timestamp ts) { return FormatIsoTimestamp(ts).substr(0, 16); }

Status WriteRunFiles(const RunState& s) {
  const auto& dir = s.summary.out_dir;
  // customers.csv: every scored customer, the columns of `score --out` then "rules".
  const std::string c = FormatScoreCsv(s.scored, s.policy, ScoreCsvOptions{.rules = true});
  CW_RETURN_IF_ERROR(Write(dir / "customers.csv", c));

  // actions.csv / actions.json: funded actions, highest expected benefit first. The last six
  // columns carry the reasons in words and the message to send, so no join is needed.
  std::vector<const ActionItem*> funded;
  for (const auto& a : s.policy.actions)
    if (a.funded) funded.push_back(&a);
  std::stable_sort(funded.begin(), funded.end(),
                   [](const ActionItem* x, const ActionItem* y) { return x->expected_benefit > y->expected_benefit; });
  std::string csv = "customer_id,zone,grade,value_tier,reasons,rules,action,channel,action_cost,expected_benefit,deadline,"
                    "products,track,p_churn,value_at_stake,runner_up,runner_up_benefit,reason_en,reason_zh,reason_text_en,reason_text_zh,message_en,message_zh\n";
  nlohmann::json arr = nlohmann::json::array();
  for (const ActionItem* a : funded) {
    const std::string deadline = FormatIsoTimestamp(a->deadline);
    const Bilingual why = ReasonText(s, *a), message = ActionMessage(*a);
    csv += CsvField(a->customer_id) + "," + std::string(ZoneName(a->zone)) + "," + a->grade + "," + a->value_tier + "," +
           CsvField(Join(a->reasons, '|')) + "," + CsvField(Join(a->rules, '|')) + "," + CsvField(a->action) + "," + CsvField(a->channel) + "," +
           Money(a->cost) + "," + Money(a->expected_benefit) + "," + deadline + "," + CsvField(a->products) + "," +
           std::string(TrackName(a->track)) + "," + Probability(a->p_churn) + "," + Money(a->value_at_stake) + "," +
           CsvField(a->runner_up) + "," + Money(a->runner_up_benefit) + "," + CsvField(a->reason_en) + "," + CsvField(a->reason_zh) + "," +
           CsvField(why.en) + "," + CsvField(why.zh) + "," + CsvField(message.en) + "," + CsvField(message.zh) + "\n";
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
                   {"products", a->products},
                   {"track", std::string(TrackName(a->track))},
                   {"value_at_stake", std::isnan(a->value_at_stake) ? nlohmann::json(nullptr) : nlohmann::json(a->value_at_stake)},
                   {"runner_up", a->runner_up},
                   {"runner_up_benefit",
                    std::isnan(a->runner_up_benefit) ? nlohmann::json(nullptr) : nlohmann::json(a->runner_up_benefit)},
                   {"reason_en", a->reason_en},
                   {"reason_zh", a->reason_zh},
                   {"reason_text_en", why.en},
                   {"reason_text_zh", why.zh},
                   {"message_en", message.en},
                   {"message_zh", message.zh}});
  }
  CW_RETURN_IF_ERROR(Write(dir / "actions.csv", csv));
  CW_RETURN_IF_ERROR(Write(dir / "actions.json", JsonText(arr, 1) + "\n"));

  std::string al = "customer_id,kind,rule,zone,grade,reason,message_en,message_zh,raised_at,deadline\n";
  for (const auto& a : s.policy.alerts)
    al += CsvField(a.customer_id) + "," + a.kind + "," + CsvField(a.rule) + "," + std::string(ZoneName(a.zone)) + "," + a.grade + "," +
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
  CW_RETURN_IF_ERROR(store.PutDocument("runs", s.summary.run_id, JsonText(doc)));

  // The run history: earlier runs' alerts, actions and outcomes stay; a customer already in
  // an open alert is not alerted again (a zone upgrade escalates it).
  RunRecord run;
  run.run_id = s.summary.run_id;
  run.as_of = s.summary.as_of;
  run.model_version = s.summary.model_version;
  run.customers = static_cast<std::int64_t>(s.scored.size());
  run.summary_json = JsonText(doc);
  std::vector<RunZone> zones;
  zones.reserve(s.scored.size());
  for (std::size_t i = 0; i < s.scored.size(); ++i)
    zones.push_back({s.scored[i].customer_id, std::string(ZoneName(s.policy.zones[i].zone)), s.policy.zones[i].grade,
                     s.scored[i].p_churn});
  std::map<std::string, std::string> action_of;
  for (const auto& a : s.policy.actions) action_of[a.customer_id] = a.action;
  std::vector<AlertInput> raised;
  for (const auto& a : s.policy.alerts) {
    AlertInput in;
    in.customer_id = a.customer_id;
    const auto home = s.home_store.find(a.customer_id);
    if (home != s.home_store.end()) in.store_id = home->second;
    in.zone = std::string(ZoneName(a.zone));
    in.grade = a.grade;
    in.kind = a.kind;
    in.rule = a.rule;
    in.reason = a.reason;
    in.message_en = a.message_en;
    in.message_zh = a.message_zh;
    in.action = action_of[a.customer_id];
    in.run_id = s.summary.run_id;  // the document's id (a same-second repeat is recorded as "<id>-N")
    in.source = "run";
    raised.push_back(std::move(in));
  }
  // Two runs in the same second share a run id ("run-<time>"): the later one is kept
  // under "<id>-2", "-3", ... rather than failing after all its work is done.
  const std::string base = run.run_id;
  for (int n = 1;; ++n) {
    if (n > 1) run.run_id = base + "-" + std::to_string(n);
    Result<RunRecord> recorded = RecordRun(store, run, zones, raised, s.raised_at);
    if (recorded.ok() || recorded.status().code() != StatusCode::kConflict || n >= 100) return recorded.status();
  }
}

}  // namespace churnwatch::run_output

// What the HTML report of a run shows (run_record.h): breakdowns of the scored
// customers, the evaluation on the test cutoff, and the top at-risk customers.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "churnwatch/metrics.h"
#include "churnwatch/playbook.h"
#include "churnwatch/run_record.h"
#include "report/decision_sections.h"

namespace churnwatch::run_output {

namespace {

const std::map<std::string, Bilingual>& SegmentLabels() {
  static const std::map<std::string, Bilingual> labels = {
      {"champions", {"champions", "冠军客户"}},       {"loyal", {"loyal", "忠诚客户"}},
      {"potential_loyalist", {"potential loyalist", "潜在忠诚"}}, {"new", {"new", "新客户"}},
      {"promising", {"promising", "有潜力"}},         {"need_attention", {"need attention", "需关注"}},
      {"about_to_sleep", {"about to sleep", "即将沉睡"}}, {"at_risk", {"at risk", "有流失风险"}},
      {"cant_lose", {"can't lose", "不能失去"}},      {"hibernating", {"hibernating", "休眠"}},
      {"lost", {"lost", "已流失"}},
  };
  return labels;
}

int TierRow(std::string_view tier) { return tier == "high" ? 0 : tier == "mid" ? 1 : 2; }

double Value(const ScoredCustomer& sc) { return std::isnan(sc.clv) ? 0.0 : std::max(0.0, sc.clv); }

// Grades by meaning, most urgent first: R1..R3, Y1..Y4, B1, B2 (then anything else).
int GradeRank(const std::string& g) {
  const std::string order = "RYB";
  const auto zone = g.empty() ? std::string::npos : order.find(g[0]);
  return zone == std::string::npos ? 99 : static_cast<int>(zone) * 10 + (g.size() > 1 ? g[1] - '0' : 0);
}

// The model names of EvaluateOnCutoff in words.
Bilingual ModelWords(std::string_view name) {
  if (name == "ensemble") return {"ensemble (in use)", "集成模型（在用）"};
  if (name == "trees") return {"gradient-boosted trees", "梯度提升树"};
  if (name == "logistic") return {"logistic regression", "逻辑回归"};
  if (name == "bgnbd") return {"BG/NBD purchase model", "BG/NBD 购买模型"};
  if (name == "recency_rule") return {"rule: days since last purchase", "规则：距上次购买天数"};
  return {std::string(name), std::string(name)};
}

std::vector<std::pair<std::string, std::int64_t>> LargestFirst(const std::map<std::string, std::int64_t>& m) {
  std::vector<std::pair<std::string, std::int64_t>> v;
  for (const auto& [k, n] : m)
    if (n > 0) v.emplace_back(k, n);
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return v;
}

const RuleSpec* FindRule(const RunConfig& cfg, const std::string& name) {
  for (const auto& r : cfg.policy.rules)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace

ReportData BuildReportData(const RunState& s) {
  const RunConfig& cfg = *s.config;
  ReportData d;
  d.title = cfg.name;
  d.as_of = s.summary.as_of;
  d.generated_at = FormatIsoTimestamp(s.raised_at) + " UTC";
  d.source = cfg.name + " · " + std::string(cfg.db_url.substr(0, cfg.db_url.find(':')));
  d.currency = cfg.currency;
  d.model_version = s.summary.model_version;
  d.horizon_days = cfg.horizon_days;
  d.customers = s.summary.customers;
  d.alerts = s.summary.alerts;
  d.actions_funded = s.summary.actions;
  d.money_at_risk = s.summary.money_at_risk;
  d.budget_total = cfg.policy.budget.total;
  d.budget_spent = s.summary.budget_spent;
  d.expected_net_benefit = s.summary.expected_net_benefit;
  d.zone_config = cfg.policy.zones;

  // What the ingest step read.
  d.data_quality.store_customers = s.store_customers;
  d.data_quality.store_transactions = s.store_transactions;
  if (s.ingest) {
    const IngestCounts& t = s.ingest->totals;
    auto& q = d.data_quality;
    q.ingested = true;
    q.rows_read = t.rows_read;
    q.rows_loaded = t.rows_loaded;
    q.already_present = t.already_present;
    q.rows_rejected = t.rows_rejected;
    q.rows_excluded = t.rows_excluded;
    q.duplicates_skipped = t.duplicates_skipped;
    q.rejected_by_reason = LargestFirst(t.rejected_by_reason);
    q.excluded_by_rule = LargestFirst(t.excluded_by_rule);
    for (const auto& f : s.ingest->files)
      if (!f.rejects_file.empty()) q.rejects_files.push_back(f.rejects_file);
  }

  // Zones and grades.
  const char* zone_colors[] = {"#888888", "#d62728", "#e9b100", "#1f77b4"};
  std::array<double, kZoneCount> zone_money{};
  std::map<std::string, std::int64_t> grades;
  for (std::size_t i = 0; i < s.scored.size(); ++i) {
    const auto& z = s.policy.zones[i];
    const double p = std::isnan(s.scored[i].p_churn) ? 0 : s.scored[i].p_churn;
    zone_money[static_cast<std::size_t>(z.zone)] += p * Value(s.scored[i]);
    if (!z.grade.empty()) ++grades[z.grade];
  }
  for (Zone z : {Zone::kRed, Zone::kYellow, Zone::kBlue, Zone::kNone})
    d.zones.push_back({{std::string(ZoneName(z)), std::string(ZoneNameZh(z))},
                       s.policy.zone_counts[static_cast<std::size_t>(z)],
                       zone_money[static_cast<std::size_t>(z)],
                       zone_colors[static_cast<int>(z)]});
  for (const auto& [g, n] : grades)
    d.grades.push_back({{g, g}, n, 0, g[0] == 'R' ? zone_colors[1] : g[0] == 'Y' ? zone_colors[2] : zone_colors[3], ""});
  std::stable_sort(d.grades.begin(), d.grades.end(),
                   [](const CountRow& a, const CountRow& b) { return GradeRank(a.label.en) < GradeRank(b.label.en); });

  // Top reason of alerted customers, with the money at risk behind it.
  std::array<std::int64_t, kReasonCategoryCount> reason_count{};
  std::array<double, kReasonCategoryCount> reason_money{};
  for (const auto& a : s.policy.actions) {
    if (a.reasons.empty()) continue;
    auto cat = ParsePlaybookReasonKey(a.reasons[0]);
    if (!cat) continue;
    const auto k = static_cast<std::size_t>(*cat);
    ++reason_count[k];
    reason_money[k] += (std::isnan(a.p_churn) ? 0 : a.p_churn) * (std::isnan(a.value_at_stake) ? 0 : a.value_at_stake);
  }
  for (int k = 0; k < kReasonCategoryCount; ++k) {
    const auto c = static_cast<ReasonCategory>(k);
    d.reasons.push_back({{std::string(PlaybookReasonEn(c)), std::string(PlaybookReasonZh(c))},
                         reason_count[static_cast<std::size_t>(k)], reason_money[static_cast<std::size_t>(k)], "#e15759"});
  }
  std::stable_sort(d.reasons.begin(), d.reasons.end(), [](const CountRow& a, const CountRow& b) { return a.count > b.count; });

  // Value × frequency matrix and RFM segments.
  std::array<std::array<double, 3>, 3> psum{};
  std::map<std::string, std::pair<std::int64_t, double>> seg;
  for (const auto& sc : s.scored) {
    const int r = TierRow(sc.value_tier), c = TierRow(sc.frequency_tier);
    ++d.matrix_count[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
    psum[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] += std::isnan(sc.p_churn) ? 0 : sc.p_churn;
    auto& e = seg[sc.segment];
    ++e.first;
    e.second += std::isnan(sc.p_churn) ? 0 : sc.p_churn;
  }
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t c = 0; c < 3; ++c)
      d.matrix_mean_p[r][c] = d.matrix_count[r][c] > 0 ? psum[r][c] / static_cast<double>(d.matrix_count[r][c]) : 0;
  for (const auto& [name, e] : seg) {
    auto it = SegmentLabels().find(name);
    d.segments.push_back({it != SegmentLabels().end() ? it->second : Bilingual{name, name}, e.first,
                          e.second / static_cast<double>(std::max<std::int64_t>(e.first, 1)), ""});
  }
  std::stable_sort(d.segments.begin(), d.segments.end(), [](const CountRow& a, const CountRow& b) { return a.count > b.count; });

  // Rules and funded actions.
  for (const auto& [name, hits] : s.policy.rule_hits) {
    const RuleSpec* r = FindRule(cfg, name);
    if (r != nullptr && !r->message_en.empty())
      d.rule_hits.push_back({{r->message_en, r->message_zh.empty() ? r->message_en : r->message_zh}, hits, 0, "", name});
    else
      d.rule_hits.push_back({{name, name}, hits, 0, "", ""});
  }
  std::map<std::string, std::pair<std::int64_t, double>> per_action;
  for (const auto& a : s.policy.actions)
    if (a.funded) {
      ++per_action[a.action].first;
      per_action[a.action].second += a.cost;
    }
  for (const auto& [key, e] : per_action) {
    const ActionDef* def = cfg.policy.playbook.FindAction(key);
    d.actions.push_back({{def ? def->label_en : key, def ? def->label_zh : key}, e.first, e.second, "#59a14f"});
  }

  // Model quality on the test cutoff.
  if (s.evaluation) {
    const Evaluation& ev = *s.evaluation;
    d.quality.available = true;
    const std::string rate = std::to_string(static_cast<int>(
        std::lround(100 * (ev.metrics.count("ensemble") ? ev.metrics.at("ensemble").base_rate : 0))));
    d.quality.evaluated_on = {"tested on " + FormatCount(ev.rows) + " customers as of " + FormatIsoDate(ev.cutoff) +
                                  ", whose next " + std::to_string(d.horizon_days) + " days are known; " + rate +
                                  " % of them left",
                              "在 " + FormatIsoDate(ev.cutoff) + " 的 " + FormatCount(ev.rows) + " 位客户上检验（其后 " +
                                  std::to_string(d.horizon_days) + " 天的购买已知），其中 " + rate + "% 流失"};
    for (const char* name : {"ensemble", "trees", "logistic", "bgnbd", "recency_rule"}) {
      auto m = ev.metrics.find(name);
      auto sc = ev.scores.find(name);
      if (m == ev.metrics.end() || sc == ev.scores.end()) continue;
      ModelCurve curve;
      curve.name = name;
      curve.label = ModelWords(name);
      for (const auto& p : RocCurve(ev.labels, sc->second)) curve.roc.push_back({p.fpr, p.tpr});
      curve.roc_auc = m->second.roc_auc;
      curve.pr_auc = m->second.pr_auc;
      curve.lift_top_decile = m->second.lift_top_decile;
      curve.brier = m->second.brier;
      curve.ece = m->second.ece;
      d.quality.models.push_back(std::move(curve));
    }
    if (auto sc = ev.scores.find("ensemble"); sc != ev.scores.end())
      for (const auto& b : CalibrationTable(ev.labels, sc->second))
        d.quality.calibration.push_back({b.mean_predicted, b.observed_rate, b.rows});
  } else {
    d.quality.note = {"No evaluation on a held-out cutoff in this run.", "本次运行未在留出截点上评估模型。"};
  }

  if (!s.summary.bgnbd_note.empty())
    d.bgnbd_note = {"BG/NBD note: " + s.summary.bgnbd_note + ".",
                    "BG/NBD 提示：拟合几乎看不到客户流失（每次购买后的流失概率接近 0），因此所有客户的存活概率"
                    "都接近 1，无法区分谁已流失，多半是因为历史太短；窗口期内再次购买的概率仍随沉默时间下降，请按它排序。"};

  // Top at-risk customers: highest p × value among alerted customers.
  std::vector<const ActionItem*> top;
  for (const auto& a : s.policy.actions)
    if (a.track != Track::kOnboard) top.push_back(&a);  // new customers have their own list
  auto risk = [](const ActionItem* a) {
    return (std::isnan(a->p_churn) ? 0 : a->p_churn) * (std::isnan(a->value_at_stake) ? 0 : a->value_at_stake);
  };
  std::stable_sort(top.begin(), top.end(), [&](const ActionItem* a, const ActionItem* b) { return risk(a) > risk(b); });
  if (top.size() > static_cast<std::size_t>(cfg.top_customers)) top.resize(static_cast<std::size_t>(cfg.top_customers));
  // Shown in the order to contact them: earliest deadline (red's SLA is the shortest) first,
  // then the most value at risk; a list headed by blue customers read as "call these first".
  std::stable_sort(top.begin(), top.end(), [](const ActionItem* a, const ActionItem* b) { return a->deadline < b->deadline; });
  for (const ActionItem* a : top) {
    const ScoredCustomer& sc = s.scored[a->scored_index];
    TopCustomerRow row;
    row.customer_id = a->customer_id;
    row.zone = std::string(ZoneName(a->zone));
    row.grade = a->grade;
    row.p_churn = a->p_churn;
    row.clv = a->value_at_stake;
    for (int k = 0; k < sc.reason_count; ++k)
      row.reasons.push_back({sc.reasons[static_cast<std::size_t>(k)].sentence_en, sc.reasons[static_cast<std::size_t>(k)].sentence_zh});
    row.rules = a->rules;
    for (const auto& name : a->rules) {
      const RuleSpec* r = FindRule(cfg, name);
      row.rule_messages.push_back(r != nullptr && !r->message_en.empty()
                                      ? Bilingual{r->message_en, r->message_zh.empty() ? r->message_en : r->message_zh}
                                      : Bilingual{});
    }
    row.action = {a->action_label_en, a->action_label_zh};
    row.products = a->products;
    row.expected_benefit = a->expected_benefit;
    row.funded = a->funded;
    row.deadline = FormatDeadline(a->deadline);
    d.top_customers.push_back(std::move(row));
  }
  FillDecisionLists(s, static_cast<std::size_t>(cfg.top_customers), d);
  return d;
}

}  // namespace churnwatch::run_output

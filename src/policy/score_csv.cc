// The shared per-customer CSV of `score` and `run` (include/churnwatch/score_csv.h).
#include "churnwatch/score_csv.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "churnwatch/playbook.h"

namespace churnwatch {
namespace {

std::string CsvNumber(double v, const char* format) {
  if (std::isnan(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

constexpr const char* kProbability = "%.6g";
constexpr const char* kDays = "%.1f";
constexpr const char* kMoney = "%.2f";

}  // namespace

std::string FormatScoreCsv(std::span<const ScoredCustomer> scored, const PolicyOutcome& outcome,
                           const ScoreCsvOptions& options) {
  std::vector<const ActionItem*> action_of(scored.size(), nullptr);
  for (const auto& a : outcome.actions)
    if (a.scored_index < scored.size()) action_of[a.scored_index] = &a;
  std::string csv =
      "customer_id,p_churn,expected_days_to_churn,p_alive,clv,value_tier,segment,lifecycle_stage,zone,grade,"
      "reason_1,reason_2,reason_3,action,action_cost,expected_benefit,frequency_tier,reason_1_feature,"
      "reason_1_en,reason_1_zh,model_version,funded";
  csv += options.rules ? ",rules\n" : "\n";
  for (std::size_t i = 0; i < scored.size(); ++i) {
    const ScoredCustomer& s = scored[i];
    const ZoneAssignment zone = i < outcome.zones.size() ? outcome.zones[i] : ZoneAssignment{};
    const ActionItem* a = action_of[i];
    const bool has_action = a != nullptr && !a->action.empty();
    csv += CsvField(s.customer_id) + "," + CsvNumber(s.p_churn, kProbability) + "," +
           CsvNumber(s.expected_days_to_churn, kDays) + "," + CsvNumber(s.p_alive, kProbability) + "," +
           CsvNumber(s.clv, kMoney) + "," + s.value_tier + "," + s.segment + "," + s.lifecycle_stage + "," +
           std::string(ZoneName(zone.zone)) + "," + zone.grade;
    for (int k = 0; k < 3; ++k)
      csv += "," + (k < s.reason_count ? std::string(PlaybookReasonKey(s.reasons[static_cast<std::size_t>(k)].category))
                                       : std::string());
    csv += "," + (a ? a->action : std::string()) + "," + (has_action ? CsvNumber(a->cost, kMoney) : "") + "," +
           (has_action ? CsvNumber(a->expected_benefit, kMoney) : "") + "," + s.frequency_tier + ",";
    csv += s.reason_count > 0 ? CsvField(s.reasons[0].top_feature) + "," + CsvField(s.reasons[0].sentence_en) + "," +
                                    CsvField(s.reasons[0].sentence_zh)
                              : std::string(",,");
    csv += "," + CsvField(s.model_version) + "," + (a && a->funded ? "1" : "0");
    if (options.rules) {
      std::string rules;
      if (a)
        for (const auto& r : a->rules) rules += (rules.empty() ? "" : "|") + r;
      csv += "," + CsvField(rules);
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace churnwatch

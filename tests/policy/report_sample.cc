// The sample report of report_sample.h.
#include "report_sample.h"

namespace churnwatch::testing {

ReportData SampleReportData() {
  ReportData d;
  d.title = "churnwatch sample";
  d.as_of = "2011-09-10";
  d.generated_at = "2026-01-01 00:00:00 UTC";
  d.source = "sample <data> & co";
  d.currency = "£";
  d.model_version = "m-test-1";
  d.customers = 12345;
  d.alerts = 2468;
  d.actions_funded = 321;
  d.money_at_risk = 98765.43;
  d.budget_total = 10000;
  d.budget_spent = 9876.5;
  d.expected_net_benefit = 4321.09;
  d.zones = {{{"red", "红"}, 1111, 50000, "#d62728"},
             {{"yellow", "黄"}, 2222, 30000, "#e9b100"},
             {{"blue", "蓝"}, 333, 0, "#1f77b4"},
             {{"none", "无"}, 8679, 0, "#888"}};
  d.grades = {{{"R1", "R1"}, 100, 0, ""}, {{"Y4", "Y4"}, 200, 0, ""}};
  d.reasons = {{{"disengagement", "活跃下降"}, 1500, 60000, ""}, {{"price sensitivity", "价格敏感"}, 700, 20000, ""}};
  d.segments = {{{"champions", "冠军客户"}, 900, 0.1, ""}, {{"at_risk", "流失风险"}, 1300, 0.7, ""}};
  d.rule_hits = {{{"repeated_complaints", "repeated_complaints"}, 42, 0, ""}};
  d.actions = {{{"Targeted coupon", "定向优惠券"}, 300, 1500, ""}, {{"1-to-1 call", "客户经理一对一联系"}, 21, 525, ""}};
  d.matrix_count = {{{10, 20, 30}, {40, 50, 60}, {70, 80, 90}}};
  d.matrix_mean_p = {{{0.1, 0.2, 0.3}, {0.4, 0.5, 0.6}, {0.7, 0.8, 0.9}}};
  d.quality.available = true;
  d.quality.evaluated_on = "test cutoff 2011-09-10";
  d.quality.models = {{"ensemble", {{0, 0}, {0.1, 0.5}, {0.3, 0.8}, {1, 1}}, 0.8123, 0.7, 2.5, 0.15, 0.02},
                      {"recency_rule", {{0, 0}, {0.4, 0.6}, {1, 1}}, 0.6011, 0.5, 1.5, 0.3, 0.2}};
  d.quality.calibration = {{0.1, 0.12, 100}, {0.5, 0.45, 100}, {0.9, 0.85, 100}};
  TopCustomerRow t;
  t.customer_id = "C-17850";
  t.zone = "red";
  t.grade = "R1";
  t.p_churn = 0.93;
  t.clv = 5432.1;
  t.reasons = {{"No purchase for 95 days", "已 95 天未购买"}};
  t.rules = {"repeated_complaints"};
  t.action = {"1-to-1 call", "客户经理一对一联系"};
  t.expected_benefit = 1234.5;
  t.funded = true;
  t.deadline = "2026-01-02 00:00";
  d.top_customers = {t};
  return d;
}

}  // namespace churnwatch::testing

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
  d.grades = {{{"R1", "R1"}, 100, 0, ""}, {{"R2", "R2"}, 150, 0, ""}, {{"Y3", "Y3"}, 180, 0, ""},
              {{"Y4", "Y4"}, 200, 0, ""}, {{"B1", "B1"}, 120, 0, ""}, {{"B2", "B2"}, 213, 0, ""}};
  d.reasons = {{{"disengagement", "活跃下降"}, 1500, 60000, ""}, {{"price sensitivity", "价格敏感"}, 700, 20000, ""}};
  d.segments = {{{"champions", "冠军客户"}, 900, 0.1, ""}, {{"at_risk", "流失风险"}, 1300, 0.7, ""}};
  d.rule_hits = {{{"two or more complaints in 90 days", "90 天内投诉两次及以上"}, 42, 0, "", "repeated_complaints"}};
  // A long action label: in the old SVG bars it was cut at the left edge.
  d.actions = {{{"Targeted coupon", "定向优惠券"}, 300, 1500, ""},
               {{"Service recovery: apology, compensation and service fix", "服务补救：道歉、补偿并修复服务问题"}, 12, 600, ""},
               {{"1-to-1 call", "客户经理一对一联系"}, 21, 525, ""}};
  d.data_quality.ingested = true;
  d.data_quality.rows_read = 38776;
  d.data_quality.rows_loaded = 17813;
  d.data_quality.already_present = 0;
  d.data_quality.rows_rejected = 20780;
  d.data_quality.rows_excluded = 183;
  d.data_quality.duplicates_skipped = 374;
  d.data_quality.rejected_by_reason = {{"bad_number", 20771}, {"bad_date", 9}};
  d.data_quality.excluded_by_rule = {{"cancelled_orders", 183}};
  d.data_quality.rejects_files = {"/data/exports/till_2024.csv.rejects.csv"};
  d.data_quality.store_customers = 4321;
  d.data_quality.store_transactions = 17813;
  d.matrix_count = {{{10, 20, 30}, {40, 50, 60}, {70, 80, 90}}};
  d.matrix_mean_p = {{{0.1, 0.2, 0.3}, {0.4, 0.5, 0.6}, {0.7, 0.8, 0.9}}};
  d.quality.available = true;
  d.quality.evaluated_on = {"tested on customers as of 2011-09-10", "在 2011-09-10 的客户上检验"};
  d.quality.models = {{"ensemble", {"ensemble (in use)", "集成模型（在用）"}, {{0, 0}, {0.1, 0.5}, {0.3, 0.8}, {1, 1}}, 0.8123, 0.7,
                       2.5, 0.15, 0.02},
                      {"recency_rule", {"rule: days since last purchase", "规则：距上次购买天数"}, {{0, 0}, {0.4, 0.6}, {1, 1}},
                       0.6011, 0.5, 1.5, 0.3, 0.2}};
  d.quality.calibration = {{0.1, 0.12, 100}, {0.5, 0.45, 100}, {0.9, 0.85, 100}};
  TopCustomerRow t;
  t.customer_id = "C-17850";
  t.zone = "red";
  t.grade = "R1";
  t.p_churn = 0.93;
  t.clv = 5432.1;
  t.reasons = {{"usually buys every 12 days; 95 days since last purchase", "通常每12天购买一次；已95天未购买"},
               {"bought in 3 of the last 52 weeks", "近52周中有3周有购买"}};
  t.rules = {"repeated_complaints"};
  t.rule_messages = {{"two or more complaints in 90 days", "90 天内投诉两次及以上"}};
  t.action = {"1-to-1 call", "客户经理一对一联系"};
  t.products = "22423 REGENCY CAKESTAND 3 TIER; 85123A WHITE HANGING HEART T-LIGHT HOLDER";
  t.expected_benefit = 1234.5;
  t.funded = true;
  t.deadline = "2026-01-02 00:00";
  TopCustomerRow y = t;
  y.customer_id = "MEMBER-2024-0000012345678";  // long ids must wrap on a phone, not widen the page
  y.zone = "yellow";
  y.grade = "Y3";
  y.p_churn = 0.48;
  y.rules = {};
  y.rule_messages = {};
  y.products.clear();
  y.action = {"Service recovery: apology, compensation and service fix", "服务补救：道歉、补偿并修复服务问题"};
  y.funded = false;
  d.top_customers = {t, y};
  return d;
}

}  // namespace churnwatch::testing

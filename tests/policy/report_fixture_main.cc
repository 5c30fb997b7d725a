// Writes the sample report (report_sample.cc) to argv[1] and the numbers the browser test
// must find on the page, as JSON, to argv[2]. Used by tests/browser/run.sh.
#include <fstream>
#include <iostream>

#include "churnwatch/report.h"
#include "report_sample.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: report_fixture REPORT.html EXPECTED.json\n";
    return 2;
  }
  const auto data = churnwatch::testing::SampleReportData();
  if (auto s = churnwatch::WriteHtmlReport(data, argv[1]); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  std::ofstream out(argv[2]);
  out << "{\"en\": [\"" << churnwatch::FormatCount(data.customers) << "\", \"" << churnwatch::FormatCount(data.alerts)
      << "\", \"" << churnwatch::FormatMoney(data.money_at_risk, data.currency)
      << "\", \"" << churnwatch::FormatCount(data.data_quality.rows_read) << "\", \""
      << churnwatch::FormatMoney(data.expected_net_benefit, data.currency) << "\", \"" << data.top_customers[0].customer_id
      << "\", \"Data this report is based on\", \"What to do today\", \"Risk zones and grades\", "
         "\"Customers to contact first\"],\n"
      << " \"zh\": [\"" << churnwatch::FormatCount(data.customers) << "\", \""
      << churnwatch::FormatMoney(data.money_at_risk, data.currency) << "\", \""
      << churnwatch::FormatMoney(data.expected_net_benefit, data.currency) << "\", \"" << data.top_customers[0].customer_id
      << "\", \"本报告使用的数据\", \"今日待办\", \"预警分级\", \"优先联系的客户\"]}\n";
  return out ? 0 : 1;
}

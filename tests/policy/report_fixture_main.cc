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
      << "\", \"Risk zones\", \"Top at-risk customers\"],\n"
      << " \"zh\": [\"" << churnwatch::FormatCount(data.customers) << "\", \""
      << churnwatch::FormatMoney(data.money_at_risk, data.currency) << "\", \"预警分级\", \"高风险客户\"]}\n";
  return out ? 0 : 1;
}

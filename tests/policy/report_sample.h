#pragma once
// A fixed, hand-made ReportData used by the report tests and by the browser test's fixture
// program: numbers chosen so that each one is distinctive on the page.
#include "churnwatch/report.h"

namespace churnwatch::testing {
ReportData SampleReportData();
}

#pragma once
// The report's decision sections: the red list, the onboarding list, the win-back list,
// and what the tier split of the budget gives up. Internal to report/.

#include <string>

#include "churnwatch/report.h"
#include "churnwatch/run_record.h"

namespace churnwatch::report_internal {

/// The sections' HTML, both languages (empty when `d.decisions.available` is false).
std::string DecisionSections(const ReportData& d);

}  // namespace churnwatch::report_internal

namespace churnwatch::run_output {

/// Fills `d.decisions` from a run's policy outcome: up to `rows` customers per list,
/// highest expected net benefit first (onboarding: P(second purchase) × value first).
void FillDecisionLists(const RunState& s, std::size_t rows, ReportData& d);

}  // namespace churnwatch::run_output

#pragma once
// Pieces of the run pipeline (include/churnwatch/pipeline.h), split by concern:
// run_outputs.cc (files and store
// tables), run_report_data.cc (what the HTML report shows). Private to report/.

#include <optional>
#include <string>
#include <vector>

#include "churnwatch/campaign.h"
#include "churnwatch/churn_pipeline.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/models.h"
#include "churnwatch/pipeline.h"
#include "churnwatch/policy_engine.h"
#include "churnwatch/report.h"
#include "churnwatch/scored_customer.h"
#include "churnwatch/store.h"

namespace churnwatch::run_internal {

/// Everything a finished run knows, for the outputs and the report.
struct RunState {
  const RunConfig* config = nullptr;
  RunSummary summary;
  FeatureTable table;                       ///< features as of the scoring date
  std::vector<ScoredCustomer> scored;       ///< one per table row, same order
  PolicyOutcome policy;
  std::optional<Evaluation> evaluation;     ///< on the test cutoff
  Timestamp raised_at = 0;
};

/// customers.csv, actions.csv, actions.json, alerts.csv in the out dir.
Status WriteRunFiles(const RunState& state);
/// Result tables "alerts", "actions", "run_customers" and the ("runs", id) document.
Status StoreRunResults(const RunState& state, Store& store);
/// The campaign of the funded actions ([campaign] create): id = the run id, start = as_of,
/// treated list in the out dir as campaign-treated.csv.
Result<CampaignCreateOutcome> CreateRunCampaign(const RunState& state, Store& store);
/// The report's content.
ReportData BuildReportData(const RunState& state);

std::string FormatDeadline(Timestamp ts);  ///< "YYYY-MM-DD HH:MM"

}  // namespace churnwatch::run_internal

#pragma once
/// \file campaign_app.h
/// The campaign use cases as one call each (what `churnwatch campaign ...` and a server
/// route run): a typed request in, a typed outcome out. Each opens the store named by
/// `db_url`, does the work and closes it. Errors as the functions they call
/// (campaign.h, campaign_report.h, campaign_import.h).

#include <filesystem>
#include <optional>
#include <string>

#include "churnwatch/campaign.h"
#include "churnwatch/campaign_import.h"
#include "churnwatch/campaign_report.h"

namespace churnwatch {

struct CampaignCreateRequest {
  std::string db_url;
  CampaignSpec spec;
  std::filesystem::path actions;             ///< a `run` action list, or empty
  std::optional<CampaignSelection> selection;  ///< or a selection of stored customers
  std::filesystem::path treated_csv;         ///< the delivery list to write (empty: none)
};
/// Exactly one of `actions` and `selection` (else kInvalidArgument).
Result<CampaignCreateOutcome> RunCampaignCreate(const CampaignCreateRequest& request);

struct CampaignReportRequest {
  std::string db_url;
  std::string campaign_id;
  std::filesystem::path csv_out;   ///< write the report CSV here (empty: none)
  std::filesystem::path json_out;  ///< write the report JSON here (empty: none)
  /// Record the campaign's measured uplift per (action, cause, value tier) for learning
  /// (campaign_learn.h).
  bool record_measured = true;
};
Result<CampaignReport> RunCampaignReport(const CampaignReportRequest& request);

struct CampaignImportRequest {
  std::string db_url;
  std::string format = "hillstrom";  ///< the only format so far
  std::filesystem::path file;
  std::string campaign_id;
  DayNumber start_day = 0;
};
Result<CampaignCreateOutcome> RunCampaignImport(const CampaignImportRequest& request);

}  // namespace churnwatch

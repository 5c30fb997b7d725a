#pragma once
/// \file campaign_import.h
/// Experiments run outside churnwatch, loaded as campaigns with their own control group
/// (docs/campaign.md). The outcomes were recorded by the experiment, so they are stored
/// with each assignment (CampaignAssignmentRow::observed) instead of read from later orders.
///
/// Hillstrom's MineThatData e-mail test (2008; 64,000 customers, one third each sent a
/// Mens e-mail, a Womens e-mail, or nothing): the file as published (CSV, plain or gzip,
/// header recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,
/// visit,conversion,spend). Customers are numbered by their line (H00001 is line 2);
/// action "mens_email" / "womens_email" for the treated arms, the "No E-Mail" arm is the
/// control (no action); value tier by past-year spend (high >= $500, mid >= $100, low);
/// metrics visit and conversion (0/1) and spend.

#include <filesystem>
#include <string>
#include <vector>

#include "churnwatch/campaign.h"
#include "churnwatch/models.h"
#include "churnwatch/status.h"

namespace churnwatch {

/// The Hillstrom file in memory: one row per customer.
struct HillstromData {
  std::vector<std::string> feature_names;   ///< recency, history, mens, womens, newbie, zip_*, channel_*
  DenseMatrix features;
  std::vector<std::string> arm;             ///< "mens_email" | "womens_email" | "" (control)
  std::vector<float> visit, conversion;
  std::vector<double> spend;
  std::vector<std::string> value_tier;
};

/// kNotFound for a missing file; kInvalidArgument naming file, line and field for a wrong
/// header, an unknown segment / zip_code / channel or a value that is not a number.
Result<HillstromData> ReadHillstrom(const std::filesystem::path& path);

/// Stores the file as campaign `campaign_id` (start day `start_day`, metrics visit,
/// conversion, spend; primary metric conversion). Errors as ReadHillstrom and CreateCampaign.
Result<CampaignCreateOutcome> ImportHillstrom(Store& store, const std::filesystem::path& path,
                                              const std::string& campaign_id, DayNumber start_day);

}  // namespace churnwatch

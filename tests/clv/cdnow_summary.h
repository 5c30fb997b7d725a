#pragma once
// Reads the published CDNOW calibration summary (`ID,x,t_x,T,zbar`) for the clv tests.

#include <filesystem>
#include <vector>

#include "churnwatch/clv.h"

namespace churnwatch::clv::cdnow_data {

/// Rows of cdnow_customers_summary_with_transactions.csv in file order; fails the calling
/// test (ADD_FAILURE) and returns what it read on a malformed line.
std::vector<CustomerSummary> ReadCdnowSummary(const std::filesystem::path& path);

}  // namespace churnwatch::clv::cdnow_data

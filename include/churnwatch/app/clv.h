#pragma once
/// \file clv.h
/// The clv use case (`churnwatch clv`): BG/NBD + Gamma-Gamma at a cutoff and per-customer
/// P(alive), expected purchases, spend and CLV, to CSV and a store table.

#include <nlohmann/json.hpp>
#include <string>

#include "churnwatch/clv_run.h"
#include "churnwatch/status.h"

namespace churnwatch::app {

struct ClvRequest {
  std::string db_url;
  clv::ClvOptions options;  ///< checked by clv::ValidateClvOptions before the store opens
  std::string out;          ///< CSV path, or empty
  std::string store_table = "clv";
  bool write_store = true;
};

struct ClvOutcome {
  clv::ClvResult result;
  clv::ClvOptions options;
  std::string out;
  std::string store_table;  ///< empty when not stored
  double seconds = 0;
  double expected_purchases_total = 0, clv_total = 0, mean_p_alive = 0;
  nlohmann::json ToJson() const;
};

Result<ClvOutcome> Clv(const ClvRequest& request);

}  // namespace churnwatch::app

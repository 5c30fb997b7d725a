#pragma once
/// \file quality.h
/// The quality use case (`churnwatch quality`): the data-quality profile of every
/// canonical table of a store.

#include <nlohmann/json.hpp>
#include <string>

#include "churnwatch/quality.h"
#include "churnwatch/status.h"

namespace churnwatch::app {

struct QualityRequest {
  std::string db_url;
};

struct QualityOutcome {
  QualityReport report;
  std::string backend;
  int schema_version = 0;
  nlohmann::json ToJson() const { return QualityToJson(report); }
};

/// kNotFound when the store does not exist (nothing is created).
Result<QualityOutcome> Quality(const QualityRequest& request);

}  // namespace churnwatch::app

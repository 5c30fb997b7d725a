// The features use case (app/features.h).
#include "churnwatch/app/features.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "app/store_columns.h"
#include "churnwatch/app/score.h"
#include "churnwatch/feature_catalog.h"
#include "churnwatch/feature_io.h"
#include "churnwatch/store.h"

namespace churnwatch::app {
namespace {

Result<int> ResolveFeaturesHorizon(const FeaturesRequest& r) {
  if (!r.format.empty() && r.horizon_days)
    return Status::InvalidArgument("give either --format or --horizon-days, not both");
  if (r.horizon_days) {
    CW_RETURN_IF_ERROR(ValidateHorizonDays(*r.horizon_days));
    return *r.horizon_days;
  }
  return HorizonForFormat(r.format.empty() ? "general" : r.format);
}

}  // namespace

nlohmann::json FeaturesOutcome::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const CutoffCounts& k : cutoffs)
    list.push_back({{"cutoff", FormatIsoDate(k.cutoff)},
                    {"eligible", k.eligible},
                    {"churned", k.churned},
                    {"unknown", k.eligible - k.known()},
                    {"churn_rate", k.known() ? nlohmann::json(static_cast<double>(k.churned) / k.known())
                                             : nlohmann::json()}});
  nlohmann::json j = {{"customers", customers},
                      {"rows", rows},
                      {"features", features},
                      {"horizon_days", horizon_days},
                      {"lookback_days", lookback_days},
                      {"cutoffs", list},
                      {"transactions", transactions},
                      {"events", events},
                      {"load_seconds", load_seconds},
                      {"feature_seconds", feature_seconds}};
  if (!out.empty()) j["out"] = out;
  if (!store_table.empty()) j["store_table"] = store_table;
  return j;
}

nlohmann::json FeatureCatalogueJson() {
  nlohmann::json features = nlohmann::json::array();
  for (const auto& f : FeatureCatalogue())
    features.push_back({{"name", f.name},
                        {"group", FeatureGroupName(f.group)},
                        {"unit", f.unit},
                        {"reason", ReasonCategoryKey(f.reason)},
                        {"definition", f.definition}});
  return {{"count", features.size()}, {"features", features}};
}

Result<FeaturesOutcome> Features(const FeaturesRequest& r) {
  if (r.as_of.has_value() == !r.cutoffs.empty())
    return Status::InvalidArgument("give exactly one of --as-of DATE or --cutoffs LIST");
  FeaturesOutcome outcome;
  CW_ASSIGN_OR_RETURN(outcome.horizon_days, ResolveFeaturesHorizon(r));
  outcome.lookback_days = r.lookback_days;
  Stopwatch clock;
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(r.db_url));
  CW_ASSIGN_OR_RETURN(RetailColumns cols, app_internal::LoadNonEmptyColumns(*store, r.db_url, r.threads));
  outcome.load_seconds = clock.Lap();

  std::vector<DayNumber> cutoffs;
  if (r.as_of) {
    cutoffs.push_back(*r.as_of);
  } else {
    CW_ASSIGN_OR_RETURN(cutoffs, ParseCutoffs(r.cutoffs, cols, outcome.horizon_days));
  }
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(cols, cutoffs, r.as_of ? "--as-of" : "cutoff"));
  const std::string warning = PastDataEndWarning(cols, cutoffs.back(), r.as_of ? "--as-of" : "the last cutoff");
  if (!warning.empty() && r.warn) r.warn(warning);
  FeatureOptions opt;
  opt.horizon_days = outcome.horizon_days;
  opt.lookback_days = r.lookback_days;
  opt.threads = r.threads;
  opt.eligibility = r.eligibility;
  CW_ASSIGN_OR_RETURN(FeatureTable table, BuildFeatureTable(cols, cutoffs, opt));
  outcome.feature_seconds = clock.Lap();

  if (!r.out.empty()) CW_RETURN_IF_ERROR(WriteFeatureCsv(table, r.out));
  if (!r.store_table.empty()) CW_RETURN_IF_ERROR(store->ReplaceResultTable(r.store_table, FeatureTableToResult(table)));

  // Per-cutoff summary: eligible rows and the churn rate among rows with a known label.
  outcome.cutoffs.resize(cutoffs.size());
  for (std::size_t k = 0; k < cutoffs.size(); ++k) outcome.cutoffs[k].cutoff = cutoffs[k];
  std::set<std::string_view> customers;
  for (std::size_t row = 0; row < table.num_rows(); ++row) {
    const auto k = static_cast<std::size_t>(std::lower_bound(cutoffs.begin(), cutoffs.end(), table.cutoffs[row]) -
                                            cutoffs.begin());
    CutoffCounts& counts = outcome.cutoffs[k];
    ++counts.eligible;
    if (table.labels[row] == ChurnLabel::kChurned) ++counts.churned;
    if (table.labels[row] == ChurnLabel::kRetained) ++counts.retained;
    customers.insert(table.customer_ids[row]);
  }
  outcome.customers = customers.size();
  outcome.rows = table.num_rows();
  outcome.features = table.num_features();
  outcome.transactions = cols.num_transactions();
  outcome.events = cols.num_events();
  outcome.out = r.out;
  outcome.store_table = r.store_table;
  return outcome;
}

}  // namespace churnwatch::app

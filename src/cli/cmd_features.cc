// `churnwatch features` (SPEC.md §14): point-in-time features, labels and segments at one
// or many cutoffs, to CSV and/or a store table; `--list` prints the feature catalogue.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <algorithm>
#include <memory>
#include <set>

#include "churnwatch/feature_catalog.h"
#include "churnwatch/feature_io.h"
#include "churnwatch/features.h"
#include "churnwatch/store.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct FeaturesFlags {
  std::string as_of;
  std::string cutoffs;
  std::string format;
  int horizon_days = kHorizonNotGiven;
  int lookback_days = 365;
  int threads = 2;
  std::string out;
  std::string store_table;
  bool list = false;
  bool include_lapsed = false;
};

Status PrintCatalogue(bool json) {
  if (json) {
    nlohmann::json features = nlohmann::json::array();
    for (const auto& f : FeatureCatalogue())
      features.push_back({{"name", f.name},
                          {"group", FeatureGroupName(f.group)},
                          {"unit", f.unit},
                          {"reason", ReasonCategoryKey(f.reason)},
                          {"definition", f.definition}});
    PrintJson({{"count", features.size()}, {"features", features}});
    return Status::OK();
  }
  std::printf("%-26s %-10s %-20s %-14s %s\n", "name", "group", "unit", "reason", "definition");
  for (const auto& f : FeatureCatalogue()) {
    std::printf("%-26.*s %-10.*s %-20.*s %-14.*s %.*s\n", static_cast<int>(f.name.size()), f.name.data(),
                static_cast<int>(FeatureGroupName(f.group).size()), FeatureGroupName(f.group).data(),
                static_cast<int>(f.unit.size()), f.unit.data(), static_cast<int>(ReasonCategoryKey(f.reason).size()),
                ReasonCategoryKey(f.reason).data(), static_cast<int>(f.definition.size()), f.definition.data());
  }
  std::printf("%zu features\n", FeatureCatalogue().size());
  return Status::OK();
}

Result<int> ResolveHorizon(const FeaturesFlags& f) {
  const bool given = f.horizon_days != kHorizonNotGiven;
  if (!f.format.empty() && given) return Status::InvalidArgument("give either --format or --horizon-days, not both");
  if (given) {
    CW_RETURN_IF_ERROR(ValidateHorizonDays(f.horizon_days));
    return f.horizon_days;
  }
  return HorizonForFormat(f.format.empty() ? "general" : f.format);
}

Status Run(const FeaturesFlags& f, const CommonOptions& common) {
  if (f.list) return PrintCatalogue(common.json);
  if (f.as_of.empty() == f.cutoffs.empty())
    return Status::InvalidArgument("give exactly one of --as-of DATE or --cutoffs LIST");
  CW_ASSIGN_OR_RETURN(const int horizon, ResolveHorizon(f));
  const auto t0 = std::chrono::steady_clock::now();

  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(common.db_url));
  CW_ASSIGN_OR_RETURN(RetailColumns cols, LoadColumnsFromStore(*store, f.threads));
  if (cols.num_transactions() == 0)
    return Status::DataError("the store at " + common.db_url + " holds no transactions; run `churnwatch ingest` first");
  const auto t_load = std::chrono::steady_clock::now();

  std::vector<DayNumber> cutoffs;
  if (!f.as_of.empty()) {
    auto day = ParseIsoDate(f.as_of);
    if (!day) return Status::InvalidArgument("--as-of '" + f.as_of + "' is not a date YYYY-MM-DD");
    cutoffs.push_back(*day);
  } else {
    CW_ASSIGN_OR_RETURN(cutoffs, ParseCutoffs(f.cutoffs, cols, horizon));
  }
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(cols, cutoffs, f.as_of.empty() ? "cutoff" : "--as-of"));
  WarnIfPastDataEnd(cols, cutoffs.back(), f.as_of.empty() ? "the last cutoff" : "--as-of");
  FeatureOptions opt;
  opt.horizon_days = horizon;
  opt.lookback_days = f.lookback_days;
  opt.threads = f.threads;
  opt.eligibility = f.include_lapsed ? Eligibility::kLookback : Eligibility::kActive;
  CW_ASSIGN_OR_RETURN(FeatureTable table, BuildFeatureTable(cols, cutoffs, opt));
  const auto t_features = std::chrono::steady_clock::now();

  if (!f.out.empty()) CW_RETURN_IF_ERROR(WriteFeatureCsv(table, f.out));
  if (!f.store_table.empty()) CW_RETURN_IF_ERROR(store->ReplaceResultTable(f.store_table, FeatureTableToResult(table)));

  // Per-cutoff summary: eligible rows and the churn rate among rows with a known label.
  struct PerCutoff {
    std::size_t eligible = 0, churned = 0, retained = 0;
  };
  std::vector<PerCutoff> per(cutoffs.size());
  std::set<std::string_view> customers;
  for (std::size_t r = 0; r < table.num_rows(); ++r) {
    const auto k = static_cast<std::size_t>(std::lower_bound(cutoffs.begin(), cutoffs.end(), table.cutoffs[r]) - cutoffs.begin());
    ++per[k].eligible;
    if (table.labels[r] == ChurnLabel::kChurned) ++per[k].churned;
    if (table.labels[r] == ChurnLabel::kRetained) ++per[k].retained;
    customers.insert(table.customer_ids[r]);
  }
  auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  if (common.json) {
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t k = 0; k < cutoffs.size(); ++k) {
      const std::size_t known = per[k].churned + per[k].retained;
      list.push_back({{"cutoff", FormatIsoDate(cutoffs[k])},
                      {"eligible", per[k].eligible},
                      {"churned", per[k].churned},
                      {"unknown", per[k].eligible - known},
                      {"churn_rate", known ? nlohmann::json(static_cast<double>(per[k].churned) / known) : nlohmann::json()}});
    }
    nlohmann::json out = {{"customers", customers.size()},
                           {"rows", table.num_rows()},
                           {"features", table.num_features()},
                           {"horizon_days", horizon},
                           {"lookback_days", f.lookback_days},
                           {"cutoffs", list},
                           {"transactions", cols.num_transactions()},
                           {"events", cols.num_events()},
                           {"load_seconds", seconds(t0, t_load)},
                           {"feature_seconds", seconds(t_load, t_features)}};
    if (!f.out.empty()) out["out"] = f.out;
    if (!f.store_table.empty()) out["store_table"] = f.store_table;
    PrintJson(out);
    return Status::OK();
  }
  std::printf("features: %zu rows for %zu customers, %zu features, H = %d days (loaded %zu transactions, %zu events in %.2f s; "
              "features in %.2f s)\n",
              table.num_rows(), customers.size(), table.num_features(), horizon, cols.num_transactions(), cols.num_events(),
              seconds(t0, t_load), seconds(t_load, t_features));
  for (std::size_t k = 0; k < cutoffs.size(); ++k) {
    const std::size_t known = per[k].churned + per[k].retained;
    if (known)
      std::printf("  %s  eligible %zu  churned %zu  churn rate %.1f %%  unknown %zu\n", FormatIsoDate(cutoffs[k]).c_str(),
                  per[k].eligible, per[k].churned, 100.0 * static_cast<double>(per[k].churned) / known, per[k].eligible - known);
    else
      std::printf("  %s  eligible %zu  label window not observed yet\n", FormatIsoDate(cutoffs[k]).c_str(), per[k].eligible);
  }
  if (!f.out.empty()) std::printf("wrote %s\n", f.out.c_str());
  if (!f.store_table.empty()) std::printf("stored as table '%s'\n", f.store_table.c_str());
  return Status::OK();
}

}  // namespace

CommandRun RegisterFeatures(CLI::App& app, CommonOptions& common) {
  auto flags = std::make_shared<FeaturesFlags>();
  auto* sub = app.add_subcommand("features", "point-in-time features, churn labels and segments at one or many cutoffs");
  AddCommonOptions(sub, common);
  sub->add_option("--as-of", flags->as_of, "cutoff date T (features use rows dated before T)");
  sub->add_option("--cutoffs", flags->cutoffs, "cutoff list 2011-03-01,2011-04-01 or every:30d / every:4w (stacked table)");
  sub->add_option("--format", flags->format, "retail format preset for H: grocery|general|apparel|department|warehouse");
  sub->add_option("--horizon-days", flags->horizon_days, "churn horizon H in days (instead of --format)");
  sub->add_option("--lookback-days", flags->lookback_days, "look-back L for eligibility")->capture_default_str();
  sub->add_option("--threads", flags->threads, "worker threads")->capture_default_str()->check(CLI::Range(1, 256));
  sub->add_option("--out", flags->out, "write the table as CSV");
  sub->add_option("--store-table", flags->store_table, "also store the table in the store under this name");
  sub->add_flag("--list", flags->list, "print the feature catalogue and exit");
  sub->add_flag("--include-lapsed", flags->include_lapsed,
                "rows for everyone who bought in the look-back, not only those active within H");
  return [flags, &common] { return Run(*flags, common); };
}

}  // namespace churnwatch::cli

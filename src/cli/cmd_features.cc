// `churnwatch features` (SPEC.md §14): flags into an app::FeaturesRequest, app::Features,
// per-cutoff counts as a summary or one JSON object; `--list` prints the catalogue.
#include <cstdio>

#include "churnwatch/app/features.h"
#include "churnwatch/feature_catalog.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct FeaturesFlags {
  std::string as_of, cutoffs, format, out, store_table;
  int horizon_days = kHorizonNotGiven, lookback_days = 365, threads = 2;
  bool list = false, include_lapsed = false;
};

Status PrintCatalogue(bool json) {
  if (json) return PrintJson(app::FeatureCatalogueJson());
  std::printf("%-26s %-10s %-20s %-14s %s\n", "name", "group", "unit", "reason", "definition");
  for (const auto& f : FeatureCatalogue()) {
    const std::string group(FeatureGroupName(f.group)), reason(ReasonCategoryKey(f.reason));
    std::printf("%-26.*s %-10s %-20.*s %-14s %.*s\n", static_cast<int>(f.name.size()), f.name.data(), group.c_str(),
                static_cast<int>(f.unit.size()), f.unit.data(), reason.c_str(), static_cast<int>(f.definition.size()),
                f.definition.data());
  }
  std::printf("%zu features\n", FeatureCatalogue().size());
  return Status::OK();
}

Status Run(const FeaturesFlags& f, const CommonOptions& common) {
  if (f.list) return PrintCatalogue(common.json);
  app::FeaturesRequest r;
  if (!f.as_of.empty()) {
    CW_ASSIGN_OR_RETURN(r.as_of, ParseDateFlag(f.as_of, "--as-of"));
  }
  r.db_url = common.db_url;
  r.cutoffs = f.cutoffs;
  r.format = f.format;
  if (f.horizon_days != kHorizonNotGiven) r.horizon_days = f.horizon_days;
  r.lookback_days = f.lookback_days;
  r.threads = f.threads;
  r.eligibility = f.include_lapsed ? Eligibility::kLookback : Eligibility::kActive;
  r.out = f.out;
  r.store_table = f.store_table;
  r.warn = PrintWarning;
  CW_ASSIGN_OR_RETURN(const app::FeaturesOutcome o, app::Features(r));
  if (common.json) return PrintJson(o.ToJson());
  std::printf("features: %zu rows for %zu customers, %zu features, H = %d days (loaded %zu transactions, %zu events in "
              "%.2f s; features in %.2f s)\n",
              o.rows, o.customers, o.features, o.horizon_days, o.transactions, o.events, o.load_seconds,
              o.feature_seconds);
  for (const app::CutoffCounts& k : o.cutoffs) {
    if (k.known())
      std::printf("  %s  eligible %zu  churned %zu  churn rate %.1f %%  unknown %zu\n", FormatIsoDate(k.cutoff).c_str(),
                  k.eligible, k.churned, 100.0 * static_cast<double>(k.churned) / k.known(), k.eligible - k.known());
    else
      std::printf("  %s  eligible %zu  label window not observed yet\n", FormatIsoDate(k.cutoff).c_str(), k.eligible);
  }
  if (!o.out.empty()) std::printf("wrote %s\n", o.out.c_str());
  if (!o.store_table.empty()) std::printf("stored as table '%s'\n", o.store_table.c_str());
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

#pragma once
/// \file run.h
/// The run use case (`churnwatch run`): the whole flow from one run config, composed of the
/// other use cases' steps — ingest (when the config names inputs) → columns → train on
/// rolling cutoffs and register the champion (or load it) → evaluate it and the baselines
/// on a later, unseen cutoff → score every active customer as of a date → zones, rules,
/// playbook, budget → alerts and the action list in the store and as CSV/JSON files → the
/// bilingual HTML report (the report stage renders; run_record.h lists the outputs).
///
/// The run config is one TOML file (examples/demo.toml is the reference):
///
///     [run]     name, db ("sqlite:PATH" | "postgresql://..."), out_dir, currency, threads
///     [ingest]  mapping, transactions, customers, events, rejects_dir,
///               max_rejected_share (0..1, default 0.05)   (all optional)
///     [model]   mode ("train" | "champion"), horizon_days | format, as_of, test_cutoff,
///               valid_cutoff, train_cutoffs, train_every_days, min_history_days
///     [recommend] product_names (CSV sku,name), products, stopped_after_days, neighbours
///     [report]  file, top_customers
///     [campaign] create (bool), control_share, purchase_days, margin
///     plus the policy tables of policy_config.h ([zones] [sla] [budget] [[rules]] ...).
///
/// Relative paths are resolved against the config file's folder. Cutoff defaults (H =
/// horizon): as_of = the day after the last transaction; test = as_of − H (the latest
/// cutoff whose label window is complete); valid = test − H (its label window ends by the
/// test cutoff, so validation and test share no weeks); train cutoffs every
/// train_every_days (14, the spacing chosen on validation in docs/models.md) before valid
/// while at least min_history_days (90) of history precede them, those within H of valid
/// purged from model selection as in `train` (PipelineOptions::purge).
///
/// Model: mode "train" (default) trains on the training cutoffs, calibrates on the
/// validation cutoff and registers the model as the champion (registry.h); mode
/// "champion" scores with the registered champion and trains only when there is none.
/// Either way the model and the baselines are evaluated on the test cutoff.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "churnwatch/app/common.h"
#include "churnwatch/run_record.h"
#include "churnwatch/status.h"

namespace churnwatch::app {

/// Reads and checks a run config. kNotFound for a missing file; kInvalidArgument naming the
/// file, line and key for a bad value (policy keys as in ParsePolicyConfig).
Result<RunConfig> LoadRunConfig(const std::filesystem::path& path);

struct RunRequest {
  std::filesystem::path config_path;
  std::optional<std::string> db_url;             ///< overrides the config's [run] db
  std::optional<std::filesystem::path> out_dir;  ///< overrides [run] out_dir
  std::optional<int> threads;                    ///< overrides [run] threads
  std::optional<std::string> pii_key_file;       ///< `run --pii-key-file`
  Notify progress;  ///< progress lines ("ingest: 541,909 rows read, ...")
};

struct RunOutcome {
  RunSummary summary;
  /// The --json object: report, alerts, actions, customers, zones, model_version, metrics,
  /// cutoffs, money, out_dir, run_id, seconds per step (and bgnbd_note when set).
  nlohmann::json ToJson() const;
};

/// Loads the config, applies the request's overrides and runs everything.
Result<RunOutcome> Run(const RunRequest& request);

/// Runs everything from a loaded config. Store errors, data errors (e.g. too little
/// history for the cutoffs, named with the dates) and rule errors are returned as they
/// occur; files written before a failure stay.
Result<RunSummary> RunWithConfig(const RunConfig& config, const Notify& progress = {});

}  // namespace churnwatch::app

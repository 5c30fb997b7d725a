#pragma once
/// \file pipeline.h
/// `churnwatch run` as a library call (SPEC.md §2, §9, §14): ingest (when the config names
/// inputs) → columns → snapshot features with CLV → train on rolling cutoffs, evaluate on a
/// later unseen cutoff against the baselines → score every active customer as of a date →
/// reasons → zones, rules, playbook, budget → alerts and the action list in the store and
/// as CSV/JSON files → the bilingual HTML report.
///
/// The run config is one TOML file (examples/demo.toml is the reference):
///
///     [run]     name, db ("sqlite:PATH" | "postgresql://..."), out_dir, currency, threads
///     [ingest]  mapping, transactions, customers, events, rejects_dir   (all optional)
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
/// train_every_days (14, the spacing chosen on validation in docs/models.md) before valid while at least min_history_days (90) of history
/// precede them, those within H of valid purged from model selection as in `train`
/// (PipelineOptions::purge).
///
/// Model: mode "train" (default) trains on the training cutoffs, calibrates on the
/// validation cutoff and registers the model; it becomes the champion only if it beats the
/// current one on the test cutoff (retrain.h), and the summary says which; mode
/// "champion" scores with the registered champion and trains only when there is none.
/// Either way the model and the baselines are evaluated on the test cutoff.
///
/// Outputs in out_dir: report.html, customers.csv (one row per scored customer, the
/// SPEC.md §14 columns), actions.csv and actions.json (funded actions: the file a CRM or
/// SMS tool imports; customer ids are the retailer's own, never contact data), alerts.csv.
/// Store: result tables "alerts", "actions" and "run_customers"; document ("runs", run id).

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "churnwatch/policy.h"
#include "churnwatch/policy_config.h"
#include "churnwatch/status.h"

namespace churnwatch {

struct RunConfig {
  std::filesystem::path config_path;    ///< the file read (for messages)
  std::string name = "churnwatch run";
  std::string db_url = "sqlite:churnwatch.db";
  std::filesystem::path out_dir = "churnwatch-run";
  std::string currency;
  int threads = 2;

  // [ingest]
  std::filesystem::path mapping;
  std::filesystem::path transactions, customers, events;
  std::filesystem::path rejects_dir;

  // [model]
  std::string model_mode = "train";     ///< "train" (and register as champion) | "champion"
  int horizon_days = 90;
  std::string as_of;                    ///< "YYYY-MM-DD" or empty (default)
  std::string test_cutoff, valid_cutoff;
  std::vector<std::string> train_cutoffs;
  int train_every_days = 14;
  int min_history_days = 90;

  // [recommend] (numbers live in policy.recommend)
  std::filesystem::path product_names;

  // [report]
  std::string report_file = "report.html";
  int top_customers = 30;

  // [campaign] (docs/campaign.md): create a campaign with a control group for the funded
  // actions; the action list then holds the treated customers only.
  bool campaign_create = false;
  double campaign_control_share = 0.10;
  int campaign_purchase_days = 30;
  double campaign_margin = 0.30;

  PolicyConfig policy;
};

/// Reads and checks a run config. kNotFound for a missing file; kInvalidArgument naming the
/// file, line and key for a bad value (policy keys as in ParsePolicyConfig).
Result<RunConfig> LoadRunConfig(const std::filesystem::path& path);

struct RunSummary {
  std::string run_id;
  std::filesystem::path report;
  std::filesystem::path out_dir;
  std::int64_t customers = 0;           ///< scored
  std::int64_t alerts = 0;
  std::int64_t actions = 0;             ///< funded
  std::int64_t action_candidates = 0;   ///< alerted customers with a proposed action
  std::array<std::int64_t, kZoneCount> zones{};
  std::string model_version;
  std::string as_of, test_cutoff, valid_cutoff;
  std::vector<std::string> train_cutoffs;
  std::map<std::string, std::map<std::string, double>> metrics;  ///< model -> metric -> value (test cutoff)
  double money_at_risk = 0;
  double budget_spent = 0;
  double expected_net_benefit = 0;
  std::int64_t rows_loaded = 0;         ///< by the ingest step (0 when none)
  std::map<std::string, double> seconds;  ///< per step
  std::string reasons_source;           ///< how reasons were computed
  /// clv::BgNbdDropoutNote of the BG/NBD fit at as_of when the fit sees almost no dropout
  /// (P(alive) then ranks nobody), else empty; also shown in the report.
  std::string bgnbd_note;
  /// What the run did with the champion model: promoted the model it trained, kept the
  /// champion (and why), or scored with it in mode "champion".
  std::string champion_note;
  /// The campaign created for the funded actions ([campaign] create), else empty.
  std::string campaign_id;
  std::int64_t campaign_treated = 0, campaign_control = 0;
};

/// Progress lines ("features: 4,338 customers ...") for the CLI's stderr.
using RunProgress = std::function<void(const std::string&)>;

/// Runs everything. Store errors, data errors (e.g. too little history for the cutoffs,
/// named with the dates) and rule errors are returned as they occur; files written before
/// a failure stay.
Result<RunSummary> RunPipeline(const RunConfig& config, const RunProgress& progress = {});

}  // namespace churnwatch

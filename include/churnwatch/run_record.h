#pragma once
/// \file run_record.h
/// What a finished `churnwatch run` knows (app/run.h runs it) and the report stage's
/// renderings of it: the files in the output folder, the store's result tables, the HTML
/// report's content.
///
/// Outputs in out_dir: report.html, customers.csv (one row per scored customer, the
/// SPEC.md §14 columns), actions.csv and actions.json (funded actions: the file a CRM or
/// SMS tool imports; customer ids are the retailer's own, never contact data), alerts.csv.
/// Store: result tables "alerts", "actions" and "run_customers"; document ("runs", run id).

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/ingest.h"
#include "churnwatch/models.h"
#include "churnwatch/policy.h"
#include "churnwatch/policy_config.h"
#include "churnwatch/policy_engine.h"
#include "churnwatch/report.h"
#include "churnwatch/scored_customer.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch {

/// [model] mode: train on the run's cutoffs and register the model as the champion, or
/// score with the registered champion (training only when there is none).
enum class RunModelMode { kTrain, kChampion };

/// A run config (app::LoadRunConfig reads it from TOML; app/run.h lists the keys).
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
  /// A file with more of its rows rejected stops the run (IngestOptions::max_rejected_share).
  double max_rejected_share = 0.05;
  /// HMAC key file for personal fields (`run --pii-key-file`); empty = $CHURNWATCH_PII_KEY.
  std::string pii_key_file;

  // [model]
  RunModelMode model_mode = RunModelMode::kTrain;
  int horizon_days = 90;
  std::optional<DayNumber> as_of, test_cutoff, valid_cutoff;  ///< nullopt: the defaults (app/run.h)
  std::vector<DayNumber> train_cutoffs;                       ///< empty: every train_every_days
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
  /// The ingest step's counts (read, loaded, rejected by reason, excluded by rule,
  /// duplicates), for the report's data-quality section; all zero when nothing was ingested.
  IngestCounts ingest;
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

}  // namespace churnwatch

namespace churnwatch::run_output {

/// Everything a finished run knows, for the outputs and the report.
struct RunState {
  const RunConfig* config = nullptr;
  RunSummary summary;
  FeatureTable table;                       ///< features as of the scoring date
  std::vector<ScoredCustomer> scored;       ///< one per table row, same order
  PolicyOutcome policy;
  std::optional<Evaluation> evaluation;     ///< on the test cutoff
  Timestamp raised_at = 0;
  std::optional<IngestReport> ingest;       ///< when the run loaded files
  std::int64_t store_customers = 0;         ///< what the store held when the run read it
  std::int64_t store_transactions = 0;
  /// Each scored customer's store: the store of their latest purchase with one (empty if
  /// none). The alert history keeps it so a store's manager sees their alerts.
  std::map<std::string, std::string> home_store;
};

/// customers.csv, actions.csv, actions.json, alerts.csv in the out dir.
Status WriteRunFiles(const RunState& state);
/// Result tables "alerts", "actions", "run_customers" and the ("runs", id) document.
Status StoreRunResults(const RunState& state, Store& store);
/// The report's content.
ReportData BuildReportData(const RunState& state);

std::string FormatDeadline(Timestamp ts);  ///< "YYYY-MM-DD HH:MM"

}  // namespace churnwatch::run_output

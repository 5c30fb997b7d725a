#pragma once
/// \file report.h
/// The bilingual (English / 中文) HTML report of a run: one self-contained file — inline
/// CSS, inline SVG charts, a few lines of inline script for the language toggle, nothing
/// fetched from the network — that a CRM team can e-mail or open from a share.
///
/// A manager reads it top down: what the run read (data quality: rows read, loaded,
/// rejected by reason, excluded, duplicates), what to do today and what it is worth (KPIs,
/// funded actions, top reasons), the customers to contact first with their reasons and
/// actions, the zones and grades with a legend of what each means, the value × frequency
/// matrix, RFM segments and rule alerts; the statistics (ROC, calibration, lift against the
/// baselines, PR-AUC, Brier, ECE, the BG/NBD note) live in a model section at the end.
/// Opening the file with `#zh` shows Chinese. Names and codes that stay as they are in the
/// Chinese view (customer ids, product names, rule and action keys, model version) are
/// marked `translate="no"`; docs/report.md lists them.
///
/// The page fits a 390 px phone screen without sideways scrolling (tests/browser).
///
/// The report only formats what it is given: `ReportData` is filled by the run pipeline
/// (app/run.h) or by tests; every number on the page comes from it.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "churnwatch/policy.h"  // ZoneConfig (the legend quotes its thresholds)
#include "churnwatch/status.h"
#include "churnwatch/types.h"  // FormatCount

namespace churnwatch {

/// A label in both languages.
struct Bilingual {
  std::string en;
  std::string zh;
};

struct CurvePoint {
  double x = 0;
  double y = 0;
};

/// One model's (or baseline's) evaluation on the held-out cutoff.
struct ModelCurve {
  std::string name;                  ///< "ensemble", "xgboost", "logistic", "recency_rule", ...
  Bilingual label;                   ///< shown instead of `name` when not empty
  std::vector<CurvePoint> roc;       ///< (false positive rate, true positive rate), sorted by x
  double roc_auc = -1;               ///< < 0: unknown
  double pr_auc = -1;
  double lift_top_decile = -1;
  double brier = -1;
  double ece = -1;
};

struct ReportCalibrationBin {
  double mean_predicted = 0;
  double observed_rate = 0;
  std::int64_t count = 0;
};

struct ModelQualitySection {
  bool available = false;            ///< false: the section says why (note)
  Bilingual note;
  Bilingual evaluated_on;            ///< e.g. "test cutoff 2011-09-10, 2,345 customers"
  std::vector<ModelCurve> models;    ///< the first is the one in use
  std::vector<ReportCalibrationBin> calibration;  ///< of the model in use
};

/// One cell group of a breakdown: how many customers, and the money at risk among them.
struct CountRow {
  Bilingual label;
  std::int64_t count = 0;
  double value = 0;                  ///< e.g. money at risk or mean p_churn, per chart
  std::string color;                 ///< CSS colour, or empty for the default
  std::string code;                  ///< a key shown after the label as it is (a rule name), or empty
};

struct TopCustomerRow {
  std::string customer_id;
  std::string zone;                  ///< red | yellow | blue | none
  std::string grade;
  double p_churn = 0;
  double clv = 0;
  std::vector<Bilingual> reasons;    ///< sentences, strongest first
  std::vector<std::string> rules;    ///< rules that fired
  std::vector<Bilingual> rule_messages;  ///< per rule: its configured message, or empty
  Bilingual action;
  std::string products;              ///< products named for the action (names from the data)
  double expected_benefit = 0;
  bool funded = false;
  std::string deadline;              ///< "YYYY-MM-DD HH:MM"
};

/// One row of the red, onboarding or win-back list: the chosen action, the runner-up and
/// both expected net benefits.
struct DecisionRow {
  std::string customer_id;
  std::string grade;                 ///< zone grade, empty on the onboarding list
  double p = 0;                      ///< P(churn); onboarding: P(second purchase); win-back: P(has left)
  double value = 0;                  ///< value at stake
  Bilingual reason;                  ///< top reason sentence ("no clear cause; …" for a symptom)
  Bilingual action;
  double expected_benefit = 0;
  std::string runner_up;             ///< action key, may be empty
  double runner_up_benefit = 0;
  bool funded = false;
};

/// The decision lists and the budget figures of a run (src/report/decision_sections.cc).
struct DecisionLists {
  bool available = false;
  std::vector<DecisionRow> red, onboarding, winback;  ///< the top rows of each list
  std::int64_t red_total = 0, onboarding_total = 0, winback_total = 0;
  bool split_in_use = false;         ///< the budget keeps the tier shares
  double net_benefit_without_split = 0;
  double net_benefit_with_split = 0;
  double split_gives_up = 0;         ///< without − with
  double unspent = 0;                ///< budget left
  std::int64_t unfunded_positive = 0;  ///< unfunded customers whose best action has positive value
};

/// What the run's ingest step read, for the data-quality section that opens the report.
struct DataQualitySection {
  bool ingested = false;             ///< false: the run loaded no files (the store as it was)
  std::int64_t rows_read = 0;
  std::int64_t rows_loaded = 0;      ///< new to the store
  std::int64_t already_present = 0;  ///< the store had them from an earlier load
  std::int64_t rows_rejected = 0;
  std::int64_t rows_excluded = 0;    ///< matched a mapping exclusion rule
  std::int64_t duplicates_skipped = 0;
  /// Reject reason code (ingest.h RejectReasonName) and rows; largest first.
  std::vector<std::pair<std::string, std::int64_t>> rejected_by_reason;
  /// Exclusion rule name (from the mapping) and rows; largest first.
  std::vector<std::pair<std::string, std::int64_t>> excluded_by_rule;
  std::vector<std::string> rejects_files;  ///< where the rejected rows were written
  std::int64_t store_customers = 0;        ///< what the store holds after the load
  std::int64_t store_transactions = 0;
};

struct ReportData {
  std::string title = "churnwatch";
  std::string as_of;                 ///< "YYYY-MM-DD"
  std::string generated_at;          ///< "YYYY-MM-DD HH:MM:SS UTC"
  std::string source;                ///< data set / store description
  std::string currency;              ///< prefix for money, e.g. "£", may be empty
  std::string model_version;
  int horizon_days = 90;

  std::int64_t customers = 0;        ///< customers scored
  std::int64_t alerts = 0;
  std::int64_t actions_funded = 0;
  double money_at_risk = 0;
  double budget_total = 0;
  double budget_spent = 0;
  double expected_net_benefit = 0;   ///< of the funded actions

  std::vector<CountRow> zones;       ///< count per zone (value: money at risk)
  std::vector<CountRow> grades;      ///< count per grade, by meaning: R1..R3, Y1..Y4, B1, B2
  ZoneConfig zone_config;            ///< thresholds and SLAs the legend quotes
  std::vector<CountRow> reasons;     ///< top reason of alerted customers (value: money at risk)
  std::vector<CountRow> segments;    ///< RFM segments (value: mean p_churn)
  std::vector<CountRow> rule_hits;   ///< per rule
  std::vector<CountRow> actions;     ///< funded actions per kind (value: cost)
  /// value tier (rows: high, mid, low) × frequency tier (cols: high, mid, low): customers
  /// and mean p_churn.
  std::array<std::array<std::int64_t, 3>, 3> matrix_count{};
  std::array<std::array<double, 3>, 3> matrix_mean_p{};

  DataQualitySection data_quality;
  ModelQualitySection quality;
  /// Shown under the model quality when not empty: the BG/NBD fit sees almost no dropout,
  /// so P(alive) is close to 1 for everyone (clv::BgNbdDropoutNote).
  Bilingual bgnbd_note;
  std::vector<TopCustomerRow> top_customers;
  DecisionLists decisions;
};

/// The whole HTML document. Text is HTML-escaped; the result is valid UTF-8 if the input is.
std::string RenderHtmlReport(const ReportData& data);

/// Renders and writes `path` (parent directories are created). kIOError naming the path.
Status WriteHtmlReport(const ReportData& data, const std::filesystem::path& path);

// FormatCount ("12,345") is in types.h, shared with every command's summary.
/// "12,345.68" with two decimals and thousands separators, prefixed by `currency`.
std::string FormatMoney(double value, std::string_view currency);

}  // namespace churnwatch

// `churnwatch score` (SPEC.md §14): scores every active customer as of a date with a
// registered model — calibrated p_churn, lead time, P(alive), CLV, segments, three reasons
// — then zones, grades and a proposed action from the policy stage (default policy, or
// --policy FILE); writes the CSV contract and the store's "scores" table.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/explain.h"
#include "churnwatch/policy_engine.h"
#include "churnwatch/registry.h"
#include "churnwatch/score_csv.h"
#include "churnwatch/scoring.h"
#include "churnwatch/store.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct ScoreFlags {
  std::string as_of;
  std::string out;
  std::string model;
  std::string reasons;
  std::string policy;
  int threads = 2;
  std::string explain = "mixed";
  std::size_t exact_count = 1000;
  double exact_share = 0.0;
  bool all_customers = false;
  bool no_store = false;
  std::string buckets;  // BEGIN:END, score only the customers of these buckets
};

Status Run(const ScoreFlags& f, const CommonOptions& common) {
  const auto start = std::chrono::steady_clock::now();
  if (f.explain != "mixed" && f.explain != "exact" && f.explain != "approx")
    return Status::InvalidArgument("--explain must be mixed, exact or approx, got '" + f.explain + "'");
  const auto as_of = ParseIsoDate(f.as_of);
  if (!as_of) return Status::InvalidArgument("--as-of '" + f.as_of + "' is not a YYYY-MM-DD date");
  PolicyConfig policy = DefaultPolicyConfig();
  if (!f.policy.empty()) {
    std::ifstream in(f.policy);
    if (!in) return Status::NotFound(f.policy + ": policy file not found");
    std::stringstream text;
    text << in.rdbuf();
    CW_ASSIGN_OR_RETURN(policy, ParsePolicyConfig(text.str(), f.policy));
  }
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(common.db_url));
  if (!f.buckets.empty()) {
    // One of several parallel scorers, each with its own bucket range (docs/scale.md).
    const auto colon = f.buckets.find(':');
    std::uint32_t begin = 0, end = 0;
    const char* s = f.buckets.data();
    const auto r1 = std::from_chars(s, s + (colon == std::string::npos ? 0 : colon), begin);
    const auto r2 = colon == std::string::npos ? r1 : std::from_chars(s + colon + 1, s + f.buckets.size(), end);
    if (colon == std::string::npos || r1.ec != std::errc() || r1.ptr != s + colon || r2.ec != std::errc() ||
        r2.ptr != s + f.buckets.size())
      return Status::InvalidArgument("--buckets '" + f.buckets + "' is not BEGIN:END (e.g. 0:512)");
    if (!f.no_store)
      return Status::InvalidArgument("--buckets scores part of the customers: give --no-store (and --out FILE), so "
                                     "the store's scores table keeps whole runs only");
    CW_RETURN_IF_ERROR(store->SetScanBuckets(BucketRange{begin, end}));
  }
  ModelRegistry registry(*store);
  CW_ASSIGN_OR_RETURN(auto model, registry.Load(f.model, f.threads));
  CW_ASSIGN_OR_RETURN(RetailColumns columns, LoadColumnsFromStore(*store, f.threads));
  if (columns.num_transactions() == 0)
    return Status::DataError("the store " + common.db_url + " has no transactions: run `churnwatch ingest` first");
  const DayNumber cut[] = {*as_of};
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(columns, cut, "--as-of"));
  WarnIfPastDataEnd(columns, *as_of, "--as-of");
  PipelineOptions po;
  po.threads = f.threads;
  po.horizon_days = model->info().horizon_days;
  std::map<DayNumber, std::string> bgnbd_notes;
  CW_ASSIGN_OR_RETURN(FeatureTable table,
                      BuildSnapshotTable(columns, cut, po,
                                         f.all_customers ? Eligibility::kLookback : Eligibility::kActive, true,
                                         &bgnbd_notes));
  const std::string bgnbd_note = bgnbd_notes.count(*as_of) ? bgnbd_notes.at(*as_of) : std::string();
  // An empty result must not replace the stored scores of an earlier, meaningful run.
  if (table.num_rows() == 0)
    return Status::DataError(
        "no customer to score as of " + f.as_of + ": " +
        (f.all_customers ? "nobody bought in the " + std::to_string(po.lookback_days) + " days before it"
                         : "nobody bought in the " + std::to_string(po.horizon_days) +
                               " days (H) before it; --all-customers scores everyone who bought in the look-back") +
        " (the data runs " + DataRangeText(columns) + "); the stored scores are left as they were");
  ReasonMap reasons = ReasonMap::Defaults(model->feature_names());
  if (!f.reasons.empty()) {
    CW_ASSIGN_OR_RETURN(reasons, ReasonMap::Load(f.reasons, model->feature_names()));
  }
  ScoreOptions so;
  so.exact_reason_count = f.exact_count;
  so.exact_reason_share = f.exact_share;
  if (f.explain == "exact") {
    so.exact_reason_share = 1.0;
  } else if (f.explain == "approx") {
    so.exact_reason_count = 0;
    so.exact_reason_share = 0.0;
  }
  CW_ASSIGN_OR_RETURN(auto scored, ScoreTable(*model, table, reasons, so));
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  CW_ASSIGN_OR_RETURN(PolicyOutcome outcome, ApplyPolicy(policy, {scored, &table, static_cast<Timestamp>(now)}));
  std::vector<const ActionItem*> action_of(scored.size(), nullptr);
  for (const auto& a : outcome.actions)
    if (a.scored_index < scored.size()) action_of[a.scored_index] = &a;

  // The store's "scores" table: the SPEC.md §14 columns of the CSV (score_csv.h).
  ResultTable result;
  auto text_col = [&](const char* name) { result.columns.push_back({name, true, {}, {}}); };
  auto num_col = [&](const char* name) { result.columns.push_back({name, false, {}, {}}); };
  for (const char* n : {"customer_id"}) text_col(n);
  for (const char* n : {"p_churn", "expected_days_to_churn", "p_alive", "clv"}) num_col(n);
  for (const char* n : {"value_tier", "segment", "lifecycle_stage", "zone", "grade", "reason_1", "reason_2",
                        "reason_3", "action"})
    text_col(n);
  for (const char* n : {"action_cost", "expected_benefit"}) num_col(n);
  std::array<std::int64_t, kZoneCount> zones{};
  for (std::size_t i = 0; i < scored.size(); ++i) {
    const auto& s = scored[i];
    const auto& z = outcome.zones[i];
    ++zones[static_cast<std::size_t>(z.zone)];
    std::string reason[3];
    for (int k = 0; k < s.reason_count; ++k) reason[k] = std::string(ReasonKey(s.reasons[k].category));
    const ActionItem* a = action_of[i];
    const double cost = a && !a->action.empty() ? a->cost : kNaN;
    const double benefit = a && !a->action.empty() ? a->expected_benefit : kNaN;
    std::size_t c = 0;
    result.columns[c++].texts.push_back(s.customer_id);
    for (double v : {s.p_churn, s.expected_days_to_churn, s.p_alive, s.clv}) result.columns[c++].numbers.push_back(v);
    for (const std::string& v : {s.value_tier, s.segment, s.lifecycle_stage, std::string(ZoneName(z.zone)), z.grade,
                                 reason[0], reason[1], reason[2], a ? a->action : std::string()})
      result.columns[c++].texts.push_back(v);
    result.columns[c++].numbers.push_back(cost);
    result.columns[c++].numbers.push_back(benefit);
  }
  if (!f.out.empty()) {
    std::ofstream out(f.out, std::ios::binary);
    out << FormatScoreCsv(scored, outcome);
    out.close();
    if (!out) return Status::IOError(f.out + ": cannot write");
  }
  if (!f.no_store) CW_RETURN_IF_ERROR(store->ReplaceResultTable("scores", result));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double mean_p = 0;
  for (const auto& s : scored) mean_p += s.p_churn;
  if (!scored.empty()) mean_p /= static_cast<double>(scored.size());
  const auto zone_count = [&](Zone z) { return zones[static_cast<std::size_t>(z)]; };
  if (common.json) {
    nlohmann::json j = {{"customers", scored.size()},
               {"zones",
                {{"red", zone_count(Zone::kRed)},
                 {"yellow", zone_count(Zone::kYellow)},
                 {"blue", zone_count(Zone::kBlue)},
                 {"none", zone_count(Zone::kNone)}}},
               {"as_of", f.as_of},
               {"model_version", model->info().version},
               {"mean_p_churn", mean_p},
               {"alerts", outcome.alerts.size()},
               {"actions", outcome.actions.size()},
               {"funded_actions", outcome.budget.funded_count},
               {"out", f.out},
               {"store_table", f.no_store ? "" : "scores"},
               {"seconds", seconds}};
    if (!bgnbd_note.empty()) j["bgnbd_note"] = bgnbd_note;
    PrintJson(j);
    return Status::OK();
  }
  std::printf("scored %zu customers as of %s with model %s in %.1f s (mean P(churn) %.3f)\n", scored.size(),
              f.as_of.c_str(), model->info().version.c_str(), seconds, mean_p);
  std::printf("  zones: red %lld, yellow %lld, blue %lld, none %lld (default thresholds from the policy stage)\n",
              static_cast<long long>(zone_count(Zone::kRed)), static_cast<long long>(zone_count(Zone::kYellow)),
              static_cast<long long>(zone_count(Zone::kBlue)), static_cast<long long>(zone_count(Zone::kNone)));
  std::printf("  %zu alerts, %zu proposed actions (%zu funded)\n", outcome.alerts.size(), outcome.actions.size(),
              outcome.budget.funded_count);
  if (!bgnbd_note.empty()) std::printf("  BG/NBD note (p_alive): %s\n", bgnbd_note.c_str());
  if (!f.out.empty()) std::printf("  wrote %s\n", f.out.c_str());
  return Status::OK();
}

}  // namespace

CommandRun RegisterScore(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("score", "score every active customer as of a date with the champion model");
  AddCommonOptions(sub, common);
  auto f = std::make_shared<ScoreFlags>();
  sub->add_option("--as-of", f->as_of, "scoring date YYYY-MM-DD (features from data before it)")->required();
  sub->add_option("--out", f->out, "CSV file, one row per customer (SPEC.md §14 columns)");
  sub->add_option("--model", f->model, "model version (default: the champion)");
  sub->add_option("--reasons", f->reasons, "feature -> reason category file (see examples/reasons.toml)");
  sub->add_option("--policy", f->policy, "policy TOML (zones, rules, playbook, budget); default policy otherwise");
  sub->add_option("--threads", f->threads, "threads")->capture_default_str();
  sub->add_option("--explain", f->explain,
                  "reasons from exact Tree SHAP for the riskiest customers and approximate contributions for the "
                  "rest (mixed), or exact / approx for everyone")
      ->capture_default_str();
  sub->add_option("--exact-count", f->exact_count,
                  "mixed: customers with exact reasons (the riskiest by P(churn) and by P(churn) x CLV)")
      ->capture_default_str();
  sub->add_option("--exact-share", f->exact_share, "mixed: at least this share of the riskiest is explained exactly")
      ->capture_default_str();
  sub->add_flag("--all-customers", f->all_customers, "score everyone who bought within L, not only active ones");
  sub->add_flag("--no-store", f->no_store, "do not write the store's scores table");
  sub->add_option("--buckets", f->buckets,
                  "BEGIN:END: score only customers in these buckets (parallel scorers; needs --no-store)");
  return [f, &common] { return Run(*f, common); };
}

}  // namespace churnwatch::cli

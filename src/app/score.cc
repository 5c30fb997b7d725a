// The score use case (app/score.h) and the scoring steps `run` shares with it.
#include "churnwatch/app/score.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/store_columns.h"
#include "churnwatch/registry.h"
#include "churnwatch/score_csv.h"
#include "churnwatch/store.h"

namespace churnwatch::app {
namespace {

Result<PolicyConfig> LoadPolicy(const std::string& path) {
  if (path.empty()) return DefaultPolicyConfig();
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": policy file not found");
  std::stringstream text;
  text << in.rdbuf();
  return ParsePolicyConfig(text.str(), path);
}

// The store's "scores" table: the columns of the score CSV (score_csv.h).
ResultTable ScoresTable(const std::vector<ScoredCustomer>& scored, const PolicyOutcome& outcome) {
  std::vector<const ActionItem*> action_of(scored.size(), nullptr);
  for (const auto& a : outcome.actions)
    if (a.scored_index < scored.size()) action_of[a.scored_index] = &a;
  ResultTable result;
  auto text_col = [&](const char* name) { result.columns.push_back({name, true, {}, {}}); };
  auto num_col = [&](const char* name) { result.columns.push_back({name, false, {}, {}}); };
  for (const char* n : {"customer_id"}) text_col(n);
  for (const char* n : {"p_churn", "expected_days_to_churn", "p_alive", "clv"}) num_col(n);
  for (const char* n : {"value_tier", "segment", "lifecycle_stage", "zone", "grade", "reason_1", "reason_2",
                        "reason_3", "action"})
    text_col(n);
  for (const char* n : {"action_cost", "expected_benefit"}) num_col(n);
  for (std::size_t i = 0; i < scored.size(); ++i) {
    const auto& s = scored[i];
    const auto& z = outcome.zones[i];
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
  return result;
}

// An empty result must not replace the stored scores of an earlier, meaningful run.
Status NobodyToScore(const ScoreRequest& r, const RetailColumns& columns, const PipelineOptions& po) {
  const bool everyone = r.eligibility == Eligibility::kLookback;
  return Status::DataError(
      "no customer to score as of " + FormatIsoDate(r.as_of) + ": " +
      (everyone ? "nobody bought in the " + std::to_string(po.lookback_days) + " days before it"
                : "nobody bought in the " + std::to_string(po.horizon_days) +
                      " days (H) before it; --all-customers scores everyone who bought in the look-back") +
      " (the data runs " + DataRangeText(columns) + "); the stored scores are left as they were");
}

}  // namespace

Result<ExplainMode> ParseExplainMode(std::string_view text, std::string_view what) {
  if (text == "mixed") return ExplainMode::kMixed;
  if (text == "exact") return ExplainMode::kExact;
  if (text == "approx") return ExplainMode::kApprox;
  return Status::InvalidArgument(std::string(what) + " must be mixed, exact or approx, got '" + std::string(text) +
                                 "'");
}

ScoreOptions ScoreOptionsFor(ExplainMode mode, std::size_t exact_count, double exact_share) {
  ScoreOptions so;
  so.exact_reason_count = exact_count;
  so.exact_reason_share = exact_share;
  if (mode == ExplainMode::kExact) {
    so.exact_reason_share = 1.0;
  } else if (mode == ExplainMode::kApprox) {
    so.exact_reason_count = 0;
    so.exact_reason_share = 0.0;
  }
  return so;
}

std::string PastDataEndWarning(const RetailColumns& columns, DayNumber cutoff, std::string_view what) {
  const int days = DaysPastDataEnd(columns, cutoff);
  if (days == 0) return {};
  return std::string(what) + " " + FormatIsoDate(cutoff) + " is " + std::to_string(days) +
         " days after the last transaction or event (" + FormatIsoDate(columns.last_day) +
         "): recency grows for every customer, by " + std::to_string(days - 1) + " days over scoring on " +
         FormatIsoDate(columns.last_day + 1) + ", the day after the data ends";
}

Result<ScoringTable> BuildScoringTable(const RetailColumns& columns, DayNumber as_of, const PipelineOptions& pipeline,
                                       Eligibility eligibility) {
  const DayNumber cut[] = {as_of};
  std::map<DayNumber, std::string> bgnbd_notes;
  ScoringTable out;
  CW_ASSIGN_OR_RETURN(out.table, BuildSnapshotTable(columns, cut, pipeline, eligibility, true, &bgnbd_notes));
  if (auto note = bgnbd_notes.find(as_of); note != bgnbd_notes.end()) out.bgnbd_note = note->second;
  return out;
}

Result<Decisions> ScoreAndDecide(const ChurnModel& model, const FeatureTable& table, const ReasonMap& reasons,
                                 const ScoreOptions& options, const PolicyConfig& policy, Timestamp raised_at) {
  Decisions d;
  CW_ASSIGN_OR_RETURN(d.scored, ScoreTable(model, table, reasons, options));
  CW_ASSIGN_OR_RETURN(d.policy, ApplyPolicy(policy, {d.scored, &table, raised_at, model.info().horizon_days}));
  return d;
}

nlohmann::json ScoreOutcome::ToJson() const {
  const auto zone = [&](Zone z) { return zones[static_cast<std::size_t>(z)]; };
  nlohmann::json j = {{"customers", customers},
                      {"zones",
                       {{"red", zone(Zone::kRed)},
                        {"yellow", zone(Zone::kYellow)},
                        {"blue", zone(Zone::kBlue)},
                        {"none", zone(Zone::kNone)}}},
                      {"as_of", FormatIsoDate(as_of)},
                      {"model_version", model_version},
                      {"mean_p_churn", mean_p_churn},
                      {"alerts", alerts},
                      {"actions", actions},
                      {"funded_actions", funded_actions},
                      {"out", out},
                      {"store_table", store_table},
                      {"seconds", seconds}};
  if (!bgnbd_note.empty()) j["bgnbd_note"] = bgnbd_note;
  return j;
}

Result<BucketRange> ParseBucketRange(std::string_view text, std::string_view flag) {
  const auto colon = text.find(':');
  std::uint32_t begin = 0, end = 0;
  const char* s = text.data();
  const bool ok = colon != std::string_view::npos &&
                  std::from_chars(s, s + colon, begin).ptr == s + colon &&
                  std::from_chars(s + colon + 1, s + text.size(), end).ptr == s + text.size() && colon > 0 &&
                  colon + 1 < text.size();
  if (!ok) return Status::InvalidArgument(std::string(flag) + " '" + std::string(text) + "' is not BEGIN:END (e.g. 0:512)");
  return BucketRange{begin, end};
}

Result<ScoreOutcome> Score(const ScoreRequest& r) {
  Stopwatch clock;
  CW_ASSIGN_OR_RETURN(const PolicyConfig policy, LoadPolicy(r.policy_file));
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(r.db_url));
  if (r.buckets) {
    if (r.write_store)
      return Status::InvalidArgument("--buckets scores part of the customers: give --no-store (and --out FILE), so "
                                     "the store's scores table keeps whole runs only");
    CW_RETURN_IF_ERROR(store->SetScanBuckets(*r.buckets));
  }
  ModelRegistry registry(*store);
  CW_ASSIGN_OR_RETURN(auto model, registry.Load(r.model, r.threads));
  CW_ASSIGN_OR_RETURN(RetailColumns columns, app_internal::LoadNonEmptyColumns(*store, r.db_url, r.threads));
  const DayNumber cut[] = {r.as_of};
  CW_RETURN_IF_ERROR(CheckCutoffsHaveHistory(columns, cut, "--as-of"));
  if (const std::string warning = PastDataEndWarning(columns, r.as_of, "--as-of"); !warning.empty() && r.warn)
    r.warn(warning);
  PipelineOptions po;
  po.threads = r.threads;
  po.horizon_days = model->info().horizon_days;
  CW_ASSIGN_OR_RETURN(ScoringTable snapshot, BuildScoringTable(columns, r.as_of, po, r.eligibility));
  if (snapshot.table.num_rows() == 0) return NobodyToScore(r, columns, po);
  ReasonMap reasons = ReasonMap::Defaults(model->feature_names());
  if (!r.reasons_file.empty()) {
    CW_ASSIGN_OR_RETURN(reasons, ReasonMap::Load(r.reasons_file, model->feature_names()));
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  ScoreOptions options = ScoreOptionsFor(r.explain, r.exact_count, r.exact_share);
  options.causes.history = &columns;  // need shift read per category
  CW_ASSIGN_OR_RETURN(Decisions d,
                      ScoreAndDecide(*model, snapshot.table, reasons, options, policy, static_cast<Timestamp>(now)));
  if (!r.out.empty()) {
    std::ofstream out(r.out, std::ios::binary);
    out << FormatScoreCsv(d.scored, d.policy);
    out.close();
    if (!out) return Status::IOError(r.out + ": cannot write");
  }
  if (r.write_store) CW_RETURN_IF_ERROR(store->ReplaceResultTable("scores", ScoresTable(d.scored, d.policy)));

  ScoreOutcome outcome;
  outcome.customers = d.scored.size();
  for (const auto& z : d.policy.zones) ++outcome.zones[static_cast<std::size_t>(z.zone)];
  outcome.as_of = r.as_of;
  outcome.model_version = model->info().version;
  for (const auto& s : d.scored) outcome.mean_p_churn += s.p_churn;
  if (!d.scored.empty()) outcome.mean_p_churn /= static_cast<double>(d.scored.size());
  outcome.alerts = d.policy.alerts.size();
  outcome.actions = d.policy.actions.size();
  outcome.funded_actions = d.policy.budget.funded_count;
  outcome.out = r.out;
  outcome.store_table = r.write_store ? "scores" : "";
  outcome.bgnbd_note = snapshot.bgnbd_note;
  outcome.seconds = clock.Seconds();
  return outcome;
}

}  // namespace churnwatch::app

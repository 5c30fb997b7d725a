// `churnwatch score` (SPEC.md §14): flags into an app::ScoreRequest, app::Score, the
// outcome as a summary or one JSON object.
#include <cstdio>

#include "churnwatch/app/score.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct ScoreFlags {
  std::string as_of, out, model, reasons, policy, explain = "mixed";
  int threads = 2;
  std::size_t exact_count = 1000;
  double exact_share = 0.0;
  bool all_customers = false;
  bool no_store = false;
  std::string buckets;  // BEGIN:END, score only the customers of these buckets
};

Status Run(const ScoreFlags& f, const CommonOptions& common) {
  app::ScoreRequest r;
  CW_ASSIGN_OR_RETURN(r.explain, app::ParseExplainMode(f.explain, "--explain"));
  CW_ASSIGN_OR_RETURN(r.as_of, ParseDateFlag(f.as_of, "--as-of"));
  r.db_url = common.db_url;
  r.model = f.model;
  r.reasons_file = f.reasons;
  r.policy_file = f.policy;
  r.threads = f.threads;
  r.exact_count = f.exact_count;
  r.exact_share = f.exact_share;
  r.eligibility = f.all_customers ? Eligibility::kLookback : Eligibility::kActive;
  r.out = f.out;
  r.write_store = !f.no_store;
  if (!f.buckets.empty()) {
    CW_ASSIGN_OR_RETURN(r.buckets, app::ParseBucketRange(f.buckets, "--buckets"));
  }
  r.warn = PrintWarning;
  CW_ASSIGN_OR_RETURN(const app::ScoreOutcome s, app::Score(r));
  if (common.json) return PrintJson(s.ToJson());
  const auto zone = [&](Zone z) { return static_cast<long long>(s.zones[static_cast<std::size_t>(z)]); };
  std::printf("scored %zu customers as of %s with model %s in %.1f s (mean P(churn) %.3f)\n", s.customers,
              f.as_of.c_str(), s.model_version.c_str(), s.seconds, s.mean_p_churn);
  std::printf("  zones: red %lld, yellow %lld, blue %lld, none %lld (default thresholds from the policy stage)\n",
              zone(Zone::kRed), zone(Zone::kYellow), zone(Zone::kBlue), zone(Zone::kNone));
  std::printf("  %zu alerts, %zu proposed actions (%zu funded)\n", s.alerts, s.actions, s.funded_actions);
  if (!s.bgnbd_note.empty()) std::printf("  BG/NBD note (p_alive): %s\n", s.bgnbd_note.c_str());
  if (!s.out.empty()) std::printf("  wrote %s\n", s.out.c_str());
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

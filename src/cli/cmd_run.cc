// `churnwatch run --config FILE` (SPEC.md §14): flags into an app::RunRequest, app::Run,
// the run's summary or one JSON object.
#include <cstdio>
#include <iostream>

#include "churnwatch/app/run.h"
#include "cli/commands.h"

namespace churnwatch::cli {

CommandRun RegisterRun(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("run", "ingest → features → train → score → zones, rules, playbook, budget → report");
  AddCommonOptions(sub, common);
  // The config's [run] db is the default here, not the other commands' sqlite:churnwatch.db.
  sub->get_option("--db")
      ->description("store URL; overrides the config's [run] db (default: that db, else sqlite:churnwatch.db)")
      ->default_str("");
  struct Flags {
    std::string config, out, pii_key_file;
    int threads = 0;
  };
  auto flags = std::make_shared<Flags>();
  sub->add_option("--config", flags->config, "run config (TOML), e.g. examples/demo.toml")->required();
  sub->add_option("--out", flags->out, "output folder (overrides [run] out_dir)");
  sub->add_option("--threads", flags->threads, "worker threads (overrides [run] threads)");
  sub->add_option("--pii-key-file", flags->pii_key_file,
                  "file whose first line is the HMAC key for phone/email/name (default: $CHURNWATCH_PII_KEY)");
  return [sub, flags, &common]() -> Status {
    app::RunRequest r;
    r.config_path = flags->config;
    // --db given on the command line wins over the config's [run] db.
    if (sub->count("--db") > 0) r.db_url = common.db_url;
    if (!flags->out.empty()) r.out_dir = flags->out;
    if (flags->threads > 0) r.threads = flags->threads;
    if (!flags->pii_key_file.empty()) r.pii_key_file = flags->pii_key_file;
    if (!common.quiet) r.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    CW_ASSIGN_OR_RETURN(const app::RunOutcome outcome, app::Run(r));
    if (common.json) return PrintJson(outcome.ToJson());
    const RunSummary& s = outcome.summary;
    const auto zone = [&](Zone z) { return s.zones[static_cast<std::size_t>(z)]; };
    std::cout << "churnwatch run " << s.run_id << " — scored " << FormatCount(s.customers) << " customers as of "
              << s.as_of << " (model " << s.model_version << ")\n";
    if (s.metrics.count("ensemble")) {
      const auto& m = s.metrics.at("ensemble");
      std::printf("  model on test cutoff %s: ROC-AUC %.3f, PR-AUC %.3f, lift top 10%% %.2f", s.test_cutoff.c_str(),
                  m.at("roc_auc"), m.at("pr_auc"), m.at("lift_top_decile"));
      if (s.metrics.count("recency_rule"))
        std::printf(" (recency rule: ROC-AUC %.3f)", s.metrics.at("recency_rule").at("roc_auc"));
      std::printf("\n");
    }
    std::cout << "  zones: red " << zone(Zone::kRed) << ", yellow " << zone(Zone::kYellow) << ", blue "
              << zone(Zone::kBlue) << ", none " << zone(Zone::kNone) << "\n"
              << "  alerts: " << FormatCount(s.alerts) << "; actions funded: " << FormatCount(s.actions) << " of "
              << FormatCount(s.action_candidates) << " proposed; budget spent " << FormatMoney(s.budget_spent, "")
              << "; expected net benefit " << FormatMoney(s.expected_net_benefit, "") << "\n"
              << "  money at risk (red + yellow): " << FormatMoney(s.money_at_risk, "") << "\n"
              << "  model: " << s.champion_note << "\n"
              << (s.campaign_id.empty() ? ""
                                        : "  campaign " + s.campaign_id + ": " + FormatCount(s.campaign_treated) +
                                              " treated (campaign-treated.csv), " + FormatCount(s.campaign_control) +
                                              " held back as control\n")
              << (s.bgnbd_note.empty() ? "" : "  BG/NBD note (p_alive): " + s.bgnbd_note + "\n")
              << "  action list: " << (s.out_dir / "actions.csv").string() << "\n"
              << "  report: " << s.report.string() << "\n";
    return Status::OK();
  };
}

}  // namespace churnwatch::cli

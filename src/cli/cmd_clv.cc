// `churnwatch clv` (SPEC.md §14): flags into an app::ClvRequest, app::Clv, the fits and
// totals as a summary or one JSON object.
#include <cstdio>

#include "churnwatch/app/clv.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct ClvFlags {
  std::string as_of, time_unit = "weeks", out, store_table = "clv";
  int horizon_days = 90, months = 12, holdout_days = 0, threads = 2;
  double margin = 1.0, discount_rate = 0.01;
  bool no_store = false;
};

const char* Converged(const clv::FitReport& r) { return r.converged ? "converged" : "NOT CONVERGED"; }

Status Run(const ClvFlags& f, const CommonOptions& common) {
  app::ClvRequest r;
  CW_ASSIGN_OR_RETURN(r.options.as_of, ParseDateFlag(f.as_of, "--as-of"));
  CW_ASSIGN_OR_RETURN(r.options.unit, clv::ParseTimeUnit(f.time_unit));
  r.options.horizon_days = f.horizon_days;
  r.options.margin = f.margin;
  r.options.monthly_discount_rate = f.discount_rate;
  r.options.months = f.months;
  r.options.holdout_days = f.holdout_days;
  r.options.threads = f.threads;
  r.db_url = common.db_url;
  r.out = f.out;
  r.store_table = f.store_table;
  r.write_store = !f.no_store;
  CW_ASSIGN_OR_RETURN(const app::ClvOutcome o, app::Clv(r));
  const clv::ClvResult& res = o.result;
  const auto& bg = res.bgnbd;
  if (common.json) {
    (void)PrintJson(o.ToJson());
  } else {
    std::printf("CLV at %s (time unit %s): %zu customers, %zu repeat buyers\n", FormatIsoDate(o.options.as_of).c_str(),
                o.options.unit == TimeUnit::kDays ? "days" : "weeks", res.values.size(), res.repeat_buyers);
    std::printf("BG/NBD      r=%.6g alpha=%.6g a=%.6g b=%.6g  LL=%.2f  %s (%s)\n", bg.params.r, bg.params.alpha,
                bg.params.a, bg.params.b, bg.report.log_likelihood, Converged(bg.report), bg.report.reason.c_str());
    if (!res.bgnbd_note.empty()) std::printf("BG/NBD note: %s\n", res.bgnbd_note.c_str());
    if (const auto& gg = res.gamma_gamma)
      std::printf("Gamma-Gamma p=%.4f q=%.4f gamma=%.4f  LL=%.2f  %s (%s)\n", gg->params.p, gg->params.q,
                  gg->params.gamma, gg->report.log_likelihood, Converged(gg->report), gg->report.reason.c_str());
    if (!res.gamma_gamma_note.empty()) std::printf("Gamma-Gamma note: %s\n", res.gamma_gamma_note.c_str());
    std::printf("next %d days: %.1f expected purchases in total; mean P(alive) %.3f; %d-month CLV total %.2f\n",
                o.options.horizon_days, o.expected_purchases_total, o.mean_p_alive, o.options.months, o.clv_total);
    if (res.holdout)
      std::printf("holdout %d days: predicted %.1f purchases, actual %.0f\n", res.holdout->days, res.holdout->predicted,
                  res.holdout->actual);
    if (!o.out.empty()) std::printf("wrote %s\n", o.out.c_str());
    if (!o.store_table.empty()) std::printf("stored table '%s'\n", o.store_table.c_str());
  }
  if (!bg.report.converged)
    std::fprintf(stderr, "warning: the BG/NBD fit did not converge: %s\n", bg.report.reason.c_str());
  return Status::OK();
}

}  // namespace

CommandRun RegisterClv(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("clv", "Fit BG/NBD + Gamma-Gamma at a cutoff; P(alive), expected purchases, CLV");
  AddCommonOptions(sub, common);
  auto flags = std::make_shared<ClvFlags>();
  sub->add_option("--as-of", flags->as_of, "cutoff date YYYY-MM-DD; purchases before it are history")->required();
  sub->add_option("--time-unit", flags->time_unit, "model time unit: days or weeks")->capture_default_str();
  sub->add_option("--horizon-days", flags->horizon_days, "horizon H for expected purchases and P(purchase)")
      ->capture_default_str();
  sub->add_option("--margin", flags->margin, "profit share of spend used for CLV, in (0, 1]")->capture_default_str();
  sub->add_option("--discount-rate", flags->discount_rate, "monthly discount rate for CLV")->capture_default_str();
  sub->add_option("--months", flags->months, "CLV horizon in months")->capture_default_str();
  sub->add_option("--holdout-days", flags->holdout_days,
                  "compare predicted with actual purchases in the N days from the cutoff (model check)");
  sub->add_option("--threads", flags->threads, "worker threads")->capture_default_str();
  sub->add_option("--out", flags->out, "write per-customer values to this CSV file");
  sub->add_option("--store-table", flags->store_table, "result table name in the store")->capture_default_str();
  sub->add_flag("--no-store", flags->no_store, "do not write the result table to the store");
  return [flags, &common] { return Run(*flags, common); };
}

}  // namespace churnwatch::cli

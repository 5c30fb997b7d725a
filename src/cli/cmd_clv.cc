// `churnwatch clv` (SPEC.md §14): BG/NBD + Gamma-Gamma at a cutoff and per-customer
// P(alive), expected purchases, spend and CLV, to CSV and the store's "clv" table.
#include <chrono>
#include <cstdio>

#include "churnwatch/clv_run.h"
#include "churnwatch/store.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct ClvFlags {
  std::string as_of;
  std::string time_unit = "weeks";
  int horizon_days = 90;
  double margin = 1.0;
  double discount_rate = 0.01;
  int months = 12;
  int holdout_days = 0;
  int threads = 2;
  std::string out;
  std::string store_table = "clv";
  bool no_store = false;
};

nlohmann::json FitJson(const clv::FitReport& r) {
  return {{"log_likelihood", r.log_likelihood}, {"converged", r.converged}, {"reason", r.reason},
          {"iterations", r.iterations},         {"customers", r.customers}, {"groups", r.groups}};
}

nlohmann::json ResultJson(const clv::ClvResult& r, const ClvFlags& f, double seconds) {
  nlohmann::json bg = FitJson(r.bgnbd.report);
  bg["r"] = r.bgnbd.params.r;
  bg["alpha"] = r.bgnbd.params.alpha;
  bg["a"] = r.bgnbd.params.a;
  bg["b"] = r.bgnbd.params.b;
  if (!r.bgnbd_note.empty()) bg["note"] = r.bgnbd_note;
  nlohmann::json gg;
  if (r.gamma_gamma) {
    gg = FitJson(r.gamma_gamma->report);
    gg["p"] = r.gamma_gamma->params.p;
    gg["q"] = r.gamma_gamma->params.q;
    gg["gamma"] = r.gamma_gamma->params.gamma;
  } else {
    gg = {{"p", nullptr}, {"q", nullptr}, {"gamma", nullptr}, {"log_likelihood", nullptr}, {"converged", false}};
  }
  if (!r.gamma_gamma_note.empty()) gg["note"] = r.gamma_gamma_note;
  double total_expected = 0, total_clv = 0, total_p_alive = 0;
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    total_expected += r.values.expected_purchases[i];
    total_clv += r.values.clv[i];
    total_p_alive += r.values.p_alive[i];
  }
  nlohmann::json j = {
      {"as_of", f.as_of},
      {"time_unit", f.time_unit},
      {"customers", r.values.size()},
      {"repeat_buyers", r.repeat_buyers},
      {"bgnbd", bg},
      {"gamma_gamma", gg},
      {"iterations", r.bgnbd.report.iterations + (r.gamma_gamma ? r.gamma_gamma->report.iterations : 0)},
      {"horizon_days", f.horizon_days},
      {"margin", f.margin},
      {"discount_rate", f.discount_rate},
      {"months", f.months},
      {"expected_purchases_total", total_expected},
      {"clv_total", total_clv},
      {"mean_p_alive", r.values.size() ? total_p_alive / static_cast<double>(r.values.size()) : 0.0},
      {"spend_frequency_correlation", r.spend_frequency_correlation},
      {"seconds", seconds},
  };
  if (r.holdout)
    j["holdout"] = {{"days", r.holdout->days}, {"predicted", r.holdout->predicted}, {"actual", r.holdout->actual}};
  if (!f.out.empty()) j["out"] = f.out;
  if (!f.no_store) j["store_table"] = f.store_table;
  return j;
}

void PrintSummary(const clv::ClvResult& r, const nlohmann::json& j) {
  const auto& bg = r.bgnbd;
  std::printf("CLV at %s (time unit %s): %zu customers, %zu repeat buyers\n", j["as_of"].get<std::string>().c_str(),
              j["time_unit"].get<std::string>().c_str(), r.values.size(), r.repeat_buyers);
  std::printf("BG/NBD      r=%.6g alpha=%.6g a=%.6g b=%.6g  LL=%.2f  %s (%s)\n", bg.params.r, bg.params.alpha,
              bg.params.a, bg.params.b, bg.report.log_likelihood, bg.report.converged ? "converged" : "NOT CONVERGED",
              bg.report.reason.c_str());
  if (!r.bgnbd_note.empty()) std::printf("BG/NBD note: %s\n", r.bgnbd_note.c_str());
  if (r.gamma_gamma) {
    const auto& gg = *r.gamma_gamma;
    std::printf("Gamma-Gamma p=%.4f q=%.4f gamma=%.4f  LL=%.2f  %s (%s)\n", gg.params.p, gg.params.q, gg.params.gamma,
                gg.report.log_likelihood, gg.report.converged ? "converged" : "NOT CONVERGED", gg.report.reason.c_str());
  }
  if (!r.gamma_gamma_note.empty()) std::printf("Gamma-Gamma note: %s\n", r.gamma_gamma_note.c_str());
  std::printf("next %d days: %.1f expected purchases in total; mean P(alive) %.3f; %d-month CLV total %.2f\n",
              j["horizon_days"].get<int>(), j["expected_purchases_total"].get<double>(),
              j["mean_p_alive"].get<double>(), j["months"].get<int>(), j["clv_total"].get<double>());
  if (r.holdout)
    std::printf("holdout %d days: predicted %.1f purchases, actual %.0f\n", r.holdout->days, r.holdout->predicted,
                r.holdout->actual);
  if (j.contains("out")) std::printf("wrote %s\n", j["out"].get<std::string>().c_str());
  if (j.contains("store_table")) std::printf("stored table '%s'\n", j["store_table"].get<std::string>().c_str());
}

Status Run(const ClvFlags& f, const CommonOptions& common) {
  const auto t0 = std::chrono::steady_clock::now();
  clv::ClvOptions options;
  const auto day = ParseIsoDate(f.as_of);
  if (!day) return Status::InvalidArgument("--as-of '" + f.as_of + "' is not a date YYYY-MM-DD");
  options.as_of = *day;
  CW_ASSIGN_OR_RETURN(options.unit, clv::ParseTimeUnit(f.time_unit));
  options.horizon_days = f.horizon_days;
  options.margin = f.margin;
  options.monthly_discount_rate = f.discount_rate;
  options.months = f.months;
  options.holdout_days = f.holdout_days;
  options.threads = f.threads;
  CW_RETURN_IF_ERROR(clv::ValidateClvOptions(options));

  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(common.db_url));
  CW_ASSIGN_OR_RETURN(RetailColumns columns, clv::LoadTransactionColumns(*store, f.threads));
  if (columns.num_transactions() == 0)
    return Status::DataError("the store at " + common.db_url + " holds no transactions; run `churnwatch ingest` first");
  CW_ASSIGN_OR_RETURN(const clv::ClvResult result, clv::ComputeClv(columns, options));
  if (!f.out.empty()) CW_RETURN_IF_ERROR(clv::WriteClvCsv(result, f.out));
  if (!f.no_store) CW_RETURN_IF_ERROR(store->ReplaceResultTable(f.store_table, clv::ClvResultTable(result)));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const nlohmann::json j = ResultJson(result, f, seconds);
  if (common.json) {
    PrintJson(j);
  } else {
    PrintSummary(result, j);
  }
  if (!result.bgnbd.report.converged)
    std::fprintf(stderr, "warning: the BG/NBD fit did not converge: %s\n", result.bgnbd.report.reason.c_str());
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

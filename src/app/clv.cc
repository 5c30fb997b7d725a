// The clv use case (app/clv.h).
#include "churnwatch/app/clv.h"

#include "app/store_columns.h"
#include "churnwatch/app/common.h"
#include "churnwatch/store.h"

namespace churnwatch::app {
namespace {

nlohmann::json FitJson(const clv::FitReport& r) {
  return {{"log_likelihood", r.log_likelihood}, {"converged", r.converged}, {"reason", r.reason},
          {"iterations", r.iterations},         {"customers", r.customers}, {"groups", r.groups}};
}

}  // namespace

nlohmann::json ClvOutcome::ToJson() const {
  const clv::ClvResult& r = result;
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
  nlohmann::json j = {
      {"as_of", FormatIsoDate(options.as_of)},
      {"time_unit", options.unit == TimeUnit::kDays ? "days" : "weeks"},
      {"customers", r.values.size()},
      {"repeat_buyers", r.repeat_buyers},
      {"bgnbd", bg},
      {"gamma_gamma", gg},
      {"iterations", r.bgnbd.report.iterations + (r.gamma_gamma ? r.gamma_gamma->report.iterations : 0)},
      {"horizon_days", options.horizon_days},
      {"margin", options.margin},
      {"discount_rate", options.monthly_discount_rate},
      {"months", options.months},
      {"expected_purchases_total", expected_purchases_total},
      {"clv_total", clv_total},
      {"mean_p_alive", mean_p_alive},
      {"spend_frequency_correlation", r.spend_frequency_correlation},
      {"seconds", seconds},
  };
  if (r.holdout)
    j["holdout"] = {{"days", r.holdout->days}, {"predicted", r.holdout->predicted}, {"actual", r.holdout->actual}};
  if (!out.empty()) j["out"] = out;
  if (!store_table.empty()) j["store_table"] = store_table;
  return j;
}

Result<ClvOutcome> Clv(const ClvRequest& request) {
  Stopwatch clock;
  CW_RETURN_IF_ERROR(clv::ValidateClvOptions(request.options));
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(request.db_url));
  CW_ASSIGN_OR_RETURN(RetailColumns columns, clv::LoadTransactionColumns(*store, request.options.threads));
  if (columns.num_transactions() == 0) return app_internal::NoTransactions(request.db_url);
  ClvOutcome outcome;
  CW_ASSIGN_OR_RETURN(outcome.result, clv::ComputeClv(columns, request.options));
  if (!request.out.empty()) CW_RETURN_IF_ERROR(clv::WriteClvCsv(outcome.result, request.out));
  if (request.write_store)
    CW_RETURN_IF_ERROR(store->ReplaceResultTable(request.store_table, clv::ClvResultTable(outcome.result)));
  outcome.options = request.options;
  outcome.out = request.out;
  if (request.write_store) outcome.store_table = request.store_table;
  const clv::ClvValues& v = outcome.result.values;
  double total_p_alive = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    outcome.expected_purchases_total += v.expected_purchases[i];
    outcome.clv_total += v.clv[i];
    total_p_alive += v.p_alive[i];
  }
  outcome.mean_p_alive = v.size() ? total_p_alive / static_cast<double>(v.size()) : 0.0;
  outcome.seconds = clock.Seconds();
  return outcome;
}

}  // namespace churnwatch::app

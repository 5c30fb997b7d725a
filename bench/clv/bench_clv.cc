// CLV benchmarks (Google Benchmark): BG/NBD + Gamma-Gamma fits on CDNOW and on 10^5, 10^6
// and 10^7 simulated customers, and per-customer P(alive) + expected purchases (+ CLV) for
// 10^7 customers. Simulated customers have daily-resolution histories measured in weeks
// (a cohort acquired over half a year, observed 26..52 weeks), like real transaction data;
// BM_FitBgNbdContinuous shows the worst case where no two histories are identical.
// Simulation happens once per size, outside the timed region. CPU time is the whole
// process's (MeasureProcessCPUTime), so work done on helper threads is counted. bench/clv/run.sh
// runs it and writes bench/results/clv.txt.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "churnwatch/clv.h"
#include "churnwatch/clv_run.h"
#include "churnwatch/clv_simulate.h"

namespace churnwatch::clv {
namespace {

const std::vector<CustomerSummary>& Simulated(std::size_t n, bool daily) {
  static std::map<std::pair<std::size_t, bool>, std::vector<CustomerSummary>> cache;
  auto& v = cache[{n, daily}];
  if (v.empty()) {
    SimulationOptions o;
    o.params = {0.25, 4.4, 0.8, 2.4};  // CDNOW-like, weeks
    o.customers = n;
    o.seed = 42;
    o.T_min = 26;
    o.T_max = 52;
    o.resolution = daily ? 1.0 / 7 : 0;
    o.with_spend = true;
    v = SimulateBgNbd(o);
  }
  return v;
}

// ../shared/data beside the source tree, or $CHURNWATCH_SHARED_DATA.
std::vector<CustomerSummary> CdnowSummary() {
  std::filesystem::path root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  std::filesystem::path path = root.parent_path() / "shared" / "data";
  if (const char* env = std::getenv("CHURNWATCH_SHARED_DATA")) path = env;
  std::ifstream in(path / "cdnow" / "cdnow_customers_summary_with_transactions.csv");
  std::vector<CustomerSummary> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    long id = 0;
    CustomerSummary c;
    if (std::sscanf(line.c_str(), "%ld,%lf,%lf,%lf,%lf", &id, &c.x, &c.t_x, &c.T, &c.mean_spend) == 5) rows.push_back(c);
  }
  return rows;
}

void BM_FitBgNbdCdnow(benchmark::State& state) {
  const auto customers = CdnowSummary();
  if (customers.empty()) {
    state.SkipWithError("CDNOW summary not found (../shared/data/cdnow or $CHURNWATCH_SHARED_DATA)");
    return;
  }
  for (auto _ : state) {
    auto fit = FitBgNbd(customers);
    if (!fit.ok() || !fit->report.converged) state.SkipWithError("fit failed or did not converge");
    benchmark::DoNotOptimize(fit);
  }
  state.counters["customers"] = static_cast<double>(customers.size());
}
BENCHMARK(BM_FitBgNbdCdnow)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_FitGammaGammaCdnow(benchmark::State& state) {
  const auto customers = CdnowSummary();
  if (customers.empty()) {
    state.SkipWithError("CDNOW summary not found");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(FitGammaGamma(customers));
}
BENCHMARK(BM_FitGammaGammaCdnow)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_FitBgNbd(benchmark::State& state) {
  const auto& customers = Simulated(static_cast<std::size_t>(state.range(0)), true);
  std::size_t groups = 0;
  for (auto _ : state) {
    auto fit = FitBgNbd(customers);
    if (!fit.ok() || !fit->report.converged) state.SkipWithError("fit failed or did not converge");
    groups = fit->report.groups;
  }
  state.counters["customers"] = static_cast<double>(customers.size());
  state.counters["distinct_histories"] = static_cast<double>(groups);
}
// 10^5 gets more iterations: one fit is a few milliseconds, and the machine is noisy.
BENCHMARK(BM_FitBgNbd)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(30)->MeasureProcessCPUTime();
BENCHMARK(BM_FitBgNbd)
    ->Arg(1000000)
    ->Arg(10000000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime();

void BM_FitBgNbdContinuous(benchmark::State& state) {
  const auto& customers = Simulated(static_cast<std::size_t>(state.range(0)), false);
  for (auto _ : state) {
    auto fit = FitBgNbd(customers);
    if (!fit.ok() || !fit->report.converged) state.SkipWithError("fit failed or did not converge");
  }
  state.counters["customers"] = static_cast<double>(customers.size());
}
BENCHMARK(BM_FitBgNbdContinuous)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();

void BM_FitGammaGamma(benchmark::State& state) {
  const auto& customers = Simulated(static_cast<std::size_t>(state.range(0)), true);
  for (auto _ : state) {
    auto fit = FitGammaGamma(customers);
    if (!fit.ok() || !fit->report.converged) state.SkipWithError("fit failed or did not converge");
  }
}
BENCHMARK(BM_FitGammaGamma)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();

// P(alive) (model and reported), E[X(13 weeks)] and P(any purchase) per customer;
// range(1) = 1 adds the 12-month CLV; range(2) = threads.
void BM_Predict(benchmark::State& state) {
  const auto& customers = Simulated(static_cast<std::size_t>(state.range(0)), true);
  const BgNbdParams params{0.25, 4.4, 0.8, 2.4};
  ScoreOptions o;
  o.horizon = 13;
  o.with_clv = state.range(1) == 1;
  o.month_length = kDaysPerMonth / 7;
  o.threads = static_cast<int>(state.range(2));
  for (auto _ : state) {
    auto values = ScoreCustomers(params, customers, {}, o);
    if (!values.ok()) state.SkipWithError("scoring failed");
    benchmark::DoNotOptimize(values);
  }
  state.counters["customers"] = static_cast<double>(customers.size());
}
BENCHMARK(BM_Predict)
    ->Args({10000000, 0, 1})
    ->Args({10000000, 0, 2})
    ->Args({1000000, 1, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime();

}  // namespace
}  // namespace churnwatch::clv

BENCHMARK_MAIN();

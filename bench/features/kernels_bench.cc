// Google Benchmark kernels of the feature engine on 100k synthetic customers: building the
// columns, one cutoff, and rows per second of the per-customer kernel.
#include <benchmark/benchmark.h>

#include "features/synthetic.h"

namespace {

churnwatch::bench::ScaleOptions Small() {
  churnwatch::bench::ScaleOptions o;
  o.customers = 100'000;
  o.transactions = 1'000'000;
  o.events = 500'000;
  return o;
}

const churnwatch::RetailColumns& Columns() {
  static const churnwatch::RetailColumns cols = [] {
    churnwatch::ColumnarBuilder b;
    churnwatch::bench::GenerateInto(b, Small());
    return b.Finish(1);
  }();
  return cols;
}

void BM_BuildColumns(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    churnwatch::ColumnarBuilder b;
    churnwatch::bench::GenerateInto(b, Small());
    state.ResumeTiming();
    benchmark::DoNotOptimize(b.Finish(static_cast<int>(state.range(0))));
  }
  state.SetItemsProcessed(state.iterations() * Small().transactions);
}
BENCHMARK(BM_BuildColumns)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_OneCutoff(benchmark::State& state) {
  const auto& cols = Columns();
  const churnwatch::DayNumber t = cols.last_day - 89;
  churnwatch::FeatureOptions opt;
  opt.threads = static_cast<int>(state.range(0));
  std::size_t rows = 0;
  for (auto _ : state) {
    auto table = churnwatch::BuildFeatureTable(cols, std::span<const churnwatch::DayNumber>(&t, 1), opt);
    rows = table->num_rows();
    benchmark::DoNotOptimize(table);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
BENCHMARK(BM_OneCutoff)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace

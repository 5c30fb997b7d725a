// Load and scan throughput of the stores on Online-Retail-shaped rows (order lines with
// short text fields and 128-bit row keys), so the SQLite numbers can be compared with the
// ingest target: a 541,909-row file loaded faster than pandas.read_csv reads it.
// PostgreSQL cases run when CHURNWATCH_TEST_PG_URL names a server (scripts/with-postgres).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "churnwatch/store.h"

namespace churnwatch {
namespace {

std::vector<Transaction> MakeRows(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Transaction> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    Transaction& t = rows[i];
    t.key = {rng(), rng()};
    t.order_id = std::to_string(536365 + i / 20);
    t.customer_id = std::to_string(12346 + rng() % 4372);
    t.ts = 1291191960 + static_cast<Timestamp>(i) * 60;
    t.quantity = static_cast<double>(1 + rng() % 24);
    t.amount = t.quantity * 2.55;
    t.sku = "85123A";
    t.category = "WHITE HANGING HEART T-LIGHT HOLDER";
    t.channel = Channel::kStore;
  }
  return rows;
}

std::filesystem::path FreshPath() {
  auto p = std::filesystem::temp_directory_path() / ("churnwatch-bench-" + std::to_string(std::random_device{}()) + ".db");
  return p;
}

void RemoveDb(const std::filesystem::path& p) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
}

Status LoadAll(Store& s, const std::vector<Transaction>& rows) {
  CW_ASSIGN_OR_RETURN(auto session, s.BeginLoad({Table::kTransactions, "bench.csv", "fp"}));
  constexpr std::size_t kBatch = 8192;  // what a streaming ingest hands over at a time
  for (std::size_t i = 0; i < rows.size(); i += kBatch)
    CW_RETURN_IF_ERROR(session->AppendTransactions(std::span(rows).subspan(i, std::min(kBatch, rows.size() - i))));
  CW_ASSIGN_OR_RETURN(auto counts, session->Commit());
  (void)counts;
  return Status::OK();
}

void BM_SqliteLoad(benchmark::State& state) {
  const auto rows = MakeRows(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) {
    state.PauseTiming();
    const auto path = FreshPath();
    auto store = Store::Open("sqlite:" + path.string());
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    state.ResumeTiming();
    Status st = LoadAll(**store, rows);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    state.PauseTiming();
    store->reset();
    RemoveDb(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SqliteLoad)->Arg(541909)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SqliteReload(benchmark::State& state) {
  // Loading the same rows again: every row is a key lookup that finds the row present.
  const auto rows = MakeRows(static_cast<std::size_t>(state.range(0)), 2);
  const auto path = FreshPath();
  auto store = Store::Open("sqlite:" + path.string());
  if (!store.ok() || !LoadAll(**store, rows).ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(LoadAll(**store, rows).ok());
  state.SetItemsProcessed(state.iterations() * state.range(0));
  store->reset();
  RemoveDb(path);
}
BENCHMARK(BM_SqliteReload)->Arg(541909)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SqliteScan(benchmark::State& state) {
  const auto rows = MakeRows(static_cast<std::size_t>(state.range(0)), 3);
  const auto path = FreshPath();
  auto store = Store::Open("sqlite:" + path.string());
  if (!store.ok() || !LoadAll(**store, rows).ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  for (auto _ : state) {
    std::size_t n = 0;
    Status st = (*store)->ScanTransactions([&](std::span<const Transaction> b) {
      n += b.size();
      return Status::OK();
    });
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  store->reset();
  RemoveDb(path);
}
BENCHMARK(BM_SqliteScan)->Arg(541909)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_PostgresLoad(benchmark::State& state) {
  const char* url = std::getenv("CHURNWATCH_TEST_PG_URL");
  if (!url) {
    state.SkipWithError("CHURNWATCH_TEST_PG_URL not set (run under scripts/with-postgres)");
    return;
  }
  auto store = Store::Open(url);
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  std::uint64_t seed = 100;
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    const auto rows = MakeRows(n, seed++);  // new keys each time: every row is inserted
    state.ResumeTiming();
    Status st = LoadAll(**store, rows);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PostgresLoad)->Arg(541909)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace churnwatch

BENCHMARK_MAIN();

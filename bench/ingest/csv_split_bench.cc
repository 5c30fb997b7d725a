// Google Benchmark kernels of the CSV reader's record split, on records shaped like Online
// Retail's (8 fields, ~90 bytes) held in memory, so reader changes can be compared without
// file I/O: unquoted records only (the one-pass SIMD split), and every 20th record with a
// quoted field (those take the byte-at-a-time path).
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "churnwatch/csv_reader.h"

namespace {

using churnwatch::CsvDialect;
using churnwatch::CsvReader;
using churnwatch::CsvRecord;

// `quoted_every`: every n-th record gets a quoted description with a delimiter in it.
std::string MakeRecords(int rows, int quoted_every) {
  std::mt19937 rng(7);
  std::string s;
  for (int i = 0; i < rows; ++i) {
    s += std::to_string(536365 + i / 7) + "," + std::to_string(10000 + rng() % 90000) + "A,";
    s += quoted_every > 0 && i % quoted_every == 0 ? "\"SET OF 3, CAKE TINS\"" : "WHITE HANGING HEART T-LIGHT HOLDER";
    s += "," + std::to_string(1 + rng() % 24) + ",2010-12-01 08:26:00," + std::to_string(rng() % 1000) + "." +
         std::to_string(rng() % 100) + "," + std::to_string(12000 + rng() % 6000) + ",United Kingdom\n";
  }
  return s;
}

void Split(benchmark::State& state, int quoted_every) {
  const std::string data = MakeRecords(100000, quoted_every);
  auto reader = CsvReader::ForMemory(CsvDialect{});
  CsvRecord rec;
  for (auto _ : state) {
    reader->Reset(data, 1);
    std::size_t fields = 0;
    while (*reader->Next(rec)) fields += rec.fields.size();
    benchmark::DoNotOptimize(fields);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(data.size()));
}

void BM_SplitUnquoted(benchmark::State& state) { Split(state, 0); }
void BM_SplitEvery20thQuoted(benchmark::State& state) { Split(state, 20); }
BENCHMARK(BM_SplitUnquoted);
BENCHMARK(BM_SplitEvery20thQuoted);

}  // namespace

BENCHMARK_MAIN();

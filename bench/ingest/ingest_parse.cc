// ingest_parse: reads and converts a file under a mapping exactly as `churnwatch ingest`
// does, without a store, and prints rows, seconds, rows/s and peak RSS. Used by
// bench/ingest/run.sh to time our CSV parse against pandas.read_csv on the same file.
//   ingest_parse MAPPING.toml TRANSACTIONS_FILE
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "churnwatch/ingest.h"

namespace {
long PeakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace churnwatch;
  if (argc != 3) {
    std::fprintf(stderr, "usage: ingest_parse MAPPING.toml TRANSACTIONS_FILE\n");
    return 2;
  }
  auto mapping = LoadMapping(argv[1]);
  if (!mapping.ok()) {
    std::fprintf(stderr, "%s\n", mapping.status().ToString().c_str());
    return 1;
  }
  IngestInputs inputs;
  inputs.transactions = argv[2];
  IngestOptions options;
  options.rejects_dir = "/tmp";
  double cpu0 = CpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  auto report = Ingest(*mapping, inputs, nullptr, options);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = CpuSeconds() - cpu0;
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
    return 1;
  }
  const auto& c = report->totals;
  std::printf("rows_read=%lld rows_loaded=%lld rows_rejected=%lld duplicates_skipped=%lld rejected_duplicates=%lld "
              "rows_excluded=%lld customers=%lld seconds=%.4f cpu_seconds=%.4f rows_per_second=%.0f peak_rss_kb=%ld\n",
              static_cast<long long>(c.rows_read), static_cast<long long>(c.rows_loaded),
              static_cast<long long>(c.rows_rejected), static_cast<long long>(c.duplicates_skipped),
              static_cast<long long>(c.rejected_duplicates), static_cast<long long>(c.rows_excluded),
              static_cast<long long>(report->customers), secs, cpu, static_cast<double>(c.rows_read) / secs, PeakRssKb());
  return 0;
}

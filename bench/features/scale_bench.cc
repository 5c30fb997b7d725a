// Feature engine at scale (issue 3 targets): synthetic 10M transactions / 1M customers /
// 5M events generated in memory; times building the columns, one cutoff and twelve
// monthly cutoffs, reports peak RSS and bytes per transaction.
// Usage: bench_features_scale [threads=2] [customers=1000000] [transactions=10000000] [events=5000000]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "features/synthetic.h"

namespace {
double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // kB on Linux
}
double CurrentRssMb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  long pages = 0, resident = 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}
// CPU seconds (user + system) of the whole process so far: on a shared, oversubscribed
// machine this is closer than wall time to what the work costs on idle cores.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace churnwatch;
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  bench::ScaleOptions o;
  if (argc > 2) o.customers = std::atoi(argv[2]);
  if (argc > 3) o.transactions = std::atol(argv[3]);
  if (argc > 4) o.events = std::atol(argv[4]);

  auto t0 = std::chrono::steady_clock::now();
  ColumnarBuilder builder;
  builder.Reserve(static_cast<std::size_t>(o.transactions * 1.05), static_cast<std::size_t>(o.events * 1.05));
  bench::GenerateInto(builder, o);
  const double gen_s = Since(t0);
  const double rss_staged = CurrentRssMb();

  double c0 = CpuSeconds();
  t0 = std::chrono::steady_clock::now();
  const RetailColumns cols = builder.Finish(threads);
  const double build_s = Since(t0);
  const double build_cpu = CpuSeconds() - c0;
  const double rss_columns = CurrentRssMb();

  const DayNumber last = cols.last_day - 90 + 1;  // last cutoff with a complete 90-day window
  FeatureOptions opt;
  opt.threads = threads;
  c0 = CpuSeconds();
  t0 = std::chrono::steady_clock::now();
  auto one = BuildFeatureTable(cols, std::span<const DayNumber>(&last, 1), opt);
  const double one_s = Since(t0);
  const double one_cpu = CpuSeconds() - c0;
  if (!one.ok()) {
    std::fprintf(stderr, "%s\n", one.status().ToString().c_str());
    return 1;
  }
  const std::size_t one_rows = one->num_rows();
  one = FeatureTable{};
  std::vector<DayNumber> twelve;
  for (int k = 11; k >= 0; --k) twelve.push_back(last - 30 * k);
  c0 = CpuSeconds();
  t0 = std::chrono::steady_clock::now();
  auto many = BuildFeatureTable(cols, twelve, opt);
  const double twelve_s = Since(t0);
  const double twelve_cpu = CpuSeconds() - c0;
  if (!many.ok()) return 1;

  std::printf("synthetic: %zu customers, %zu transactions, %zu events, %d threads\n", cols.num_customers(),
              cols.num_transactions(), cols.num_events(), threads);
  std::printf("generate rows (not engine time): %.2f s, RSS with staged rows %.0f MB\n", gen_s, rss_staged);
  std::printf("build columns (sort into CSR):   %.2f s wall, %.2f s CPU\n", build_s, build_cpu);
  std::printf("columns: %.1f bytes/transaction (transaction columns + offsets); all columns %.0f MB; RSS after build %.0f MB\n",
              cols.TransactionBytesPerRow(), static_cast<double>(cols.MemoryBytes()) / 1048576.0, rss_columns);
  std::printf("one cutoff  (%s): %.3f s wall, %.3f s CPU, %zu eligible rows x %zu features\n", FormatIsoDate(last).c_str(),
              one_s, one_cpu, one_rows, many->num_features());
  std::printf("twelve cutoffs (monthly): %.3f s wall, %.3f s CPU, %zu rows (%.2f x one cutoff in wall time)\n", twelve_s,
              twelve_cpu, many->num_rows(), twelve_s / one_s);
  std::printf("one cutoff incl. building columns: %.2f s; twelve incl. building: %.2f s (%.2f x)\n", build_s + one_s,
              build_s + twelve_s, (build_s + twelve_s) / (build_s + one_s));
  std::printf("peak RSS: %.0f MB; load average at the end: ", PeakRssMb());
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    char buf[64] = {0};
    if (std::fgets(buf, sizeof buf, f)) std::fputs(buf, stdout);
    std::fclose(f);
  }
  return 0;
}

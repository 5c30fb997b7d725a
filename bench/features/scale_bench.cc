// Feature engine at scale (issue 3 targets): synthetic 10M transactions / 1M customers /
// 5M events generated in memory; times building the columns, one cutoff and twelve
// monthly cutoffs (wall, user and system time), the floor of merely allocating output
// tables of the same shapes, peak RSS and bytes per transaction.
// Usage: bench_features_scale [threads=2] [customers=1000000] [transactions=10000000] [events=5000000]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <string>

#include "features/huge_vector.h"
#include "churnwatch/thread_pool.h"
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
// Wall, user and system seconds of the whole process: on a shared, oversubscribed machine
// CPU time is closer than wall time to what the work costs on idle cores, and system time
// here is almost all page faults (zero-filling freshly allocated memory).
struct Clock {
  std::chrono::steady_clock::time_point wall;
  double user = 0, sys = 0;
  static Clock Now() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return {std::chrono::steady_clock::now(), static_cast<double>(u.ru_utime.tv_sec) + u.ru_utime.tv_usec / 1e6,
            static_cast<double>(u.ru_stime.tv_sec) + u.ru_stime.tv_usec / 1e6};
  }
};
struct Span {
  double wall = 0, user = 0, sys = 0;
  double cpu() const { return user + sys; }
};
Span Since(const Clock& t0) {
  const Clock t1 = Clock::Now();
  return {std::chrono::duration<double>(t1.wall - t0.wall).count(), t1.user - t0.user, t1.sys - t0.sys};
}
std::string Show(const Span& s) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.3f s wall, %.3f s CPU (%.3f user + %.3f sys)", s.wall, s.cpu(), s.user, s.sys);
  return buf;
}

// Allocates (zero-filled, on `threads` workers, huge-page hint) the columns a FeatureTable
// of `rows` rows holds, as the engine does, and nothing else: the floor that writing the
// output costs on this machine, whatever the computation.
void AllocateTableShape(std::size_t rows, std::size_t features, int threads) {
  churnwatch::FeatureTable t;
  t.columns.resize(features);
  using churnwatch::features_internal::ResizeHuge;
  const churnwatch::Status status = churnwatch::ParallelFor(8 + features, threads, [&](std::size_t j) {
    switch (j) {
      case 0: ResizeHuge(t.customer_ids, rows); break;
      case 1: ResizeHuge(t.cutoffs, rows); break;
      case 2: ResizeHuge(t.labels, rows); break;
      case 3: ResizeHuge(t.churn_kinds, rows); break;
      case 4: ResizeHuge(t.churn_spans, rows); break;
      case 5: ResizeHuge(t.days_to_next_purchase, rows); break;
      case 6: ResizeHuge(t.observed_days, rows); break;
      case 7: ResizeHuge(t.segments, rows); break;
      default: ResizeHuge(t.columns[j - 8], rows); break;
    }
  });
  if (!status.ok()) {
    std::fprintf(stderr, "allocating the table shape failed: %s\n", status.ToString().c_str());
    std::exit(1);
  }
}
}  // namespace

int main(int argc, char** argv) {
  using namespace churnwatch;
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  bench::ScaleOptions o;
  if (argc > 2) o.customers = std::atoi(argv[2]);
  if (argc > 3) o.transactions = std::atol(argv[3]);
  if (argc > 4) o.events = std::atol(argv[4]);

  Clock t0 = Clock::Now();
  ColumnarBuilder builder;
  builder.Reserve(static_cast<std::size_t>(o.transactions * 1.05), static_cast<std::size_t>(o.events * 1.05));
  bench::GenerateInto(builder, o);
  const double gen_s = Since(t0).wall;
  const double rss_staged = CurrentRssMb();

  t0 = Clock::Now();
  const RetailColumns cols = builder.Finish(threads);
  const Span build = Since(t0);
  const double rss_columns = CurrentRssMb();

  const DayNumber last = cols.last_day - 90 + 1;  // last cutoff with a complete 90-day window
  FeatureOptions opt;
  opt.threads = threads;
  std::vector<DayNumber> twelve;
  for (int k = 11; k >= 0; --k) twelve.push_back(last - 30 * k);
  // Each twice: the first run takes its output memory fresh from the system (on this
  // virtual machine the first touch of fresh memory is expensive system time), the repeat
  // gets the pages the previous table gave back.
  Span one_s[2], twelve_s[2];
  std::size_t one_rows = 0, many_rows = 0, n_features = 0;
  double rss_peak_twelve = 0;
  for (int rep = 0; rep < 2; ++rep) {
    t0 = Clock::Now();
    auto one = BuildFeatureTable(cols, std::span<const DayNumber>(&last, 1), opt);
    one_s[rep] = Since(t0);
    if (!one.ok()) {
      std::fprintf(stderr, "%s\n", one.status().ToString().c_str());
      return 1;
    }
    one_rows = one->num_rows();
    n_features = one->num_features();
    one = FeatureTable{};
    t0 = Clock::Now();
    auto many = BuildFeatureTable(cols, twelve, opt);
    twelve_s[rep] = Since(t0);
    if (!many.ok()) return 1;
    many_rows = many->num_rows();
    if (rep == 0) rss_peak_twelve = PeakRssMb();
  }

  // The floor: allocating the output tables' columns alone (pages given back by the runs).
  t0 = Clock::Now();
  AllocateTableShape(one_rows, n_features, threads);
  const Span one_alloc = Since(t0);
  t0 = Clock::Now();
  AllocateTableShape(many_rows, n_features, threads);
  const Span twelve_alloc = Since(t0);

  std::printf("synthetic: %zu customers, %zu transactions, %zu events, %d threads\n", cols.num_customers(),
              cols.num_transactions(), cols.num_events(), threads);
  std::printf("generate rows (not engine time): %.2f s, RSS with staged rows %.0f MB\n", gen_s, rss_staged);
  std::printf("build columns (sort into CSR):   %s\n", Show(build).c_str());
  std::printf("columns: %.1f bytes/transaction (transaction columns + offsets); all columns %.0f MB; RSS after build %.0f MB\n",
              cols.TransactionBytesPerRow(), static_cast<double>(cols.MemoryBytes()) / 1048576.0, rss_columns);
  for (int rep = 0; rep < 2; ++rep) {
    const char* what = rep == 0 ? "first run, fresh memory" : "repeat, reused memory";
    std::printf("one cutoff  (%s), %s: %s; %zu eligible rows x %zu features\n", FormatIsoDate(last).c_str(), what,
                Show(one_s[rep]).c_str(), one_rows, n_features);
    std::printf("twelve cutoffs (monthly), %s: %s; %zu rows (%.1f x the rows of one cutoff)\n", what,
                Show(twelve_s[rep]).c_str(), many_rows, static_cast<double>(many_rows) / static_cast<double>(one_rows));
    std::printf("  twelve / one cutoff (features, the issue's ratio), %s: %.2f x wall, %.2f x CPU, %.2f x user CPU\n", what,
                twelve_s[rep].wall / one_s[rep].wall, twelve_s[rep].cpu() / one_s[rep].cpu(),
                twelve_s[rep].user / one_s[rep].user);
  }
  std::printf("incl. building columns (first runs): one %.2f s, twelve %.2f s wall (%.2f x); CPU %.2f s vs %.2f s (%.2f x)\n",
              build.wall + one_s[0].wall, build.wall + twelve_s[0].wall,
              (build.wall + twelve_s[0].wall) / (build.wall + one_s[0].wall), build.cpu() + one_s[0].cpu(),
              build.cpu() + twelve_s[0].cpu(), (build.cpu() + twelve_s[0].cpu()) / (build.cpu() + one_s[0].cpu()));
  std::printf("incl. building columns (repeats, output memory reused): one %.2f s, twelve %.2f s wall (%.2f x); CPU %.2f s vs %.2f s (%.2f x)\n",
              build.wall + one_s[1].wall, build.wall + twelve_s[1].wall,
              (build.wall + twelve_s[1].wall) / (build.wall + one_s[1].wall), build.cpu() + one_s[1].cpu(),
              build.cpu() + twelve_s[1].cpu(), (build.cpu() + twelve_s[1].cpu()) / (build.cpu() + one_s[1].cpu()));
  // Twelve cutoffs emit many more rows than one; per output row the list is cheaper (the
  // customer's walk and pass 1 are shared), so the ratio above is set by the row count.
  std::printf("user CPU per output row (repeats): one cutoff %.2f us, twelve cutoffs %.2f us\n",
              one_s[1].user / static_cast<double>(one_rows) * 1e6, twelve_s[1].user / static_cast<double>(many_rows) * 1e6);
  std::printf("floor, only allocating output columns of the same shape (reused memory): one %s; twelve %s\n",
              Show(one_alloc).c_str(), Show(twelve_alloc).c_str());
  std::printf("output table of twelve cutoffs: %.0f MB (%.0f bytes/row); peak RSS with it: %.0f MB\n",
              static_cast<double>(many_rows) * (static_cast<double>(n_features) * 8 + sizeof(std::string) + 4 + 3 + 16 + sizeof(SegmentRow)) / 1048576.0,
              static_cast<double>(n_features) * 8 + sizeof(std::string) + 4 + 3 + 16 + sizeof(SegmentRow), rss_peak_twelve);
  std::printf("peak RSS: %.0f MB; load average at the end: ", PeakRssMb());
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    char buf[64] = {0};
    if (std::fgets(buf, sizeof buf, f)) std::fputs(buf, stdout);
    std::fclose(f);
  }
  return 0;
}

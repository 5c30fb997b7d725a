// csv_parse: our CSV reader doing the job pandas.read_csv does by default, timed on the
// same file as pandas in bench/ingest/run.sh. It measures exactly this: map the file, cut it
// into runs of whole records (quote-aware), and on N threads split every record into fields
// (quote-aware, escapes undone) and build one typed column per CSV column — the named
// numeric columns parsed into int64 / float64 vectors (empty -> NaN for float columns),
// every other column kept as text references into the file (quoted text with escapes copied
// once). Dates stay
// text, as pandas leaves them by default. No mapping, no conversion to canonical rows, no
// duplicate or reject handling: that is ingest_parse's line.
//   csv_parse FILE THREADS INT_COLUMNS FLOAT_COLUMNS     (column lists comma-separated)
#include <sys/mman.h>
#include <sys/resource.h>

#include <condition_variable>
#include <chrono>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "churnwatch/csv_reader.h"
#include "ingest/value_parsers.h"

namespace {

using churnwatch::CsvDialect;
using churnwatch::CsvReader;
using churnwatch::CsvRecord;
using churnwatch::Status;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

enum class Kind { kText, kInt, kFloat };

// Where one thread's output columns live: a bump allocator over address space reserved up
// front and backed by 2 MiB pages. The columns are tens of MiB of fresh memory (five text
// columns of 8-byte references are 22 MiB on Online Retail); taken 4 KiB page by 4 KiB page
// they cost a page fault each, and both threads faulting at once contend in the kernel:
// that was a fifth of the parse's CPU time. The memory is still zeroed by the kernel and
// kept until exit, like pandas' arrays.
class ColumnArena {
 public:
  ColumnArena() {
    void* p = ::mmap(nullptr, kReserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    // 2 MiB-aligned start, so every huge page lies inside the region.
    base_ = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) / kHuge * kHuge);
    ::madvise(base_, kReserve - kHuge, MADV_HUGEPAGE);
  }
  ColumnArena(const ColumnArena&) = delete;
  ColumnArena& operator=(const ColumnArena&) = delete;
  void* Allocate(std::size_t bytes) {
    const std::size_t at = (used_ + 63) / 64 * 64;
    if (at + bytes > kReserve - kHuge) throw std::bad_alloc();
    used_ = at + bytes;
    return base_ + at;
  }

 private:
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  static constexpr std::size_t kReserve = std::size_t{16} << 30;  // address space only
  char* base_ = nullptr;
  std::size_t used_ = 0;
};

// std::vector storage from a ColumnArena (freed only with the arena, i.e. never here).
template <typename T>
struct ArenaAllocator {
  using value_type = T;
  ColumnArena* arena;
  explicit ArenaAllocator(ColumnArena* a) : arena(a) {}
  template <typename U>
  ArenaAllocator(const ArenaAllocator<U>& o) : arena(o.arena) {}
  T* allocate(std::size_t n) { return static_cast<T*>(arena->Allocate(n * sizeof(T))); }
  void deallocate(T*, std::size_t) {}
  template <typename U>
  bool operator==(const ArenaAllocator<U>& o) const { return arena == o.arena; }
};
template <typename T>
using Column = std::vector<T, ArenaAllocator<T>>;

// One text value: where it lies in its run, or (kUnescaped set in `size`) in the run's
// buffer of unescaped quoted text. Half the size of a string_view: the text columns are
// most of the output, and on this VM every fresh MiB costs about as much to touch as 2 MiB
// of the file costs to parse. A run is at most a few MiB, so 32-bit offsets suffice.
struct TextRef {
  static constexpr std::uint32_t kUnescaped = std::uint32_t{1} << 31;
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

// The typed columns of one run; runs are kept in file order, as pandas' chunks are.
struct RunColumns {
  std::string_view run;  // the bytes the text references point into
  std::vector<Column<std::int64_t>> ints;
  std::vector<Column<double>> floats;
  std::vector<Column<TextRef>> texts;
  std::string unescaped;  // quoted text with escapes, undone
  std::int64_t rows = 0, bad = 0;

  std::string_view Text(const TextRef& r) const {
    return (r.size & TextRef::kUnescaped) != 0 ? std::string_view(unescaped).substr(r.offset, r.size & ~TextRef::kUnescaped)
                                               : run.substr(r.offset, r.size);
  }
};

struct Parser {
  std::vector<Kind> kinds;
  std::vector<int> slot;  // column -> index into its kind's vectors
  int n_int = 0, n_float = 0, n_text = 0;
  churnwatch::ingest::NumberFormat number_format{};

  void Parse(std::string_view run, std::int64_t first_line, CsvReader& reader, CsvRecord& rec, ColumnArena& arena,
             RunColumns& out) const {
    out.ints.assign(static_cast<std::size_t>(n_int), Column<std::int64_t>(ArenaAllocator<std::int64_t>(&arena)));
    out.floats.assign(static_cast<std::size_t>(n_float), Column<double>(ArenaAllocator<double>(&arena)));
    out.texts.assign(static_cast<std::size_t>(n_text), Column<TextRef>(ArenaAllocator<TextRef>(&arena)));
    out.run = run;
    if (run.size() >= TextRef::kUnescaped) throw std::length_error("a run of 2 GiB or more cannot be referenced");
    // Online Retail averages 87 bytes a record: reserve so the loop rarely reallocates.
    const std::size_t guess = run.size() / 80 + 16;
    for (auto& v : out.ints) v.reserve(guess);
    for (auto& v : out.floats) v.reserve(guess);
    for (auto& v : out.texts) v.reserve(guess);
    reader.Reset(run, first_line);
    const char* lo = run.data();
    const char* hi = run.data() + run.size();
    for (;;) {
      auto more = reader.Next(rec);
      if (!more.ok() || !*more) break;
      if (rec.fields.size() != kinds.size()) {
        ++out.bad;  // pandas raises on these; we count them and go on
        continue;
      }
      ++out.rows;
      for (std::size_t c = 0; c < kinds.size(); ++c) {
        const std::string_view f = rec.fields[c];
        const auto s = static_cast<std::size_t>(slot[c]);
        switch (kinds[c]) {
          case Kind::kInt: {
            std::int64_t v = 0;
            if (std::from_chars(f.data(), f.data() + f.size(), v).ec != std::errc()) ++out.bad;
            out.ints[s].push_back(v);
            break;
          }
          case Kind::kFloat: {
            double v = std::numeric_limits<double>::quiet_NaN();
            if (!f.empty() && !churnwatch::ingest::ParseNumber(f, number_format, v)) ++out.bad;
            out.floats[s].push_back(v);
            break;
          }
          case Kind::kText:
            // Text inside the run is referenced where it is; unescaped quoted text lives in
            // the reader's per-record scratch, so it is copied once.
            if (f.empty() || (f.data() >= lo && f.data() + f.size() <= hi)) {
              out.texts[s].push_back({f.empty() ? 0 : static_cast<std::uint32_t>(f.data() - lo), static_cast<std::uint32_t>(f.size())});
            } else {
              out.texts[s].push_back({static_cast<std::uint32_t>(out.unescaped.size()), static_cast<std::uint32_t>(f.size()) | TextRef::kUnescaped});
              out.unescaped.append(f);
            }
            break;
        }
      }
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: csv_parse FILE THREADS INT_COLUMNS FLOAT_COLUMNS\n");
    return 2;
  }
  const std::string path = argv[1];
  const int threads = std::max(1, std::atoi(argv[2]));
  const auto int_cols = SplitList(argv[3]);
  const auto float_cols = SplitList(argv[4]);

  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  auto opened = CsvReader::Open(path, CsvDialect{});
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  CsvReader& reader = **opened;
  CsvRecord header;
  auto got = reader.Next(header);
  if (!got.ok() || !*got) {
    std::fprintf(stderr, "%s: no header\n", path.c_str());
    return 1;
  }
  Parser parser;
  std::vector<std::string> names;
  for (auto f : header.fields) {
    names.emplace_back(f);
    Kind k = Kind::kText;
    for (const auto& n : int_cols) k = n == f ? Kind::kInt : k;
    for (const auto& n : float_cols) k = n == f ? Kind::kFloat : k;
    parser.kinds.push_back(k);
    parser.slot.push_back(k == Kind::kInt ? parser.n_int++ : k == Kind::kFloat ? parser.n_float++ : parser.n_text++);
  }

  // Runs of whole records in file order (a quote-aware cut every 1 MiB of the mapping),
  // cut on this thread while the others already parse the runs cut so far; then this thread
  // parses too. Runs are views into the mapping (gzip input would be copied into storage).
  struct Run {
    std::string storage;
    std::string_view bytes;
    std::int64_t first_line = 0;
  };
  std::deque<Run> runs;  // grows at the back only, so a Run's address never changes
  std::deque<RunColumns> columns;
  std::mutex mu;
  std::condition_variable cv;
  bool cut_done = false;
  std::size_t next = 0;
  // The next run to parse, or nullptr when all are taken and the cut is finished.
  auto take = [&](bool wait) -> std::pair<const Run*, RunColumns*> {
    std::unique_lock lock(mu);
    if (wait) cv.wait(lock, [&] { return cut_done || next < runs.size(); });
    if (next < runs.size()) {
      ++next;
      return {&runs[next - 1], &columns[next - 1]};
    }
    return {nullptr, nullptr};
  };
  std::deque<ColumnArena> arenas(static_cast<std::size_t>(threads));
  auto work = [&](ColumnArena& arena) {
    auto mem = CsvReader::ForMemory(CsvDialect{});
    CsvRecord rec;
    for (auto [run, out] = take(true); run != nullptr; std::tie(run, out) = take(true))
      parser.Parse(run->bytes, run->first_line, *mem, rec, arena, *out);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, std::ref(arenas[static_cast<std::size_t>(t)]));
  Status cut_status;
  for (;;) {
    Run r;
    auto more = reader.NextChunk(r.storage, r.bytes, r.first_line, std::size_t{1} << 20);
    if (!more.ok() || !*more) {
      if (!more.ok()) cut_status = more.status();
      break;
    }
    {
      std::lock_guard lock(mu);
      runs.push_back(std::move(r));
      if (!runs.back().storage.empty()) runs.back().bytes = runs.back().storage;  // moved string: re-point
      columns.emplace_back();
    }
    cv.notify_one();
  }
  {
    std::lock_guard lock(mu);
    cut_done = true;
  }
  cv.notify_all();
  work(arenas[0]);
  for (auto& t : pool) t.join();
  if (!cut_status.ok()) {
    std::fprintf(stderr, "%s\n", cut_status.ToString().c_str());
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;

  // Totals over the typed columns, so the work cannot be optimised away and can be checked.
  std::int64_t rows = 0, bad = 0, int_sum = 0, float_nan = 0;
  double float_sum = 0;
  std::size_t text_bytes = 0;
  for (const auto& c : columns) {
    rows += c.rows;
    bad += c.bad;
    for (const auto& v : c.ints)
      for (auto x : v) int_sum += x;
    for (const auto& v : c.floats)
      for (auto x : v) std::isnan(x) ? ++float_nan : (float_sum += x, 0);
    for (const auto& v : c.texts)
      for (const auto& x : v) text_bytes += c.Text(x).size();
  }
  std::printf("rows=%lld columns=%zu int_columns=%d float_columns=%d text_columns=%d bad=%lld int_sum=%lld "
              "float_sum=%.2f float_missing=%lld text_bytes=%zu threads=%d seconds=%.4f cpu_seconds=%.4f\n",
              static_cast<long long>(rows), names.size(), parser.n_int, parser.n_float, parser.n_text,
              static_cast<long long>(bad), static_cast<long long>(int_sum), float_sum, static_cast<long long>(float_nan),
              text_bytes, threads, secs, cpu);
  return bad == 0 ? 0 : 1;
}

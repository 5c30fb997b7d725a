// The CSV reader. Plain files are mapped and read in place; gzip is decompressed into a
// block buffer. Hot path: a record without any quote character is split in one pass that
// finds delimiters, quotes and the line end 32 bytes (AVX2, chosen at run time) or 16 bytes
// (SSE2) at a time, with a byte loop for the tail and for other CPUs; fields point straight
// into the data. Only records that contain a quote take the byte-at-a-time state machine,
// which unescapes quoted fields into a per-record scratch buffer sized up front (so views
// into it never move).
#include "churnwatch/csv_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CW_CSV_AVX2 1
#endif

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace churnwatch {
namespace {

inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

gzFile AsGz(void* p) { return static_cast<gzFile>(p); }

// Where the one-pass split of an unquoted record stands: the current field's start, the
// scan position, and whether the scan stopped at the line end or at a quote.
struct SplitState {
  const char* f;
  const char* s;
  bool quoted = false;
  bool at_end = false;
};

#ifdef CW_CSV_AVX2
// 32 bytes at a time on CPUs with AVX2 (checked once at run time; the build stays baseline
// x86-64): a mask of the delimiters, quotes and line ends, fields cut at each set bit.
// Leaves fewer than 32 bytes (or a stop) for the 16-byte and byte loops.
__attribute__((target("avx2"))) void SplitAvx2(const char* e, char d, char q, SplitState& st,
                                               std::vector<std::string_view>& fields) {
  const __m256i vn = _mm256_set1_epi8('\n'), vd = _mm256_set1_epi8(d), vq = _mm256_set1_epi8(q);
  while (!st.at_end && e - st.s >= 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(st.s));
    auto m = static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, vn), _mm256_cmpeq_epi8(x, vd)), _mm256_cmpeq_epi8(x, vq))));
    while (m != 0) {
      const char* h = st.s + __builtin_ctz(m);
      m &= m - 1;
      if (*h == '\n') {
        st.s = h;
        st.at_end = true;
        break;
      }
      if (*h == q) {
        st.quoted = true;
        st.at_end = true;
        break;
      }
      fields.emplace_back(st.f, static_cast<std::size_t>(h - st.f));
      st.f = h + 1;
    }
    if (!st.at_end) st.s += 32;
  }
}
// __builtin_cpu_init first: this initialiser may run before libgcc's own CPU probe.
const bool kHasAvx2 = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
#endif

}  // namespace

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, const CsvDialect& dialect,
                                                    std::size_t block_size) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return Status::NotFound("input file not found: " + path);
  if (std::filesystem::is_directory(status)) return Status::IOError("input is a directory, not a file: " + path);

  std::unique_ptr<CsvReader> r(new CsvReader());
  r->path_ = path;
  r->dialect_ = dialect;
  r->file_size_ = std::filesystem::file_size(path, ec);
  if (ec) r->file_size_ = 0;

  // gzip is recognised by its magic bytes; zlib reads plain files transparently anyway, we
  // only record which it was for the summary.
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    unsigned char magic[2] = {0, 0};
    r->gzip_ = std::fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    std::fclose(f);
  } else {
    return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  }
  r->block_size_ = std::max<std::size_t>(block_size, 64);
  r->scratch_.reserve(4096);
  if (!r->gzip_ && r->file_size_ > 0 && r->MapFile()) return r;
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  gzbuffer(gz, 1u << 20);
  r->gz_ = gz;
  r->buf_.resize(r->block_size_);
  r->data_ = r->buf_.data();
  return r;
}

bool CsvReader::MapFile() {
  // A plain file is read in place: no read() copy into a block buffer and no second copy
  // into each run. Falls back to block reads when the file cannot be mapped (a pipe, /proc).
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  void* p = ::mmap(nullptr, file_size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return false;
  ::madvise(p, file_size_, MADV_SEQUENTIAL);
  map_ = static_cast<const char*>(p);
  map_size_ = file_size_;
  data_ = map_;
  end_ = map_size_;
  eof_ = true;
  first_block_ = false;
  if (end_ >= 3 && std::memcmp(map_, "\xEF\xBB\xBF", 3) == 0) begin_ = 3;  // UTF-8 BOM
  return true;
}

void CsvReader::Release(std::string_view run) {
  if (map_ == nullptr || run.empty()) return;
  // Only whole pages inside the run: its first and last pages may hold a neighbour's bytes.
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  auto b = reinterpret_cast<std::uintptr_t>(run.data());
  auto e = b + run.size();
  b = (b + page - 1) / page * page;
  e = e / page * page;
  if (e > b) ::madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED);
}

std::unique_ptr<CsvReader> CsvReader::ForMemory(const CsvDialect& dialect) {
  std::unique_ptr<CsvReader> r(new CsvReader());
  r->dialect_ = dialect;
  r->path_ = "(memory)";
  r->eof_ = true;
  r->first_block_ = false;
  r->scratch_.reserve(4096);
  return r;
}

void CsvReader::Reset(std::string_view data, std::int64_t first_line) {
  data_ = data.data();
  begin_ = 0;
  end_ = data.size();
  next_line_ = first_line;
}

void CsvReader::Unread() {
  begin_ = last_begin_;
  next_line_ = last_line_;
}

const char* CsvReader::LastRecordEnd(const char* e) {
  // Quoted regions [open, close] of the block: a newline inside one is not a record end.
  // A quote opens a region only at the start of a field (as ScanRecord reads it): right
  // after a delimiter, a line end, or at the start of the block (a record boundary).
  const char q = dialect_.quote;
  const char* b = data_ + begin_;
  quoted_.clear();
  bool in = false;
  const char* open = nullptr;
  for (const char* p = b;;) {
    const char* hit = static_cast<const char*>(std::memchr(p, q, static_cast<std::size_t>(e - p)));
    if (hit == nullptr) break;
    if (!in) {
      const char prev = hit == b ? '\n' : hit[-1];
      const bool start = prev == '\n' || (dialect_.whitespace ? (prev == ' ' || prev == '\t') : prev == dialect_.delimiter);
      if (start) {
        in = true;
        open = hit;
      }
      p = hit + 1;
    } else {
      if (hit + 1 == e) break;  // "" or a closing quote: undecided, treat the region as open
      if (hit[1] == q) {
        p = hit + 2;
        continue;
      }
      in = false;
      quoted_.emplace_back(open, hit);
      p = hit + 1;
    }
  }
  if (in) quoted_.emplace_back(open, e);
  const char* lim = e;
  for (;;) {
    const char* nl = static_cast<const char*>(memrchr(b, '\n', static_cast<std::size_t>(lim - b)));
    if (nl == nullptr) return nullptr;
    // The last region opening before the newline: inside it, retry before its opening quote.
    auto it = std::upper_bound(quoted_.begin(), quoted_.end(), nl,
                               [](const char* x, const std::pair<const char*, const char*>& r) { return x < r.first; });
    if (it != quoted_.begin() && nl < std::prev(it)->second) {
      lim = std::prev(it)->first;
      continue;
    }
    return nl + 1;
  }
}

Result<bool> CsvReader::NextChunk(std::string& out, std::int64_t& first_line, std::size_t target_bytes) {
  std::string_view run;
  CW_ASSIGN_OR_RETURN(bool got, NextChunk(out, run, first_line, target_bytes));
  if (got && run.data() != out.data()) out.assign(run);
  return got;
}

// Counts line ends 16 bytes at a time: the cut of runs is serial, so it must be cheap (a
// memchr per ~100-byte line, or a byte loop, was a tenth of the benchmark's parse time).
// Per-byte counters (a match is -1, subtracted) are summed with SAD before they can wrap;
// this avoids popcount, which baseline x86-64 turns into a library call.
static std::int64_t CountNewlines(const char* b, const char* e) {
  std::int64_t n = 0;
#ifdef __SSE2__
  const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
  auto sum = [&](__m128i acc) {
    const __m128i s = _mm_sad_epu8(acc, zero);
    return static_cast<std::int64_t>(_mm_cvtsi128_si64(s) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s)));
  };
  __m128i acc = zero;
  int k = 0;
  for (; e - b >= 16; b += 16) {
    acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)), nl));
    if (++k == 255) {
      n += sum(acc);
      acc = zero;
      k = 0;
    }
  }
  n += sum(acc);
#endif
  return n + std::count(b, e, '\n');
}

Result<bool> CsvReader::NextMappedChunk(std::string_view& run, std::int64_t& first_line, std::size_t target_bytes) {
  if (begin_ == end_) return false;
  std::size_t want = std::max<std::size_t>(target_bytes, 64);
  const char* stop = nullptr;
  for (;;) {
    if (end_ - begin_ <= want) {
      stop = data_ + end_;
      break;
    }
    stop = LastRecordEnd(data_ + begin_ + want);
    if (stop != nullptr) break;
    if (want >= kMaxRecordBytes)
      return Status::DataError(path_ + ":" + std::to_string(next_line_) + ": record is longer than " +
                               std::to_string(kMaxRecordBytes >> 20) +
                               " MiB (an unterminated quote swallowing the rest of the file?)");
    want *= 2;
  }
  const char* b = data_ + begin_;
  run = std::string_view(b, static_cast<std::size_t>(stop - b));
  first_line = next_line_;
  next_line_ += CountNewlines(b, stop);
  begin_ = static_cast<std::size_t>(stop - data_);
  return true;
}

Result<bool> CsvReader::NextChunk(std::string& out, std::string_view& run, std::int64_t& first_line,
                                  std::size_t target_bytes) {
  if (map_ != nullptr) return NextMappedChunk(run, first_line, target_bytes);
  out.clear();
  target_bytes = std::max<std::size_t>(target_bytes, 64);
  if (buf_.size() < 2 * target_bytes) {
    buf_.resize(2 * target_bytes);
    data_ = buf_.data();
  }
  std::size_t want = target_bytes;
  for (;;) {
    while (!eof_ && (first_block_ || end_ - begin_ < want)) {
      if (buf_.size() - (end_ - begin_) < want) {
        buf_.resize(std::max(buf_.size() * 2, (end_ - begin_) + want));
        data_ = buf_.data();
      }
      CW_RETURN_IF_ERROR(Fill());
    }
    if (begin_ == end_) return false;
    const char* stop = eof_ ? data_ + end_ : LastRecordEnd(data_ + end_);
    if (stop == nullptr) {
      // One record is longer than the block: read more, within the record size limit.
      if (end_ - begin_ >= kMaxRecordBytes)
        return Status::DataError(path_ + ":" + std::to_string(next_line_) + ": record is longer than " +
                                 std::to_string(kMaxRecordBytes >> 20) +
                                 " MiB (an unterminated quote swallowing the rest of the file?)");
      want = (end_ - begin_) * 2;
      continue;
    }
    const char* b = data_ + begin_;
    out.assign(b, stop);
    run = out;
    first_line = next_line_;
    next_line_ += CountNewlines(b, stop);
    begin_ = static_cast<std::size_t>(stop - data_);
    return true;
  }
}

CsvReader::~CsvReader() {
  if (gz_ != nullptr) gzclose(AsGz(gz_));
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_size_);
}

std::uint64_t CsvReader::bytes_consumed() const {
  if (map_ != nullptr) return begin_;
  if (eof_) return file_size_;
  z_off_t off = gzoffset(AsGz(gz_));
  return off < 0 ? 0 : static_cast<std::uint64_t>(off);
}

Status CsvReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) {
    // One record fills the whole buffer: grow it, within the record size limit.
    if (buf_.size() >= kMaxRecordBytes)
      return Status::DataError(path_ + ":" + std::to_string(next_line_) + ": record is longer than " +
                               std::to_string(kMaxRecordBytes >> 20) +
                               " MiB (an unterminated quote swallowing the rest of the file?)");
    buf_.resize(std::min(buf_.size() * 2, kMaxRecordBytes));
  }
  data_ = buf_.data();
  std::size_t want = std::min<std::size_t>(buf_.size() - end_, INT_MAX);
  int n = gzread(AsGz(gz_), buf_.data() + end_, static_cast<unsigned>(want));
  // gzread reports a stream cut short (a truncated download, a partial copy) as a plain end
  // of input (0) and keeps the reason in gzerror (Z_BUF_ERROR, "unexpected end of file");
  // without this check a truncated export would load its first part as if it were whole.
  int err = Z_OK;
  const char* msg = n <= 0 ? gzerror(AsGz(gz_), &err) : nullptr;
  if (n < 0 || err != Z_OK) {
    std::string why = msg != nullptr && *msg != 0 ? msg : "unknown error";
    if (why.starts_with(path_ + ": ")) why.erase(0, path_.size() + 2);  // zlib prefixes the path
    if (!gzip_) return Status::IOError(path_ + ": read failed after " + std::to_string(decompressed_) + " bytes: " + why);
    return Status::IOError(path_ + ": the gzip data is truncated or corrupt (" + why + ") after " +
                           std::to_string(decompressed_) + " uncompressed bytes, near line " + std::to_string(next_line_) +
                           " (copy or download the file again)");
  }
  if (n == 0) eof_ = true;
  decompressed_ += static_cast<std::uint64_t>(n);
  end_ += static_cast<std::size_t>(n);
  if (first_block_ && (end_ >= 3 || eof_)) {
    first_block_ = false;
    if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) begin_ = 3;  // UTF-8 BOM
  }
  return Status::OK();
}

Result<bool> CsvReader::Next(CsvRecord& record) {
  for (;;) {
    if (begin_ < end_ && !first_block_) {
      if (ScanRecord(record) == Scan::kRecord) return true;
      if (eof_) return false;  // only blank lines were left
    } else if (eof_) {
      return false;
    }
    CW_RETURN_IF_ERROR(Fill());
  }
}

// NOLINTNEXTLINE(readability-function-size): the CSV scanner, one hot loop (.clang-tidy)
CsvReader::Scan CsvReader::ScanRecord(CsvRecord& record) {
  const char q = dialect_.quote;
  for (;;) {
    const char* base = data_;
    const char* p = base + begin_;
    const char* e = base + end_;
    if (p == e) return Scan::kNeedMore;
    if (!dialect_.whitespace) {
      // One pass over the record: split at delimiters until the line end; a quote anywhere
      // sends the record to the quote-aware path below.
      const char d = dialect_.delimiter;
      record.fields.clear();
      SplitState st{p, p};
#ifdef CW_CSV_AVX2
      if (kHasAvx2) SplitAvx2(e, d, q, st, record.fields);
#endif
      const char* f = st.f;
      const char* s = st.s;
      bool quoted = st.quoted;
      bool at_end = st.at_end;  // s is at the line end (or at e)
#ifdef __SSE2__
      // 16 bytes at a time: a mask of the delimiters, quotes and line ends in them.
      const __m128i vn = _mm_set1_epi8('\n'), vd = _mm_set1_epi8(d), vq = _mm_set1_epi8(q);
      while (!at_end && e - s >= 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
        auto m = static_cast<unsigned>(_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vn), _mm_cmpeq_epi8(x, vd)), _mm_cmpeq_epi8(x, vq))));
        while (m != 0) {
          const char* h = s + __builtin_ctz(m);
          m &= m - 1;
          if (*h == '\n') {
            s = h;
            at_end = true;
            break;
          }
          if (*h == q) {
            quoted = true;
            at_end = true;
            break;
          }
          record.fields.emplace_back(f, static_cast<std::size_t>(h - f));
          f = h + 1;
        }
        if (!at_end) s += 16;
      }
#endif
      for (; !at_end && s < e; ++s) {
        const char c = *s;
        if (c == '\n') break;
        if (c == d) {
          record.fields.emplace_back(f, static_cast<std::size_t>(s - f));
          f = s + 1;
        } else if (c == q) {
          quoted = true;
          break;
        }
      }
      if (!quoted) {
        if (s == e && !eof_) return Scan::kNeedMore;
        const char* content_end = s;
        if (content_end > p && content_end[-1] == '\r') --content_end;
        begin_ = s < e ? static_cast<std::size_t>(s + 1 - base) : end_;
        if (content_end == p) {  // blank line
          ++next_line_;
          continue;
        }
        record.fields.emplace_back(f, static_cast<std::size_t>(content_end - f < 0 ? 0 : content_end - f));
        last_begin_ = static_cast<std::size_t>(p - base);
        last_line_ = next_line_;
        record.line = next_line_++;
        record.raw = std::string_view(p, static_cast<std::size_t>(content_end - p));
        record.unterminated_quote = false;
        return Scan::kRecord;
      }
    } else {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p)));
      if (nl == nullptr && !eof_) return Scan::kNeedMore;
      const char* line_end = nl != nullptr ? nl : e;
      if (std::memchr(p, q, static_cast<std::size_t>(line_end - p)) == nullptr) {
        const char* content_end = line_end;
        if (content_end > p && content_end[-1] == '\r') --content_end;
        bool blank = std::all_of(p, content_end, IsBlank);
        begin_ = nl != nullptr ? static_cast<std::size_t>(nl + 1 - base) : end_;
        if (blank) {
          ++next_line_;
          continue;
        }
        last_begin_ = static_cast<std::size_t>(p - base);
        last_line_ = next_line_;
        record.line = next_line_++;
        record.raw = std::string_view(p, static_cast<std::size_t>(content_end - p));
        record.unterminated_quote = false;
        SplitPlain(p, content_end, record);
        return Scan::kRecord;
      }
    }

    // Slow path: find where the record ends, honouring quotes (which may hide newlines).
    bool in_quotes = false;
    bool field_start = true;
    std::int64_t newlines = 0;
    const char* s = p;
    while (s < e) {
      char c = *s;
      if (in_quotes) {
        if (c == q) {
          if (s + 1 == e && !eof_) return Scan::kNeedMore;  // "" or closing quote? need the next byte
          if (s + 1 < e && s[1] == q) {
            s += 2;
            continue;
          }
          in_quotes = false;
        } else if (c == '\n') {
          ++newlines;
        }
        ++s;
        continue;
      }
      if (c == '\n') break;
      if (field_start && c == q) {
        in_quotes = true;
        field_start = false;
      } else if (dialect_.whitespace) {
        field_start = c == ' ' || c == '\t';
      } else {
        field_start = c == dialect_.delimiter;
      }
      ++s;
    }
    if (s == e && !eof_) return Scan::kNeedMore;
    const char* content_end = s;
    if (!in_quotes && content_end > p && content_end[-1] == '\r') --content_end;
    begin_ = s < e ? static_cast<std::size_t>(s + 1 - base) : end_;
    last_begin_ = static_cast<std::size_t>(p - base);
    last_line_ = next_line_;
    record.line = next_line_;
    next_line_ += newlines + 1;
    record.raw = std::string_view(p, static_cast<std::size_t>(content_end - p));
    record.unterminated_quote = in_quotes;
    SplitQuoted(p, content_end, record);
    return Scan::kRecord;
  }
}

void CsvReader::SplitPlain(const char* b, const char* e, CsvRecord& record) {
  record.fields.clear();
  if (dialect_.whitespace) {
    const char* s = b;
    while (s < e) {
      while (s < e && IsBlank(*s)) ++s;
      if (s == e) break;
      const char* f = s;
      while (s < e && !IsBlank(*s)) ++s;
      record.fields.emplace_back(f, static_cast<std::size_t>(s - f));
    }
    return;
  }
  const char d = dialect_.delimiter;
  const char* s = b;
  for (;;) {
    const char* hit = static_cast<const char*>(std::memchr(s, d, static_cast<std::size_t>(e - s)));
    if (hit == nullptr) {
      record.fields.emplace_back(s, static_cast<std::size_t>(e - s));
      return;
    }
    record.fields.emplace_back(s, static_cast<std::size_t>(hit - s));
    s = hit + 1;
  }
}

void CsvReader::SplitQuoted(const char* b, const char* e, CsvRecord& record) {
  record.fields.clear();
  // Unescaped text is never longer than the record, so this one resize keeps views stable.
  if (scratch_.size() < static_cast<std::size_t>(e - b)) scratch_.resize(static_cast<std::size_t>(e - b));
  char* w = scratch_.data();
  const char q = dialect_.quote;
  const bool ws = dialect_.whitespace;
  const char d = dialect_.delimiter;
  auto is_sep = [&](char c) { return ws ? (c == ' ' || c == '\t' || c == '\r') : c == d; };

  const char* s = b;
  if (ws) {
    while (s < e && IsBlank(*s)) ++s;
    if (s == e) return;
  }
  for (;;) {
    if (s < e && *s == q) {
      ++s;
      char* start = w;
      while (s < e) {
        if (*s == q) {
          if (s + 1 < e && s[1] == q) {
            *w++ = q;
            s += 2;
            continue;
          }
          ++s;
          break;
        }
        *w++ = *s++;
      }
      // Text after the closing quote (lenient, as Python's csv module) joins the field.
      while (s < e && !is_sep(*s)) *w++ = *s++;
      record.fields.emplace_back(start, static_cast<std::size_t>(w - start));
    } else {
      const char* f = s;
      while (s < e && !is_sep(*s)) ++s;
      record.fields.emplace_back(f, static_cast<std::size_t>(s - f));
    }
    if (s >= e) return;
    if (ws) {
      while (s < e && IsBlank(*s)) ++s;
      if (s == e) return;
    } else {
      ++s;  // the delimiter
      if (s == e) {
        record.fields.emplace_back();  // a trailing delimiter ends with an empty field
        return;
      }
    }
  }
}

}  // namespace churnwatch

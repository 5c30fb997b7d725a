#pragma once
// The SQLite load's row buffer: appended rows are encoded into one flat arena (a tag byte
// and a payload per bound value) and handed back in row_key order, so the inserts that
// follow walk the clustered row_key B-tree in ascending order. On an empty table that makes
// every insert an append to the right-most leaf, which costs about a third of an insert at
// a random position (bench/ingest); on a filled table neighbouring keys still share pages.
//
// Rows come back as runs: the rows of one key range (the key's top byte) sorted and copied
// next to each other. A helper thread sorts and copies the next runs while the caller
// inserts the current one, so neither the sort nor the arena's random reads in key order
// (a cache miss per row) wait in front of the inserting thread, which is the load's
// bottleneck: SQLite inserts on one thread.
//
// Values are encoded compactly (integers and whole-number doubles as varints, lengths as
// varints, NaN as a bare tag): the buffer is tens of MiB of fresh memory, and on the
// development VM every MiB first touched costs as much as converting thousands of rows.
//
// Not thread-safe; one buffer per load session. Text is copied, so callers' rows may go
// away after Add. A run's views stay valid until the callback it was handed to returns.

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "churnwatch/platform.h"
#include "churnwatch/data_model.h"
#include "churnwatch/status.h"

namespace churnwatch::store_internal {

/// Rows of one key range in key order, encoded back to back (see SortedRowBuffer).
class SortedRun {
 public:
  std::size_t rows() const { return starts_.size(); }

  /// Replays row `i` onto `st`: a value recorded for parameter k is bound to parameter
  /// `first + k`. Returns the number of values bound, so a caller that knows how many
  /// parameters a row has can refuse a row that left one out (SQLite would keep the
  /// previous row's value there).
  template <typename Stmt>
  int Bind(std::size_t i, Stmt& st, int first) const {
    const char* p = data_.data() + starts_[i];
    int bound = 0;
    for (;;) {  // each row ends with a kEnd tag
      const auto tag = static_cast<Tag>(*p++);
      if (tag == Tag::kEnd) break;
      const int k = static_cast<unsigned char>(*p++);
      const int param = first + k;
      ++bound;
      switch (tag) {
        case Tag::kNull: st.BindNull(param); break;
        case Tag::kInt: st.BindInt(param, Unzigzag(GetVarint(p))); break;
        case Tag::kDouble: st.BindDouble(param, Load<double>(p)); p += 8; break;
        case Tag::kWholeDouble: st.BindDouble(param, static_cast<double>(Unzigzag(GetVarint(p)))); break;
        case Tag::kNaN: st.BindDouble(param, std::numeric_limits<double>::quiet_NaN()); break;
        case Tag::kText: {
          const auto n = static_cast<std::size_t>(GetVarint(p));
          st.BindText(param, std::string_view(p, n));
          p += n;
          break;
        }
        case Tag::kBlob: {
          const auto n = static_cast<std::size_t>(GetVarint(p));
          st.BindBlob(param, p, static_cast<int>(n));
          p += n;
          break;
        }
        case Tag::kEnd: break;
      }
    }
    return bound;
  }

 private:
  friend class SortedRowBuffer;
  // kWholeDouble: a double that is an integer (not -0), stored as one; kNaN: the quiet NaN.
  enum class Tag : char { kNull, kInt, kDouble, kText, kBlob, kEnd, kWholeDouble, kNaN };
  template <typename T>
  static T Load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  // LEB128: seven bits a byte, low bits first; signed values zigzagged so small negatives
  // stay short.
  static std::uint64_t GetVarint(const char*& p) {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(*p++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  }
  static std::int64_t Unzigzag(std::uint64_t v) { return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1)); }
  std::string data_;
  std::vector<std::size_t> starts_;
};

// The encoded rows' storage: address space reserved once and backed by 2 MiB pages where
// the kernel offers them. The buffer is written once front to back up to tens of MiB, and
// taking that 4 KiB page by 4 KiB page cost a page fault every ~50 rows on the thread that
// merges the file; the pages stay mapped across Clear, for the next fill.
class LoadArena {
 public:
  LoadArena() = default;
  ~LoadArena() {
    if (base_ != nullptr) ::munmap(base_, reserved_);
  }
  LoadArena(const LoadArena&) = delete;
  LoadArena& operator=(const LoadArena&) = delete;

  const char* data() const { return base_; }
  std::size_t size() const { return size_; }
  void clear() { size_ = 0; }
  void append(const void* p, std::size_t n) {
    if (size_ + n > reserved_) Grow(size_ + n);
    std::memcpy(base_ + size_, p, n);
    size_ += n;
  }
  void push_back(char c) { append(&c, 1); }

 private:
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  void Grow(std::size_t need) {
    std::size_t want = std::max<std::size_t>(reserved_ * 2, std::size_t{64} << 20);
    while (want < need) want *= 2;
    void* p = base_ == nullptr ? ::mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                               : ::mremap(base_, reserved_, want, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) throw std::bad_alloc();
    base_ = static_cast<char*>(p);
    reserved_ = want;
    AdviseHugePages(base_, reserved_);  // whole huge pages inside the region only
  }
  char* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t reserved_ = 0;
};

class SortedRowBuffer {
 public:
  SortedRowBuffer() = default;

  /// Encodes one row's values through `bind(writer, row)`, where the writer offers the
  /// same BindText / BindDouble / BindInt / BindNull / BindBlob calls as a statement.
  template <typename Row, typename Bind>
  void Add(const Row& row, Bind&& bind) {
    const std::size_t start = arena_.size();
    {
      Writer w{arena_};
      bind(w, row);
    }
    buckets_[row.key.hi >> 56].push_back({row.key.hi, row.key.lo, start});
    ++rows_;
  }

  std::size_t rows() const { return rows_; }
  std::size_t bytes() const { return arena_.size() + rows_ * sizeof(Entry); }
  void Clear() {
    arena_.clear();
    for (auto& b : buckets_) b.clear();
    rows_ = 0;
  }

  /// Calls `insert(const SortedRun&)` for runs covering every row once, in key order (equal
  /// keys in append order, so with INSERT OR IGNORE the first appended copy wins, as it
  /// would unbuffered). Stops at the first non-OK Status `insert` returns and returns it.
  /// Large buffers are sorted and copied into runs on a helper thread, a few runs ahead.
  template <typename Insert>
  Status ForEachRun(Insert&& insert) {
    if (rows_ < kThreadedRows) {
      SortedRun run;
      for (std::size_t b = 0; b < kBuckets; ++b) {
        if (buckets_[b].empty()) continue;
        Gather(b, run);
        CW_RETURN_IF_ERROR(insert(static_cast<const SortedRun&>(run)));
      }
      return Status::OK();
    }
    Pipeline p;
    std::thread helper([&] {
      try {
        std::size_t n = 0;
        for (std::size_t b = 0; b < kBuckets; ++b) {
          if (buckets_[b].empty()) continue;
          Slot& s = p.slots[n++ % p.slots.size()];
          {
            std::unique_lock lock(p.mu);
            p.cv.wait(lock, [&] { return p.stop || !s.full; });
            if (p.stop) return;
          }
          Gather(b, s.run);
          {
            std::lock_guard lock(p.mu);
            s.full = true;
          }
          p.cv.notify_all();
        }
      } catch (...) {  // out of memory: re-raised on the inserting thread
        std::lock_guard lock(p.mu);
        p.error = std::current_exception();
        p.stop = true;
        p.cv.notify_all();
      }
    });
    Status st;
    std::size_t n = 0;
    for (std::size_t b = 0; b < kBuckets && st.ok(); ++b) {
      if (buckets_[b].empty()) continue;
      Slot& s = p.slots[n++ % p.slots.size()];
      {
        std::unique_lock lock(p.mu);
        p.cv.wait(lock, [&] { return s.full || p.error; });
        if (p.error) break;
      }
      st = insert(static_cast<const SortedRun&>(s.run));
      {
        std::lock_guard lock(p.mu);
        s.full = false;
        if (!st.ok()) p.stop = true;
      }
      p.cv.notify_all();
    }
    helper.join();
    if (p.error) std::rethrow_exception(p.error);
    return st;
  }

 private:
  struct Entry {  // a row's key and where its encoding starts; its end is its kEnd tag
    std::uint64_t hi, lo;
    std::size_t offset;
  };
  // Rows per key range: the key's top byte. Keys are hashes, so the ranges are even and a
  // 400k-row file makes 256 runs of ~1,600 rows (~200 KiB, cache-resident while inserted).
  static constexpr std::size_t kBuckets = 256;
  // Below this, sorting and copying on the calling thread is cheaper than a thread.
  static constexpr std::size_t kThreadedRows = 16384;

  struct Slot {
    SortedRun run;
    bool full = false;
  };
  struct Pipeline {
    std::mutex mu;
    std::condition_variable cv;
    std::array<Slot, 4> slots;
    bool stop = false;
    std::exception_ptr error;
  };

  // Sorts key range `b` and copies its rows, in that order, into `run`.
  void Gather(std::size_t b, SortedRun& run) {
    std::vector<Entry>& e = buckets_[b];
    std::sort(e.begin(), e.end(), [](const Entry& x, const Entry& y) {
      if (x.hi != y.hi) return x.hi < y.hi;
      if (x.lo != y.lo) return x.lo < y.lo;
      return x.offset < y.offset;
    });
    run.data_.clear();
    run.starts_.clear();
    run.starts_.reserve(e.size());
    constexpr std::size_t kAhead = 8;  // key order visits the arena at random: fetch ahead
    for (std::size_t i = 0; i < e.size(); ++i) {
      if (i + kAhead < e.size()) __builtin_prefetch(arena_.data() + e[i + kAhead].offset);
      const char* row = arena_.data() + e[i].offset;
      run.starts_.push_back(run.data_.size());
      run.data_.append(row, RowSize(row));
    }
  }

  // Bytes of the encoded row at `p`, its kEnd tag included.
  static std::size_t RowSize(const char* p) {
    const char* q = p;
    for (;;) {
      const auto tag = static_cast<Tag>(*q++);
      if (tag == Tag::kEnd) return static_cast<std::size_t>(q - p);
      ++q;  // the parameter index
      switch (tag) {
        case Tag::kInt:
        case Tag::kWholeDouble: (void)SortedRun::GetVarint(q); break;
        case Tag::kDouble: q += 8; break;
        case Tag::kText:
        case Tag::kBlob: q += SortedRun::GetVarint(q); break;
        case Tag::kNull:
        case Tag::kNaN:
        case Tag::kEnd: break;
      }
    }
  }

  using Tag = SortedRun::Tag;
  // Mirrors SqliteStmt's binding calls. Each value keeps its parameter index (one byte: a
  // row has a dozen columns), so the replay binds exactly what the caller named, in any
  // order, not whatever the call order implies.
  struct Writer {
    LoadArena& a;
    ~Writer() { a.push_back(static_cast<char>(Tag::kEnd)); }
    void Head(Tag t, int param) {
      const char h[2] = {static_cast<char>(t), static_cast<char>(static_cast<unsigned char>(param))};
      a.append(h, 2);
    }
    // A tag, the parameter index and a varint, in one append.
    void PutVarint(Tag t, int param, std::uint64_t v) {
      char h[2 + 10] = {static_cast<char>(t), static_cast<char>(static_cast<unsigned char>(param))};
      std::size_t n = 2;
      for (; v >= 0x80; v >>= 7) h[n++] = static_cast<char>((v & 0x7f) | 0x80);
      h[n++] = static_cast<char>(v);
      a.append(h, n);
    }
    static std::uint64_t Zigzag(std::int64_t v) {
      return (static_cast<std::uint64_t>(v) << 1) ^ (v < 0 ? ~std::uint64_t{0} : std::uint64_t{0});
    }
    void PutBytes(Tag t, int param, const void* p, std::size_t n) {
      PutVarint(t, param, n);
      a.append(static_cast<const char*>(p), n);
    }
    // Empty text is NULL, as SqliteStmt::BindText stores it.
    void BindText(int param, std::string_view v) {
      if (v.empty())
        Head(Tag::kNull, param);
      else
        PutBytes(Tag::kText, param, v.data(), v.size());
    }
    void BindDouble(int param, double v) {
      // Whole numbers (quantities, most amounts in cents are not) replay bit for bit from
      // their integer; -0 and values beyond 2^53 keep all eight bytes.
      constexpr double kExact = 9007199254740992.0;  // 2^53
      if (v >= -kExact && v <= kExact && v == static_cast<double>(static_cast<std::int64_t>(v)) && !(v == 0 && std::signbit(v))) {
        PutVarint(Tag::kWholeDouble, param, Zigzag(static_cast<std::int64_t>(v)));
        return;
      }
      const double nan = std::numeric_limits<double>::quiet_NaN();
      if (std::memcmp(&v, &nan, sizeof v) == 0) {
        Head(Tag::kNaN, param);
        return;
      }
      char h[2 + sizeof v] = {static_cast<char>(Tag::kDouble), static_cast<char>(static_cast<unsigned char>(param))};
      std::memcpy(h + 2, &v, sizeof v);
      a.append(h, sizeof h);
    }
    void BindInt(int param, std::int64_t v) { PutVarint(Tag::kInt, param, Zigzag(v)); }
    void BindNull(int param) { Head(Tag::kNull, param); }
    void BindBlob(int param, const void* p, int n) { PutBytes(Tag::kBlob, param, p, static_cast<std::size_t>(n)); }
  };

  LoadArena arena_;
  std::array<std::vector<Entry>, kBuckets> buckets_;
  std::size_t rows_ = 0;
};

}  // namespace churnwatch::store_internal

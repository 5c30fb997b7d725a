#pragma once
// The SQLite load's row buffer: appended rows are encoded into one flat arena (a tag byte
// and a payload per bound value) and handed back in row_key order, so the inserts that
// follow walk the clustered row_key B-tree in ascending order. On an empty table that makes
// every insert an append to the right-most leaf, which costs about a third of an insert at
// a random position (bench/ingest); on a filled table neighbouring keys still share pages.
//
// Not thread-safe; one buffer per load session. Text is copied, so callers' rows may go
// away after Add. Views handed to the binder point into the arena and stay valid until the
// next Clear.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/data_model.h"

namespace churnwatch::store_internal {

class SortedRowBuffer {
 public:
  /// `reserve_bytes`: the arena's expected size, reserved (not touched) on the first Add.
  explicit SortedRowBuffer(std::size_t reserve_bytes) : reserve_bytes_(reserve_bytes) {}

  /// Encodes one row's values through `bind(writer, row)`, where the writer offers the
  /// same BindText / BindDouble / BindInt / BindNull / BindBlob calls as a statement.
  template <typename Row, typename Bind>
  void Add(const Row& row, Bind&& bind) {
    // Reserved once: growing a tens-of-MiB arena by doubling would copy it each time.
    if (arena_.capacity() < reserve_bytes_) arena_.reserve(reserve_bytes_);
    entries_.push_back({row.key.hi, row.key.lo, arena_.size()});
    Writer w{arena_};
    bind(w, row);
  }

  std::size_t rows() const { return entries_.size(); }
  std::size_t bytes() const { return arena_.size() + entries_.size() * sizeof(Entry); }
  void Clear() {
    arena_.clear();
    entries_.clear();
  }

  /// Sorts by (key, order of Add): equal keys keep their append order, so with INSERT OR
  /// IGNORE the first appended copy wins, as it would unbuffered.
  void Sort() {
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      if (a.hi != b.hi) return a.hi < b.hi;
      if (a.lo != b.lo) return a.lo < b.lo;
      return a.offset < b.offset;
    });
  }

  /// Replays row `i` (in sorted order) onto `st`: a value recorded for parameter k is bound
  /// to parameter `first + k`. Returns the number of parameters the row spans (highest k + 1).
  template <typename Stmt>
  int Bind(std::size_t i, Stmt& st, int first) const {
    // Sorted order visits the arena at random: fetch a few rows ahead, or each row's first
    // byte is a cache miss (measured: most of the replay's time without this).
    constexpr std::size_t kAhead = 8;
    if (i + kAhead < entries_.size()) __builtin_prefetch(arena_.data() + entries_[i + kAhead].offset);
    const char* p = arena_.data() + entries_[i].offset;
    const char* end = arena_.data() + arena_.size();
    int span = 0;
    while (p < end) {  // each row ends with a kEnd tag
      const auto tag = static_cast<Tag>(*p++);
      if (tag == Tag::kEnd) break;
      const int k = static_cast<unsigned char>(*p++);
      const int param = first + k;
      span = std::max(span, k + 1);
      switch (tag) {
        case Tag::kNull: st.BindNull(param); break;
        case Tag::kInt: st.BindInt(param, Load<std::int64_t>(p)); p += 8; break;
        case Tag::kDouble: st.BindDouble(param, Load<double>(p)); p += 8; break;
        case Tag::kText: {
          const auto n = Load<std::uint32_t>(p);
          st.BindText(param, std::string_view(p + 4, n));
          p += 4 + n;
          break;
        }
        case Tag::kBlob: {
          const auto n = Load<std::uint32_t>(p);
          st.BindBlob(param, p + 4, static_cast<int>(n));
          p += 4 + n;
          break;
        }
        case Tag::kEnd: break;
      }
    }
    return span;
  }

 private:
  enum class Tag : char { kNull, kInt, kDouble, kText, kBlob, kEnd };
  struct Entry {
    std::uint64_t hi, lo;
    std::size_t offset;
  };

  template <typename T>
  static T Load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  // Mirrors SqliteStmt's binding calls. Each value keeps its parameter index (one byte: a
  // row has a dozen columns), so the replay binds exactly what the caller named, in any
  // order, not whatever the call order implies.
  struct Writer {
    std::string& a;
    ~Writer() { a.push_back(static_cast<char>(Tag::kEnd)); }
    void Head(Tag t, int param) {
      a.push_back(static_cast<char>(t));
      a.push_back(static_cast<char>(static_cast<unsigned char>(param)));
    }
    template <typename T>
    void Put(Tag t, int param, const T& v) {
      Head(t, param);
      a.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void PutBytes(Tag t, int param, const void* p, std::size_t n) {
      Head(t, param);
      const auto len = static_cast<std::uint32_t>(n);
      a.append(reinterpret_cast<const char*>(&len), sizeof len);
      a.append(static_cast<const char*>(p), n);
    }
    // Empty text is NULL, as SqliteStmt::BindText stores it.
    void BindText(int param, std::string_view v) {
      if (v.empty())
        Head(Tag::kNull, param);
      else
        PutBytes(Tag::kText, param, v.data(), v.size());
    }
    void BindDouble(int param, double v) { Put(Tag::kDouble, param, v); }
    void BindInt(int param, std::int64_t v) { Put(Tag::kInt, param, v); }
    void BindNull(int param) { Head(Tag::kNull, param); }
    void BindBlob(int param, const void* p, int n) { PutBytes(Tag::kBlob, param, p, static_cast<std::size_t>(n)); }
  };

  std::size_t reserve_bytes_;
  std::string arena_;
  std::vector<Entry> entries_;
};

}  // namespace churnwatch::store_internal

// Grouping of identical histories (history_groups.h). Two paths: packed integer keys and a
// radix sort when times repeat (the normal case for transaction data, where they are whole
// days), and a hash table on the raw triple otherwise (e.g. continuous simulated times).
#include "clv/history_groups.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>
#include <utility>

#include "churnwatch/thread_pool.h"

namespace churnwatch::clv::internal {
namespace {

// A failed task of the grouping's pool, carried to TryGroupHistories (the one catch).
struct GroupingFailure {
  Status status;
};

void RunParts(ThreadPool& pool, std::size_t parts, const std::function<void(std::size_t)>& task) {
  if (Status s = pool.ParallelFor(parts, task); !s.ok()) throw GroupingFailure{std::move(s)};
}

constexpr std::uint32_t kNone = UINT32_MAX;

// An allocator whose value-less construct leaves the element uninitialised: the big
// per-customer scratch arrays below are fully written before being read, and zero-filling
// them first was a measurable share of grouping time.
template <typename T>
struct NoInit : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = NoInit<U>;
  };
  NoInit() = default;
  template <typename U>
  NoInit(const NoInit<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <typename T>
using Scratch = std::vector<T, NoInit<T>>;

std::uint64_t Bits(double v) {
  if (v == 0) v = 0;  // -0.0 and 0.0 are the same history
  return std::bit_cast<std::uint64_t>(v);
}

std::uint64_t Mix(std::uint64_t h) {  // splitmix64 finaliser
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

// Open-addressing map from a key to a dense code (0, 1, ... in first-seen order); the
// table grows with the number of distinct keys, so for few keys it stays in cache.
template <typename Key, typename Hasher>
class Coder {
 public:
  Coder() : slots_(256, kNone) {}
  std::uint32_t Code(const Key& key) {
    if ((keys_.size() + 1) * 2 > slots_.size()) Grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = Hasher{}(key) & mask;; i = (i + 1) & mask) {
      const std::uint32_t s = slots_[i];
      if (s == kNone) {
        slots_[i] = static_cast<std::uint32_t>(keys_.size());
        keys_.push_back(key);
        return slots_[i];
      }
      if (keys_[s] == key) return s;
    }
  }
  std::size_t size() const { return keys_.size(); }
  const std::vector<Key>& keys() const { return keys_; }

 private:
  void Grow() {
    std::vector<std::uint32_t> bigger(slots_.size() * 2, kNone);
    const std::size_t mask = bigger.size() - 1;
    for (std::uint32_t g = 0; g < keys_.size(); ++g) {
      std::size_t i = Hasher{}(keys_[g]) & mask;
      while (bigger[i] != kNone) i = (i + 1) & mask;
      bigger[i] = g;
    }
    slots_.swap(bigger);
  }
  std::vector<std::uint32_t> slots_;
  std::vector<Key> keys_;
};

// Dictionary of time bit patterns -> dense code (first-seen order) for the per-customer pass:
// kept at most 1/8 full so that nearly every lookup ends at its first slot (variable probe
// lengths cost mispredicted branches), with the code stored beside the key in the slot.
class TimeCodes {
 public:
  TimeCodes() { Resize(10); }
  std::uint32_t Code(std::uint64_t bits) {
    for (std::size_t i = (bits * kFibonacci) >> shift_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.bits == bits) return s.code;
      if (s.bits == kEmptyBits) return Insert(bits, i);
    }
  }
  std::size_t size() const { return keys_.size(); }
  const std::vector<std::uint64_t>& keys() const { return keys_; }

 private:
  static constexpr std::uint64_t kFibonacci = 0x9e3779b97f4a7c15ULL;
  static constexpr std::uint64_t kEmptyBits = ~std::uint64_t{0};  // a NaN: never a valid time
  struct Slot {
    std::uint64_t bits;
    std::uint32_t code;
  };
  std::uint32_t Insert(std::uint64_t bits, std::size_t slot) {
    const auto code = static_cast<std::uint32_t>(keys_.size());
    slots_[slot] = {bits, code};
    keys_.push_back(bits);
    if (keys_.size() * 8 > slots_.size()) Resize(std::bit_width(slots_.size()) + 2);
    return code;
  }
  void Resize(int log_slots) {
    slots_.assign(std::size_t{1} << log_slots, Slot{kEmptyBits, 0});
    shift_ = 64 - log_slots;
    mask_ = slots_.size() - 1;
    for (std::uint32_t code = 0; code < keys_.size(); ++code) {
      std::size_t i = (keys_[code] * kFibonacci) >> shift_;
      while (slots_[i].bits != kEmptyBits) i = (i + 1) & mask_;
      slots_[i] = {keys_[code], code};
    }
  }
  std::vector<Slot> slots_;
  std::vector<std::uint64_t> keys_;
  int shift_ = 0;
  std::size_t mask_ = 0;
};

struct Triple {
  std::uint64_t x, u, v;
  bool operator==(const Triple&) const = default;
};
struct TripleHash {
  std::uint64_t operator()(const Triple& k) const { return Mix(k.x ^ Mix(k.u ^ Mix(k.v))); }
};
struct BitsHash {
  std::uint64_t operator()(std::uint64_t k) const { return Mix(k); }
};

double Value(std::uint64_t bits) { return std::bit_cast<double>(bits); }

// Fills times / u_code / v_code from the groups' u and v.
void CodeTimes(HistoryGroups& g) {
  Coder<std::uint64_t, BitsHash> coder;
  g.u_code.resize(g.size());
  g.v_code.resize(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    g.u_code[i] = coder.Code(Bits(g.u[i]));
    g.v_code[i] = coder.Code(Bits(g.v[i]));
  }
  g.times.clear();
  for (std::uint64_t b : coder.keys()) g.times.push_back(Value(b));
}

void FinishRuns(HistoryGroups& g) {
  g.run_begin.clear();
  for (std::size_t j = 0; j < g.size(); ++j)
    if (j == 0 || g.x[j] != g.x[j - 1]) g.run_begin.push_back(j);
  g.run_begin.push_back(g.size());
}

// Customers per part below which grouping runs on one thread.
constexpr std::size_t kParallelCustomers = std::size_t{1} << 15;

// Stable LSD radix sort of (key, index) pairs on the low `bits` bits of the key, 11 bits a
// pass; `index` may be empty (no mapping wanted). Each pass counts digits per part of the
// array and scatters each part on its own thread at offsets ordered by (digit, part), which
// is exactly the sequential stable order, so the result does not depend on `parts`.
template <typename K>
void RadixSort(Scratch<K>& keys, Scratch<std::uint32_t>& index, int bits, std::size_t parts, ThreadPool& pool) {
  const std::size_t n = keys.size();
  Scratch<K> k2(n);
  Scratch<std::uint32_t> i2(index.empty() ? 0 : n);
  constexpr int kDigit = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigit;
  constexpr K kMask = kBuckets - 1;
  const int passes = (bits + kDigit - 1) / kDigit;
  // count[k][pass * kBuckets + digit]. With one part all passes are counted in one read of
  // the keys; with several, a part's later digits must be counted after the previous pass
  // has moved the keys between parts.
  std::vector<std::vector<std::size_t>> count(parts, std::vector<std::size_t>(passes * kBuckets, 0));
  auto bound = [&](std::size_t k) { return n * k / parts; };
  const int counted = parts == 1 ? passes : 1;
  RunParts(pool, parts, [&](std::size_t k) {
    std::size_t* c = count[k].data();
    for (std::size_t i = bound(k); i < bound(k + 1); ++i)
      for (int pass = 0; pass < counted; ++pass) c[pass * kBuckets + ((keys[i] >> (pass * kDigit)) & kMask)] += 1;
  });
  for (int pass = 0; pass < passes; ++pass) {
    const int shift = pass * kDigit;
    if (pass > 0 && parts > 1)
      RunParts(pool, parts, [&](std::size_t k) {
        std::size_t* c = count[k].data() + pass * kBuckets;
        std::fill(c, c + kBuckets, 0);
        for (std::size_t i = bound(k); i < bound(k + 1); ++i) c[(keys[i] >> shift) & kMask] += 1;
      });
    std::size_t offset = 0;
    for (std::size_t d = pass * kBuckets; d < (pass + 1) * kBuckets; ++d)
      for (std::size_t k = 0; k < parts; ++k) {
        const std::size_t c = count[k][d];
        count[k][d] = offset;
        offset += c;
      }
    RunParts(pool, parts, [&](std::size_t k) {
      std::size_t* next = count[k].data() + pass * kBuckets;
      const K* from = keys.data();
      K* to_key = k2.data();
      const std::uint32_t* from_index = index.data();
      std::uint32_t* to_index = i2.data();
      const bool with_index = !index.empty();
      for (std::size_t i = bound(k); i < bound(k + 1); ++i) {
        const std::size_t to = next[(from[i] >> shift) & kMask]++;
        to_key[to] = from[i];
        if (with_index) to_index[to] = from_index[i];
      }
    });
    keys.swap(k2);
    if (!index.empty()) index.swap(i2);
  }
}

int BitsFor(std::size_t distinct) { return distinct <= 1 ? 1 : std::bit_width(distinct - 1); }

// Packs (x, t_x code, T code) into K with x most significant, sorts, and emits groups.
template <typename K>
void SortAndEmit(std::span<const CustomerSummary> customers, const Scratch<std::uint32_t>& u_codes,
                 const Scratch<std::uint32_t>& v_codes, const std::vector<std::uint64_t>& time_bits,
                 int code_bits, int bits, bool want_mapping, std::size_t parts, ThreadPool& pool,
                 HistoryGroups& out) {
  const std::size_t n = customers.size();
  Scratch<K> keys(n);
  Scratch<std::uint32_t> index(want_mapping ? n : 0);
  RunParts(pool, parts, [&](std::size_t k) {
    for (std::size_t i = n * k / parts; i < n * (k + 1) / parts; ++i) {
      keys[i] = (static_cast<K>(customers[i].x) << (2 * code_bits)) | (static_cast<K>(u_codes[i]) << code_bits) |
                static_cast<K>(v_codes[i]);
      if (want_mapping) index[i] = static_cast<std::uint32_t>(i);
    }
  });
  RadixSort(keys, index, bits, parts, pool);
  // Emit in two parallel passes over the sorted keys: count the groups starting in each
  // part, then write each part's groups at its offset. A group's weight is the distance to
  // the next group's first position, so groups spanning parts need no merging.
  auto bound = [&](std::size_t k) { return n * k / parts; };
  auto starts_group = [&](std::size_t i) { return i == 0 || keys[i] != keys[i - 1]; };
  std::vector<std::size_t> first_group(parts + 1, 0);
  RunParts(pool, parts, [&](std::size_t k) {
    std::size_t c = 0;
    for (std::size_t i = bound(k); i < bound(k + 1); ++i) c += starts_group(i) ? 1 : 0;
    first_group[k + 1] = c;
  });
  for (std::size_t k = 0; k < parts; ++k) first_group[k + 1] += first_group[k];
  const std::size_t groups = first_group[parts];
  out.x.resize(groups);
  out.u.resize(groups);
  out.v.resize(groups);
  out.u_code.resize(groups);
  out.v_code.resize(groups);
  out.weight.resize(groups);
  std::vector<std::size_t> start(groups + 1);
  start[groups] = n;
  if (want_mapping) out.group_of.resize(n);  // every entry is written below
  const K code_mask = (K{1} << code_bits) - 1;
  RunParts(pool, parts, [&](std::size_t k) {
    std::size_t g = first_group[k];
    for (std::size_t i = bound(k); i < bound(k + 1); ++i) {
      if (starts_group(i)) {
        const auto u_code = static_cast<std::uint32_t>((keys[i] >> code_bits) & code_mask);
        const auto v_code = static_cast<std::uint32_t>(keys[i] & code_mask);
        out.x[g] = static_cast<double>(keys[i] >> (2 * code_bits));
        out.u[g] = Value(time_bits[u_code]);
        out.v[g] = Value(time_bits[v_code]);
        out.u_code[g] = u_code;
        out.v_code[g] = v_code;
        start[g] = i;
        ++g;
      }
      if (want_mapping) out.group_of[index[i]] = static_cast<std::uint32_t>(g - 1);
    }
  });
  for (std::size_t g = 0; g < groups; ++g) out.weight[g] = static_cast<double>(start[g + 1] - start[g]);
  out.total_weight = static_cast<double>(n);
  // The dictionary's codes double as the groups' time codes (every time in it occurs).
  out.times.clear();
  for (std::uint64_t b : time_bits) out.times.push_back(Value(b));
}

// The per-customer pass of the packed path over one part: codes t_x and T, tracks max x.
// Returns false as soon as an x is not a small whole number or `too_many` times are seen.
template <typename TooMany>
bool CodePart(std::span<const CustomerSummary> customers, const TooMany& too_many, TimeCodes& times,
              std::uint32_t* u_codes, std::uint32_t* v_codes, double* max_x_out) {
  constexpr double kMaxX = 1u << 20;
  double max_x = 0;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const CustomerSummary& c = customers[i];
    // (in range first, so that the conversion is defined)
    if (!(c.x >= 0 && c.x < kMaxX) || static_cast<double>(static_cast<std::uint32_t>(c.x)) != c.x) return false;
    u_codes[i] = times.Code(Bits(c.t_x));
    v_codes[i] = times.Code(Bits(c.T));
    max_x = std::max(max_x, c.x);
    if ((i & 1023) == 0 && too_many(times.size())) return false;
  }
  *max_x_out = max_x;
  return !too_many(times.size());
}

// Packed-key path; returns false (leaving `out` untouched) when the data do not fit it.
// Large inputs are coded in parts on several threads, each part with its own dictionary;
// the parts' dictionaries are then merged in part order, which gives every time the code it
// would get in one sequential pass (first-seen order), so the groups do not depend on the
// number of threads.
bool GroupPacked(std::span<const CustomerSummary> customers, bool want_mapping, int max_threads, HistoryGroups& out) {
  constexpr std::size_t kMaxCodes = 1u << 20;
  const std::size_t n = customers.size();
  const std::size_t parts =
      n >= 2 * kParallelCustomers
          ? std::min<std::size_t>(static_cast<std::size_t>(std::max(1, max_threads)), n / kParallelCustomers)
          : 1;
  ThreadPool pool(static_cast<int>(parts));
  auto bound = [&](std::size_t k) { return n * k / parts; };
  // Continuous times (few repeats) or too many for the codes: the hash path. A part stops
  // as soon as its own count shows the whole input must fail the same test.
  auto too_many = [&](std::size_t distinct) { return distinct > kMaxCodes || (distinct > 4096 && distinct * 4 > n); };
  std::vector<TimeCodes> local(parts);
  std::vector<char> ok(parts, 1);
  std::vector<double> max_x(parts, 0);
  Scratch<std::uint32_t> u_codes(n), v_codes(n);
  RunParts(pool, parts, [&](std::size_t k) {
    ok[k] = CodePart(customers.subspan(bound(k), bound(k + 1) - bound(k)), too_many, local[k],
                     u_codes.data() + bound(k), v_codes.data() + bound(k), &max_x[k]);
  });
  for (std::size_t k = 0; k < parts; ++k)
    if (!ok[k]) return false;
  TimeCodes times;
  std::vector<std::vector<std::uint32_t>> global_code(parts);
  for (std::size_t k = 0; k < parts; ++k)
    for (std::uint64_t b : local[k].keys()) global_code[k].push_back(times.Code(b));
  if (too_many(times.size())) return false;
  if (parts > 1)
    RunParts(pool, parts, [&](std::size_t k) {
      const std::uint32_t* to = global_code[k].data();
      for (std::size_t i = bound(k); i < bound(k + 1); ++i) {
        u_codes[i] = to[u_codes[i]];
        v_codes[i] = to[v_codes[i]];
      }
    });
  const int code_bits = BitsFor(times.size());
  const int bits = BitsFor(static_cast<std::size_t>(*std::max_element(max_x.begin(), max_x.end())) + 1) + 2 * code_bits;
  // Daily data needs about 26 bits: 32-bit keys halve the memory the sort streams through.
  if (bits <= 32)
    SortAndEmit<std::uint32_t>(customers, u_codes, v_codes, times.keys(), code_bits, bits, want_mapping, parts, pool,
                               out);
  else
    SortAndEmit<std::uint64_t>(customers, u_codes, v_codes, times.keys(), code_bits, bits, want_mapping, parts, pool,
                               out);
  return true;
}

void GroupHashed(std::span<const CustomerSummary> customers, GroupKey key, bool want_mapping, HistoryGroups& out) {
  Coder<Triple, TripleHash> table;
  std::vector<double> counts;
  std::vector<std::uint32_t> raw_group;
  if (want_mapping) raw_group.assign(customers.size(), kNone);
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const CustomerSummary& c = customers[i];
    Triple k;
    if (key == GroupKey::kBgNbd) {
      k = {Bits(c.x), Bits(c.t_x), Bits(c.T)};
    } else {
      if (!(c.x >= 1 && c.mean_spend > 0)) continue;
      k = {Bits(c.x), Bits(c.mean_spend), 0};
    }
    const std::uint32_t g = table.Code(k);
    if (g == counts.size()) counts.push_back(0);
    counts[g] += 1;
    if (want_mapping) raw_group[i] = g;
  }
  const auto& keys = table.keys();
  std::vector<std::uint32_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t l, std::uint32_t r) {
    const Triple& a = keys[l];
    const Triple& b = keys[r];
    if (a.x != b.x) return Value(a.x) < Value(b.x);
    if (a.u != b.u) return Value(a.u) < Value(b.u);
    return Value(a.v) < Value(b.v);
  });
  std::vector<std::uint32_t> new_index(keys.size());
  for (std::size_t j = 0; j < keys.size(); ++j) {
    const Triple& k = keys[order[j]];
    new_index[order[j]] = static_cast<std::uint32_t>(j);
    out.x.push_back(Value(k.x));
    out.u.push_back(Value(k.u));
    out.v.push_back(Value(k.v));
    out.weight.push_back(counts[order[j]]);
    out.total_weight += counts[order[j]];
  }
  if (want_mapping) {
    out.group_of.resize(customers.size());
    for (std::size_t i = 0; i < customers.size(); ++i)
      out.group_of[i] = raw_group[i] == kNone ? kNone : new_index[raw_group[i]];
  }
}

}  // namespace

HistoryGroups GroupHistories(std::span<const CustomerSummary> customers, GroupKey key, bool want_mapping,
                             int max_threads) {
  HistoryGroups out;
  if (key != GroupKey::kBgNbd || !GroupPacked(customers, want_mapping, max_threads, out)) {
    out = HistoryGroups{};
    GroupHashed(customers, key, want_mapping, out);
    if (key == GroupKey::kBgNbd) CodeTimes(out);
  }
  FinishRuns(out);
  return out;
}

Result<HistoryGroups> TryGroupHistories(std::span<const CustomerSummary> customers, GroupKey key, bool want_mapping,
                                        int threads) {
  try {
    return GroupHistories(customers, key, want_mapping, threads);
  } catch (GroupingFailure& failure) {
    return std::move(failure.status);
  }
}

}  // namespace churnwatch::clv::internal

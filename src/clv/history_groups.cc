// Grouping of identical histories (history_groups.h). Two paths: packed integer keys and a
// radix sort when times repeat (the normal case for transaction data, where they are whole
// days), and a hash table on the raw triple otherwise (e.g. continuous simulated times).
#include "clv/history_groups.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <numeric>
#include <utility>

namespace churnwatch::clv::internal {
namespace {

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

// LSD radix sort of (key, index) pairs on the low `bits` bits of the key, 11 bits a pass.
// `index` may be empty (no mapping wanted).
template <typename K>
void RadixSort(Scratch<K>& keys, Scratch<std::uint32_t>& index, int bits) {
  const std::size_t n = keys.size();
  Scratch<K> k2(n);
  Scratch<std::uint32_t> i2(index.empty() ? 0 : n);
  constexpr int kDigit = 11;
  constexpr K kMask = (K{1} << kDigit) - 1;
  std::vector<std::size_t> count;
  for (int shift = 0; shift < bits; shift += kDigit) {
    count.assign((std::size_t{1} << kDigit) + 1, 0);
    for (K k : keys) count[((k >> shift) & kMask) + 1] += 1;
    std::partial_sum(count.begin(), count.end(), count.begin());
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t to = count[(keys[i] >> shift) & kMask]++;
      k2[to] = keys[i];
      if (!index.empty()) i2[to] = index[i];
    }
    keys.swap(k2);
    if (!index.empty()) index.swap(i2);
  }
}

int BitsFor(std::size_t distinct) { return distinct <= 1 ? 1 : std::bit_width(distinct - 1); }

// Packs (x, t_x code, T code) into K with x most significant, sorts, and emits groups.
template <typename K>
void SortAndEmit(std::span<const CustomerSummary> customers, const Scratch<std::uint32_t>& u_codes,
                 const Scratch<std::uint32_t>& v_codes, const std::vector<std::uint64_t>& time_bits,
                 int code_bits, int bits, bool want_mapping, HistoryGroups& out) {
  Scratch<K> keys(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i)
    keys[i] = (static_cast<K>(customers[i].x) << (2 * code_bits)) | (static_cast<K>(u_codes[i]) << code_bits) |
              static_cast<K>(v_codes[i]);
  Scratch<std::uint32_t> index;
  if (want_mapping) {
    index.resize(customers.size());
    std::iota(index.begin(), index.end(), 0u);
  }
  RadixSort(keys, index, bits);
  const K code_mask = (K{1} << code_bits) - 1;
  if (want_mapping) out.group_of.resize(customers.size());  // every entry is written below
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i == 0 || keys[i] != keys[i - 1]) {
      out.x.push_back(static_cast<double>(keys[i] >> (2 * code_bits)));
      out.u.push_back(Value(time_bits[(keys[i] >> code_bits) & code_mask]));
      out.v.push_back(Value(time_bits[keys[i] & code_mask]));
      out.weight.push_back(0);
    }
    out.weight.back() += 1;
    if (want_mapping) out.group_of[index[i]] = static_cast<std::uint32_t>(out.x.size() - 1);
  }
  out.total_weight = static_cast<double>(customers.size());
}

// Packed-key path; returns false (leaving `out` untouched) when the data do not fit it.
bool GroupPacked(std::span<const CustomerSummary> customers, bool want_mapping, HistoryGroups& out) {
  constexpr std::size_t kMaxCodes = 1u << 20;
  Coder<std::uint64_t, BitsHash> times;
  Scratch<std::uint32_t> u_codes(customers.size()), v_codes(customers.size());
  double max_x = 0;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const CustomerSummary& c = customers[i];
    if (!(c.x >= 0 && c.x < static_cast<double>(kMaxCodes)) || c.x != std::floor(c.x)) return false;
    u_codes[i] = times.Code(Bits(c.t_x));
    v_codes[i] = times.Code(Bits(c.T));
    if (times.size() > kMaxCodes || (times.size() > 4096 && times.size() * 4 > customers.size())) return false;
    max_x = std::max(max_x, c.x);
  }
  const int code_bits = BitsFor(times.size());
  const int bits = BitsFor(static_cast<std::size_t>(max_x) + 1) + 2 * code_bits;
  // Daily data needs about 26 bits: 32-bit keys halve the memory the sort streams through.
  if (bits <= 32)
    SortAndEmit<std::uint32_t>(customers, u_codes, v_codes, times.keys(), code_bits, bits, want_mapping, out);
  else
    SortAndEmit<std::uint64_t>(customers, u_codes, v_codes, times.keys(), code_bits, bits, want_mapping, out);
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

HistoryGroups GroupHistories(std::span<const CustomerSummary> customers, GroupKey key, bool want_mapping) {
  HistoryGroups out;
  if (key != GroupKey::kBgNbd || !GroupPacked(customers, want_mapping, out)) {
    out = HistoryGroups{};
    GroupHashed(customers, key, want_mapping, out);
  }
  FinishRuns(out);
  if (key == GroupKey::kBgNbd) CodeTimes(out);
  return out;
}

}  // namespace churnwatch::clv::internal

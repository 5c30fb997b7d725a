// Grouping of identical histories with an open-addressing hash table that grows with the
// number of *groups*, not customers: real and simulated daily data have few distinct
// histories, so the table stays cache-resident and 10^7 customers group in well under a
// second.
#include "clv/history_groups.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

namespace churnwatch::clv::internal {
namespace {

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

struct Key {
  std::uint64_t x, u, v;
  bool operator==(const Key&) const = default;
};

std::uint64_t Hash(const Key& k) { return Mix(k.x ^ Mix(k.u ^ Mix(k.v))); }

class GroupTable {
 public:
  GroupTable() : slots_(1024, kEmpty) {}

  // Returns the group index of `key`, adding it when new.
  std::uint32_t FindOrAdd(const Key& key) {
    if ((keys_.size() + 1) * 2 > slots_.size()) Grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      const std::uint32_t s = slots_[i];
      if (s == kEmpty) {
        slots_[i] = static_cast<std::uint32_t>(keys_.size());
        keys_.push_back(key);
        counts_.push_back(0);
        return slots_[i];
      }
      if (keys_[s] == key) return s;
    }
  }
  void Count(std::uint32_t group) { counts_[group] += 1; }
  const std::vector<Key>& keys() const { return keys_; }
  const std::vector<double>& counts() const { return counts_; }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  void Grow() {
    std::vector<std::uint32_t> bigger(slots_.size() * 2, kEmpty);
    const std::size_t mask = bigger.size() - 1;
    for (std::uint32_t g = 0; g < keys_.size(); ++g) {
      std::size_t i = Hash(keys_[g]) & mask;
      while (bigger[i] != kEmpty) i = (i + 1) & mask;
      bigger[i] = g;
    }
    slots_.swap(bigger);
  }
  std::vector<std::uint32_t> slots_;
  std::vector<Key> keys_;
  std::vector<double> counts_;
};

}  // namespace

HistoryGroups GroupHistories(std::span<const CustomerSummary> customers, GroupKey key, bool want_mapping) {
  GroupTable table;
  std::vector<std::uint32_t> raw_group;
  if (want_mapping) raw_group.assign(customers.size(), UINT32_MAX);
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const CustomerSummary& c = customers[i];
    Key k;
    if (key == GroupKey::kBgNbd) {
      k = {Bits(c.x), Bits(c.t_x), Bits(c.T)};
    } else {
      if (!(c.x >= 1 && c.mean_spend > 0)) continue;
      k = {Bits(c.x), Bits(c.mean_spend), 0};
    }
    const std::uint32_t g = table.FindOrAdd(k);
    table.Count(g);
    if (want_mapping) raw_group[i] = g;
  }

  const auto& keys = table.keys();
  std::vector<std::uint32_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0u);
  auto value = [](std::uint64_t bits) { return std::bit_cast<double>(bits); };
  std::sort(order.begin(), order.end(), [&](std::uint32_t l, std::uint32_t r) {
    const Key& a = keys[l];
    const Key& b = keys[r];
    if (a.x != b.x) return value(a.x) < value(b.x);
    if (a.u != b.u) return value(a.u) < value(b.u);
    return value(a.v) < value(b.v);
  });

  HistoryGroups out;
  const std::size_t n = keys.size();
  out.x.resize(n);
  out.u.resize(n);
  out.v.resize(n);
  out.weight.resize(n);
  std::vector<std::uint32_t> new_index(n);
  for (std::size_t j = 0; j < n; ++j) {
    const Key& k = keys[order[j]];
    new_index[order[j]] = static_cast<std::uint32_t>(j);
    out.x[j] = value(k.x);
    out.u[j] = value(k.u);
    out.v[j] = value(k.v);
    out.weight[j] = table.counts()[order[j]];
    out.total_weight += out.weight[j];
    if (j == 0 || out.x[j] != out.x[j - 1]) out.run_begin.push_back(j);
  }
  out.run_begin.push_back(n);
  if (want_mapping) {
    out.group_of.resize(customers.size());
    for (std::size_t i = 0; i < customers.size(); ++i)
      out.group_of[i] = raw_group[i] == UINT32_MAX ? UINT32_MAX : new_index[raw_group[i]];
  }
  return out;
}

}  // namespace churnwatch::clv::internal

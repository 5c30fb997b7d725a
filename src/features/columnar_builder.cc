// Rows in, CSR columns out. Rows are staged in arrival order, customers are renumbered in
// byte order of their ids, rows are scattered into per-customer ranges (a counting sort),
// and each customer's range is then sorted by (day, order) on its own — small sorts that
// run in parallel, instead of one global comparison sort.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>

#include "churnwatch/features.h"
#include "features/huge_vector.h"
#include "churnwatch/thread_pool.h"
#include "features/kernel.h"
#include "features/sentiment.h"

namespace churnwatch {

struct ColumnarBuilder::Impl {
  // customers, in order of first appearance
  std::unordered_map<std::string, std::uint32_t> customer_index;
  std::vector<std::string> customer_ids;
  std::vector<DayNumber> joined_at;
  std::vector<std::uint8_t> passive;

  // staged transactions
  std::vector<std::uint32_t> t_cust;
  std::vector<DayNumber> t_day;
  std::vector<double> t_amount;
  std::vector<float> t_quantity, t_discount;
  std::vector<std::uint64_t> t_order;
  std::vector<std::uint32_t> t_category, t_store, t_sku;
  std::vector<std::uint8_t> t_channel, t_return;

  // staged events
  std::vector<std::uint32_t> e_cust;
  std::vector<DayNumber> e_day;
  std::vector<std::uint8_t> e_type;
  std::vector<float> e_value;
  std::vector<std::int8_t> e_sentiment;

  // dictionaries
  struct Dict {
    std::unordered_map<std::string, std::uint32_t> index;
    std::vector<std::string> values;
    std::uint32_t Code(const std::string& v) {
      if (v.empty()) return 0;
      auto [it, inserted] = index.try_emplace(v, static_cast<std::uint32_t>(values.size() + 1));
      if (inserted) values.push_back(v);
      return it->second;
    }
  } categories, stores, skus;

  std::uint64_t unnamed_orders = 0;

  std::uint32_t Customer(const std::string& id) {
    auto [it, inserted] = customer_index.try_emplace(id, static_cast<std::uint32_t>(customer_ids.size()));
    if (inserted) {
      customer_ids.push_back(id);
      joined_at.push_back(kNoDay);
      passive.push_back(0);
    }
    return it->second;
  }
};

ColumnarBuilder::ColumnarBuilder() : impl_(std::make_unique<Impl>()) {}
ColumnarBuilder::~ColumnarBuilder() = default;

void ColumnarBuilder::Reserve(std::size_t transactions, std::size_t events) {
  using features_internal::ReserveHuge;
  auto& s = *impl_;
  ReserveHuge(s.t_cust, transactions);
  ReserveHuge(s.t_day, transactions);
  ReserveHuge(s.t_amount, transactions);
  ReserveHuge(s.t_quantity, transactions);
  ReserveHuge(s.t_discount, transactions);
  ReserveHuge(s.t_order, transactions);
  ReserveHuge(s.t_category, transactions);
  ReserveHuge(s.t_store, transactions);
  ReserveHuge(s.t_sku, transactions);
  ReserveHuge(s.t_channel, transactions);
  ReserveHuge(s.t_return, transactions);
  ReserveHuge(s.e_cust, events);
  ReserveHuge(s.e_day, events);
  ReserveHuge(s.e_type, events);
  ReserveHuge(s.e_value, events);
  ReserveHuge(s.e_sentiment, events);
}

void ColumnarBuilder::AddTransaction(const Transaction& t) {
  auto& s = *impl_;
  s.t_cust.push_back(s.Customer(t.customer_id));
  s.t_day.push_back(DayOf(t.ts));
  s.t_amount.push_back(t.amount);
  s.t_quantity.push_back(static_cast<float>(t.quantity));
  s.t_discount.push_back(static_cast<float>(t.discount));
  // Orders only need to be told apart within one customer and day, so a 64-bit hash of the
  // id is enough; rows without an order id are an order each (top bit marks them).
  s.t_order.push_back(t.order_id.empty() ? (std::uint64_t{1} << 63) | ++s.unnamed_orders
                                         : std::hash<std::string>{}(t.order_id) & ~(std::uint64_t{1} << 63));
  s.t_category.push_back(s.categories.Code(t.category));
  s.t_store.push_back(s.stores.Code(t.store_id));
  s.t_sku.push_back(s.skus.Code(t.sku));
  s.t_channel.push_back(static_cast<std::uint8_t>(t.channel));
  s.t_return.push_back(t.is_return || t.quantity < 0 ? 1 : 0);
}

namespace {
bool IsPassiveStatus(std::string_view status) {
  std::string lower(status);
  for (char& ch : lower)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return lower.find("closed") != std::string::npos || lower.find("moved") != std::string::npos ||
         lower.find("deceased") != std::string::npos;
}
}  // namespace

void ColumnarBuilder::AddCustomer(const Customer& c) {
  auto& s = *impl_;
  const std::uint32_t i = s.Customer(c.customer_id);
  s.joined_at[i] = c.joined_at ? *c.joined_at : kNoDay;
  s.passive[i] = IsPassiveStatus(c.status) ? 1 : 0;
}

void ColumnarBuilder::AddEvent(const Event& e) {
  auto& s = *impl_;
  s.e_cust.push_back(s.Customer(e.customer_id));
  s.e_day.push_back(DayOf(e.ts));
  s.e_type.push_back(static_cast<std::uint8_t>(e.type));
  s.e_value.push_back(static_cast<float>(e.value));
  s.e_sentiment.push_back(features_internal::ScoreSentiment(e.text));
}

void ColumnarBuilder::AddTransactions(std::span<const Transaction> rows) {
  for (const auto& r : rows) AddTransaction(r);
}
void ColumnarBuilder::AddCustomers(std::span<const Customer> rows) {
  for (const auto& r : rows) AddCustomer(r);
}
void ColumnarBuilder::AddEvents(std::span<const Event> rows) {
  for (const auto& r : rows) AddEvent(r);
}

namespace {

// Moves `staged[i]` to `out[pos[i]]` and frees the staged column.
template <typename T>
void Scatter(std::vector<T>& staged, const std::vector<std::uint64_t>& pos, std::vector<T>& out) {
  features_internal::ResizeHuge(out, staged.size());
  for (std::size_t i = 0; i < staged.size(); ++i) out[pos[i]] = staged[i];
  std::vector<T>().swap(staged);
}

// Applies a permutation of one customer's range: range[k] = range[perm[k]].
template <typename T>
void Permute(T* range, const std::vector<std::uint32_t>& perm, std::vector<T>& scratch) {
  scratch.assign(range, range + perm.size());
  for (std::size_t k = 0; k < perm.size(); ++k) range[k] = scratch[perm[k]];
}

// Per-customer offsets from staged customer numbers (already renumbered), and each row's
// destination position (stable: arrival order within a customer).
std::vector<std::uint64_t> Positions(const std::vector<std::uint32_t>& cust, std::size_t n_customers,
                                     std::vector<std::uint64_t>& offsets) {
  offsets.assign(n_customers + 1, 0);
  for (auto c : cust) ++offsets[c + 1];
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  std::vector<std::uint64_t> cursor(offsets.begin(), offsets.end() - 1);
  std::vector<std::uint64_t> pos(cust.size());
  for (std::size_t i = 0; i < cust.size(); ++i) pos[i] = cursor[cust[i]]++;
  return pos;
}

}  // namespace

Result<RetailColumns> ColumnarBuilder::Build(int threads) {
  auto& s = *impl_;
  RetailColumns out;
  const std::size_t n = s.customer_ids.size();

  // Customers in byte order of their ids: output order never depends on arrival order.
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return s.customer_ids[a] < s.customer_ids[b]; });
  std::vector<std::uint32_t> new_of_old(n);
  for (std::uint32_t k = 0; k < n; ++k) new_of_old[order[k]] = k;
  out.customer_ids.resize(n);
  out.joined_at.resize(n);
  out.passive.resize(n);
  for (std::uint32_t k = 0; k < n; ++k) {
    out.customer_ids[k] = std::move(s.customer_ids[order[k]]);
    out.joined_at[k] = s.joined_at[order[k]];
    out.passive[k] = s.passive[order[k]];
  }
  for (auto& c : s.t_cust) c = new_of_old[c];
  for (auto& c : s.e_cust) c = new_of_old[c];

  // first/last day before the staged columns are scattered away
  out.first_day = kNoDay;
  out.last_day = kNoDay;
  if (!s.t_day.empty()) {
    auto [mn, mx] = std::minmax_element(s.t_day.begin(), s.t_day.end());
    out.first_day = *mn;
    out.last_day = *mx;
  }
  out.first_event_day.fill(kNoDay);
  out.first_unsubscribe.assign(n, kNoDay);
  for (std::size_t i = 0; i < s.e_day.size(); ++i) {
    const DayNumber d = s.e_day[i];
    if (out.last_day == kNoDay || d > out.last_day) out.last_day = d;
    auto& first = out.first_event_day[s.e_type[i] % kEventTypeCount];
    if (first == kNoDay || d < first) first = d;
    if (s.e_type[i] == static_cast<std::uint8_t>(EventType::kUnsubscribe)) {
      auto& u = out.first_unsubscribe[s.e_cust[i]];
      if (u == kNoDay || d < u) u = d;
    }
  }

  // ---- transactions: counting sort by customer, then each range by (day, order hash) ----
  {
    const auto pos = Positions(s.t_cust, n, out.txn_offsets);
    std::vector<std::uint32_t>().swap(s.t_cust);
    std::vector<std::uint64_t> order_hash;
    Scatter(s.t_day, pos, out.day);
    Scatter(s.t_amount, pos, out.amount);
    Scatter(s.t_quantity, pos, out.quantity);
    Scatter(s.t_discount, pos, out.discount);
    Scatter(s.t_order, pos, order_hash);
    Scatter(s.t_category, pos, out.category);
    Scatter(s.t_store, pos, out.store);
    Scatter(s.t_sku, pos, out.sku);
    Scatter(s.t_channel, pos, out.channel);
    Scatter(s.t_return, pos, out.is_return);
    features_internal::ResizeHuge(out.order, out.day.size());
    CW_RETURN_IF_ERROR(ParallelForChunks(n, features_internal::kChunk, threads, [&](std::size_t begin, std::size_t end) {
      std::vector<std::uint32_t> perm;
      std::vector<DayNumber> sd;
      std::vector<double> sa;
      std::vector<float> sf;
      std::vector<std::uint64_t> sh;
      std::vector<std::uint32_t> su;
      std::vector<std::uint8_t> sb;
      for (std::size_t c = begin; c < end; ++c) {
        const std::uint64_t b = out.txn_offsets[c], e = out.txn_offsets[c + 1];
        if (e == b) continue;
        const DayNumber* d = out.day.data() + b;
        const std::uint64_t* h = order_hash.data() + b;
        bool sorted = true;
        for (std::uint64_t i = 1; i < e - b && sorted; ++i)
          sorted = d[i - 1] < d[i] || (d[i - 1] == d[i] && h[i - 1] <= h[i]);
        if (!sorted) {
          perm.resize(e - b);
          std::iota(perm.begin(), perm.end(), 0u);
          std::stable_sort(perm.begin(), perm.end(), [&](std::uint32_t x, std::uint32_t y) {
            return d[x] != d[y] ? d[x] < d[y] : h[x] < h[y];
          });
          Permute(out.day.data() + b, perm, sd);
          Permute(out.amount.data() + b, perm, sa);
          Permute(out.quantity.data() + b, perm, sf);
          Permute(out.discount.data() + b, perm, sf);
          Permute(order_hash.data() + b, perm, sh);
          Permute(out.category.data() + b, perm, su);
          Permute(out.store.data() + b, perm, su);
          Permute(out.sku.data() + b, perm, su);
          Permute(out.channel.data() + b, perm, sb);
          Permute(out.is_return.data() + b, perm, sb);
        }
        // Order numbers count distinct (day, order) pairs, so they never decrease along
        // the range and "distinct orders in a window" is a count of changes.
        std::uint32_t number = 0;
        for (std::uint64_t i = b; i < e; ++i) {
          if (i > b && (out.day[i] != out.day[i - 1] || order_hash[i] != order_hash[i - 1])) ++number;
          out.order[i] = number;
        }
      }
    }));
  }

  // ---- events: counting sort by customer, then each range by day ----
  {
    const auto pos = Positions(s.e_cust, n, out.evt_offsets);
    std::vector<std::uint32_t>().swap(s.e_cust);
    Scatter(s.e_day, pos, out.evt_day);
    Scatter(s.e_type, pos, out.evt_type);
    Scatter(s.e_value, pos, out.evt_value);
    Scatter(s.e_sentiment, pos, out.evt_sentiment);
    CW_RETURN_IF_ERROR(ParallelForChunks(n, features_internal::kChunk, threads, [&](std::size_t begin, std::size_t end) {
      std::vector<std::uint32_t> perm;
      std::vector<DayNumber> sd;
      std::vector<std::uint8_t> st;
      std::vector<float> sv;
      std::vector<std::int8_t> ss;
      for (std::size_t c = begin; c < end; ++c) {
        const std::uint64_t b = out.evt_offsets[c], e = out.evt_offsets[c + 1];
        const DayNumber* d = out.evt_day.data() + b;
        if (std::is_sorted(d, d + (e - b))) continue;
        perm.resize(e - b);
        std::iota(perm.begin(), perm.end(), 0u);
        std::stable_sort(perm.begin(), perm.end(), [&](std::uint32_t x, std::uint32_t y) { return d[x] < d[y]; });
        Permute(out.evt_day.data() + b, perm, sd);
        Permute(out.evt_type.data() + b, perm, st);
        Permute(out.evt_value.data() + b, perm, sv);
        Permute(out.evt_sentiment.data() + b, perm, ss);
      }
    }));
  }

  out.categories = std::move(s.categories.values);
  out.stores = std::move(s.stores.values);
  out.skus = std::move(s.skus.values);
  impl_ = std::make_unique<Impl>();
  return out;
}

RetailColumns ColumnarBuilder::Finish(int threads) {
  auto built = Build(threads);
  if (!built.ok()) throw std::runtime_error(built.status().ToString());
  return *std::move(built);
}

RetailColumns ColumnsFromRows(std::span<const Transaction> transactions, std::span<const Customer> customers,
                              std::span<const Event> events, int threads) {
  ColumnarBuilder b;
  b.Reserve(transactions.size(), events.size());
  b.AddCustomers(customers);
  b.AddTransactions(transactions);
  b.AddEvents(events);
  return b.Finish(threads);
}

double RetailColumns::TransactionBytesPerRow() const {
  if (day.empty()) return 0;
  const double per_row = sizeof(DayNumber) + sizeof(double) + 2 * sizeof(float) + 4 * sizeof(std::uint32_t) + 2;
  const double offsets = static_cast<double>(txn_offsets.size() * sizeof(std::uint64_t)) / static_cast<double>(day.size());
  return per_row + offsets;
}

std::size_t RetailColumns::MemoryBytes() const {
  auto strings = [](const std::vector<std::string>& v) {
    std::size_t b = v.capacity() * sizeof(std::string);
    for (const auto& s : v) b += s.capacity() > 15 ? s.capacity() : 0;
    return b;
  };
  std::size_t b = 0;
  b += strings(customer_ids) + strings(categories) + strings(stores) + strings(skus);
  b += joined_at.capacity() * sizeof(DayNumber) + passive.capacity() + first_unsubscribe.capacity() * sizeof(DayNumber);
  b += txn_offsets.capacity() * 8 + day.capacity() * 4 + amount.capacity() * 8 + quantity.capacity() * 4 +
       discount.capacity() * 4 + order.capacity() * 4 + category.capacity() * 4 + store.capacity() * 4 +
       sku.capacity() * 4 + channel.capacity() + is_return.capacity();
  b += evt_offsets.capacity() * 8 + evt_day.capacity() * 4 + evt_type.capacity() + evt_value.capacity() * 4 +
       evt_sentiment.capacity();
  return b;
}

std::optional<CustomerIdx> RetailColumns::FindCustomer(std::string_view id) const {
  auto it = std::lower_bound(customer_ids.begin(), customer_ids.end(), id,
                             [](const std::string& a, std::string_view b) { return a < b; });
  if (it == customer_ids.end() || *it != id) return std::nullopt;
  return static_cast<CustomerIdx>(it - customer_ids.begin());
}

}  // namespace churnwatch

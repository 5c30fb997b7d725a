// Data-quality profiles of the canonical tables, computed from one streaming scan per
// table (definitions in include/churnwatch/quality.h). Per-row state is kept as 64-bit
// hashes and doubles in flat vectors and counted by sorting, so memory grows by a few
// words per row rather than by the rows themselves.
#include "churnwatch/quality.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

namespace churnwatch {
namespace {

// Hashes a row's content field by field (a separator byte keeps "ab","c" apart from "a","bc").
class ContentHash {
 public:
  ContentHash& Add(std::string_view s) {
    buf_.append(s);
    buf_ += '\x1f';
    return *this;
  }
  ContentHash& Add(double v) {
    char b[sizeof v];
    if (std::isnan(v)) v = kNaN;  // one NaN bit pattern
    std::memcpy(b, &v, sizeof v);
    buf_.append(b, sizeof b);
    return *this;
  }
  ContentHash& Add(std::int64_t v) { return Add(static_cast<double>(v)); }
  std::uint64_t Take() {
    const std::uint64_t h = std::hash<std::string_view>{}(buf_);
    buf_.clear();
    return h;
  }

 private:
  std::string buf_;
};

// Number of entries equal to an earlier entry.
std::int64_t CountRepeats(std::vector<std::uint64_t>& hashes) {
  std::sort(hashes.begin(), hashes.end());
  std::int64_t repeats = 0;
  for (std::size_t i = 1; i < hashes.size(); ++i) repeats += hashes[i] == hashes[i - 1];
  return repeats;
}

double Quantile(const std::vector<double>& sorted, double p) {
  const double h = (static_cast<double>(sorted.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

ExtremeValues Extremes(const std::string& field, std::vector<double>& values) {
  ExtremeValues e{.field = field};
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return e;
  std::sort(values.begin(), values.end());
  const double q1 = Quantile(values, 0.25), q3 = Quantile(values, 0.75);
  e.low = q1 - 5 * (q3 - q1);
  e.high = q3 + 5 * (q3 - q1);
  for (double v : values) {
    e.below += v < e.low;
    e.above += v > e.high;
  }
  return e;
}

struct MissingCounter {
  std::vector<std::pair<std::string, std::int64_t>> counts;
  explicit MissingCounter(std::initializer_list<const char*> fields) {
    for (const char* f : fields) counts.emplace_back(f, 0);
  }
  void Count(std::size_t field, bool missing) { counts[field].second += missing; }
  std::vector<std::pair<std::string, double>> Rates(std::int64_t rows) const {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& [f, n] : counts)
      out.emplace_back(f, rows == 0 ? kNaN : static_cast<double>(n) / static_cast<double>(rows));
    return out;
  }
};

void WidenRange(TableProfile& p, Timestamp ts) {
  if (!p.first_ts || ts < *p.first_ts) p.first_ts = ts;
  if (!p.last_ts || ts > *p.last_ts) p.last_ts = ts;
}

Result<TableProfile> ProfileTransactions(Store& store) {
  TableProfile p{.name = "transactions"};
  p.duplicates_rule = "rows equal to an earlier row in every field except the row key";
  MissingCounter missing({"order_id", "customer_id", "ts", "amount", "quantity", "discount", "channel", "store_id",
                          "sku", "category", "is_return"});
  std::vector<std::uint64_t> content;
  std::vector<double> amounts, quantities;
  // (customer, purchase) pairs of non-return lines, and every customer seen.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> purchases;
  std::vector<std::uint64_t> customers;
  ContentHash h;
  const std::hash<std::string_view> hs;
  CW_RETURN_IF_ERROR(store.ScanTransactions([&](std::span<const Transaction> rows) {
    for (const Transaction& t : rows) {
      ++p.rows;
      missing.Count(0, t.order_id.empty());
      missing.Count(1, t.customer_id.empty());
      missing.Count(5, std::isnan(t.discount));
      missing.Count(6, t.channel == Channel::kUnknown);
      missing.Count(7, t.store_id.empty());
      missing.Count(8, t.sku.empty());
      missing.Count(9, t.category.empty());
      content.push_back(h.Add(t.order_id).Add(t.customer_id).Add(t.ts).Add(t.amount).Add(t.quantity).Add(t.discount)
                            .Add(ChannelName(t.channel)).Add(t.store_id).Add(t.sku).Add(t.category)
                            .Add(static_cast<std::int64_t>(t.is_return)).Take());
      WidenRange(p, t.ts);
      p.negative_amounts += t.amount < 0;
      p.zero_amounts += t.amount == 0;
      p.returns += t.is_return;
      amounts.push_back(t.amount);
      quantities.push_back(t.quantity);
      if (t.customer_id.empty()) continue;
      const std::uint64_t c = hs(t.customer_id);
      customers.push_back(c);
      if (!t.is_return)
        purchases.emplace_back(c, t.order_id.empty() ? h.Add(t.ts).Take() : h.Add(t.order_id).Take());
    }
    return Status::OK();
  }));
  p.missing = missing.Rates(p.rows);
  p.duplicates = CountRepeats(content);
  p.extremes.push_back(Extremes("amount", amounts));
  p.extremes.push_back(Extremes("quantity", quantities));

  std::sort(customers.begin(), customers.end());
  customers.erase(std::unique(customers.begin(), customers.end()), customers.end());
  p.customers = static_cast<std::int64_t>(customers.size());
  std::sort(purchases.begin(), purchases.end());
  purchases.erase(std::unique(purchases.begin(), purchases.end()), purchases.end());
  // Walk customers and their purchases together (both sorted by customer hash).
  std::vector<double> per_customer;
  per_customer.reserve(customers.size());
  std::size_t j = 0;
  for (std::uint64_t c : customers) {
    std::int64_t n = 0;
    while (j < purchases.size() && purchases[j].first == c) ++n, ++j;
    per_customer.push_back(static_cast<double>(n));
    p.customers_one_purchase += n == 1;
  }
  p.purchases_per_customer = Summarise(per_customer);
  return p;
}

Result<TableProfile> ProfileCustomers(Store& store) {
  TableProfile p{.name = "customers"};
  p.duplicates_rule = "rows whose customer_id already appeared in an earlier row";
  MissingCounter missing({"customer_id", "joined_at", "member_tier", "region", "birth_year", "gender", "phone_hash",
                          "email_hash", "name_hash", "status"});
  std::vector<std::uint64_t> ids;
  const std::hash<std::string_view> hs;
  CW_RETURN_IF_ERROR(store.ScanCustomers([&](std::span<const Customer> rows) {
    for (const Customer& c : rows) {
      ++p.rows;
      missing.Count(0, c.customer_id.empty());
      missing.Count(1, !c.joined_at.has_value());
      missing.Count(2, c.member_tier.empty());
      missing.Count(3, c.region.empty());
      missing.Count(4, c.birth_year == 0);
      missing.Count(5, c.gender.empty());
      missing.Count(6, c.phone_hash.empty());
      missing.Count(7, c.email_hash.empty());
      missing.Count(8, c.name_hash.empty());
      missing.Count(9, c.status.empty());
      if (!c.customer_id.empty()) ids.push_back(hs(c.customer_id));
      if (c.joined_at) WidenRange(p, static_cast<Timestamp>(*c.joined_at) * kSecondsPerDay);
    }
    return Status::OK();
  }));
  p.missing = missing.Rates(p.rows);
  p.duplicates = CountRepeats(ids);
  return p;
}

Result<TableProfile> ProfileEvents(Store& store) {
  TableProfile p{.name = "events"};
  p.duplicates_rule = "rows equal to an earlier row in every field except the row key";
  MissingCounter missing({"event_id", "customer_id", "ts", "type", "value", "text"});
  std::vector<std::uint64_t> content;
  std::vector<double> values;
  ContentHash h;
  CW_RETURN_IF_ERROR(store.ScanEvents([&](std::span<const Event> rows) {
    for (const Event& e : rows) {
      ++p.rows;
      missing.Count(0, e.event_id.empty());
      missing.Count(1, e.customer_id.empty());
      missing.Count(4, std::isnan(e.value));
      missing.Count(5, e.text.empty());
      content.push_back(h.Add(e.event_id).Add(e.customer_id).Add(e.ts).Add(EventTypeName(e.type)).Add(e.value)
                            .Add(e.text).Take());
      WidenRange(p, e.ts);
      values.push_back(e.value);
    }
    return Status::OK();
  }));
  p.missing = missing.Rates(p.rows);
  p.duplicates = CountRepeats(content);
  p.extremes.push_back(Extremes("value", values));
  return p;
}

}  // namespace

Distribution Summarise(std::vector<double>& values) {
  Distribution d;
  d.count = static_cast<std::int64_t>(values.size());
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  d.min = values.front();
  d.q1 = Quantile(values, 0.25);
  d.median = Quantile(values, 0.5);
  d.q3 = Quantile(values, 0.75);
  d.p90 = Quantile(values, 0.9);
  d.max = values.back();
  return d;
}

Result<QualityReport> ProfileStore(Store& store) {
  QualityReport r;
  CW_ASSIGN_OR_RETURN(TableProfile tx, ProfileTransactions(store));
  CW_ASSIGN_OR_RETURN(TableProfile cu, ProfileCustomers(store));
  CW_ASSIGN_OR_RETURN(TableProfile ev, ProfileEvents(store));
  r.tables = {std::move(tx), std::move(cu), std::move(ev)};
  return r;
}

}  // namespace churnwatch

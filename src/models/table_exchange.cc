// Feature tables across the members of a distributed training (table_exchange.h), and the
// data bounds every member must agree on.
#include "models/table_exchange.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/features.h"

namespace churnwatch {
namespace models_internal {
namespace {

// A flat little-endian encoding: the members run the same build on the same kind of
// machine (one cluster), so plain memcpy of numbers is enough.
template <typename T>
void Put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void PutString(std::string& out, const std::string& s) {
  Put<std::uint64_t>(out, s.size());
  out += s;
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  template <typename T>
  bool Get(T& v) {
    if (b_.size() - pos_ < sizeof v) return false;
    std::memcpy(&v, b_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return true;
  }
  bool GetString(std::string& s) {
    std::uint64_t n = 0;
    if (!Get(n) || b_.size() - pos_ < n) return false;
    s.assign(b_.substr(pos_, n));
    pos_ += n;
    return true;
  }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

std::string Encode(const FeatureTable& t) {
  std::string out;
  const std::size_t n = t.num_rows();
  Put<std::uint64_t>(out, n);
  Put<std::uint64_t>(out, t.names.size());
  for (const auto& name : t.names) PutString(out, name);
  for (std::size_t r = 0; r < n; ++r) {
    PutString(out, t.customer_ids[r]);
    Put<DayNumber>(out, t.cutoffs[r]);
    Put<std::int8_t>(out, static_cast<std::int8_t>(t.labels[r]));
    Put<double>(out, r < t.days_to_next_purchase.size() ? t.days_to_next_purchase[r] : kNaN);
  }
  for (const auto& col : t.columns) out.append(reinterpret_cast<const char*>(col.data()), col.size() * sizeof(double));
  return out;
}

Status DecodeAppend(std::string_view bytes, int member, FeatureTable& all, std::vector<int>& from) {
  Reader in(bytes);
  const Status corrupt = Status::Internal("distributed training: member " + std::to_string(member) +
                                          " sent a feature table that does not decode");
  std::uint64_t n = 0, k = 0;
  if (!in.Get(n) || !in.Get(k)) return corrupt;
  std::vector<std::string> names(k);
  for (auto& name : names)
    if (!in.GetString(name)) return corrupt;
  if (all.names.empty() && all.columns.empty()) {
    all.names = names;
    all.columns.assign(k, {});
  } else if (names != all.names) {
    return Status::Internal("distributed training: member " + std::to_string(member) +
                            " built features with other names than member 0");
  }
  for (std::uint64_t r = 0; r < n; ++r) {
    std::string id;
    DayNumber cutoff = 0;
    std::int8_t label = 0;
    double days = 0;
    if (!in.GetString(id) || !in.Get(cutoff) || !in.Get(label) || !in.Get(days)) return corrupt;
    all.customer_ids.push_back(std::move(id));
    all.cutoffs.push_back(cutoff);
    all.labels.push_back(static_cast<ChurnLabel>(label));
    all.days_to_next_purchase.push_back(days);
    from.push_back(member);
  }
  for (auto& col : all.columns)
    for (std::uint64_t r = 0; r < n; ++r) {
      double v = 0;
      if (!in.Get(v)) return corrupt;
      col.push_back(v);
    }
  return Status::OK();
}

}  // namespace

Result<FeatureTable> GatherTable(Collective& collective, const FeatureTable& mine, std::span<const DayNumber> cutoffs,
                                 std::vector<std::uint8_t>* is_mine) {
  CW_ASSIGN_OR_RETURN(const std::vector<std::string> parts, collective.Allgather(Encode(mine)));
  FeatureTable all;
  std::vector<int> from;
  for (std::size_t m = 0; m < parts.size(); ++m) CW_RETURN_IF_ERROR(DecodeAppend(parts[m], static_cast<int>(m), all, from));
  // One process's order: cutoff-major (in the order given), customers by id inside.
  auto cutoff_pos = [&](DayNumber c) {
    return static_cast<std::size_t>(std::find(cutoffs.begin(), cutoffs.end(), c) - cutoffs.begin());
  };
  const std::size_t n = all.num_rows();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::vector<std::size_t> pos(n);
  for (std::size_t r = 0; r < n; ++r) pos[r] = cutoff_pos(all.cutoffs[r]);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return pos[a] != pos[b] ? pos[a] < pos[b] : all.customer_ids[a] < all.customer_ids[b];
  });
  FeatureTable out;
  out.horizon_days = mine.horizon_days;
  out.lookback_days = mine.lookback_days;
  out.names = all.names;
  out.columns.assign(all.names.size(), std::vector<double>(n));
  out.customer_ids.resize(n);
  out.cutoffs.resize(n);
  out.labels.resize(n);
  out.days_to_next_purchase.resize(n);
  if (is_mine != nullptr) is_mine->assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = order[i];
    out.customer_ids[i] = std::move(all.customer_ids[r]);
    out.cutoffs[i] = all.cutoffs[r];
    out.labels[i] = all.labels[r];
    out.days_to_next_purchase[i] = all.days_to_next_purchase[r];
    for (std::size_t f = 0; f < all.names.size(); ++f) out.columns[f][i] = all.columns[f][r];
    if (is_mine != nullptr) (*is_mine)[i] = from[r] == collective.rank() ? 1 : 0;
  }
  return out;
}

}  // namespace models_internal

Status SyncDataBounds(Collective& collective, RetailColumns& columns) {
  // kNoDay (no data on this member) must lose both the min and the max.
  auto low = [](DayNumber d) { return d == kNoDay ? std::numeric_limits<std::int64_t>::max() : std::int64_t{d}; };
  std::vector<std::int64_t> mins{low(columns.first_day)};
  for (DayNumber d : columns.first_event_day) mins.push_back(low(d));
  std::int64_t last[] = {columns.last_day == kNoDay ? std::numeric_limits<std::int64_t>::min() : columns.last_day};
  CW_RETURN_IF_ERROR(collective.MinInt64(mins));
  CW_RETURN_IF_ERROR(collective.MaxInt64(last));
  auto back = [](std::int64_t v) {
    return v == std::numeric_limits<std::int64_t>::max() || v == std::numeric_limits<std::int64_t>::min()
               ? kNoDay
               : static_cast<DayNumber>(v);
  };
  columns.first_day = back(mins[0]);
  for (std::size_t t = 0; t < columns.first_event_day.size(); ++t) columns.first_event_day[t] = back(mins[t + 1]);
  columns.last_day = back(last[0]);
  return Status::OK();
}

}  // namespace churnwatch

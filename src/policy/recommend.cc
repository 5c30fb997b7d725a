// Alternative-product recommendations (include/churnwatch/recommend.h).
#include <algorithm>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "churnwatch/types.h"
#include "churnwatch/recommend.h"

namespace churnwatch {

CoPurchaseRecommender CoPurchaseRecommender::Build(const RetailColumns& columns, DayNumber cutoff) {
  CoPurchaseRecommender r;
  r.columns_ = &columns;
  r.cutoff_ = cutoff;
  const std::size_t n = columns.num_customers();
  r.skus_of_.resize(n);
  r.buyers_of_.resize(columns.skus.size() + 1);
  for (std::size_t c = 0; c < n; ++c) {
    auto& mine = r.skus_of_[c];
    for (std::uint64_t i = columns.txn_offsets[c]; i < columns.txn_offsets[c + 1]; ++i) {
      if (columns.day[i] >= cutoff) break;  // rows are sorted by day within a customer
      if (columns.is_return[i] || columns.sku[i] == 0) continue;
      mine.push_back(columns.sku[i]);
    }
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    for (std::uint32_t s : mine) r.buyers_of_[s].push_back(static_cast<CustomerIdx>(c));
  }
  return r;
}

std::vector<ProductSuggestion> CoPurchaseRecommender::Recommend(CustomerIdx c, const RecommendConfig& config) const {
  std::vector<ProductSuggestion> out;
  if (columns_ == nullptr || c >= skus_of_.size() || config.products <= 0) return out;
  const auto& mine = skus_of_[c];
  if (mine.empty()) return out;

  // Overlap counts with every customer sharing a SKU (sparse accumulation).
  std::unordered_map<CustomerIdx, std::uint32_t> overlap;
  for (std::uint32_t s : mine)
    for (CustomerIdx o : buyers_of_[s])
      if (o != c) ++overlap[o];
  std::vector<std::pair<double, CustomerIdx>> neighbours;
  neighbours.reserve(overlap.size());
  for (const auto& [o, k] : overlap) {
    const double uni = static_cast<double>(mine.size() + skus_of_[o].size() - k);
    neighbours.emplace_back(static_cast<double>(k) / uni, o);
  }
  const std::size_t keep = std::min<std::size_t>(neighbours.size(), static_cast<std::size_t>(std::max(config.neighbours, 1)));
  std::partial_sort(neighbours.begin(), neighbours.begin() + static_cast<std::ptrdiff_t>(keep), neighbours.end(),
                    [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  neighbours.resize(keep);

  // Categories the customer stopped buying: bought before the recent window, not inside it.
  const DayNumber window_start = cutoff_ - config.stopped_after_days;
  std::vector<std::uint32_t> before, recent;
  for (std::uint64_t i = columns_->txn_offsets[c]; i < columns_->txn_offsets[c + 1]; ++i) {
    if (columns_->day[i] >= cutoff_) break;
    if (columns_->is_return[i] || columns_->category[i] == 0) continue;
    (columns_->day[i] >= window_start ? recent : before).push_back(columns_->category[i]);
  }
  std::sort(recent.begin(), recent.end());
  std::vector<std::uint32_t> stopped;
  for (std::uint32_t cat : before)
    if (!std::binary_search(recent.begin(), recent.end(), cat)) stopped.push_back(cat);
  std::sort(stopped.begin(), stopped.end());
  stopped.erase(std::unique(stopped.begin(), stopped.end()), stopped.end());

  // A SKU's category: the category of any purchase line of it (SKUs carry one category).
  auto category_of = [&](std::uint32_t sku, CustomerIdx buyer) -> std::uint32_t {
    for (std::uint64_t i = columns_->txn_offsets[buyer]; i < columns_->txn_offsets[buyer + 1]; ++i)
      if (columns_->sku[i] == sku) return columns_->category[i];
    return 0;
  };

  std::unordered_map<std::uint32_t, std::pair<double, CustomerIdx>> score;  // sku -> (score, a buyer)
  for (const auto& [sim, o] : neighbours)
    for (std::uint32_t s : skus_of_[o]) {
      if (std::binary_search(mine.begin(), mine.end(), s)) continue;
      auto& e = score[s];
      e.first += sim;
      e.second = o;
    }
  std::vector<std::pair<double, std::uint32_t>> ranked;
  ranked.reserve(score.size());
  for (const auto& [s, e] : score) ranked.emplace_back(e.first, s);
  std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    if (buyers_of_[a.second].size() != buyers_of_[b.second].size())
      return buyers_of_[a.second].size() > buyers_of_[b.second].size();
    return a.second < b.second;
  });
  for (const auto& [sc, s] : ranked) {
    if (out.size() >= static_cast<std::size_t>(config.products)) break;
    const std::uint32_t cat = category_of(s, score[s].second);
    if (cat != 0 && std::binary_search(stopped.begin(), stopped.end(), cat)) continue;
    ProductSuggestion p;
    p.sku = columns_->skus[s - 1];
    if (auto it = names_.find(p.sku); it != names_.end()) p.name = it->second;
    if (cat != 0) p.category = columns_->categories[cat - 1];
    p.score = sc;
    out.push_back(std::move(p));
  }
  return out;
}


Result<std::unordered_map<std::string, std::string>> LoadProductNames(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("product list " + path + " not found");
  std::string line;
  if (!std::getline(in, line)) return Status::DataError(path + ":1: empty file, expected a header with sku,name");
  const auto header = SplitCsvRecord(line);
  const auto sku_col = std::find(header.begin(), header.end(), "sku") - header.begin();
  const auto name_col = std::find(header.begin(), header.end(), "name") - header.begin();
  if (sku_col >= static_cast<std::ptrdiff_t>(header.size()) || name_col >= static_cast<std::ptrdiff_t>(header.size()))
    return Status::DataError(path + ":1: header must name the columns 'sku' and 'name', got '" + line + "'");
  std::unordered_map<std::string, std::string> names;
  for (int lineno = 2; std::getline(in, line); ++lineno) {
    if (line.empty()) continue;
    const auto cells = SplitCsvRecord(line);
    if (cells.size() != header.size())
      return Status::DataError(path + ":" + std::to_string(lineno) + ": expected " + std::to_string(header.size()) +
                               " fields, found " + std::to_string(cells.size()));
    names[cells[static_cast<std::size_t>(sku_col)]] = cells[static_cast<std::size_t>(name_col)];
  }
  return names;
}

}  // namespace churnwatch

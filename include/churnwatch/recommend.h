#pragma once
/// \file recommend.h
/// Alternative-product recommendations for the playbook's `alternative_products` action
/// (SPEC.md §9, need shift): products bought by similar customers, never one the customer
/// already bought, never one from a category the customer stopped buying.
///
/// Method (item co-purchase through nearest neighbours, all before the cutoff T):
///   1. each customer's set of purchased SKUs (non-return lines dated before T);
///   2. the customer's neighbours: the `neighbours` customers with the highest Jaccard
///      similarity of SKU sets (at least one SKU in common);
///   3. each SKU the customer has not bought scores Σ similarity over the neighbours who
///      bought it; the highest scores win (ties: more buyers overall, then SKU order);
///   4. excluded: SKUs in a category the customer bought before [T − stopped_after_days, T)
///      but not inside it ("stopped buying"). Data without categories (e.g. Online Retail)
///      has nothing to exclude at category level; step 3 already drops SKUs bought before.
///
/// Thread safety: a built recommender is immutable; Recommend may run concurrently.

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "churnwatch/features.h"
#include "churnwatch/policy_config.h"
#include "churnwatch/status.h"

namespace churnwatch {

struct ProductSuggestion {
  std::string sku;
  std::string name;        ///< from the product names given, else empty
  std::string category;    ///< empty when the data has none
  double score = 0;        ///< Σ neighbour similarity
};

class CoPurchaseRecommender {
 public:
  /// Indexes purchases dated before `cutoff`. `columns` must outlive the recommender.
  static CoPurchaseRecommender Build(const RetailColumns& columns, DayNumber cutoff);

  /// Up to `config.products` suggestions for customer `c` (empty if it has no neighbour).
  std::vector<ProductSuggestion> Recommend(CustomerIdx c, const RecommendConfig& config) const;

  /// Optional display names by SKU (e.g. Online Retail's Description).
  void SetProductNames(std::unordered_map<std::string, std::string> names) { names_ = std::move(names); }

 private:
  const RetailColumns* columns_ = nullptr;
  DayNumber cutoff_ = 0;
  std::vector<std::vector<std::uint32_t>> skus_of_;       ///< per customer, sorted distinct SKU codes
  std::vector<std::vector<CustomerIdx>> buyers_of_;       ///< per SKU code, customers
  std::unordered_map<std::string, std::string> names_;
};

/// Reads a product list CSV with a header naming at least `sku` and `name` columns
/// (comma-separated, double quotes around fields with commas). kNotFound / kDataError
/// naming the file and line.
Result<std::unordered_map<std::string, std::string>> LoadProductNames(const std::string& path);

}  // namespace churnwatch

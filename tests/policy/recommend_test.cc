// Checks alternative-product recommendations on a hand-made basket set: products come from
// the most similar customers, never one already bought, never from a category the
// customer stopped buying, nothing after the cutoff is read, and product names are attached.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "churnwatch/recommend.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

Transaction Line(const std::string& customer, DayNumber day, const std::string& sku, const std::string& category) {
  Transaction t;
  t.order_id = customer + "-" + std::to_string(day);
  t.customer_id = customer;
  t.ts = static_cast<Timestamp>(day) * kSecondsPerDay;
  t.amount = 10;
  t.quantity = 1;
  t.sku = sku;
  t.category = category;
  return t;
}

constexpr DayNumber kT = 1000;

std::vector<Transaction> Baskets() {
  return {
      // A: toys recently; food only long ago (stopped buying food).
      Line("A", kT - 10, "sku1", "toys"), Line("A", kT - 10, "sku2", "toys"), Line("A", kT - 200, "sku5", "food"),
      // B and C are A's neighbours (2 SKUs in common each, Jaccard 0.5).
      Line("B", kT - 20, "sku1", "toys"), Line("B", kT - 20, "sku2", "toys"), Line("B", kT - 20, "sku3", "toys"),
      Line("C", kT - 30, "sku1", "toys"), Line("C", kT - 30, "sku2", "toys"), Line("C", kT - 30, "sku4", "food"),
      // E shares one SKU with A (Jaccard 1 / (3 + 3 - 1) = 0.2) and adds sku6, sku7.
      Line("E", kT - 5, "sku1", "toys"), Line("E", kT - 5, "sku6", "toys"), Line("E", kT - 5, "sku7", "toys"),
      // D shares nothing.
      Line("D", kT - 40, "sku9", "garden"),
      // After the cutoff: must be ignored.
      Line("B", kT + 1, "sku8", "toys"),
  };
}

std::vector<std::string> Skus(const std::vector<ProductSuggestion>& s) {
  std::vector<std::string> out;
  for (const auto& p : s) out.push_back(p.sku);
  return out;
}

TEST(Recommend, SimilarCustomersProductsExcludingBoughtAndStoppedCategories) {
  const auto rows = Baskets();
  RetailColumns cols = ColumnsFromRows(rows, {}, {});
  auto rec = CoPurchaseRecommender::Build(cols, kT);
  rec.SetProductNames({{"sku3", "RED TOY CAR"}});
  RecommendConfig config;
  config.products = 5;
  const auto a = rec.Recommend(*cols.FindCustomer("A"), config);
  // sku3 (B, 0.5) first; sku6 and sku7 (E, 0.2); sku4 is food, which A stopped buying;
  // sku1/sku2/sku5 already bought; sku8 is after the cutoff.
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].sku, "sku3");
  EXPECT_EQ(a[0].name, "RED TOY CAR");
  EXPECT_EQ(a[0].category, "toys");
  EXPECT_DOUBLE_EQ(a[0].score, 0.5);
  EXPECT_DOUBLE_EQ(a[1].score, 0.2);
  const auto skus = Skus(a);
  EXPECT_EQ(std::count(skus.begin(), skus.end(), "sku4"), 0);
  EXPECT_EQ(std::count(skus.begin(), skus.end(), "sku8"), 0);
}

TEST(Recommend, LimitsAndCustomersWithoutNeighbours) {
  const auto rows = Baskets();
  RetailColumns cols = ColumnsFromRows(rows, {}, {});
  auto rec = CoPurchaseRecommender::Build(cols, kT);
  RecommendConfig config;
  config.products = 1;
  EXPECT_EQ(Skus(rec.Recommend(*cols.FindCustomer("A"), config)), std::vector<std::string>{"sku3"});
  config.products = 3;
  EXPECT_TRUE(rec.Recommend(*cols.FindCustomer("D"), config).empty());
  // Without the stopped-category rule (window long enough to include the food purchase) sku4 appears.
  config.stopped_after_days = 365;
  config.products = 5;
  const auto skus = Skus(rec.Recommend(*cols.FindCustomer("A"), config));
  EXPECT_EQ(std::count(skus.begin(), skus.end(), "sku4"), 1);
}

TEST(Recommend, ProductNamesFile) {
  testing::TempDir dir;
  testing::WriteFile(dir / "p.csv", "sku,name\n85123A,\"WHITE HANGING HEART T-LIGHT HOLDER\"\n22423,\"REGENCY CAKESTAND, 3 TIER\"\n");
  auto names = LoadProductNames((dir / "p.csv").string());
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(names->at("22423"), "REGENCY CAKESTAND, 3 TIER");
  testing::WriteFile(dir / "bad.csv", "code,title\n1,x\n");
  auto bad = LoadProductNames((dir / "bad.csv").string());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataError);
  EXPECT_EQ(LoadProductNames((dir / "none.csv").string()).status().code(), StatusCode::kNotFound);
  testing::WriteFile(dir / "short.csv", "sku,name\n1\n");
  EXPECT_EQ(LoadProductNames((dir / "short.csv").string()).status().message(),
            (dir / "short.csv").string() + ":2: expected 2 fields, found 1");
}

}  // namespace
}  // namespace churnwatch

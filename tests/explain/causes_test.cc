// Checks the evidence rule of each cause and the naming rule (NameCauses) on hand-made rows
// against the hand-written golden file tests/fixtures/explain/causes.golden: a cause with
// evidence that adds to the risk is named with a sentence quoting the evidence; evidence
// without risk, or values short of a rule's threshold, leave "no clear cause" with a
// symptom; the stronger evidence leads when two causes qualify; need shift is read per
// category from the history, with the stop rule checked at its boundary day.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "churnwatch/category_stops.h"
#include "churnwatch/explain.h"
#include "churnwatch/features.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

constexpr const char* kColumns[] = {"complaints_90",     "negative_reviews_180", "competitor_view_90",
                                    "unit_price_change", "discount_share",       "cart_abandon_rate_90",
                                    "recency_days",      "interval_mean_days"};

struct Row {
  std::string id;
  std::vector<double> values;  // in kColumns order
  std::array<double, kReasonCategoryCount> sums{};
};

Timestamp At(int y, unsigned m, unsigned d) { return static_cast<Timestamp>(DaysFromCivil(y, m, d)) * kSecondsPerDay; }

Transaction Line(const std::string& customer, Timestamp ts, const std::string& category, double amount, int order) {
  Transaction t;
  t.customer_id = customer;
  t.order_id = customer + "-" + std::to_string(order);
  t.ts = ts;
  t.amount = amount;
  t.quantity = 1;
  t.category = category;
  t.sku = category;
  return t;
}

// "n1": cat food monthly from 2010-12-15 to 2011-03-15, litter until 2011-06-01.
std::vector<Transaction> NeedShiftHistory() {
  std::vector<Transaction> t;
  int order = 0;
  for (auto [y, m] : {std::pair{2010, 12u}, {2011, 1u}, {2011, 2u}, {2011, 3u}}) t.push_back(Line("n1", At(y, m, 15), "cat food", 20, ++order));
  for (auto [m, d] : {std::pair{1u, 20u}, {4u, 20u}, {6u, 1u}}) t.push_back(Line("n1", At(2011, m, d), "litter", 10, ++order));
  return t;
}

TEST(Causes, EvidenceRulesAgainstTheGoldenFile) {
  const double n = kNaN;
  auto sums = [](std::initializer_list<std::pair<ReasonCategory, double>> s) {
    std::array<double, kReasonCategoryCount> a{};
    for (auto [c, v] : s) a[static_cast<std::size_t>(c)] = v;
    return a;
  };
  using R = ReasonCategory;
  // complaints, neg reviews, competitor views, unit price change, discount share, cart abandon, recency, interval
  const std::vector<Row> rows = {
      {"c0", {2, 0, 0, 1, n, n, 30, 20}, sums({{R::kExperience, 0.4}})},
      {"c1", {0, 0, 3, 1, n, n, 30, 20}, sums({{R::kCompetition, 0.2}})},
      {"c2", {0, 0, 0, 0.7, n, n, 30, 20}, sums({{R::kPrice, 0.1}})},
      {"c3", {0, 0, 0, 1, 0.75, n, 30, 20}, sums({{R::kPrice, 0.1}})},
      // Evidence, but the category lowers the risk: not named.
      {"c4", {1, 0, 0, 1, n, n, 30, 20}, sums({{R::kExperience, -0.2}, {R::kDisengagement, 0.5}})},
      // No reason from the model at all: the symptom from the row's own numbers.
      {"c5", {0, 0, 0, 1, n, n, 64, 21}, sums({})},
      // Just short of every threshold (no complaint, 0 views, 0.81, 0.59, 0.29).
      {"c6", {0, 0, 0, 0.81, 0.59, 0.29, 64, 21}, sums({{R::kPrice, 0.3}, {R::kExperience, 0.3}})},
      // Two causes, equal contributions: the stronger evidence (8 views vs 1 complaint) leads.
      {"c7", {1, 0, 8, 1, n, n, 30, 20}, sums({{R::kExperience, 0.3}, {R::kCompetition, 0.3}})},
      // A stopped category: no model feature carries it, its share of spend (73 %) adds.
      {"n1", {0, 0, 0, 1, n, n, 30, 20}, sums({})},
      {"c9", {0, 1, 0, 1, n, n, 30, 20}, sums({{R::kExperience, 0.05}})},
      {"c10", {0, 0, 0, 1, n, 0.4, 30, 20}, sums({{R::kPrice, 0.05}})},
  };
  FeatureTable table;
  for (const char* c : kColumns) {
    table.names.emplace_back(c);
    table.columns.emplace_back();
  }
  const DayNumber cutoff = DaysFromCivil(2011, 7, 1);
  for (const auto& r : rows) {
    table.customer_ids.push_back(r.id);
    table.cutoffs.push_back(cutoff);
    for (std::size_t f = 0; f < r.values.size(); ++f) table.columns[f].push_back(r.values[f]);
  }
  std::vector<RowReasons> reasons(rows.size());
  std::vector<std::array<double, kReasonCategoryCount>> all_sums;
  for (const auto& r : rows) all_sums.push_back(r.sums);
  // Row c4's model reason is a symptom with its own sentence.
  reasons[4].count = 1;
  reasons[4].reasons[0] = {ReasonCategory::kDisengagement, 0.5, "recency_days", "model says quiet", "模型:沉默"};
  const auto history = NeedShiftHistory();
  const RetailColumns columns = ColumnsFromRows(history, {}, {});
  CauseOptions options;
  options.history = &columns;
  NameCauses(table, all_sums, reasons, {}, options);

  std::ostringstream got;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_GE(reasons[i].count, 1) << i;  // every row ends with a reason
    const Reason& r = reasons[i].reasons[0];
    got << i << '|' << ReasonKey(r.category) << '|' << r.top_feature << '|' << r.sentence_en << '|' << r.sentence_zh
        << '\n';
  }
  std::string want;
  std::istringstream golden(testing::ReadFile(testing::SourceFile("tests/fixtures/explain/causes.golden")));
  for (std::string line; std::getline(golden, line);)
    if (!line.empty() && line[0] != '#') want += line + '\n';
  EXPECT_EQ(got.str(), want);
  // A row with a cause names no symptom alongside it.
  for (std::size_t i : {0u, 1u, 2u, 3u, 7u, 8u})
    for (int k = 0; k < reasons[i].count; ++k) EXPECT_TRUE(IsCause(reasons[i].reasons[static_cast<std::size_t>(k)].category)) << i;
  // c7 names both causes, competition first.
  ASSERT_EQ(reasons[7].count, 2);
  EXPECT_EQ(reasons[7].reasons[1].category, ReasonCategory::kExperience);
}

TEST(Causes, CategoryStopBoundaries) {
  const auto history = NeedShiftHistory();
  const RetailColumns columns = ColumnsFromRows(history, {}, {});
  const CustomerIdx c = *columns.FindCustomer("n1");
  // Cat food: 4 days, mean gap (Mar 15 − Dec 15 = 90 days) / 3 = 30; quiet needed
  // max(30, 2 × 30) = 60 days after Mar 15, i.e. from May 14.
  EXPECT_FALSE(FindCategoryStop(columns, c, DaysFromCivil(2011, 5, 13)).has_value());
  const auto stop = FindCategoryStop(columns, c, DaysFromCivil(2011, 5, 14));
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(columns.categories[stop->category - 1], "cat food");
  EXPECT_EQ(columns.categories[stop->still_bought - 1], "litter");
  EXPECT_EQ(stop->purchase_days, 4);
  EXPECT_NEAR(stop->spend_share, 80.0 / 100.0, 1e-12);  // the June litter is after the cutoff: not read
  // Three purchase days are the minimum habit.
  CategoryStopOptions four;
  four.min_days = 5;
  EXPECT_FALSE(FindCategoryStop(columns, c, DaysFromCivil(2011, 7, 1), four).has_value());
  // Nothing bought after the category stopped: the customer stopped, not the need.
  EXPECT_FALSE(FindCategoryStop(columns, c, DaysFromCivil(2011, 4, 1)).has_value());
}

}  // namespace
}  // namespace churnwatch

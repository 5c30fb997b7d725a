// Checks the reason sentences: they never print nan or inf (whatever is missing), a count
// agrees with its noun ("1 day"), and a change is described in the direction it went
// (a unit price that rose is not "trading down", spend that rose is not "down from").
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <tuple>

#include "churnwatch/explain.h"
#include "churnwatch/feature_catalog.h"

namespace churnwatch {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
bool Contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

/// Every catalogue feature as a column, one row per case.
FeatureTable CatalogueTable(std::size_t rows) {
  FeatureTable t;
  for (std::size_t r = 0; r < rows; ++r) {
    t.customer_ids.push_back("c" + std::to_string(r));
    t.cutoffs.push_back(0);
    t.labels.push_back(ChurnLabel::kUnknown);
  }
  for (const auto& spec : FeatureCatalogue()) t.AppendColumn(std::string(spec.name), std::vector<double>(rows, 0.0));
  return t;
}

void Set(FeatureTable& t, std::string_view name, double v, std::size_t row = 0) {
  t.columns[*t.FeatureIndex(name)][row] = v;
}

TEST(ReasonSentenceFormat, NeverPrintsNanOrInf) {
  // Random mixes of ordinary, zero, negative, missing and infinite values.
  constexpr std::size_t kRows = 300;
  FeatureTable t = CatalogueTable(kRows);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> kind(0, 5);
  std::uniform_real_distribution<double> u(-2, 50);
  const double inf = std::numeric_limits<double>::infinity();
  for (auto& col : t.columns)
    for (double& v : col) {
      switch (kind(rng)) {
        case 0: v = kNaN; break;
        case 1: v = inf; break;
        case 2: v = -inf; break;
        case 3: v = 0; break;
        default: v = u(rng);
      }
    }
  for (const auto& spec : FeatureCatalogue())
    for (std::size_t r = 0; r < kRows; ++r) {
      const auto [en, zh] = ReasonSentence(t, r, spec.name);
      EXPECT_FALSE(en.empty()) << spec.name;
      EXPECT_FALSE(zh.empty()) << spec.name;
      for (const std::string& s : {Lower(en), Lower(zh)}) {
        EXPECT_FALSE(Contains(s, "nan")) << spec.name << ": " << s;
        EXPECT_FALSE(Contains(s, "inf")) << spec.name << ": " << s;
      }
    }
}

TEST(ReasonSentenceFormat, MissingValueSaysSo) {
  FeatureTable t = CatalogueTable(1);
  Set(t, "return_rate", kNaN);
  const auto [en, zh] = ReasonSentence(t, 0, "return_rate");
  EXPECT_TRUE(Contains(en, "missing")) << en;
  EXPECT_FALSE(Contains(en, "%")) << en;
  EXPECT_TRUE(Contains(zh, "缺失")) << zh;
}

TEST(ReasonSentenceFormat, SingularAndPlural) {
  FeatureTable t = CatalogueTable(2);
  Set(t, "recency_days", 1, 0);
  Set(t, "interval_mean_days", kNaN, 0);
  Set(t, "complaints_90", 1, 0);
  Set(t, "recency_days", 2, 1);
  Set(t, "interval_mean_days", 1, 1);
  Set(t, "complaints_90", 3, 1);
  auto en = ReasonSentence(t, 0, "recency_days").first;
  EXPECT_TRUE(Contains(en, "1 day ")) << en;
  EXPECT_FALSE(Contains(en, "1 days")) << en;
  en = ReasonSentence(t, 1, "recency_days").first;
  EXPECT_TRUE(Contains(en, "every 1 day;")) << en;
  EXPECT_TRUE(Contains(en, "2 days ")) << en;
  en = ReasonSentence(t, 0, "complaints_90").first;
  EXPECT_TRUE(Contains(en, "1 complaint ")) << en;
  en = ReasonSentence(t, 1, "complaints_90").first;
  EXPECT_TRUE(Contains(en, "3 complaints ")) << en;
}

TEST(ReasonSentenceFormat, UnitPriceChangeSaysWhichWay) {
  FeatureTable t = CatalogueTable(2);
  Set(t, "unit_price_change", 1.78, 0);
  Set(t, "unit_price_90", 4.5, 0);
  Set(t, "unit_price_change", 0.6, 1);
  Set(t, "unit_price_90", 2.5, 1);
  auto [en, zh] = ReasonSentence(t, 0, "unit_price_change");
  EXPECT_TRUE(Contains(en, "78%")) << en;
  EXPECT_FALSE(Contains(en, "trading down")) << en;
  EXPECT_FALSE(Contains(en, "fell")) << en;
  EXPECT_FALSE(Contains(zh, "降级")) << zh;
  EXPECT_FALSE(Contains(zh, "下降")) << zh;
  std::tie(en, zh) = ReasonSentence(t, 1, "unit_price_change");
  EXPECT_TRUE(Contains(en, "40%")) << en;
  EXPECT_TRUE(Contains(en, "trading down")) << en;
  EXPECT_FALSE(Contains(en, "rose")) << en;
  EXPECT_TRUE(Contains(zh, "下降")) << zh;
}

TEST(ReasonSentenceFormat, SpendComparisonSaysWhichWay) {
  FeatureTable t = CatalogueTable(2);
  Set(t, "monetary_90", 270, 0);
  Set(t, "monetary_prev90", 0, 0);
  Set(t, "monetary_90", 40, 1);
  Set(t, "monetary_prev90", 300, 1);
  auto [en, zh] = ReasonSentence(t, 0, "monetary_180");
  EXPECT_TRUE(Contains(en, "270")) << en;
  EXPECT_FALSE(Contains(en, "down")) << en;
  EXPECT_FALSE(Contains(zh, "少于")) << zh;
  std::tie(en, zh) = ReasonSentence(t, 1, "monetary_90");
  EXPECT_TRUE(Contains(en, "40")) << en;
  EXPECT_TRUE(Contains(en, "300")) << en;
  EXPECT_TRUE(Contains(en, "down")) << en;
  EXPECT_TRUE(Contains(zh, "少于")) << zh;
}

TEST(ReasonSentenceFormat, NoNegativeZero) {
  FeatureTable t = CatalogueTable(1);
  Set(t, "aov_change", 0.999);
  Set(t, "aov_90", -0.2);
  Set(t, "weekly_trend_26", -0.0001);
  for (std::string_view f : {"aov_change", "weekly_trend_26"}) {
    const auto [en, zh] = ReasonSentence(t, 0, f);
    EXPECT_FALSE(Contains(en, "-0")) << en;
    EXPECT_FALSE(Contains(zh, "-0")) << zh;
  }
}

// Issue 16: "近52周中有2%的周有购买" read badly; weeks are counted, and the Chinese
// sentences use full-width punctuation, for every template.
TEST(ReasonSentenceFormat, ChineseReadsNaturally) {
  FeatureTable t = CatalogueTable(1);
  for (auto& col : t.columns) col[0] = 3;
  Set(t, "active_weeks_share_52", 1.0 / 52);
  auto [en, zh] = ReasonSentence(t, 0, "active_weeks_share_52");
  EXPECT_EQ(en, "bought in 1 of the last 52 weeks");
  EXPECT_EQ(zh, "近52周中有1周有购买");
  for (const auto& spec : FeatureCatalogue()) {
    std::tie(en, zh) = ReasonSentence(t, 0, spec.name);
    for (char c : std::string(",;:()")) EXPECT_FALSE(Contains(zh, std::string(1, c))) << spec.name << ": " << zh;
  }
}

}  // namespace
}  // namespace churnwatch

// Golden, data-driven checks of the feature engine (STYLE.md §14): every catalogue feature,
// label rule and segment value on the hand-built fixture in tests/fixtures/features/golden_*,
// against the hand-computed values of golden_expected.tsv; and the pure segment rules against
// segment_rules.tsv. Also: a data set without events gives NaN for every emotion feature.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "churnwatch/feature_catalog.h"
#include "churnwatch/features.h"
#include "features/fixture_reader.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::ParseExpectedNumber;
using testing::ReadGoldenRows;
using testing::ReadTsv;

struct Case {
  std::string customer, name, expected;
  int line;
};

// Finds the row of (customer, cutoff) in a table, or -1.
long FindRow(const FeatureTable& t, const std::string& customer, DayNumber cutoff) {
  for (std::size_t i = 0; i < t.num_rows(); ++i)
    if (t.customer_ids[i] == customer && t.cutoffs[i] == cutoff) return static_cast<long>(i);
  return -1;
}

std::string TextValue(const FeatureTable& t, std::size_t row, const std::string& name) {
  const auto& s = t.segments[row];
  if (name == "label") return std::string(ChurnLabelName(t.labels[row]));
  if (name == "churn_kind") return std::string(ChurnKindName(t.churn_kinds[row]));
  if (name == "churn_span") return std::string(ChurnSpanName(t.churn_spans[row]));
  if (name == "segment") return std::string(RfmSegmentName(s.segment));
  if (name == "value_tier") return std::string(TierName(s.value_tier));
  if (name == "frequency_tier") return std::string(TierName(s.frequency_tier));
  if (name == "lifecycle_stage") return std::string(LifecycleStageName(s.lifecycle));
  return "<not a text column: " + name + ">";
}

double NumberValue(const FeatureTable& t, std::size_t row, const std::string& name) {
  const auto& s = t.segments[row];
  if (name == "days_to_next_purchase") return t.days_to_next_purchase[row];
  if (name == "observed_days") return t.observed_days[row];
  if (name == "r_score") return s.r_score;
  if (name == "f_score") return s.f_score;
  if (name == "m_score") return s.m_score;
  auto col = t.Column(name);
  EXPECT_FALSE(col.empty()) << "no feature named " << name;
  return col.empty() ? -12345.0 : col[row];
}

bool IsText(const std::string& name) {
  static const std::set<std::string> kText = {"label", "churn_kind", "churn_span", "segment", "value_tier", "frequency_tier",
                                              "lifecycle_stage"};
  return kText.count(name) > 0;
}

TEST(GoldenFeatures, EveryExpectedValueMatches) {
  const auto rows = ReadGoldenRows();
  const RetailColumns cols = ColumnsFromRows(rows.transactions, rows.customers, rows.events);
  const auto expected = ReadTsv("tests/fixtures/features/golden_expected.tsv");
  ASSERT_GT(expected.size(), 1u);

  // Group the cases by (cutoff, horizon): one table each.
  std::map<std::pair<DayNumber, int>, std::vector<Case>> groups;
  for (std::size_t i = 1; i < expected.size(); ++i) {
    const auto& f = expected[i];
    ASSERT_GE(f.size(), 4u) << "golden_expected.tsv data line " << i;
    auto cutoff = ParseIsoDate(f[1]);
    ASSERT_TRUE(cutoff) << f[1];
    groups[{*cutoff, std::stoi(f[2])}].push_back({f[0], f[3], f.size() > 4 ? f[4] : "", static_cast<int>(i)});
  }
  std::set<std::string> covered;
  for (const auto& [key, cases] : groups) {
    FeatureOptions opt;
    opt.horizon_days = key.second;
    const DayNumber cutoff = key.first;
    auto table = BuildFeatureTable(cols, std::span<const DayNumber>(&cutoff, 1), opt);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    for (const auto& c : cases) {
      SCOPED_TRACE("expected line " + std::to_string(c.line) + ": " + c.customer + " " + FormatIsoDate(cutoff) + " H=" +
                   std::to_string(key.second) + " " + c.name);
      const long row = FindRow(*table, c.customer, cutoff);
      if (c.name == "eligible") {
        EXPECT_EQ(row >= 0 ? "yes" : "no", c.expected);
        continue;
      }
      ASSERT_GE(row, 0) << "customer is not in the table";
      covered.insert(c.name);
      if (IsText(c.name)) {
        EXPECT_EQ(TextValue(*table, static_cast<std::size_t>(row), c.name), c.expected);
        continue;
      }
      const double want = ParseExpectedNumber(c.expected);
      const double got = NumberValue(*table, static_cast<std::size_t>(row), c.name);
      if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(got)) << "got " << got;
      } else {
        EXPECT_NEAR(got, want, 1e-9 * std::max(1.0, std::fabs(want)));
      }
    }
  }
  // The fixture must exercise the whole catalogue.
  for (const auto& spec : FeatureCatalogue())
    EXPECT_TRUE(covered.count(std::string(spec.name))) << spec.name << " has no golden expectation";
}

TEST(GoldenFeatures, NoEventsMakesEveryEmotionFeatureNaN) {
  const auto rows = ReadGoldenRows();
  const RetailColumns cols = ColumnsFromRows(rows.transactions, rows.customers, {});
  const DayNumber cutoff = *ParseIsoDate("2011-07-01");
  auto table = BuildFeatureTable(cols, std::span<const DayNumber>(&cutoff, 1), FeatureOptions{});
  ASSERT_TRUE(table.ok());
  ASSERT_GT(table->num_rows(), 0u);
  int emotion = 0;
  for (const auto& spec : FeatureCatalogue()) {
    if (spec.group != FeatureGroup::kEmotion) continue;
    ++emotion;
    for (double v : table->Column(spec.name)) EXPECT_TRUE(std::isnan(v)) << spec.name << " = " << v;
  }
  EXPECT_GE(emotion, 15);
}

TEST(GoldenFeatures, CatalogueHasAtLeast35FeaturesInThreeGroups) {
  std::map<FeatureGroup, int> per_group;
  std::set<std::string_view> names;
  for (const auto& spec : FeatureCatalogue()) {
    ++per_group[spec.group];
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate name " << spec.name;
    EXPECT_FALSE(spec.definition.empty()) << spec.name;
    EXPECT_FALSE(spec.unit.empty()) << spec.name;
  }
  EXPECT_GE(names.size(), 35u);
  EXPECT_EQ(per_group.size(), 3u);
  for (const char* spec_name : {"recency_days", "frequency_30", "frequency_90", "frequency_180", "frequency_365", "tenure_days",
                                "overdue_ratio", "freq_change", "category_breadth_180", "monetary_30", "monetary_365", "aov_90",
                                "aov_change", "discount_share", "return_rate", "competitor_view_30"})
    EXPECT_NE(FindFeature(spec_name), nullptr) << "SPEC.md §5 name missing: " << spec_name;
}

TEST(SegmentRules, MatchTheDocumentedTable) {
  const auto cases = ReadTsv("tests/fixtures/features/segment_rules.tsv");
  ASSERT_GT(cases.size(), 20u);
  auto num = [](const std::string& s) { return ParseExpectedNumber(s); };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& f = cases[i];
    SCOPED_TRACE("segment_rules.tsv data line " + std::to_string(i + 1));
    if (f[0] == "quintile") {
      EXPECT_EQ(QuintileScore(std::stoul(f[1]), std::stoul(f[2])), std::stoi(f[3]));
    } else if (f[0] == "rfm") {
      EXPECT_EQ(RfmSegmentName(RfmSegmentFor(std::stoi(f[1]), std::stoi(f[2]), std::stoi(f[3]))), f[4]);
    } else if (f[0] == "freq_tier") {
      EXPECT_EQ(TierName(FrequencyTierFor(num(f[1]))), f[2]);
    } else if (f[0] == "lifecycle") {
      ASSERT_EQ(f.size(), 10u);
      LifecycleInputs in{.recency_days = num(f[1]),
                         .tenure_days = num(f[2]),
                         .frequency_90 = num(f[3]),
                         .frequency_prev90 = num(f[4]),
                         .aov_change = num(f[5]),
                         .overdue_ratio = num(f[6]),
                         .reactivation_gap_days = num(f[7]),
                         .horizon_days = std::stoi(f[8])};
      EXPECT_EQ(LifecycleStageName(LifecycleStageFor(in)), f[9]);
    } else {
      ADD_FAILURE() << "unknown kind " << f[0];
    }
  }
  // all 11 named segments are reachable from the grid
  std::set<RfmSegment> seen;
  for (int r = 1; r <= 5; ++r)
    for (int f = 1; f <= 5; ++f)
      for (int m = 1; m <= 5; ++m) seen.insert(RfmSegmentFor(r, f, m));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kRfmSegmentCount));
}

}  // namespace
}  // namespace churnwatch

// Checks result tables and documents on both backends: a result table reads back exactly
// as written (column order, kinds, NaN, empty text, row order), is replaced whole, an
// absent one is NotFound, malformed ones are refused with a message naming the column;
// documents are upserted, listed in key order and absent keys read as empty.
#include <gtest/gtest.h>

#include <cmath>

#include "churnwatch/store.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

class StoreResultsTest : public ::testing::TestWithParam<std::string> {};

ResultTable Scores(std::size_t rows) {
  ResultTable t;
  ResultColumn id{.name = "customer_id", .is_text = true};
  ResultColumn p{.name = "p_churn"};
  ResultColumn note{.name = "Reason \"top\"", .is_text = true};
  for (std::size_t i = 0; i < rows; ++i) {
    id.texts.push_back("C" + std::to_string(rows - i));  // not sorted: row order must be kept
    p.numbers.push_back(i == 1 ? kNaN : 1.0 / (static_cast<double>(i) + 3.0));
    note.texts.push_back(i % 3 == 0 ? "" : "降价\tline\nnext");
  }
  t.columns = {id, p, note};
  return t;
}

TEST_P(StoreResultsTest, ResultTableRoundTripsAndIsReplacedWhole) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = Store::Open(db->url());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const ResultTable t = Scores(500);
  ASSERT_TRUE((*s)->ReplaceResultTable("scores", t).ok());
  auto back = (*s)->ReadResultTable("scores");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->columns.size(), 3u);
  EXPECT_EQ(back->rows(), 500u);
  for (std::size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(back->columns[c].name, t.columns[c].name);
    EXPECT_EQ(back->columns[c].is_text, t.columns[c].is_text);
  }
  EXPECT_EQ(back->columns[0].texts, t.columns[0].texts);
  EXPECT_EQ(back->columns[2].texts, t.columns[2].texts);
  for (std::size_t i = 0; i < 500; ++i) {
    if (i == 1)
      EXPECT_TRUE(std::isnan(back->columns[1].numbers[i]));
    else
      EXPECT_EQ(back->columns[1].numbers[i], t.columns[1].numbers[i]) << i;
  }

  // Replacing with a different shape leaves only the new table.
  ResultTable small;
  small.columns = {{.name = "x", .numbers = {1.5, -2}}};
  ASSERT_TRUE((*s)->ReplaceResultTable("scores", small).ok());
  auto again = (*s)->ReadResultTable("scores");
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->columns.size(), 1u);
  EXPECT_EQ(again->columns[0].numbers, (std::vector<double>{1.5, -2}));

  // An empty table (no rows) is a table, not an absence.
  ResultTable empty;
  empty.columns = {{.name = "only", .is_text = true}};
  ASSERT_TRUE((*s)->ReplaceResultTable("empty_one", empty).ok());
  auto e = (*s)->ReadResultTable("empty_one");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->rows(), 0u);
}

TEST_P(StoreResultsTest, MissingAndMalformedResultTablesAreReported) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = Store::Open(db->url());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto missing = (*s)->ReadResultTable("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message().rfind("result table 'nope' not found in ", 0), 0u) << missing.status().message();

  Status bad_name = (*s)->ReplaceResultTable("drop table;", Scores(2));
  EXPECT_EQ(bad_name.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_name.message(), "result table name 'drop table;' may only contain letters, digits and '_'");

  ResultTable ragged;
  ragged.columns = {{.name = "a", .numbers = {1, 2, 3}}, {.name = "b", .numbers = {1}}};
  Status r = (*s)->ReplaceResultTable("ragged", ragged);
  EXPECT_EQ(r.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.message(), "result table 'ragged', column 'b': has 1 rows but the first column has 3");

  ResultTable dup;
  dup.columns = {{.name = "a", .numbers = {1}}, {.name = "a", .numbers = {2}}};
  EXPECT_EQ((*s)->ReplaceResultTable("dup", dup).message(), "result table 'dup', column 'a': duplicate column name");

  ResultTable reserved;
  reserved.columns = {{.name = "_cw_row", .numbers = {1}}};
  EXPECT_EQ((*s)->ReplaceResultTable("res", reserved).code(), StatusCode::kInvalidArgument);
  // Failed replacements created nothing.
  EXPECT_EQ((*s)->ReadResultTable("ragged").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreResultsTest, DocumentsAreUpsertedAndListedInKeyOrder) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = Store::Open(db->url());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto none = (*s)->GetDocument("models", "v1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE((*s)->PutDocument("models", "v2", R"({"auc": 0.81})").ok());
  ASSERT_TRUE((*s)->PutDocument("models", "v1", R"({"auc": 0.79, "note": "首个"})").ok());
  ASSERT_TRUE((*s)->PutDocument("runs", "r1", "{}").ok());
  ASSERT_TRUE((*s)->PutDocument("models", "v1", R"({"auc": 0.80})").ok());  // overwrite

  auto v1 = (*s)->GetDocument("models", "v1");
  ASSERT_TRUE(v1.ok() && v1->has_value());
  EXPECT_EQ(**v1, R"({"auc": 0.80})");
  auto keys = (*s)->ListDocumentKeys("models");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::string>{"v1", "v2"}));
  auto empty = (*s)->ListDocumentKeys("nothing");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreResultsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace churnwatch

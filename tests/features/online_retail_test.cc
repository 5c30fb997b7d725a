// Independent cross-check on the real Online Retail data (slow tier): ingest it with
// examples/mappings/online_retail.toml into a temporary SQLite store through the CLI, build
// features at 2011-09-09 (H = 90) from the store, and compare, for every customer, the
// eligibility set, recency_days, frequency_90/365 and monetary_90/365 with a plain SQL query
// over the store's transactions table (sqlite3 C API, written here, no engine code).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <map>

#include "churnwatch/features.h"
#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

struct SqlRow {
  double recency, f90, f365, m90, m365;
};

TEST(OnlineRetail, RfmAt20110909MatchesPlainSql) {
  CW_REQUIRE_SHARED_DATA(csv, "online_retail/online_retail.csv.gz");
  testing::TempDir dir;
  const std::string db = (dir / "retail.db").string();
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " ingest --quiet --db sqlite:" + db + " --mapping " +
                          testing::SourceFile("examples/mappings/online_retail.toml").string() + " --transactions " +
                          csv.string() + " --rejects-dir " + dir.path().string() + " > " + (dir / "ingest.out").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n" << testing::ReadFile(dir / "ingest.out");

  const DayNumber T = *ParseIsoDate("2011-09-09");
  // ---- the engine ----
  auto store = Store::Open("sqlite:" + db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto cols = LoadColumnsFromStore(**store, 2);
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  FeatureOptions opt;
  opt.threads = 2;
  auto table = BuildFeatureTable(*cols, std::span<const DayNumber>(&T, 1), opt);
  ASSERT_TRUE(table.ok());

  // ---- plain SQL: an order is a distinct (order_id, day); monetary is net of returns ----
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> conn(raw, sqlite3_close);
  const char* sql =
      "SELECT customer_id,"
      "  ?1 - max(CASE WHEN is_return = 0 THEN ts / 86400 END) AS recency,"
      "  count(DISTINCT CASE WHEN is_return = 0 AND ts >= (?1 - 90) * 86400 THEN order_id || '|' || (ts / 86400) END),"
      "  count(DISTINCT CASE WHEN is_return = 0 AND ts >= (?1 - 365) * 86400 THEN order_id || '|' || (ts / 86400) END),"
      "  total(CASE WHEN ts >= (?1 - 90) * 86400 THEN amount END),"
      "  total(CASE WHEN ts >= (?1 - 365) * 86400 THEN amount END) "
      "FROM transactions WHERE ts < ?1 * 86400 "
      "GROUP BY customer_id HAVING recency <= 90";
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(conn.get(), sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(conn.get());
  sqlite3_bind_int64(st, 1, T);
  std::map<std::string, SqlRow> expected;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const std::string id = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    expected[id] = {sqlite3_column_double(st, 1), sqlite3_column_double(st, 2), sqlite3_column_double(st, 3),
                    sqlite3_column_double(st, 4), sqlite3_column_double(st, 5)};
  }
  sqlite3_finalize(st);

  ASSERT_GT(expected.size(), 1500u);  // roughly 2,000 customers bought in the 90 days before
  ASSERT_EQ(table->num_rows(), expected.size());
  const auto rec = table->Column("recency_days"), f90 = table->Column("frequency_90"), f365 = table->Column("frequency_365"),
             m90 = table->Column("monetary_90"), m365 = table->Column("monetary_365");
  for (std::size_t r = 0; r < table->num_rows(); ++r) {
    auto it = expected.find(table->customer_ids[r]);
    ASSERT_NE(it, expected.end()) << table->customer_ids[r] << " is eligible in the engine but not in SQL";
    const SqlRow& e = it->second;
    SCOPED_TRACE("customer " + table->customer_ids[r]);
    EXPECT_EQ(rec[r], e.recency);
    EXPECT_EQ(f90[r], e.f90);
    EXPECT_EQ(f365[r], e.f365);
    EXPECT_NEAR(m90[r], e.m90, 1e-6 * std::max(1.0, std::fabs(e.m90)));
    EXPECT_NEAR(m365[r], e.m365, 1e-6 * std::max(1.0, std::fabs(e.m365)));
  }
}

}  // namespace
}  // namespace churnwatch

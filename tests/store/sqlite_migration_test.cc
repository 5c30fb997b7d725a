// Checks that a SQLite store written by an older churnwatch (schema version 2: rowid tables
// with a UNIQUE row_key) is migrated in place when opened: every row survives with every
// field, the canonical tables become WITHOUT ROWID tables keyed by row_key, and re-loading
// the same rows afterwards adds nothing (the idempotency key still holds).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "churnwatch/store.h"
#include "store/schema.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

void ExecOrFail(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
}

// Builds the file an older churnwatch would have left: the shipped migrations 1 and 2.
void WriteVersion2Store(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  using store_internal::Dialect;
  ExecOrFail(db, std::string(store_internal::CreateMigrationsTableSql(Dialect::kSqlite)));
  for (const auto& m : store_internal::Migrations()) {
    if (m.version > 2) break;
    ExecOrFail(db, std::string(m.sqlite_sql));
    ExecOrFail(db, "INSERT INTO schema_migrations (version, description) VALUES (" + std::to_string(m.version) + ", 'old')");
  }
  sqlite3_close(db);
}

template <typename Row>
LoadCounts Load(Store& s, Table t, const std::vector<Row>& rows) {
  auto session = s.BeginLoad({t, "old.csv", "fp"});
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return {};
  Status st;
  if constexpr (std::is_same_v<Row, Transaction>) st = (*session)->AppendTransactions(rows);
  if constexpr (std::is_same_v<Row, Customer>) st = (*session)->AppendCustomers(rows);
  if constexpr (std::is_same_v<Row, Event>) st = (*session)->AppendEvents(rows);
  EXPECT_TRUE(st.ok()) << st.ToString();
  auto c = (*session)->Commit();
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : LoadCounts{};
}

TEST(SqliteMigration, Version2StoreIsClusteredOnRowKeyWithEveryRowKept) {
  testing::TempDir dir;
  const std::string path = (dir / "old.db").string();
  WriteVersion2Store(path);
  // Rows go in through the version-2 schema with plain SQL, as the old build stored them.
  auto data = testing::MakeSyntheticRetail({.seed = 11, .customers = 40});
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "INSERT INTO transactions (row_key, load_id, order_id, customer_id, ts, amount, quantity, "
                                 "is_return) VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
                                 -1, &st, nullptr),
              SQLITE_OK);
    for (const auto& t : data.transactions) {
      unsigned char key[16];
      for (int i = 0; i < 8; ++i) {
        key[i] = static_cast<unsigned char>(t.key.hi >> (56 - 8 * i));
        key[8 + i] = static_cast<unsigned char>(t.key.lo >> (56 - 8 * i));
      }
      sqlite3_bind_blob(st, 1, key, 16, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, t.order_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 3, t.customer_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(st, 4, t.ts);
      sqlite3_bind_double(st, 5, t.amount);
      sqlite3_bind_double(st, 6, t.quantity);
      sqlite3_bind_int(st, 7, t.is_return ? 1 : 0);
      ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }

  auto opened = Store::Open("sqlite:" + path);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& s = **opened;
  EXPECT_EQ(s.SchemaVersion(), store_internal::LatestSchemaVersion());
  EXPECT_EQ(*s.CountRows(Table::kTransactions), static_cast<std::int64_t>(data.transactions.size()));
  // Migration 4 gave every existing row its bucket: two halves of the range count them all.
  std::int64_t in_halves = 0;
  for (std::uint32_t r = 0; r < 2; ++r) {
    ASSERT_TRUE(s.SetScanBuckets(OwnedBuckets(r, 2, *s.BucketCount())).ok());
    in_halves += *s.CountRows(Table::kTransactions);
  }
  ASSERT_TRUE(s.SetScanBuckets(std::nullopt).ok());
  EXPECT_EQ(in_halves, static_cast<std::int64_t>(data.transactions.size()));

  std::vector<Transaction> got;
  ASSERT_TRUE(s.ScanTransactions([&](std::span<const Transaction> b) {
                 got.insert(got.end(), b.begin(), b.end());
                 return Status::OK();
               }).ok());
  auto by_key = [](const Transaction& a, const Transaction& b) {
    return a.key.hi != b.key.hi ? a.key.hi < b.key.hi : a.key.lo < b.key.lo;
  };
  auto want = data.transactions;
  std::sort(want.begin(), want.end(), by_key);
  std::sort(got.begin(), got.end(), by_key);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(got[i].key == want[i].key);
    EXPECT_EQ(got[i].order_id, want[i].order_id);
    EXPECT_EQ(got[i].customer_id, want[i].customer_id);
    EXPECT_EQ(got[i].ts, want[i].ts);
    EXPECT_EQ(got[i].amount, want[i].amount);
    EXPECT_EQ(got[i].is_return, want[i].is_return);
  }

  // Loading the same rows again finds every one already present.
  const LoadCounts again = Load(s, Table::kTransactions, data.transactions);
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.already_present, static_cast<std::int64_t>(data.transactions.size()));
  // New customers still load, and their lookup index was recreated with the table.
  EXPECT_EQ(Load(s, Table::kCustomers, data.customers).inserted, static_cast<std::int64_t>(data.customers.size()));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  for (const char* table : {"transactions", "customers", "events"}) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW) << table;
    const std::string sql = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    EXPECT_NE(sql.find("WITHOUT ROWID"), std::string::npos) << sql;
    EXPECT_NE(sql.find("row_key BLOB NOT NULL PRIMARY KEY"), std::string::npos) << sql;
    sqlite3_finalize(st);
  }
  sqlite3_stmt* idx = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'customers_customer'",
                               -1, &idx, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(idx), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(idx, 0), 1);
  sqlite3_finalize(idx);
  sqlite3_close(db);
}

}  // namespace
}  // namespace churnwatch

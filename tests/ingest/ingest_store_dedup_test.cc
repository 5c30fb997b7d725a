// Occurrence-aware idempotency against the real stores (SQLite, and PostgreSQL when
// scripts/with-postgres provides a server): a till export with the same item scanned twice
// loads both lines; loading the same file again, or an overlapping export, adds nothing
// but its new lines; `duplicates = "skip"` still drops exact repeats.
#include <gtest/gtest.h>

#include <string>

#include "churnwatch/ingest.h"
#include "store/store_test_util.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::TempDir;
using testing::WriteFile;

IngestCounts Load(const std::string& url, const TempDir& dir, const std::string& file, const std::string& table_keys) {
  auto m = ParseMapping("[transactions]\n" + table_keys +
                            "[transactions.fields]\norder_id = \"id\"\ncustomer_id = \"cust\"\nts = \"day\"\n"
                            "amount = \"amt\"\n",
                        "m.toml", dir.path().string());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  auto store = Store::Open(url);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  IngestInputs in;
  in.transactions = (dir / file).string();
  auto r = Ingest(*m, in, store->get(), opt);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->totals : IngestCounts{};
}

void RepeatedScansLoadOnce(const std::string& backend) {
  std::string why;
  auto db = testing::TestDatabase::Create(backend, why);
  if (!db) GTEST_SKIP() << why;
  TempDir dir;
  WriteFile(dir / "a.csv", "id,cust,day,amt\n1,A,2011-01-01,5\n2,B,2011-01-02,3\n2,B,2011-01-02,3\n3,C,2011-01-03,4\n");
  WriteFile(dir / "b.csv", "id,cust,day,amt\n2,B,2011-01-02,3\n2,B,2011-01-02,3\n3,C,2011-01-03,4\n4,D,2011-01-04,9\n");
  IngestCounts first = Load(db->url(), dir, "a.csv", "");
  EXPECT_EQ(first.rows_loaded, 4);
  EXPECT_EQ(first.duplicates_kept, 1);
  IngestCounts again = Load(db->url(), dir, "a.csv", "");
  EXPECT_EQ(again.rows_loaded, 0);
  EXPECT_EQ(again.already_present, 4);
  IngestCounts overlap = Load(db->url(), dir, "b.csv", "");
  EXPECT_EQ(overlap.rows_loaded, 1);
  EXPECT_EQ(overlap.already_present, 3);
  auto store = Store::Open(db->url());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->CountRows(Table::kTransactions), 5);
}

TEST(IngestStoreDedup, RepeatedScansLoadOnceSqlite) { RepeatedScansLoadOnce("sqlite"); }
TEST(IngestStoreDedup, RepeatedScansLoadOncePostgres) { RepeatedScansLoadOnce("postgresql"); }

TEST(IngestStoreDedup, SkipStillDropsExactRepeats) {
  CW_OPEN_TEST_DATABASE(db, "sqlite");
  TempDir dir;
  WriteFile(dir / "a.csv", "id,cust,day,amt\n1,A,2011-01-01,5\n1,A,2011-01-01,5\n");
  IngestCounts c = Load(db->url(), dir, "a.csv", "duplicates = \"skip\"\n");
  EXPECT_EQ(c.rows_loaded, 1);
  EXPECT_EQ(c.duplicates_skipped, 1);
}

}  // namespace
}  // namespace churnwatch

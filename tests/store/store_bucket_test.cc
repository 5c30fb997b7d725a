// Customer buckets in both stores: the bucket function against independently computed
// values, the bucket each loaded row stores (C++ at load == the stores' SQL function), scans
// restricted to bucket ranges that partition the rows exactly, PostgreSQL's partitions,
// and a version-3 store whose existing rows get their buckets from the migration.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "churnwatch/bucket.h"
#include "churnwatch/store.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

using testing::TestDatabase;

// Expected values computed with a separate Python implementation of FNV-1a 64 and
// SplitMix64's finaliser (arbitrary-precision integers, mod 2^64).
TEST(Bucket, FunctionMatchesReferenceValues) {
  // SplitMix64 (Steele et al. 2014) seeded with 0 first returns mix64(0x9e3779b97f4a7c15)
  // = 0xe220a8397b1dcdaf (the generator's published first output).
  EXPECT_EQ(Mix64(0x9e3779b97f4a7c15ull), 0xe220a8397b1dcdafull);
  EXPECT_EQ(Fnv1a64(""), 14695981039346656037ull);
  EXPECT_EQ(Fnv1a64("12346"), 16534380577316376337ull);
  EXPECT_EQ(Mix64(Fnv1a64("12346")), 5833940838435675171ull);
  EXPECT_EQ(CustomerBucket("", 1024), 155u);
  EXPECT_EQ(CustomerBucket("12346", 1024), 35u);
  EXPECT_EQ(CustomerBucket("C-000001", 1024), 825u);
  EXPECT_EQ(CustomerBucket("\xe5\xbc\xa0\xe4\xb8\x89", 1024), 386u);  // 张三 in UTF-8
}

TEST(Bucket, OwnershipCoversEveryBucketOnceInContiguousRanges) {
  for (std::uint32_t workers : {1u, 2u, 3u, 4u, 7u, 1024u}) {
    std::vector<int> owners(1024, 0);
    std::uint32_t next = 0;
    for (std::uint32_t r = 0; r < workers; ++r) {
      const BucketRange range = OwnedBuckets(r, workers, 1024);
      EXPECT_EQ(range.begin, next) << workers << " workers, rank " << r;
      EXPECT_GE(range.size(), 1024 / workers);
      EXPECT_LE(range.size(), 1024 / workers + 1);
      for (std::uint32_t b = range.begin; b < range.end; ++b) ++owners[b];
      next = range.end;
    }
    EXPECT_EQ(next, 1024u);
    for (int n : owners) EXPECT_EQ(n, 1);
  }
}

TEST(Bucket, SpreadsSequentialIdsEvenly) {
  // 102,400 sequential ids over 1024 buckets: 100 expected per bucket; a binomial count
  // stays within 100 ± 45 (4.5 sd) for all 1024 buckets with overwhelming probability.
  std::vector<int> n(1024, 0);
  for (int i = 0; i < 102400; ++i) ++n[CustomerBucket(std::to_string(i), 1024)];
  for (int c : n) {
    EXPECT_GT(c, 55);
    EXPECT_LT(c, 145);
  }
}

class StoreBucketTest : public ::testing::TestWithParam<std::string> {};

std::vector<Transaction> SomeTransactions(int customers, int per_customer) {
  std::vector<Transaction> rows;
  for (int c = 0; c < customers; ++c)
    for (int k = 0; k < per_customer; ++k) {
      Transaction t;
      t.customer_id = c == 0 ? "" : c == 1 ? "\xe5\xbc\xa0\xe4\xb8\x89" : "C-" + std::to_string(c);
      t.order_id = "o" + std::to_string(c) + "-" + std::to_string(k);
      t.key = {static_cast<std::uint64_t>(c) + 1, static_cast<std::uint64_t>(k) + 1};
      t.ts = 1'600'000'000 + k * 86400;
      t.amount = 10 + k;
      t.quantity = 1;
      rows.push_back(t);
    }
  return rows;
}

void Load(Store& s, const std::vector<Transaction>& rows) {
  auto session = s.BeginLoad({Table::kTransactions, "t.csv", "fp"});
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  ASSERT_TRUE((*session)->AppendTransactions(rows).ok());
  ASSERT_TRUE((*session)->Commit().ok());
}

TEST_P(StoreBucketTest, LoadsStoreTheBucketAndScansSelectBucketRanges) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto opened = Store::Open(db->url());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& s = **opened;
  ASSERT_EQ(*s.BucketCount(), 1024u);
  const auto rows = SomeTransactions(300, 3);
  Load(s, rows);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM store_settings WHERE key = 'bucket_count' AND value = '1024'"), 1);
  // The bucket computed at load equals the independent reference, for every row.
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM transactions WHERE bucket IS NULL"), 0);
  for (int c : {2, 17, 299}) {
    const std::string id = "C-" + std::to_string(c);
    EXPECT_EQ(db->QueryInt("SELECT min(bucket) FROM transactions WHERE customer_id = '" + id + "'"),
              CustomerBucket(id, 1024));
    EXPECT_EQ(db->QueryInt("SELECT max(bucket) FROM transactions WHERE customer_id = '" + id + "'"),
              CustomerBucket(id, 1024));
  }
  EXPECT_EQ(db->QueryInt("SELECT min(bucket) FROM transactions WHERE customer_id IS NULL"), 155);
  if (GetParam() == "postgresql") {
    // The SQL function of the store (PostgreSQL; SQLite's lives on the store's own
    // connection) gives the same bucket as the load for every row.
    EXPECT_EQ(db->QueryInt("SELECT count(*) FROM transactions WHERE bucket <> churnwatch_bucket(customer_id, 1024)"), 0);
    EXPECT_EQ(db->QueryInt("SELECT churnwatch_bucket('C-000001', 1024)"), 825);
    EXPECT_EQ(db->QueryInt("SELECT churnwatch_bucket(NULL, 1024)"), 155);
  }

  // Three workers' ranges: disjoint, together every row, each row inside its range.
  std::int64_t total = 0;
  std::set<std::string> seen;
  for (std::uint32_t r = 0; r < 3; ++r) {
    const BucketRange range = OwnedBuckets(r, 3, 1024);
    ASSERT_TRUE(s.SetScanBuckets(range).ok());
    total += *s.CountRows(Table::kTransactions);
    ASSERT_TRUE(s.ScanTransactions([&](std::span<const Transaction> b) {
                   for (const auto& t : b) {
                     EXPECT_TRUE(range.Contains(CustomerBucket(t.customer_id, 1024))) << t.customer_id;
                     EXPECT_TRUE(seen.insert(t.order_id).second) << t.order_id << " scanned twice";
                   }
                   return Status::OK();
                 }).ok());
  }
  EXPECT_EQ(total, static_cast<std::int64_t>(rows.size()));
  EXPECT_EQ(seen.size(), rows.size());
  ASSERT_TRUE(s.SetScanBuckets(std::nullopt).ok());
  EXPECT_EQ(*s.CountRows(Table::kTransactions), static_cast<std::int64_t>(rows.size()));

  const Status bad = s.SetScanBuckets(BucketRange{10, 2000});
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("outside this store's 1024 buckets"), std::string::npos) << bad.message();

  // Re-loading adds nothing: the (row_key, bucket) constraint still makes loads idempotent.
  Load(s, rows);
  EXPECT_EQ(*s.CountRows(Table::kTransactions), static_cast<std::int64_t>(rows.size()));

  if (GetParam() == "postgresql") {
    EXPECT_EQ(db->QueryInt("SELECT count(*) FROM pg_inherits WHERE inhparent = 'transactions'::regclass"), 16);
    EXPECT_EQ(db->QueryInt("SELECT count(*) FROM pg_inherits WHERE inhparent = 'customers'::regclass"), 16);
    EXPECT_EQ(db->QueryInt("SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass"), 16);
    // Each partition holds exactly its 64 buckets, and no customer spans two partitions.
    EXPECT_EQ(db->QueryInt("SELECT count(*) FROM transactions_p03 WHERE bucket < 192 OR bucket >= 256"), 0);
    EXPECT_EQ(db->QueryInt("SELECT count(*) FROM (SELECT customer_id FROM transactions GROUP BY customer_id "
                           "HAVING count(DISTINCT tableoid) > 1) x"),
              0);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreBucketTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace churnwatch

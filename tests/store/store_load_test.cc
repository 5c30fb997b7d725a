// Checks the Store contract on both backends (the same cases, parameterised over
// {sqlite, postgresql}; the PostgreSQL instances skip with a message when no test server
// is configured): migrations are versioned and idempotent, loads are atomic (commit makes
// rows visible, an uncommitted session leaves nothing), re-loading adds nothing and counts
// what was already there, and scans return exactly the rows loaded, every field intact.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "churnwatch/store.h"
#include "store/sqlite_load_buffer.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

using testing::TestDatabase;

class StoreLoadTest : public ::testing::TestWithParam<std::string> {};

std::unique_ptr<Store> MustOpen(const std::string& url) {
  auto r = Store::Open(url);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

template <typename Row>
LoadCounts MustLoad(Store& s, Table t, const std::vector<Row>& rows, std::size_t batch = 1000) {
  auto session = s.BeginLoad({t, "test.csv", "fp"});
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return {};
  for (std::size_t i = 0; i < rows.size(); i += batch) {
    std::span<const Row> part(rows.data() + i, std::min(batch, rows.size() - i));
    Status st;
    if constexpr (std::is_same_v<Row, Transaction>) st = (*session)->AppendTransactions(part);
    if constexpr (std::is_same_v<Row, Customer>) st = (*session)->AppendCustomers(part);
    if constexpr (std::is_same_v<Row, Event>) st = (*session)->AppendEvents(part);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  auto counts = (*session)->Commit();
  EXPECT_TRUE(counts.ok()) << counts.status().ToString();
  return counts.ok() ? *counts : LoadCounts{};
}

std::vector<Transaction> ScanAllTransactions(Store& s) {
  std::vector<Transaction> out;
  Status st = s.ScanTransactions([&](std::span<const Transaction> b) {
    out.insert(out.end(), b.begin(), b.end());
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

bool SameNumber(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

bool operator==(const Transaction& a, const Transaction& b) {
  return a.key == b.key && a.order_id == b.order_id && a.customer_id == b.customer_id && a.ts == b.ts &&
         SameNumber(a.amount, b.amount) && SameNumber(a.quantity, b.quantity) && SameNumber(a.discount, b.discount) &&
         a.channel == b.channel && a.store_id == b.store_id && a.sku == b.sku && a.category == b.category &&
         a.is_return == b.is_return;
}
bool operator==(const Customer& a, const Customer& b) {
  return a.key == b.key && a.customer_id == b.customer_id && a.joined_at == b.joined_at && a.member_tier == b.member_tier &&
         a.region == b.region && a.birth_year == b.birth_year && a.gender == b.gender && a.phone_hash == b.phone_hash &&
         a.email_hash == b.email_hash && a.name_hash == b.name_hash && a.status == b.status;
}
bool operator==(const Event& a, const Event& b) {
  return a.key == b.key && a.event_id == b.event_id && a.customer_id == b.customer_id && a.ts == b.ts && a.type == b.type &&
         SameNumber(a.value, b.value) && a.text == b.text;
}

template <typename Row>
void SortByKey(std::vector<Row>& rows) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.key.hi != b.key.hi ? a.key.hi < b.key.hi : a.key.lo < b.key.lo; });
}

template <typename Row>
void ExpectSameRows(std::vector<Row> got, std::vector<Row> want) {
  SortByKey(got);
  SortByKey(want);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(got[i] == want[i]) << "row " << i << " key " << want[i].key.ToHex();
}

TEST_P(StoreLoadTest, MigrationsAreVersionedAndIdempotent) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  {
    auto s = MustOpen(db->url());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->Backend(), GetParam());
    // Four migrations ship: tables, customer indexes, tables clustered on row_key, buckets.
    EXPECT_EQ(s->SchemaVersion(), 4);
  }
  auto again = MustOpen(db->url());  // re-opening applies nothing twice
  ASSERT_TRUE(again);
  EXPECT_EQ(again->SchemaVersion(), 4);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM schema_migrations"), 4);
  EXPECT_EQ(db->QueryInt("SELECT max(version) FROM schema_migrations"), 4);
}

TEST_P(StoreLoadTest, RefusesASchemaNewerThanItKnows) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  { ASSERT_TRUE(MustOpen(db->url())); }
  db->Execute("INSERT INTO schema_migrations (version, description) VALUES (99, 'from the future')");
  auto r = Store::Open(db->url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_NE(r.status().message().find("schema version 99 is newer"), std::string::npos) << r.status().message();
}

TEST_P(StoreLoadTest, CommitMakesRowsVisibleAndLogsTheLoad) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  auto data = testing::MakeSyntheticRetail({.seed = 7, .customers = 50});
  const LoadCounts c = MustLoad(*s, Table::kTransactions, data.transactions, 97);
  EXPECT_EQ(c.inserted, static_cast<std::int64_t>(data.transactions.size()));
  EXPECT_EQ(c.already_present, 0);
  EXPECT_EQ(*s->CountRows(Table::kTransactions), static_cast<std::int64_t>(data.transactions.size()));
  EXPECT_EQ(*s->CountRows(Table::kCustomers), 0);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM loads WHERE committed_at IS NOT NULL AND table_name = 'transactions' "
                         "AND source_path = 'test.csv'"),
            1);
  EXPECT_EQ(db->QueryInt("SELECT inserted FROM loads"), static_cast<std::int64_t>(data.transactions.size()));
}

TEST_P(StoreLoadTest, UncommittedSessionLeavesNothing) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  // An existing store, so that the direct query below has a file to read (the first load
  // into a new SQLite store is covered by store_open_test.cc and store_kill_test.cc).
  { ASSERT_TRUE(MustOpen(db->url())); }
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  auto data = testing::MakeSyntheticRetail({.seed = 8, .customers = 30});
  {
    auto session = s->BeginLoad({Table::kTransactions, "a.csv", "fp"});
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    ASSERT_TRUE((*session)->AppendTransactions(data.transactions).ok());
  }  // destroyed without Commit
  EXPECT_EQ(*s->CountRows(Table::kTransactions), 0);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM loads"), 0);
  // The store is usable again afterwards.
  EXPECT_EQ(MustLoad(*s, Table::kTransactions, data.transactions).inserted, static_cast<std::int64_t>(data.transactions.size()));
}

TEST_P(StoreLoadTest, ReloadingTheSameRowsAddsNothing) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  auto data = testing::MakeSyntheticRetail({.seed = 9, .customers = 40});
  const auto n = static_cast<std::int64_t>(data.transactions.size());
  EXPECT_EQ(MustLoad(*s, Table::kTransactions, data.transactions).inserted, n);
  const LoadCounts again = MustLoad(*s, Table::kTransactions, data.transactions);
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.already_present, n);
  EXPECT_EQ(*s->CountRows(Table::kTransactions), n);

  // Overlapping export: the second half again plus rows never seen.
  auto more = testing::MakeSyntheticRetail({.seed = 10, .customers = 10});
  std::vector<Transaction> overlap(data.transactions.begin() + n / 2, data.transactions.end());
  overlap.insert(overlap.end(), more.transactions.begin(), more.transactions.end());
  const LoadCounts o = MustLoad(*s, Table::kTransactions, overlap);
  EXPECT_EQ(o.inserted, static_cast<std::int64_t>(more.transactions.size()));
  EXPECT_EQ(o.already_present, n - n / 2);
  EXPECT_EQ(*s->CountRows(Table::kTransactions), n + static_cast<std::int64_t>(more.transactions.size()));

  // A row repeated inside one load counts once.
  std::vector<Customer> twice = {data.customers[0], data.customers[0], data.customers[1]};
  const LoadCounts d = MustLoad(*s, Table::kCustomers, twice);
  EXPECT_EQ(d.inserted, 2);
  EXPECT_EQ(d.already_present, 1);
}

TEST_P(StoreLoadTest, ScansReturnEveryFieldAsLoaded) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  // Edge cases by hand: NaN and negative numbers, empty and awkward text (tab, newline,
  // backslash, quotes, UTF-8), unknown channel, every event type, optional joined_at.
  std::vector<Transaction> tx(3);
  tx[0] = {.key = {1, 2}, .order_id = "536365", .customer_id = "17850", .ts = 1291191960, .amount = 15.3,
           .quantity = 6, .discount = kNaN, .channel = Channel::kStore, .store_id = "S1", .sku = "85123A",
           .category = "décor\t\"lights\"", .is_return = false};
  tx[1] = {.key = {~0ULL, 0}, .order_id = "C536379", .customer_id = "14527", .ts = -86401, .amount = -27.5,
           .quantity = -1, .discount = 0.1 + 0.2, .channel = Channel::kUnknown, .store_id = "", .sku = "D",
           .category = "line1\nline2\\end", .is_return = true};
  tx[2] = {.key = {3, ~0ULL}, .order_id = "", .customer_id = "客户-1", .ts = 0, .amount = 1e-300, .quantity = 1e15,
           .discount = 5, .channel = Channel::kApp, .store_id = "", .sku = "", .category = "", .is_return = false};
  std::vector<Customer> cu(2);
  cu[0] = {.key = {5, 6}, .customer_id = "17850", .joined_at = 14975, .member_tier = "gold", .region = "north",
           .birth_year = 1980, .gender = "f", .phone_hash = std::string(64, 'a'), .email_hash = std::string(64, 'b'),
           .name_hash = "", .status = "active"};
  cu[1] = {.key = {7, 8}, .customer_id = "14527", .joined_at = std::nullopt, .member_tier = "", .region = "",
           .birth_year = 0, .gender = "", .phone_hash = "", .email_hash = "", .name_hash = "", .status = "closed"};
  std::vector<Event> ev;
  for (int t = 0; t < kEventTypeCount; ++t)
    ev.push_back({.key = {9, static_cast<std::uint64_t>(t)}, .event_id = "E" + std::to_string(t), .customer_id = "17850",
                  .ts = 1291191960 + t, .type = static_cast<EventType>(t), .value = t % 2 ? kNaN : t * 0.5,
                  .text = t == 10 ? "很好 \\N not null" : ""});
  MustLoad(*s, Table::kTransactions, tx);
  MustLoad(*s, Table::kCustomers, cu);
  MustLoad(*s, Table::kEvents, ev);

  ExpectSameRows(ScanAllTransactions(*s), tx);
  std::vector<Customer> got_cu;
  ASSERT_TRUE(s->ScanCustomers([&](std::span<const Customer> b) {
                 got_cu.insert(got_cu.end(), b.begin(), b.end());
                 return Status::OK();
               }).ok());
  ExpectSameRows(got_cu, cu);
  std::vector<Event> got_ev;
  ASSERT_TRUE(s->ScanEvents([&](std::span<const Event> b) {
                 got_ev.insert(got_ev.end(), b.begin(), b.end());
                 return Status::OK();
               }).ok());
  ExpectSameRows(got_ev, ev);
}

TEST_P(StoreLoadTest, ScansStreamBoundedBatchesOfASyntheticLoad) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  // Enough rows for more than one 65,536-row scan batch.
  auto data = testing::MakeSyntheticRetail({.seed = 11, .customers = 2000, .days = 730, .with_events = false});
  ASSERT_GT(data.transactions.size(), 65536u);
  MustLoad(*s, Table::kTransactions, data.transactions, 10000);
  MustLoad(*s, Table::kCustomers, data.customers);
  std::size_t batches = 0, biggest = 0;
  std::vector<Transaction> got;
  ASSERT_TRUE(s->ScanTransactions([&](std::span<const Transaction> b) {
                 ++batches;
                 biggest = std::max(biggest, b.size());
                 got.insert(got.end(), b.begin(), b.end());
                 return Status::OK();
               }).ok());
  EXPECT_GE(batches, 2u);
  EXPECT_LE(biggest, 65536u);
  ExpectSameRows(got, data.transactions);
}

TEST_P(StoreLoadTest, SinkErrorStopsTheScanAndIsReturned) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  auto data = testing::MakeSyntheticRetail({.seed = 12, .customers = 20});
  MustLoad(*s, Table::kTransactions, data.transactions);
  int calls = 0;
  Status st = s->ScanTransactions([&](std::span<const Transaction>) {
    ++calls;
    return Status::DataError("sink says stop");
  });
  EXPECT_EQ(st.code(), StatusCode::kDataError);
  EXPECT_EQ(st.message(), "sink says stop");
  EXPECT_EQ(calls, 1);
  // The store still works after an aborted scan.
  EXPECT_EQ(*s->CountRows(Table::kTransactions), static_cast<std::int64_t>(data.transactions.size()));
}

TEST_P(StoreLoadTest, SessionMisuseIsReportedNotCrashed) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  auto data = testing::MakeSyntheticRetail({.seed = 13, .customers = 5});
  auto session = s->BeginLoad({Table::kCustomers, "c.csv", "fp"});
  ASSERT_TRUE(session.ok());

  Status wrong = (*session)->AppendTransactions(data.transactions);
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.message(), "this load session loads table 'customers', not 'transactions'");

  auto second = s->BeginLoad({Table::kEvents, "e.csv", "fp"});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(second.status().message().find("a load session is already open"), std::string::npos);

  ASSERT_TRUE((*session)->AppendCustomers(data.customers).ok());
  ASSERT_TRUE((*session)->Commit().ok());
  Status late = (*session)->AppendCustomers(data.customers);
  EXPECT_EQ(late.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(late.message(), "this load session is already committed");
  EXPECT_EQ((*session)->Commit().status().code(), StatusCode::kInvalidArgument);
}

// Ingest hashes the file while it loads it, so the fingerprint can come after BeginLoad; it
// is written with the commit, and only then.
TEST_P(StoreLoadTest, FingerprintSetBeforeCommitReplacesTheOneGivenAtBegin) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  auto data = testing::MakeSyntheticRetail({.seed = 21, .customers = 20});
  auto load = [&](const std::string& path, const std::optional<std::string>& later, bool commit) {
    auto session = s->BeginLoad({Table::kCustomers, path, "given-at-begin"});
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    ASSERT_TRUE((*session)->AppendCustomers(data.customers).ok());
    if (later) {
      ASSERT_TRUE((*session)->SetSourceFingerprint(*later).ok());
    }
    if (!commit) return;
    ASSERT_TRUE((*session)->Commit().ok());
    Status late = (*session)->SetSourceFingerprint("after-commit");
    EXPECT_EQ(late.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(late.message(), "this load session is already committed");
  };
  load("a.csv", "sha-of-a", true);
  load("b.csv", std::nullopt, true);
  load("c.csv", "", true);  // an empty digest is still a value, not "keep the old one"
  load("d.csv", "sha-of-d", false);
  auto count = [&](const std::string& where) { return db->QueryInt("SELECT count(*) FROM loads WHERE " + where); };
  EXPECT_EQ(count("source_path = 'a.csv' AND source_fingerprint = 'sha-of-a'"), 1);
  EXPECT_EQ(count("source_path = 'b.csv' AND source_fingerprint = 'given-at-begin'"), 1);
  EXPECT_EQ(count("source_path = 'c.csv' AND source_fingerprint = ''"), 1);
  EXPECT_EQ(count("source_path = 'd.csv'"), 0);
  EXPECT_EQ(count("source_fingerprint = 'after-commit'"), 0);
  EXPECT_EQ(count("committed_at IS NOT NULL"), 3);
}

TEST_P(StoreLoadTest, NaNAmountIsADataError) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = MustOpen(db->url());
  ASSERT_TRUE(s);
  Transaction t;
  t.key = {1, 1};
  t.order_id = "X1";
  t.amount = kNaN;
  auto session = s->BeginLoad({Table::kTransactions, "t.csv", "fp"});
  ASSERT_TRUE(session.ok());
  Status st = (*session)->AppendTransactions(std::span<const Transaction>(&t, 1));
  EXPECT_EQ(st.code(), StatusCode::kDataError);
  EXPECT_EQ(st.message(), "transactions row 00000000000000010000000000000001 (order 'X1'): amount and quantity must be "
                          "numbers, not NaN");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreLoadTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// The load buffer replays each value to the parameter it was given, whatever the order of
// the calls, and rows come back in key order (equal keys in append order).
struct RecordingStmt {
  std::map<int, std::string> bound;
  void BindNull(int p) { bound[p] = "null"; }
  void BindInt(int p, std::int64_t v) { bound[p] = "int " + std::to_string(v); }
  void BindDouble(int p, double v) { bound[p] = "double " + std::to_string(v); }
  void BindText(int p, std::string_view v) { bound[p] = "text " + std::string(v); }
  void BindBlob(int p, const void*, int n) { bound[p] = "blob " + std::to_string(n); }
};

TEST(SortedRowBuffer, ReplaysByParameterIndexInKeyOrder) {
  struct Row {
    RowKey key;
    int tag;
  };
  store_internal::SortedRowBuffer buf;
  const unsigned char blob[3] = {1, 2, 3};
  auto bind = [&](auto& w, const Row& r) {
    w.BindText(2, r.tag == 1 ? "" : "x");  // out of order on purpose; empty text is NULL
    w.BindInt(0, r.tag);
    w.BindBlob(3, blob, 3);
    w.BindDouble(1, 0.5);
  };
  buf.Add(Row{{9, 0}, 1}, bind);
  buf.Add(Row{{2, 5}, 2}, bind);
  buf.Add(Row{{9, 0}, 3}, bind);
  ASSERT_EQ(buf.rows(), 3u);
  std::vector<std::string> first_params;
  ASSERT_TRUE(buf.ForEachRun([&](const store_internal::SortedRun& run) {
                   for (std::size_t i = 0; i < run.rows(); ++i) {
                     RecordingStmt st;
                     EXPECT_EQ(run.Bind(i, st, 10), 4);
                     EXPECT_EQ(st.bound.size(), 4u);
                     EXPECT_EQ(st.bound[11], "double 0.500000");
                     EXPECT_EQ(st.bound[13], "blob 3");
                     first_params.push_back(st.bound[10] + " / " + st.bound[12]);
                   }
                   return Status::OK();
                 }).ok());
  EXPECT_EQ(first_params, (std::vector<std::string>{"int 2 / text x", "int 1 / null", "int 3 / text x"}));
}

// Values are stored compactly (varints, whole-number doubles as integers, NaN as a tag) and
// must replay bit for bit: every integer edge, doubles that look whole but are not exactly
// representable as one (-0, beyond 2^53, infinities), NaNs with other payloads, and text
// and blobs long enough to need multi-byte lengths.
TEST(SortedRowBuffer, EveryValueReplaysExactly) {
  struct Row {
    RowKey key;
    std::size_t i;
  };
  const std::vector<std::int64_t> ints = {0, 1, -1, 63, 64, -64, -65, 127, 128, 300, -300, 1290000000, -1290000000,
                                          std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()};
  std::uint64_t odd_nan_bits = 0x7ff8000000000123ull;
  double odd_nan;
  std::memcpy(&odd_nan, &odd_nan_bits, sizeof odd_nan);
  const std::vector<double> doubles = {0.0, -0.0, 1.0, -1.0, 6.0, 2.55, -15.3, 1e15, 9007199254740992.0, 9007199254740994.0,
                                       -9007199254740992.0, 1e300, -1e300, 5e-324,
                                       std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                       std::numeric_limits<double>::quiet_NaN(), odd_nan};
  const std::vector<std::string> texts = {"x", std::string(127, 'a'), std::string(128, 'b'), std::string(20000, 'c')};
  const std::size_t n = std::max({ints.size(), doubles.size(), texts.size()});
  store_internal::SortedRowBuffer buf;
  for (std::size_t i = 0; i < n; ++i)
    buf.Add(Row{{i + 1, 0}, i}, [&](auto& w, const Row& r) {
      w.BindInt(0, ints[r.i % ints.size()]);
      w.BindDouble(1, doubles[r.i % doubles.size()]);
      const std::string& t = texts[r.i % texts.size()];
      w.BindText(2, t);
      w.BindBlob(3, t.data(), static_cast<int>(t.size()));
      w.BindNull(4);
    });
  struct ExactStmt {
    std::int64_t i = 0;
    std::uint64_t d = 0;
    std::string t, b;
    bool null = false;
    void BindInt(int, std::int64_t v) { i = v; }
    void BindDouble(int, double v) { std::memcpy(&d, &v, sizeof d); }
    void BindText(int, std::string_view v) { t = v; }
    void BindBlob(int, const void* p, int k) { b.assign(static_cast<const char*>(p), static_cast<std::size_t>(k)); }
    void BindNull(int) { null = true; }
  };
  std::size_t seen = 0;
  ASSERT_TRUE(buf.ForEachRun([&](const store_internal::SortedRun& run) {
                   for (std::size_t k = 0; k < run.rows(); ++k, ++seen) {
                     ExactStmt st;
                     EXPECT_EQ(run.Bind(k, st, 0), 5);
                     const std::size_t i = seen;  // keys 1..n, in order
                     std::uint64_t want_d;
                     std::memcpy(&want_d, &doubles[i % doubles.size()], sizeof want_d);
                     EXPECT_EQ(st.i, ints[i % ints.size()]) << "row " << i;
                     EXPECT_EQ(st.d, want_d) << "row " << i << ": " << doubles[i % doubles.size()];
                     EXPECT_EQ(st.t, texts[i % texts.size()]) << "row " << i;
                     EXPECT_EQ(st.b, texts[i % texts.size()]) << "row " << i;
                     EXPECT_TRUE(st.null);
                   }
                   return Status::OK();
                 }).ok());
  EXPECT_EQ(seen, n);
}

// Bind reports how many values a row recorded, so the load can refuse a row that left a
// parameter out (SQLite would silently keep the previous row's value there): a row that
// skips parameter 1 binds two values, not the three its highest index suggests.
TEST(SortedRowBuffer, BindCountsTheValuesARowRecorded) {
  struct Row {
    RowKey key;
  };
  store_internal::SortedRowBuffer buf;
  buf.Add(Row{{1, 1}}, [](auto& w, const Row&) {
    w.BindInt(0, 7);
    w.BindInt(2, 9);
  });
  ASSERT_TRUE(buf.ForEachRun([&](const store_internal::SortedRun& run) {
                   RecordingStmt st;
                   EXPECT_EQ(run.Bind(0, st, 1), 2);
                   EXPECT_EQ(st.bound.count(2), 0u);
                   EXPECT_EQ(st.bound[3], "int 9");
                   return Status::OK();
                 }).ok());
}

// Large buffers go through the helper thread: every row comes back once, in key order
// across runs (keys spread over every top byte), equal keys in append order; an error from
// the callback stops the replay and is returned.
TEST(SortedRowBuffer, LargeBuffersComeBackInKeyOrderAndStopAtAnError) {
  struct Row {
    RowKey key;
    std::int64_t seq;
  };
  store_internal::SortedRowBuffer buf;
  constexpr std::int64_t kRows = 100000;
  std::uint64_t x = 12345;
  for (std::int64_t i = 0; i < kRows; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const RowKey key{i % 1000 == 7 ? 0x8000000000000000ull : x, i % 1000 == 7 ? 1 : static_cast<std::uint64_t>(i)};
    buf.Add(Row{key, i}, [](auto& w, const Row& r) {
      w.BindInt(0, static_cast<std::int64_t>(r.key.hi >> 1));
      w.BindInt(1, r.seq);
    });
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> seen;  // (key.hi >> 1, seq)
  struct IntStmt {
    std::int64_t v[2] = {0, 0};
    void BindInt(int p, std::int64_t x) { v[p] = x; }
    void BindNull(int) {}
    void BindDouble(int, double) {}
    void BindText(int, std::string_view) {}
    void BindBlob(int, const void*, int) {}
  };
  int runs = 0;
  ASSERT_TRUE(buf.ForEachRun([&](const store_internal::SortedRun& run) {
                   ++runs;
                   for (std::size_t i = 0; i < run.rows(); ++i) {
                     IntStmt st;
                     run.Bind(i, st, 0);
                     seen.emplace_back(st.v[0], st.v[1]);
                   }
                   return Status::OK();
                 }).ok());
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kRows));
  EXPECT_GT(runs, 200);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    ASSERT_LE(seen[i - 1].first, seen[i].first) << "row " << i << " out of key order";
    if (seen[i - 1].first == seen[i].first && seen[i].first == static_cast<std::int64_t>(0x8000000000000000ull >> 1)) {
      ASSERT_LT(seen[i - 1].second, seen[i].second) << "equal keys out of append order";
    }
  }
  int calls = 0;
  Status st = buf.ForEachRun([&](const store_internal::SortedRun&) {
    return ++calls == 3 ? Status::IOError("disk full") : Status::OK();
  });
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace churnwatch

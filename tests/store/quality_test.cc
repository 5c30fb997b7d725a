// Checks the data-quality profile on a hand-built fixture whose every figure was worked out
// by hand (comments below show the arithmetic): missing rates, duplicates, date range,
// negative/zero amounts, the 5*IQR extreme rule, customers with one purchase and the
// purchases-per-customer quartiles; and the JSON shape `churnwatch quality --json` prints.
#include <gtest/gtest.h>

#include <cmath>

#include "churnwatch/quality.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

constexpr Timestamp kDay1 = 14975LL * kSecondsPerDay;  // 2011-01-01

Transaction Tx(std::uint64_t key, std::string order, std::string customer, int day, double amount, double qty,
               bool is_return = false) {
  Transaction t;
  t.key = {77, key};
  t.order_id = std::move(order);
  t.customer_id = std::move(customer);
  t.ts = kDay1 + day * kSecondsPerDay + 36000;
  t.amount = amount;
  t.quantity = qty;
  t.discount = 0;
  t.channel = Channel::kStore;
  t.sku = "S1";
  t.category = "X";
  t.is_return = is_return;
  return t;
}

std::vector<Transaction> Fixture() {
  std::vector<Transaction> t;
  t.push_back(Tx(1, "A1", "C1", 0, 10, 1));
  t.back().discount = kNaN;
  t.push_back(Tx(2, "A1", "C1", 0, 20, 2));  // same order: still one purchase
  t.push_back(Tx(3, "A2", "C1", 2, 0, 1));   // zero amount, unknown channel, no sku, no category
  t.back().discount = kNaN;
  t.back().channel = Channel::kUnknown;
  t.back().sku = "";
  t.back().category = "";
  t.push_back(Tx(4, "A3", "C2", 1, -5, -1, true));  // a return: not a purchase
  t.push_back(Tx(5, "A4", "C2", 4, 30, 3));
  t.push_back(Tx(6, "A4", "C2", 4, 30, 3));  // same content as row 5 under another key: a duplicate
  t.push_back(Tx(7, "A5", "C3", 8, 1000, 1));  // the extreme amount
  t.push_back(Tx(8, "", "", 3, 12, 1));       // no order id, no customer
  return t;
}

class QualityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(QualityTest, HandComputedFixture) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto store = Store::Open(db->url());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  {
    auto s = (*store)->BeginLoad({Table::kTransactions, "fixture", "fp"});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->AppendTransactions(Fixture()).ok());
    ASSERT_TRUE((*s)->Commit().ok());
  }
  {
    std::vector<Customer> cu(3);
    cu[0] = {.key = {1, 1}, .customer_id = "C1", .joined_at = 14979, .member_tier = "gold", .region = "north", .status = "active"};
    cu[1] = {.key = {1, 2}, .customer_id = "C2", .region = "south", .birth_year = 1990, .status = "closed"};
    cu[2] = {.key = {1, 3}, .customer_id = "C1", .joined_at = 14990, .member_tier = "gold", .region = "east", .status = "active"};
    auto s = (*store)->BeginLoad({Table::kCustomers, "fixture", "fp"});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->AppendCustomers(cu).ok());
    ASSERT_TRUE((*s)->Commit().ok());
  }
  auto report = ProfileStore(**store);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->tables.size(), 3u);
  const TableProfile& t = report->tables[0];
  EXPECT_EQ(t.name, "transactions");
  EXPECT_EQ(t.rows, 8);
  std::map<std::string, double> miss(t.missing.begin(), t.missing.end());
  EXPECT_DOUBLE_EQ(miss["order_id"], 1.0 / 8);     // row 8
  EXPECT_DOUBLE_EQ(miss["customer_id"], 1.0 / 8);  // row 8
  EXPECT_DOUBLE_EQ(miss["discount"], 2.0 / 8);     // rows 1 and 3
  EXPECT_DOUBLE_EQ(miss["channel"], 1.0 / 8);      // row 3
  EXPECT_DOUBLE_EQ(miss["store_id"], 1.0);         // never given
  EXPECT_DOUBLE_EQ(miss["sku"], 1.0 / 8);
  EXPECT_DOUBLE_EQ(miss["amount"], 0.0);
  EXPECT_EQ(t.duplicates, 1);  // row 6
  EXPECT_EQ(FormatIsoTimestamp(*t.first_ts), "2011-01-01 10:00:00");
  EXPECT_EQ(FormatIsoTimestamp(*t.last_ts), "2011-01-09 10:00:00");
  EXPECT_EQ(t.negative_amounts, 1);
  EXPECT_EQ(t.zero_amounts, 1);
  EXPECT_EQ(t.returns, 1);
  // Amounts sorted: -5 0 10 12 20 30 30 1000. Q1 at h = 7*0.25 = 1.75: 0 + 0.75*10 = 7.5;
  // Q3 at h = 5.25: 30. IQR 22.5, so bounds 7.5 - 112.5 = -105 and 30 + 112.5 = 142.5.
  ASSERT_EQ(t.extremes.size(), 2u);
  EXPECT_EQ(t.extremes[0].field, "amount");
  EXPECT_DOUBLE_EQ(t.extremes[0].low, -105);
  EXPECT_DOUBLE_EQ(t.extremes[0].high, 142.5);
  EXPECT_EQ(t.extremes[0].below, 0);
  EXPECT_EQ(t.extremes[0].above, 1);
  // Customers C1 (orders A1, A2), C2 (A4; A3 is a return), C3 (A5): purchases 2, 1, 1.
  EXPECT_EQ(t.customers, 3);
  EXPECT_EQ(t.customers_one_purchase, 2);
  const Distribution& d = t.purchases_per_customer;
  EXPECT_EQ(d.count, 3);
  EXPECT_DOUBLE_EQ(d.min, 1);
  EXPECT_DOUBLE_EQ(d.q1, 1);      // h = 0.5 between 1 and 1
  EXPECT_DOUBLE_EQ(d.median, 1);  // h = 1
  EXPECT_DOUBLE_EQ(d.q3, 1.5);    // h = 1.5 between 1 and 2
  EXPECT_DOUBLE_EQ(d.p90, 1.8);   // h = 1.8
  EXPECT_DOUBLE_EQ(d.max, 2);

  const TableProfile& c = report->tables[1];
  EXPECT_EQ(c.rows, 3);
  EXPECT_EQ(c.duplicates, 1);  // C1 twice
  std::map<std::string, double> cmiss(c.missing.begin(), c.missing.end());
  EXPECT_DOUBLE_EQ(cmiss["joined_at"], 1.0 / 3);
  EXPECT_DOUBLE_EQ(cmiss["birth_year"], 2.0 / 3);
  EXPECT_DOUBLE_EQ(cmiss["phone_hash"], 1.0);
  EXPECT_EQ(FormatIsoTimestamp(*c.first_ts), "2011-01-05 00:00:00");
  EXPECT_EQ(FormatIsoTimestamp(*c.last_ts), "2011-01-16 00:00:00");

  const TableProfile& e = report->tables[2];
  EXPECT_EQ(e.rows, 0);
  EXPECT_FALSE(e.first_ts.has_value());

  const nlohmann::json j = QualityToJson(*report);
  EXPECT_EQ(j["tables"]["transactions"]["rows"], 8);
  EXPECT_EQ(j["tables"]["transactions"]["missing"]["discount"], 0.25);
  EXPECT_EQ(j["tables"]["transactions"]["duplicates"], 1);
  EXPECT_EQ(j["tables"]["transactions"]["first_ts"], "2011-01-01 10:00:00");
  EXPECT_EQ(j["tables"]["transactions"]["last_ts"], "2011-01-09 10:00:00");
  EXPECT_EQ(j["tables"]["transactions"]["extreme_values"]["amount"]["above"], 1);
  EXPECT_EQ(j["tables"]["transactions"]["purchases_per_customer"]["q3"], 1.5);
  EXPECT_TRUE(j["tables"]["events"]["first_ts"].is_null());
  EXPECT_TRUE(j["tables"]["events"]["missing"]["value"].is_null());  // 0 of 0 rows: undefined, not 0

  const std::string text = FormatQualityText(*report);
  EXPECT_NE(text.find("transactions: 8 rows"), std::string::npos) << text;
  EXPECT_NE(text.find("customers:   3, of whom 2 bought once"), std::string::npos) << text;
}

// Invariant: both stores hold the same rows, so they profile identically.
TEST(QualityAcrossStores, SqliteAndPostgresProfileTheSameLoadIdentically) {
  CW_OPEN_TEST_DATABASE(pg, "postgresql");
  CW_OPEN_TEST_DATABASE(lite, "sqlite");
  const auto data = testing::MakeSyntheticRetail({.seed = 21, .customers = 300});
  nlohmann::json profiles[2];
  int i = 0;
  for (const auto* db : {lite.get(), pg.get()}) {
    auto store = Store::Open(db->url());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (Table t : {Table::kTransactions, Table::kCustomers, Table::kEvents}) {
      auto s = (*store)->BeginLoad({t, "synthetic", "fp"});
      ASSERT_TRUE(s.ok());
      Status st = t == Table::kTransactions ? (*s)->AppendTransactions(data.transactions)
                  : t == Table::kCustomers  ? (*s)->AppendCustomers(data.customers)
                                            : (*s)->AppendEvents(data.events);
      ASSERT_TRUE(st.ok()) << st.ToString();
      ASSERT_TRUE((*s)->Commit().ok());
    }
    auto report = ProfileStore(**store);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    profiles[i++] = QualityToJson(*report);
  }
  EXPECT_EQ(profiles[0]["tables"]["transactions"]["rows"], static_cast<std::int64_t>(data.transactions.size()));
  EXPECT_EQ(profiles[0], profiles[1]) << profiles[0].dump(1) << "\nvs\n" << profiles[1].dump(1);
}

TEST(QualitySummarise, EmptySampleIsAllNaN) {
  std::vector<double> none;
  const Distribution d = Summarise(none);
  EXPECT_EQ(d.count, 0);
  EXPECT_TRUE(std::isnan(d.median));
}

INSTANTIATE_TEST_SUITE_P(Backends, QualityTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace churnwatch

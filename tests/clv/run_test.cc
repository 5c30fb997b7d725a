// Checks the CLV stage's pipeline pieces on small hand-made and seeded synthetic data:
// the Fader-Hardie summary conventions as ComputeClv applies them (same-day purchases
// merged, first purchase not a repeat, returns scaling spend by the net share but not
// counting as visits, rows on/after the cutoff ignored,
// weeks = days / 7); the invariants "one customer scored alone equals the same customer in
// a batch" and "threads do not change results"; CSV and result-table shape; feature columns
// appended per cutoff without looking past the cutoff; and the option errors.
#include <gtest/gtest.h>

#include <cmath>

#include "churnwatch/clv_run.h"
#include "test_helpers.h"

namespace churnwatch::clv {
namespace {

Transaction Row(const std::string& customer, const char* date, double amount, bool is_return = false) {
  Transaction t;
  t.customer_id = customer;
  t.ts = static_cast<Timestamp>(*ParseIsoDate(date)) * kSecondsPerDay + 3600;
  t.amount = amount;
  t.quantity = 1;
  t.is_return = is_return;
  return t;
}

// Three repeat buyers and a one-time buyer are enough for both fits to run.
std::vector<Transaction> HandMade() {
  return {
      Row("a", "2024-01-15", 10),  // repeat day 2 (rows deliberately out of order)
      Row("a", "2024-01-01", 5),   // first purchase
      Row("a", "2024-01-15", 20),  // same day as another row: merged, spend 30
      Row("a", "2024-01-29", 60),  // repeat day 3
      Row("a", "2024-01-30", -19, /*is_return=*/true),  // purchases 95, returns 19: net share 0.8
      Row("a", "2024-02-10", 70),  // on the cutoff: not history
      Row("b", "2024-01-20", 8),   // one-time buyer
      Row("c", "2024-02-20", 8),   // first purchase after the cutoff: no history
      Row("d", "2024-01-03", 12), Row("d", "2024-01-09", 14), Row("d", "2024-02-02", 11),
      Row("e", "2024-01-05", 40), Row("e", "2024-02-05", 44),
  };
}

TEST(ComputeClv, SummaryConventionsOnHandMadeHistory) {
  const auto rows = HandMade();
  const RetailColumns columns = ColumnsFromRows(rows, {}, {});
  ClvOptions options;
  options.as_of = *ParseIsoDate("2024-02-10");
  options.unit = TimeUnit::kDays;
  auto r = ComputeClv(columns, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->customer_ids, (std::vector<std::string>{"a", "b", "d", "e"}));
  const CustomerSummary& a = r->values.summaries[0];
  EXPECT_EQ(a.x, 2);
  EXPECT_EQ(a.t_x, 28);         // Jan 1 -> Jan 29
  EXPECT_EQ(a.T, 39);           // Jan 1 -> Feb 9, the last day before the cutoff
  EXPECT_DOUBLE_EQ(a.mean_spend, 36);  // (30 + 60) / 2 * 0.8
  EXPECT_EQ(r->values.summaries[1].x, 0);
  EXPECT_EQ(r->values.summaries[1].T, 20);
  EXPECT_EQ(r->repeat_buyers, 3u);
  // Value columns are consistent with the single-customer functions.
  const BgNbdParams& m = r->bgnbd.params;
  EXPECT_DOUBLE_EQ(r->values.p_alive_model[0], ProbabilityAlive(m, a));
  EXPECT_DOUBLE_EQ(r->values.p_alive[1], ReportedProbabilityAlive(m, r->values.summaries[1]));
  EXPECT_DOUBLE_EQ(r->values.expected_purchases[0], ExpectedPurchases(m, a, 90));
  EXPECT_DOUBLE_EQ(r->values.p_purchase[0], ProbabilityAnyPurchase(m, a, 90));

  options.unit = TimeUnit::kWeeks;
  auto w = ComputeClv(columns, options);
  ASSERT_TRUE(w.ok());
  EXPECT_DOUBLE_EQ(w->values.summaries[0].T, 39.0 / 7);
  EXPECT_DOUBLE_EQ(w->values.summaries[0].t_x, 4.0);
}

TEST(ScoreCustomers, AloneEqualsBatchAndThreadsEqualSerial) {
  const BgNbdParams m{0.3, 20.0, 0.8, 2.5};
  std::vector<CustomerSummary> batch;
  for (int i = 0; i < 5000; ++i) batch.push_back({double(i % 7), double(i % 40), 40.0 + i % 13, 10.0 + i % 5});
  std::vector<double> spend(batch.size(), 25.0);
  ScoreOptions o;
  o.horizon = 90;
  o.month_length = kDaysPerMonth;
  auto serial = ScoreCustomers(m, batch, spend, o);
  ASSERT_TRUE(serial.ok());
  o.threads = 4;
  auto parallel = ScoreCustomers(m, batch, spend, o);
  ASSERT_TRUE(parallel.ok());
  for (std::size_t i = 0; i < batch.size(); i += 37) {
    auto alone = ScoreCustomers(m, std::span(&batch[i], 1), std::span(&spend[i], 1), ScoreOptions{o});
    ASSERT_TRUE(alone.ok());
    EXPECT_EQ(alone->clv[0], serial->clv[i]);
    EXPECT_EQ(alone->expected_purchases[0], serial->expected_purchases[i]);
    EXPECT_EQ(parallel->clv[i], serial->clv[i]);
    EXPECT_EQ(parallel->p_alive[i], serial->p_alive[i]);
  }
  // CLV = discounted monthly purchases x spend x margin, by the single-customer function.
  EXPECT_NEAR(serial->clv[11], CustomerLifetimeValue(m, batch[11], 25.0, 1.0, 0.01, 12, kDaysPerMonth), 1e-9);
  // spend of the wrong length is a caller error
  EXPECT_EQ(ScoreCustomers(m, batch, std::span(spend).first(3), o).status().code(), StatusCode::kInvalidArgument);
}

TEST(ComputeClv, CsvResultTableAndFeatureColumns) {
  testing::SyntheticOptions so;
  so.customers = 400;
  so.with_events = false;
  const auto data = testing::MakeSyntheticRetail(so);
  const RetailColumns columns = ColumnsFromRows(data.transactions, {}, {});
  ClvOptions options;
  options.as_of = so.first_day + 250;
  options.margin = 0.3;
  auto r = ComputeClv(columns, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (std::size_t i = 0; i < r->values.size(); ++i) {
    EXPECT_GE(r->values.p_alive[i], 0);
    EXPECT_LE(r->values.p_alive[i], 1);
    EXPECT_GE(r->values.clv[i], 0);
    EXPECT_FALSE(std::isnan(r->values.clv[i]));
  }

  const ResultTable table = ClvResultTable(*r);
  ASSERT_EQ(table.columns.size(), 11u);
  EXPECT_EQ(table.columns[0].name, "customer_id");
  EXPECT_EQ(table.columns[10].name, "clv");
  EXPECT_EQ(table.rows(), r->values.size());

  testing::TempDir dir;
  const auto path = (dir / "clv.csv").string();
  ASSERT_TRUE(WriteClvCsv(*r, path).ok());
  const std::string text = testing::ReadFile(path);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "customer_id,x,t_x,T,mean_spend,p_alive,p_alive_model,expected_purchases,p_purchase,expected_spend,clv");
  EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')), r->values.size() + 1);
  EXPECT_EQ(WriteClvCsv(*r, (dir / "missing" / "x.csv").string()).code(), StatusCode::kIOError);

  // Feature columns: rows at two cutoffs; each cutoff's values equal ComputeClv at it.
  FeatureTable features;
  const DayNumber early = so.first_day + 200, late = so.first_day + 250;
  for (std::size_t k = 0; k < 3; ++k) {
    features.customer_ids.push_back(r->customer_ids[k]);
    features.cutoffs.push_back(late);
    features.customer_ids.push_back(r->customer_ids[k]);
    features.cutoffs.push_back(early);
  }
  features.customer_ids.push_back("no-such-customer");
  features.cutoffs.push_back(late);
  ASSERT_TRUE(AppendClvFeatures(features, columns, options).ok());
  const auto clv = features.Column("clv");
  ASSERT_EQ(clv.size(), 7u);
  EXPECT_DOUBLE_EQ(clv[0], r->values.clv[0]);
  EXPECT_TRUE(std::isnan(clv[6]));
  options.as_of = early;
  auto at_early = ComputeClv(columns, options);
  ASSERT_TRUE(at_early.ok());
  bool found = false;
  for (std::size_t k = 0; k < at_early->customer_ids.size(); ++k) {
    if (at_early->customer_ids[k] != features.customer_ids[1]) continue;
    EXPECT_DOUBLE_EQ(clv[1], at_early->values.clv[k]);
    found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(features.Column("p_alive").empty());
  EXPECT_FALSE(features.Column("expected_purchases_h").empty());
}

TEST(ComputeClv, SpendFallsBackWhenGammaGammaCannotBeFitted) {
  // One repeat buyer: Gamma-Gamma needs two, so expected spend is the customer's own mean
  // repeat spend, and the overall mean of repeat spend for one-time buyers.
  const std::vector<Transaction> rows = {
      Row("a", "2024-01-01", 5), Row("a", "2024-01-20", 30), Row("a", "2024-02-01", 50),
      Row("b", "2024-01-10", 8), Row("c", "2024-01-25", 9),
  };
  const RetailColumns columns = ColumnsFromRows(rows, {}, {});
  ClvOptions options;
  options.as_of = *ParseIsoDate("2024-02-10");
  options.unit = TimeUnit::kDays;
  auto r = ComputeClv(columns, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->gamma_gamma.has_value());
  EXPECT_NE(r->gamma_gamma_note.find("at least 2 repeat buyers"), std::string::npos) << r->gamma_gamma_note;
  EXPECT_NE(r->gamma_gamma_note.find("falls back"), std::string::npos) << r->gamma_gamma_note;
  EXPECT_EQ(r->values.expected_spend[0], 40);  // (30 + 50) / 2
  EXPECT_EQ(r->values.expected_spend[1], 40);
  EXPECT_EQ(r->values.expected_spend[2], 40);
}

TEST(ComputeClv, OptionAndDataErrors) {
  const auto rows = HandMade();
  const RetailColumns columns = ColumnsFromRows(rows, {}, {});
  ClvOptions options;
  options.as_of = *ParseIsoDate("2024-02-10");
  options.margin = 1.5;
  auto bad = ComputeClv(columns, options);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("margin = 1.5"), std::string::npos) << bad.status().message();
  options.margin = 1;
  options.horizon_days = 0;
  EXPECT_EQ(ComputeClv(columns, options).status().code(), StatusCode::kInvalidArgument);
  options.horizon_days = 90;
  options.as_of = *ParseIsoDate("2023-01-01");
  auto early = ComputeClv(columns, options);
  EXPECT_EQ(early.status().code(), StatusCode::kDataError);
  EXPECT_NE(early.status().message().find("2023-01-01"), std::string::npos) << early.status().message();
  EXPECT_NE(early.status().message().find("2024-01-01"), std::string::npos) << early.status().message();
  EXPECT_EQ(ParseTimeUnit("months").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseTimeUnit("days"), TimeUnit::kDays);
}

}  // namespace
}  // namespace churnwatch::clv

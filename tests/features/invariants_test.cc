// Invariants of the feature engine (STYLE.md §16, SPEC.md §4):
// - point in time: appending any rows dated on or after T (transactions, returns, events,
//   new customers) changes no feature and no segment at T — bit for bit, NaN included —
//   over many random seeds and cutoffs;
// - parallel equals serial (building the columns and computing the table);
// - one customer computed alone equals the same customer in the batch;
// - a list of cutoffs equals the same cutoffs computed one at a time (the engine walks each
//   customer once for the whole list, moving its row boundaries forward);
// - the arrival order of rows does not matter.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <random>

#include "churnwatch/features.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::MakeSyntheticRetail;
using testing::SyntheticOptions;

bool SameBits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

bool SameSegments(const SegmentRow& a, const SegmentRow& b) {
  return a.r_score == b.r_score && a.f_score == b.f_score && a.m_score == b.m_score && a.segment == b.segment &&
         a.value_tier == b.value_tier && a.frequency_tier == b.frequency_tier && a.lifecycle == b.lifecycle;
}

// Features and segments of two tables are identical (labels too when `labels`).
void ExpectSameTable(const FeatureTable& a, const FeatureTable& b, bool labels) {
  ASSERT_EQ(a.num_rows(), b.num_rows());
  ASSERT_EQ(a.names, b.names);
  ASSERT_EQ(a.customer_ids, b.customer_ids);
  ASSERT_EQ(a.cutoffs, b.cutoffs);
  for (std::size_t f = 0; f < a.num_features(); ++f)
    for (std::size_t r = 0; r < a.num_rows(); ++r)
      ASSERT_TRUE(SameBits(a.columns[f][r], b.columns[f][r]))
          << a.names[f] << " of " << a.customer_ids[r] << " at " << FormatIsoDate(a.cutoffs[r]) << ": " << a.columns[f][r]
          << " vs " << b.columns[f][r];
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (std::size_t r = 0; r < a.segments.size(); ++r)
    ASSERT_TRUE(SameSegments(a.segments[r], b.segments[r])) << "segments of " << a.customer_ids[r];
  if (labels) {
    ASSERT_EQ(a.labels, b.labels);
    ASSERT_EQ(a.churn_kinds, b.churn_kinds);
    ASSERT_EQ(a.churn_spans, b.churn_spans);
    for (std::size_t r = 0; r < a.num_rows(); ++r) {
      ASSERT_TRUE(SameBits(a.days_to_next_purchase[r], b.days_to_next_purchase[r]));
      ASSERT_TRUE(SameBits(a.observed_days[r], b.observed_days[r]));
    }
  }
}

TEST(PointInTime, RowsOnOrAfterTheCutoffChangeNoFeature) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SyntheticOptions so;
    so.seed = seed;
    so.customers = 150;
    auto data = MakeSyntheticRetail(so);
    std::mt19937_64 rng(seed * 7919);
    const DayNumber T = so.first_day + 60 + static_cast<DayNumber>(rng() % (so.days - 90));

    std::vector<Transaction> before_tx;
    std::vector<Event> before_ev;
    for (const auto& t : data.transactions)
      if (DayOf(t.ts) < T) before_tx.push_back(t);
    for (const auto& e : data.events)
      if (DayOf(e.ts) < T) before_ev.push_back(e);

    // The "after" data: everything before T, the real later rows, and random extra rows
    // dated T or later — purchases, returns, reused order ids, events of every type, new
    // customers — including rows exactly at midnight of T.
    std::vector<Transaction> after_tx = data.transactions;
    std::vector<Event> after_ev = data.events;
    std::uniform_int_distribution<int> pick(0, static_cast<int>(data.customers.size()) + 20);
    for (int k = 0; k < 300; ++k) {
      Transaction t;
      const int who = pick(rng);
      t.customer_id = who < static_cast<int>(data.customers.size()) ? data.customers[who].customer_id : "NEW" + std::to_string(who);
      t.ts = static_cast<Timestamp>(T) * kSecondsPerDay + static_cast<Timestamp>(rng() % (400 * kSecondsPerDay));
      if (k % 10 == 0) t.ts = static_cast<Timestamp>(T) * kSecondsPerDay;  // exactly at the cutoff
      t.order_id = k % 7 == 0 && !before_tx.empty() ? before_tx[rng() % before_tx.size()].order_id : "X" + std::to_string(k);
      t.amount = static_cast<double>(rng() % 10000) / 100;
      t.quantity = 1 + static_cast<double>(rng() % 4);
      t.discount = k % 3 == 0 ? kNaN : static_cast<double>(rng() % 5);
      t.channel = static_cast<Channel>(rng() % 5);
      t.store_id = "NEWSTORE" + std::to_string(rng() % 3);
      t.category = k % 2 ? "new_category" : "dairy";
      t.sku = "NEWSKU";
      t.is_return = k % 5 == 0;
      if (t.is_return) {
        t.amount = -t.amount;
        t.quantity = -t.quantity;
      }
      after_tx.push_back(t);
      Event e;
      e.customer_id = t.customer_id;
      e.ts = t.ts + static_cast<Timestamp>(rng() % 3600);
      e.type = static_cast<EventType>(rng() % kEventTypeCount);
      e.value = static_cast<double>(1 + rng() % 5);
      e.text = k % 2 ? "terrible, disappointed" : "";
      after_ev.push_back(e);
    }
    const RetailColumns before = ColumnsFromRows(before_tx, data.customers, before_ev);
    const RetailColumns after = ColumnsFromRows(after_tx, data.customers, after_ev);
    for (int horizon : {30, 90}) {
      FeatureOptions opt;
      opt.horizon_days = horizon;
      auto a = BuildFeatureTable(before, std::span<const DayNumber>(&T, 1), opt);
      auto b = BuildFeatureTable(after, std::span<const DayNumber>(&T, 1), opt);
      ASSERT_TRUE(a.ok() && b.ok());
      ASSERT_GT(a->num_rows(), 10u);
      ExpectSameTable(*a, *b, /*labels=*/false);
    }
  }
}

TEST(Parallel, EqualsSerialExactly) {
  SyntheticOptions so;
  so.seed = 11;
  so.customers = 5000;  // three chunks of customers
  auto data = MakeSyntheticRetail(so);
  const RetailColumns serial_cols = ColumnsFromRows(data.transactions, data.customers, data.events, 1);
  const RetailColumns parallel_cols = ColumnsFromRows(data.transactions, data.customers, data.events, 4);
  ASSERT_EQ(serial_cols.day, parallel_cols.day);
  ASSERT_EQ(serial_cols.order, parallel_cols.order);
  ASSERT_EQ(serial_cols.evt_day, parallel_cols.evt_day);
  const std::vector<DayNumber> cutoffs = {so.first_day + 120, so.first_day + 200, so.first_day + 270};
  FeatureOptions one, four;
  four.threads = 4;
  auto a = BuildFeatureTable(serial_cols, cutoffs, one);
  auto b = BuildFeatureTable(parallel_cols, cutoffs, four);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_GT(a->num_rows(), 3000u);
  ExpectSameTable(*a, *b, /*labels=*/true);
}

TEST(SingleCustomer, EqualsTheSameCustomerInTheBatch) {
  SyntheticOptions so;
  so.seed = 5;
  so.customers = 400;
  auto data = MakeSyntheticRetail(so);
  const RetailColumns cols = ColumnsFromRows(data.transactions, data.customers, data.events);
  const std::vector<DayNumber> cutoffs = {so.first_day + 150, so.first_day + 250};
  FeatureOptions opt;
  auto batch = BuildFeatureTable(cols, cutoffs, opt);
  ASSERT_TRUE(batch.ok());
  int compared = 0;
  for (CustomerIdx c = 0; c < cols.num_customers(); c += 7) {
    auto one = BuildFeatureTableFor(cols, std::span<const CustomerIdx>(&c, 1), cutoffs, opt, &*batch);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    for (std::size_t r = 0; r < one->num_rows(); ++r) {
      std::size_t match = batch->num_rows();
      for (std::size_t i = 0; i < batch->num_rows(); ++i)
        if (batch->customer_ids[i] == one->customer_ids[r] && batch->cutoffs[i] == one->cutoffs[r]) match = i;
      ASSERT_LT(match, batch->num_rows()) << one->customer_ids[r] << " missing from the batch";
      for (std::size_t f = 0; f < one->num_features(); ++f)
        ASSERT_TRUE(SameBits(one->columns[f][r], batch->columns[f][match])) << one->names[f];
      ASSERT_EQ(one->labels[r], batch->labels[match]);
      ASSERT_TRUE(SameSegments(one->segments[r], batch->segments[match])) << one->customer_ids[r];
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);
  // Customer lookup by id agrees with the index order.
  for (CustomerIdx c = 0; c < cols.num_customers(); c += 13) EXPECT_EQ(cols.FindCustomer(cols.customer_ids[c]), c);
  EXPECT_FALSE(cols.FindCustomer("no such customer").has_value());
  // An index outside the table is a NotFound, not a crash.
  const CustomerIdx bad = static_cast<CustomerIdx>(cols.num_customers());
  auto missing = BuildFeatureTableFor(cols, std::span<const CustomerIdx>(&bad, 1), cutoffs, opt);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(CutoffList, EqualsOneCutoffAtATime) {
  std::mt19937_64 rng(2026);
  for (int round = 0; round < 6; ++round) {
    SyntheticOptions so;
    so.seed = 100 + static_cast<std::uint64_t>(round);
    so.customers = 300 + 100 * round;
    so.days = round % 2 == 0 ? 365 : 730;
    so.with_events = round != 3;
    auto data = MakeSyntheticRetail(so);
    const RetailColumns cols = ColumnsFromRows(data.transactions, data.customers, data.events);
    // Unsorted, possibly repeated cutoffs, some before the data and some after it.
    std::uniform_int_distribution<int> day(-40, so.days + 40), count(2, 14);
    std::vector<DayNumber> cutoffs;
    for (int k = count(rng); k > 0; --k) cutoffs.push_back(so.first_day + day(rng));
    cutoffs.push_back(cutoffs.front());
    FeatureOptions opt;
    opt.horizon_days = std::array{30, 90, 120}[static_cast<std::size_t>(round % 3)];
    opt.lookback_days = round % 2 == 0 ? 365 : 200;
    opt.eligibility = round % 4 == 1 ? Eligibility::kLookback : Eligibility::kActive;
    opt.threads = 1 + round % 2;
    SCOPED_TRACE("round " + std::to_string(round));
    auto batch = BuildFeatureTable(cols, cutoffs, opt);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();

    std::vector<DayNumber> distinct = cutoffs;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    std::size_t row = 0, nonempty = 0;
    for (DayNumber T : distinct) {
      auto one = BuildFeatureTable(cols, std::span<const DayNumber>(&T, 1), opt);
      if (!one.ok()) {
        // Segments need peers: a cutoff without eligible rows fails alone and in the list alike.
        EXPECT_EQ(one.status().code(), StatusCode::kInvalidArgument) << one.status().ToString();
        continue;
      }
      nonempty += one->num_rows() > 0 ? 1 : 0;
      for (std::size_t r = 0; r < one->num_rows(); ++r, ++row) {
        ASSERT_LT(row, batch->num_rows());
        ASSERT_EQ(batch->cutoffs[row], T);
        ASSERT_EQ(batch->customer_ids[row], one->customer_ids[r]);
        for (std::size_t f = 0; f < one->num_features(); ++f)
          ASSERT_TRUE(SameBits(batch->columns[f][row], one->columns[f][r]))
              << one->names[f] << " of " << one->customer_ids[r] << " at " << FormatIsoDate(T) << ": "
              << batch->columns[f][row] << " in the list vs " << one->columns[f][r] << " alone";
        ASSERT_EQ(batch->labels[row], one->labels[r]);
        ASSERT_EQ(batch->churn_kinds[row], one->churn_kinds[r]);
        ASSERT_EQ(batch->churn_spans[row], one->churn_spans[r]);
        ASSERT_TRUE(SameBits(batch->days_to_next_purchase[row], one->days_to_next_purchase[r]));
        ASSERT_TRUE(SameBits(batch->observed_days[row], one->observed_days[r]));
        ASSERT_TRUE(SameSegments(batch->segments[row], one->segments[r])) << one->customer_ids[r];
      }
    }
    EXPECT_EQ(row, batch->num_rows());
    EXPECT_GE(nonempty, 2u);
  }
}

TEST(ArrivalOrder, DoesNotChangeTheTable) {
  SyntheticOptions so;
  so.seed = 9;
  so.customers = 300;
  auto data = MakeSyntheticRetail(so);
  auto shuffled_tx = data.transactions;
  auto shuffled_ev = data.events;
  std::mt19937_64 rng(3);
  std::shuffle(shuffled_tx.begin(), shuffled_tx.end(), rng);
  std::shuffle(shuffled_ev.begin(), shuffled_ev.end(), rng);
  const DayNumber T = so.first_day + 200;
  auto a = BuildFeatureTable(ColumnsFromRows(data.transactions, data.customers, data.events), std::span<const DayNumber>(&T, 1),
                             FeatureOptions{});
  auto b = BuildFeatureTable(ColumnsFromRows(shuffled_tx, data.customers, shuffled_ev), std::span<const DayNumber>(&T, 1),
                             FeatureOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  ExpectSameTable(*a, *b, /*labels=*/true);
}

TEST(Options, BadValuesAreInvalidArgument) {
  auto data = MakeSyntheticRetail({.customers = 10});
  const RetailColumns cols = ColumnsFromRows(data.transactions, data.customers, data.events);
  const DayNumber T = 15100;
  EXPECT_EQ(BuildFeatureTable(cols, {}, FeatureOptions{}).status().code(), StatusCode::kInvalidArgument);
  FeatureOptions bad;
  bad.horizon_days = 0;
  auto r = BuildFeatureTable(cols, std::span<const DayNumber>(&T, 1), bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("horizon_days = 0"), std::string::npos) << r.status().message();
  bad = FeatureOptions{};
  bad.threads = 0;
  EXPECT_EQ(BuildFeatureTable(cols, std::span<const DayNumber>(&T, 1), bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace churnwatch

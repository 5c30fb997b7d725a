#pragma once
// Synthetic retail data at scale, streamed straight into a ColumnarBuilder (no row vector:
// 10M Transaction objects with their strings would need several GB). Deterministic per seed.

#include <cmath>
#include <random>
#include <string>

#include "churnwatch/features.h"

namespace churnwatch::bench {

struct ScaleOptions {
  std::uint64_t seed = 7;
  int customers = 1'000'000;
  long transactions = 10'000'000;
  long events = 5'000'000;
  DayNumber first_day = 14610;  // 2010-01-01
  int days = 730;
};

inline void GenerateInto(ColumnarBuilder& b, const ScaleOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  static const char* kCategories[] = {"dairy", "bakery", "produce", "pet_food", "toys", "household", "drinks", "snacks",
                                      "frozen", "beauty", "baby", "garden"};
  static const char* kStores[] = {"S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"};
  const double lines_per_customer = static_cast<double>(o.transactions) / o.customers;
  const double events_per_customer = static_cast<double>(o.events) / o.customers;
  Transaction t;
  Event e;
  long order_seq = 0;
  for (int c = 0; c < o.customers; ++c) {
    const std::string id = "C" + std::to_string(10'000'000 + c);
    // Each customer: an active span inside the period, a number of lines around the mean.
    const int start = static_cast<int>(u(rng) * o.days * 0.7);
    const int span = 1 + static_cast<int>(u(rng) * (o.days - start));
    const int n_lines = std::max(1, static_cast<int>(std::lround(lines_per_customer * 2 * u(rng))));
    const int favourite = static_cast<int>(u(rng) * 12);
    t.customer_id = id;
    int line = 0;
    while (line < n_lines) {
      const int day = o.first_day + start + static_cast<int>(u(rng) * span);
      const int order_lines = 1 + static_cast<int>(u(rng) * 3);
      t.order_id = "O" + std::to_string(++order_seq);
      t.channel = u(rng) < 0.3 ? Channel::kOnline : Channel::kStore;
      t.store_id = kStores[static_cast<int>(u(rng) * 8)];
      for (int k = 0; k < order_lines && line < n_lines; ++k, ++line) {
        t.ts = static_cast<Timestamp>(day) * kSecondsPerDay + 36000;
        t.quantity = 1 + std::floor(u(rng) * 4);
        t.amount = std::round(t.quantity * (2 + 20 * u(rng)) * 100) / 100;
        t.discount = u(rng) < 0.2 ? 1.0 : 0.0;
        t.category = kCategories[u(rng) < 0.6 ? favourite : static_cast<int>(u(rng) * 12)];
        t.sku = t.category;
        t.is_return = u(rng) < 0.02;
        if (t.is_return) {
          t.amount = -t.amount;
          t.quantity = -t.quantity;
        }
        b.AddTransaction(t);
      }
    }
    const int n_events = static_cast<int>(std::lround(events_per_customer * 2 * u(rng)));
    e.customer_id = id;
    for (int k = 0; k < n_events; ++k) {
      e.ts = static_cast<Timestamp>(o.first_day + start + static_cast<int>(u(rng) * span)) * kSecondsPerDay;
      const double r = u(rng);
      e.type = r < 0.5 ? EventType::kAppLogin : r < 0.7 ? EventType::kVisit : r < 0.8 ? EventType::kCartAbandon
             : r < 0.87 ? EventType::kCompetitorView : r < 0.93 ? EventType::kServiceContact
             : r < 0.96 ? EventType::kComplaint : EventType::kReview;
      e.value = e.type == EventType::kReview ? 1 + std::floor(u(rng) * 5) : kNaN;
      e.text = e.type == EventType::kReview ? (e.value <= 2 ? "bad service" : "great") : "";
      b.AddEvent(e);
    }
  }
}

}  // namespace churnwatch::bench

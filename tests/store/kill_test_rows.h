#pragma once
// The deterministic rows store_load_helper loads and store_kill_test checks.

#include <cstdint>
#include <string>

#include "churnwatch/data_model.h"

namespace churnwatch::testing {

inline constexpr std::uint64_t kKillTestSeed = 0xC0FFEE;

inline Transaction KillTestRow(std::uint64_t i) {
  Transaction t;
  t.key = {kKillTestSeed, i};
  t.order_id = "K" + std::to_string(i / 5);
  t.customer_id = "C" + std::to_string(i % 50000);
  t.ts = 1291191960 + static_cast<Timestamp>(i);
  t.amount = static_cast<double>(i % 1000) * 0.25;
  t.quantity = 1;
  t.channel = Channel::kStore;
  t.sku = "SKU" + std::to_string(i % 3000);
  t.category = "kill-test";
  return t;
}

}  // namespace churnwatch::testing

#include "test_helpers.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace churnwatch::testing {

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto p = std::filesystem::temp_directory_path() / ("churnwatch-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  ADD_FAILURE() << "could not create a temporary directory";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::optional<std::filesystem::path> SharedDataFile(const std::string& relative) {
  std::vector<std::filesystem::path> roots;
  if (const char* env = std::getenv("CHURNWATCH_SHARED_DATA")) roots.emplace_back(env);
  roots.emplace_back(std::filesystem::path(CHURNWATCH_SOURCE_DIR) / ".." / "shared" / "data");
  for (const auto& root : roots) {
    auto p = root / relative;
    if (std::filesystem::exists(p)) return std::filesystem::weakly_canonical(p);
  }
  return std::nullopt;
}

std::filesystem::path SourceFile(const std::string& relative) {
  return std::filesystem::path(CHURNWATCH_SOURCE_DIR) / relative;
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << "could not write " << path;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

SyntheticRetail MakeSyntheticRetail(const SyntheticOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  static const char* kCategories[] = {"dairy", "bakery", "produce", "pet_food", "toys", "household", "drinks", "snacks"};
  static const char* kStores[] = {"S01", "S02", "S03", "S04"};
  SyntheticRetail out;
  std::uint64_t order_seq = 0, event_seq = 0;
  for (int c = 0; c < o.customers; ++c) {
    const std::string id = "C" + std::to_string(100000 + c);
    Customer cust;
    cust.customer_id = id;
    cust.joined_at = o.first_day + static_cast<DayNumber>(u(rng) * o.days * 0.5);
    cust.member_tier = u(rng) < 0.2 ? "gold" : "basic";
    cust.region = u(rng) < 0.5 ? "north" : "south";
    cust.status = u(rng) < 0.02 ? "closed" : "active";
    cust.key = RowKey{o.seed, static_cast<std::uint64_t>(c) + 1};
    out.customers.push_back(cust);

    // Each customer buys at their own rate and may stop at a random day.
    const double mean_gap = 5.0 + 60.0 * u(rng) * u(rng);
    const DayNumber start = *cust.joined_at;
    const DayNumber stop = u(rng) < 0.4 ? start + static_cast<DayNumber>(u(rng) * o.days) : o.first_day + o.days;
    const double discount_lover = u(rng);
    const int favourite = static_cast<int>(u(rng) * 8);
    std::exponential_distribution<double> gap(1.0 / mean_gap);
    for (double day = start; day < stop && day < o.first_day + o.days; day += std::max(1.0, gap(rng))) {
      Transaction t;
      t.order_id = "O" + std::to_string(++order_seq);
      t.customer_id = id;
      t.ts = static_cast<Timestamp>(std::floor(day)) * kSecondsPerDay + 9 * 3600 + static_cast<Timestamp>(u(rng) * 36000);
      t.quantity = 1 + std::floor(u(rng) * 5);
      const double list = t.quantity * (2.0 + 30.0 * u(rng));
      t.discount = u(rng) < discount_lover * 0.6 ? std::round(list * 0.2 * 100) / 100 : 0.0;
      t.amount = std::round((list - t.discount) * 100) / 100;
      t.channel = u(rng) < 0.3 ? Channel::kOnline : Channel::kStore;
      t.store_id = kStores[static_cast<int>(u(rng) * 4)];
      t.category = kCategories[u(rng) < 0.6 ? favourite : static_cast<int>(u(rng) * 8)];
      t.sku = std::string(t.category) + "-" + std::to_string(static_cast<int>(u(rng) * 20));
      if (u(rng) < 0.03) {
        t.is_return = true;
        t.quantity = -t.quantity;
        t.amount = -t.amount;
      }
      t.key = RowKey{o.seed ^ 0x5bd1e995ULL, order_seq};
      out.transactions.push_back(std::move(t));
      if (o.with_events) {
        const int n_events = static_cast<int>(u(rng) * 3);
        for (int e = 0; e < n_events; ++e) {
          Event ev;
          ev.event_id = "E" + std::to_string(++event_seq);
          ev.customer_id = id;
          ev.ts = static_cast<Timestamp>(std::floor(day - u(rng) * 3)) * kSecondsPerDay + 12 * 3600;
          const double r = u(rng);
          ev.type = r < 0.5 ? EventType::kAppLogin : r < 0.7 ? EventType::kVisit : r < 0.8 ? EventType::kCartAbandon
                  : r < 0.87 ? EventType::kCompetitorView : r < 0.93 ? EventType::kServiceContact
                  : r < 0.96 ? EventType::kComplaint : EventType::kReview;
          if (ev.type == EventType::kReview) {
            ev.value = 1 + std::floor(u(rng) * 5);
            ev.text = ev.value <= 2 ? "bad service, disappointed" : "great, love it";
          }
          ev.key = RowKey{o.seed ^ 0xc6a4a793ULL, event_seq};
          out.events.push_back(std::move(ev));
        }
      }
    }
  }
  std::sort(out.transactions.begin(), out.transactions.end(), [](const Transaction& a, const Transaction& b) { return a.ts < b.ts; });
  std::sort(out.events.begin(), out.events.end(), [](const Event& a, const Event& b) { return a.ts < b.ts; });
  return out;
}

}  // namespace churnwatch::testing

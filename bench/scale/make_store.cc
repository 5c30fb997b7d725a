// make_store: a SQLite store of synthetic customers for the scale benchmark
// (bench/scale/run.sh), deterministic for a seed:
//   make_store CUSTOMERS TRANSACTIONS EVENTS sqlite:PATH [SEED]
// Shapes as bench/features/synthetic.h (active spans over two years from 2010-01-01, a
// favourite category, 2 % returns, app logins, visits, complaints and reviews), written
// through the ordinary load sessions, so every row carries its customer bucket.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "churnwatch/store.h"

using namespace churnwatch;

namespace {

template <typename Row, typename Append>
Status Load(Store& store, Table table, std::vector<Row>& rows, Append append) {
  CW_ASSIGN_OR_RETURN(auto session, store.BeginLoad({table, "make_store", "synthetic"}));
  CW_RETURN_IF_ERROR(append(*session, rows));
  return session->Commit().status();
}

Status Run(int customers, long transactions, long events, const std::string& url, std::uint64_t seed) {
  CW_ASSIGN_OR_RETURN(auto store, Store::Open(url));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  static const char* kCategories[] = {"dairy", "bakery", "produce", "pet_food", "toys", "household",
                                      "drinks", "snacks", "frozen", "beauty", "baby", "garden"};
  static const char* kStores[] = {"S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"};
  const DayNumber first_day = 14610;  // 2010-01-01
  const int days = 730;
  const double lines_per_customer = static_cast<double>(transactions) / customers;
  const double events_per_customer = static_cast<double>(events) / customers;
  std::vector<Transaction> txns;
  std::vector<Event> evts;
  std::vector<Customer> custs;
  CW_ASSIGN_OR_RETURN(auto tx_session, store->BeginLoad({Table::kTransactions, "make_store", "synthetic"}));
  long order_seq = 0;
  std::uint64_t line_seq = 0;
  for (int c = 0; c < customers; ++c) {
    const std::string id = "C" + std::to_string(10'000'000 + c);
    Customer cu;
    cu.customer_id = id;
    cu.key = {0xC0000000ull + static_cast<std::uint64_t>(c), 1};
    custs.push_back(cu);
    const int start = static_cast<int>(u(rng) * days * 0.7);
    const int span = 1 + static_cast<int>(u(rng) * (days - start));
    const int n_lines = std::max(1, static_cast<int>(std::lround(lines_per_customer * 2 * u(rng))));
    const int favourite = static_cast<int>(u(rng) * 12);
    int line = 0;
    while (line < n_lines) {
      const int day = first_day + start + static_cast<int>(u(rng) * span);
      const int order_lines = 1 + static_cast<int>(u(rng) * 3);
      Transaction t;
      t.customer_id = id;
      t.order_id = "O" + std::to_string(++order_seq);
      t.channel = u(rng) < 0.3 ? Channel::kOnline : Channel::kStore;
      t.store_id = kStores[static_cast<int>(u(rng) * 8)];
      for (int k = 0; k < order_lines && line < n_lines; ++k, ++line) {
        t.key = {0x70000000ull, ++line_seq};
        t.ts = static_cast<Timestamp>(day) * kSecondsPerDay + 36000;
        t.quantity = 1 + std::floor(u(rng) * 4);
        t.amount = std::round(t.quantity * (2 + 20 * u(rng)) * 100) / 100;
        t.discount = u(rng) < 0.2 ? 1.0 : 0.0;
        t.category = kCategories[u(rng) < 0.6 ? favourite : static_cast<int>(u(rng) * 12)];
        t.sku = t.category;
        t.is_return = u(rng) < 0.02;
        if (t.is_return) {
          t.amount = -std::abs(t.amount);
          t.quantity = -std::abs(t.quantity);
        } else {
          t.amount = std::abs(t.amount);
          t.quantity = std::abs(t.quantity);
        }
        txns.push_back(t);
      }
    }
    const int n_events = static_cast<int>(std::lround(events_per_customer * 2 * u(rng)));
    for (int k = 0; k < n_events; ++k) {
      Event e;
      e.customer_id = id;
      e.key = {0xE0000000ull, ++line_seq};
      e.ts = static_cast<Timestamp>(first_day + start + static_cast<int>(u(rng) * span)) * kSecondsPerDay;
      const double r = u(rng);
      e.type = r < 0.5 ? EventType::kAppLogin : r < 0.7 ? EventType::kVisit : r < 0.8 ? EventType::kCartAbandon
             : r < 0.9 ? EventType::kServiceContact : r < 0.95 ? EventType::kComplaint : EventType::kReview;
      e.value = e.type == EventType::kReview ? 1 + std::floor(u(rng) * 5) : kNaN;
      evts.push_back(e);
    }
    if (txns.size() >= 65536) {
      CW_RETURN_IF_ERROR(tx_session->AppendTransactions(txns));
      txns.clear();
    }
  }
  CW_RETURN_IF_ERROR(tx_session->AppendTransactions(txns));
  CW_RETURN_IF_ERROR(tx_session->Commit().status());
  tx_session.reset();
  CW_RETURN_IF_ERROR(Load(*store, Table::kCustomers, custs, [](LoadSession& s, auto& r) { return s.AppendCustomers(r); }));
  CW_RETURN_IF_ERROR(Load(*store, Table::kEvents, evts, [](LoadSession& s, auto& r) { return s.AppendEvents(r); }));
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: make_store CUSTOMERS TRANSACTIONS EVENTS sqlite:PATH [SEED]\n");
    return 2;
  }
  const Status st = Run(std::atoi(argv[1]), std::atol(argv[2]), std::atol(argv[3]), argv[4],
                        argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 7);
  if (!st.ok()) {
    std::fprintf(stderr, "make_store: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

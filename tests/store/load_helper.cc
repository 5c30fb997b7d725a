// A test helper process for store_kill_test.cc: loads N deterministic synthetic order lines
// into a store through one LoadSession, printing "progress <rows>" after every batch it has
// handed to the session and "done inserted=<n> already_present=<m>" after Commit.
//   store_load_helper URL ROWS [BATCH]
// Row i has key {kKillTestSeed, i} and amount (i % 1000) * 0.25, so the test can check the
// table's contents without the helper's help.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "churnwatch/store.h"
#include "kill_test_rows.h"

int main(int argc, char** argv) {
  using namespace churnwatch;
  if (argc < 3) {
    std::fprintf(stderr, "usage: store_load_helper URL ROWS [BATCH]\n");
    return 2;
  }
  const std::string url = argv[1];
  const std::uint64_t rows = std::strtoull(argv[2], nullptr, 10);
  const std::uint64_t batch = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20000;
  auto store = Store::Open(url);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 3;
  }
  auto session = (*store)->BeginLoad({Table::kTransactions, "kill-test.csv", "kill-test"});
  if (!session.ok()) {
    std::fprintf(stderr, "begin: %s\n", session.status().ToString().c_str());
    return 3;
  }
  std::vector<Transaction> buf;
  for (std::uint64_t start = 0; start < rows; start += batch) {
    buf.clear();
    for (std::uint64_t i = start; i < rows && i < start + batch; ++i) buf.push_back(testing::KillTestRow(i));
    Status st = (*session)->AppendTransactions(buf);
    if (!st.ok()) {
      std::fprintf(stderr, "append: %s\n", st.ToString().c_str());
      return 3;
    }
    std::printf("progress %llu\n", static_cast<unsigned long long>(start + buf.size()));
    std::fflush(stdout);
  }
  auto counts = (*session)->Commit();
  if (!counts.ok()) {
    std::fprintf(stderr, "commit: %s\n", counts.status().ToString().c_str());
    return 3;
  }
  std::printf("done inserted=%lld already_present=%lld\n", static_cast<long long>(counts->inserted),
              static_cast<long long>(counts->already_present));
  return 0;
}

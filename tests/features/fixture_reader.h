#pragma once
// Reads the features fixtures (tests/fixtures/features/*.tsv): tab-separated, '#' comment
// lines, a header line for the row files. Turns them into canonical rows.

#include <string>
#include <vector>

#include "churnwatch/data_model.h"

namespace churnwatch::testing {

/// Lines of a fixture without comments and blank lines, split on tabs (header included).
std::vector<std::vector<std::string>> ReadTsv(const std::string& relative_path);

struct FixtureRows {
  std::vector<Transaction> transactions;
  std::vector<Event> events;
  std::vector<Customer> customers;
};
/// golden_transactions.tsv, golden_events.tsv, golden_customers.tsv.
FixtureRows ReadGoldenRows();

/// "nan", a number, "a/b" or "sqrt:a/b".
double ParseExpectedNumber(const std::string& text);

}  // namespace churnwatch::testing

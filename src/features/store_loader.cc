// Columns from a Store: one scan per table, rows appended batch by batch.
#include "churnwatch/features.h"
#include "churnwatch/store.h"

namespace churnwatch {

Result<RetailColumns> LoadColumnsFromStore(Store& store, int threads) {
  ColumnarBuilder builder;
  CW_ASSIGN_OR_RETURN(const std::int64_t n_txn, store.CountRows(Table::kTransactions));
  CW_ASSIGN_OR_RETURN(const std::int64_t n_evt, store.CountRows(Table::kEvents));
  builder.Reserve(static_cast<std::size_t>(n_txn), static_cast<std::size_t>(n_evt));
  CW_RETURN_IF_ERROR(store.ScanCustomers([&](std::span<const Customer> rows) {
    builder.AddCustomers(rows);
    return Status::OK();
  }));
  CW_RETURN_IF_ERROR(store.ScanTransactions([&](std::span<const Transaction> rows) {
    builder.AddTransactions(rows);
    return Status::OK();
  }));
  CW_RETURN_IF_ERROR(store.ScanEvents([&](std::span<const Event> rows) {
    builder.AddEvents(rows);
    return Status::OK();
  }));
  return builder.Build(threads);
}

}  // namespace churnwatch

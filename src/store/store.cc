// Store::Open: picks the implementation from the URL scheme (docs/store.md).
#include "churnwatch/store.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace churnwatch {

std::string_view TableName(Table t) {
  switch (t) {
    case Table::kTransactions: return "transactions";
    case Table::kCustomers: return "customers";
    case Table::kEvents: return "events";
  }
  return "unknown";
}

Result<std::unique_ptr<Store>> Store::Open(std::string_view url) {
  if (url.starts_with("sqlite:")) {
    std::string_view path = url.substr(7);
    // Accept the URI-like spelling sqlite:///abs/path too.
    if (path.starts_with("//")) path.remove_prefix(2);
    return store_internal::SqliteStore::Open(path);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return store_internal::PostgresStore::Open(url);
  return Status::InvalidArgument("store URL '" + std::string(url) +
                                 "' has an unknown scheme (use sqlite:PATH or postgresql://USER@HOST:PORT/DB)");
}

}  // namespace churnwatch

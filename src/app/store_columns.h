#pragma once
// Opening a store's columns for a use case: the one wording for a store without
// transactions. Private to app/.

#include <string>

#include "churnwatch/features.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch::app_internal {

inline Status NoTransactions(const std::string& db_url) {
  return Status::DataError("the store " + db_url + " holds no transactions; run `churnwatch ingest` first");
}

/// The store's transactions, customers and events as columns; kDataError when it holds no
/// transactions.
inline Result<RetailColumns> LoadNonEmptyColumns(Store& store, const std::string& db_url, int threads) {
  CW_ASSIGN_OR_RETURN(RetailColumns columns, LoadColumnsFromStore(store, threads));
  if (columns.num_transactions() == 0) return NoTransactions(db_url);
  return columns;
}

}  // namespace churnwatch::app_internal

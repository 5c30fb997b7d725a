// The quality use case (app/quality.h).
#include "churnwatch/app/quality.h"

#include "churnwatch/store.h"

namespace churnwatch::app {

Result<QualityOutcome> Quality(const QualityRequest& request) {
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(request.db_url));
  QualityOutcome outcome;
  CW_ASSIGN_OR_RETURN(outcome.report, ProfileStore(*store));
  outcome.backend = std::string(store->Backend());
  outcome.schema_version = store->SchemaVersion();
  return outcome;
}

}  // namespace churnwatch::app

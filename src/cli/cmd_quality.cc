// `churnwatch quality` (SPEC.md §14): the data-quality profile of every canonical table.
// Thin shell: open the store, profile it (src/store/quality.cc), print.
#include <iostream>

#include "churnwatch/quality.h"
#include "churnwatch/store.h"
#include "cli/commands.h"

namespace churnwatch::cli {

CommandRun RegisterQuality(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("quality",
                                 "profile the loaded tables: rows, missing rates, duplicates, date range, negative/zero "
                                 "and extreme amounts, purchases per customer");
  AddCommonOptions(sub, common);
  return [&common]() -> Status {
    CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(common.db_url));
    CW_ASSIGN_OR_RETURN(QualityReport report, ProfileStore(*store));
    if (common.json) {
      PrintJson(QualityToJson(report));
    } else {
      std::cout << "store: " << common.db_url << " (" << store->Backend() << ", schema version "
                << store->SchemaVersion() << ")\n\n"
                << FormatQualityText(report);
    }
    return Status::OK();
  };
}

}  // namespace churnwatch::cli

// `churnwatch quality` (SPEC.md §14): the data-quality profile of every canonical table
// (app::Quality), as text or one JSON object.
#include <iostream>

#include "churnwatch/app/quality.h"
#include "cli/commands.h"

namespace churnwatch::cli {

CommandRun RegisterQuality(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("quality",
                                 "profile the loaded tables: rows, missing rates, duplicates, date range, negative/zero "
                                 "and extreme amounts, purchases per customer");
  AddCommonOptions(sub, common);
  return [&common]() -> Status {
    CW_ASSIGN_OR_RETURN(const app::QualityOutcome q, app::Quality({common.db_url}));
    if (common.json) return PrintJson(q.ToJson());
    std::cout << "store: " << common.db_url << " (" << q.backend << ", schema version " << q.schema_version << ")\n\n"
              << FormatQualityText(q.report);
    return Status::OK();
  };
}

}  // namespace churnwatch::cli

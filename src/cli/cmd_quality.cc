// `churnwatch quality` (SPEC.md §14). Not built yet: says so instead of pretending.
#include "cli/commands.h"

namespace churnwatch::cli {

CommandRun RegisterQuality(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("quality", "(not available yet in this build)");
  AddCommonOptions(sub, common);
  return [] { return Status::Unavailable("the 'quality' command is not available in this build yet"); };
}

}  // namespace churnwatch::cli

// `churnwatch features` (SPEC.md §14). Not built yet: says so instead of pretending.
#include "cli/commands.h"

namespace churnwatch::cli {

CommandRun RegisterFeatures(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("features", "(not available yet in this build)");
  AddCommonOptions(sub, common);
  return [] { return Status::Unavailable("the 'features' command is not available in this build yet"); };
}

}  // namespace churnwatch::cli

// `churnwatch run` (SPEC.md §14). Not built yet: says so instead of pretending.
#include "cli/commands.h"

namespace churnwatch::cli {

CommandRun RegisterRun(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("run", "(not available yet in this build)");
  AddCommonOptions(sub, common);
  return [] { return Status::Unavailable("the 'run' command is not available in this build yet"); };
}

}  // namespace churnwatch::cli

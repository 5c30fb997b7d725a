// churnwatch command-line entry point: parse, dispatch to one command, and turn its Status
// into an exit code and a one-line error (STYLE.md §1, §9: the one catch boundary).
#include <cstdio>
#include <exception>
#include <iostream>
#include <vector>

#include "churnwatch/json_text.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "churnwatch/openmp_wait.h"

namespace churnwatch::cli {

void AddCommonOptions(CLI::App* sub, CommonOptions& common) {
  sub->add_option("--db", common.db_url, "store URL: sqlite:PATH or postgresql://...")->capture_default_str();
  sub->add_flag("--json", common.json, "print one JSON object instead of the human summary");
  sub->add_flag("--quiet,-q", common.quiet, "no progress output on stderr");
}

Status PrintJson(const nlohmann::json& object) {
  std::cout << JsonText(object, 2) << std::endl;
  return Status::OK();
}

void PrintWarning(const std::string& line) { std::fprintf(stderr, "churnwatch: warning: %s\n", line.c_str()); }

Result<DayNumber> ParseDateFlag(const std::string& text, std::string_view flag) {
  const auto day = ParseIsoDate(text);
  if (!day) return Status::InvalidArgument(std::string(flag) + " '" + text + "' is not a YYYY-MM-DD date");
  return *day;
}

}  // namespace churnwatch::cli

int main(int argc, char** argv) {
  using namespace churnwatch;
  CLI::App app{"churnwatch — retail customer churn early warning and retention"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("churnwatch ") + CHURNWATCH_VERSION);
  cli::CommonOptions common;

  struct Entry {
    const char* name;
    cli::CommandRun run;
  };
  // Registration order is the order `churnwatch --help` lists them: the data flow.
  std::vector<Entry> commands = {
      {"ingest", cli::RegisterIngest(app, common)},     {"quality", cli::RegisterQuality(app, common)},
      {"features", cli::RegisterFeatures(app, common)}, {"clv", cli::RegisterClv(app, common)},
      {"train", cli::RegisterTrain(app, common)},       {"evaluate", cli::RegisterEvaluate(app, common)},
      {"score", cli::RegisterScore(app, common)},       {"run", cli::RegisterRun(app, common)},
      {"campaign", cli::RegisterCampaign(app, common)}, {"retrain", cli::RegisterRetrain(app, common)},
      {"simulate", cli::RegisterSimulate(app, common)}, {"grade", cli::RegisterGrade(app, common)},
      {"serve", cli::RegisterServe(app, common)},       {"keys", cli::RegisterKeys(app, common)},
  };

  // Mistakes on the command line are errors like any other: the contract's one line, exit
  // code and, with --json, the JSON error object.
  auto fail = [&](const Status& status) {
    std::fprintf(stderr, "churnwatch: error: %s\n", status.ToString().c_str());
    if (common.json || cli::WantsJson(argc, argv))
      (void)cli::PrintJson({{"error", {{"code", std::string(StatusCodeName(status.code()))}, {"message", OneLine(status.message())}}}});
    return ExitCodeFor(status.code());
  };
  if (auto mistake = cli::CheckArguments(app, argc, argv)) return fail(*mistake);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (app.get_subcommands().size() == 1)
      message += " (churnwatch " + app.get_subcommands()[0]->get_name() + " --help lists the flags)";
    return fail(Status::InvalidArgument(message));
  }

  for (auto& entry : commands)
    if (app.got_subcommand(entry.name) && CommandUsesOpenMp(entry.name)) ReexecWithPassiveOpenMpWait(argv);

  Status status;
  try {
    for (auto& entry : commands)
      if (app.got_subcommand(entry.name)) status = entry.run();
  } catch (const std::exception& e) {
    status = Status::Internal(e.what());
  }
  if (status.ok()) return 0;
  return fail(status);
}

#pragma once
/// The CLI's subcommands (SPEC.md §14). Each command lives in its own cmd_<name>.cc, adds
/// its flags to a CLI11 subcommand and returns a callback that runs it. Commands only parse
/// flags, call the library and print; they hold no business logic.

#include <CLI/CLI.hpp>

#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "churnwatch/features.h"
#include "churnwatch/status.h"

namespace churnwatch::cli {

/// Flags every command takes.
struct CommonOptions {
  std::string db_url = "sqlite:churnwatch.db";
  bool json = false;
  bool quiet = false;  ///< no progress bars
};

using CommandRun = std::function<Status()>;

/// Adds --db, --json and --quiet to a subcommand.
void AddCommonOptions(CLI::App* sub, CommonOptions& common);

/// Prints one JSON object on stdout (the --json contract: exactly one object per run).
void PrintJson(const nlohmann::json& object);

/// The default of --horizon-days: "not given" (then --format or the command's default
/// applies), distinct from every value a user can type, so 0 and -5 are validated, not
/// silently replaced.
inline constexpr int kHorizonNotGiven = std::numeric_limits<int>::min();

/// Prints `churnwatch: warning: ...` on stderr when `cutoff` lies past the day after the
/// data's last day (DaysPastDataEnd): recency then grows for every customer. `what` names
/// the flag, e.g. "--as-of".
void WarnIfPastDataEnd(const RetailColumns& columns, DayNumber cutoff, std::string_view what);

// One registration function per command; each sets `run` when its subcommand is chosen.
CommandRun RegisterIngest(CLI::App& app, CommonOptions& common);
CommandRun RegisterQuality(CLI::App& app, CommonOptions& common);
CommandRun RegisterFeatures(CLI::App& app, CommonOptions& common);
CommandRun RegisterClv(CLI::App& app, CommonOptions& common);
CommandRun RegisterTrain(CLI::App& app, CommonOptions& common);
CommandRun RegisterEvaluate(CLI::App& app, CommonOptions& common);
CommandRun RegisterScore(CLI::App& app, CommonOptions& common);
CommandRun RegisterRun(CLI::App& app, CommonOptions& common);
CommandRun RegisterCampaign(CLI::App& app, CommonOptions& common);
CommandRun RegisterRetrain(CLI::App& app, CommonOptions& common);
CommandRun RegisterSimulate(CLI::App& app, CommonOptions& common);
CommandRun RegisterGrade(CLI::App& app, CommonOptions& common);

}  // namespace churnwatch::cli

#pragma once
/// The CLI's subcommands (SPEC.md §14). Each command lives in its own cmd_<name>.cc, adds
/// its flags to a CLI11 subcommand and returns a callback that runs it. A command parses
/// flags into the request of one use case of the application layer (churnwatch/app/),
/// calls it, and prints its outcome; it holds no business logic.

#include <CLI/CLI.hpp>

#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "churnwatch/features.h"  // Eligibility, DayNumber
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
/// Returns OK, so a command can end with `return PrintJson(...)`.
Status PrintJson(const nlohmann::json& object);

/// Prints `churnwatch: warning: <line>` on stderr (an app::Notify).
void PrintWarning(const std::string& line);

/// A YYYY-MM-DD flag value as a day; kInvalidArgument "<flag> '<text>' is not a YYYY-MM-DD
/// date" otherwise.
Result<DayNumber> ParseDateFlag(const std::string& text, std::string_view flag);

/// The default of --horizon-days: "not given" (then --format or the command's default
/// applies), distinct from every value a user can type, so 0 and -5 are validated, not
/// silently replaced.
inline constexpr int kHorizonNotGiven = std::numeric_limits<int>::min();

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
CommandRun RegisterKeys(CLI::App& app, CommonOptions& common);
CommandRun RegisterServe(CLI::App& app, CommonOptions& common);

}  // namespace churnwatch::cli

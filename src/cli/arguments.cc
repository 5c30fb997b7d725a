// Command-line mistakes in the contract's words (docs/cli.md): an unknown command or flag is
// an invalid_argument naming it, with the closest valid name when one is near, and every
// other CLI11 parse error keeps CLI11's text under the same kind and exit code.
#include "cli/arguments.h"

#include "churnwatch/closest_name.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace churnwatch::cli {
namespace {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::optional<Status> CheckArguments(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());

  // The command is the first argument that is not a flag of the program itself.
  int command_at = 0;
  for (int i = 1; i < argc && command_at == 0; ++i)
    if (argv[i][0] != '-') command_at = i;
  if (command_at == 0) {
    for (int i = 1; i < argc; ++i) {
      const std::string_view a = argv[i];
      if (a == "-h" || a == "--help" || a == "--version") return std::nullopt;  // CLI11 prints these
    }
    return Status::InvalidArgument("no command given; churnwatch <command> [flags], commands: " + JoinNames(commands) +
                                   " (churnwatch --help describes them)");
  }
  const std::string typed = argv[command_at];
  const CLI::App* sub = nullptr;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; }))
    if (s->get_name() == typed) sub = s;
  if (sub == nullptr) {
    const std::string near = ClosestName(typed, commands);
    return Status::InvalidArgument("unknown command '" + typed + "' (" +
                                   (near.empty() ? "commands: " + JoinNames(commands) : "did you mean '" + near + "'?") +
                                   ")");
  }

  // A command with actions of its own (`campaign create`): the flags are the action's.
  std::string command_name = typed;
  int flags_from = command_at + 1;
  if (flags_from < argc && argv[flags_from][0] != '-')
    for (const CLI::App* action : sub->get_subcommands([](const CLI::App*) { return true; }))
      if (action->get_name() == argv[flags_from]) {
        command_name += " " + action->get_name();
        sub = action;
        ++flags_from;
        break;
      }

  // Every --flag after the command must be one of the command's own.
  std::vector<std::string> flags;
  for (const CLI::Option* opt : sub->get_options()) {
    for (const auto& l : opt->get_lnames()) flags.push_back("--" + l);
    for (const auto& s : opt->get_snames()) flags.push_back("-" + s);
  }
  for (int i = flags_from; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (a.size() < 3 || !a.starts_with("--")) continue;
    a = a.substr(0, a.find('='));
    if (std::find(flags.begin(), flags.end(), a) != flags.end()) continue;
    const std::string near = ClosestName(a, flags);
    return Status::InvalidArgument("unknown flag '" + std::string(a) + "' for " + command_name + " (" +
                                   (near.empty() ? "churnwatch " + command_name + " --help lists them"
                                                 : "did you mean '" + near + "'?") +
                                   ")");
  }
  return std::nullopt;
}

bool WantsJson(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--json") return true;
  }
  return false;
}

}  // namespace churnwatch::cli

// Command-line mistakes in the contract's words (docs/cli.md): an unknown command or flag is
// an invalid_argument naming it, with the closest valid name when one is near, and every
// other CLI11 parse error keeps CLI11's text under the same kind and exit code.
#include "cli/arguments.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace churnwatch::cli {
namespace {

/// Edit distance (insertions, deletions, substitutions, adjacent transpositions).
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

/// The candidate nearest to `typed` when it is plausibly a typo of it (at most a third of
/// the letters differ, or `typed` is a prefix of exactly that candidate), else empty.
std::string Closest(std::string_view typed, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    std::size_t distance = EditDistance(typed, c);
    if (c.size() > typed.size() && c.compare(0, typed.size(), typed) == 0) distance = std::min<std::size_t>(distance, 1);
    if (best.empty() || distance < best_distance) {
      best = c;
      best_distance = distance;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(2, typed.size() / 3);
  return best_distance <= allowed ? best : std::string();
}

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
    const std::string near = Closest(typed, commands);
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
    const std::string near = Closest(a, flags);
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

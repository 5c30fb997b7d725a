#pragma once
/// Checks of the raw command line before CLI11 parses it, so that the commonest mistakes get
/// the contract's error (docs/cli.md: `churnwatch: error: invalid_argument: ...`, exit 2)
/// with a suggestion instead of CLI11's generic text.

#include <CLI/CLI.hpp>

#include <optional>

#include "churnwatch/status.h"

namespace churnwatch::cli {

/// kInvalidArgument for no command, an unknown command ("unknown command 'ingst' (did you
/// mean 'ingest'?)") or a `--flag` the chosen command does not have ("unknown flag
/// '--transaction' for ingest (did you mean '--transactions'?)"); nullopt when the line is
/// for CLI11 to parse (including --help and --version). `app` holds the registered commands.
std::optional<Status> CheckArguments(const CLI::App& app, int argc, const char* const* argv);

/// True when `--json` is on the command line (before any `--`), so that an error found
/// before the flags are parsed still prints the JSON error object.
bool WantsJson(int argc, const char* const* argv);

}  // namespace churnwatch::cli

#pragma once
// Strict config files: the one check every TOML reader (mapping files, run configs, policy
// configs, the reasons file) applies to each table it reads, so that a typo such as
// `[modle]`, `fromat = ...` or `totl = 100` is an error naming the file, the line and the
// closest allowed key instead of a silent default. Private to the library (src/).

#include <toml++/toml.h>

#include <span>
#include <string>
#include <string_view>

#include "churnwatch/status.h"

namespace churnwatch::config {

/// kInvalidArgument for the first key of `table` not in `allowed`, as
/// "<source>:<line>: unknown key '<section>.<key>' (did you mean '<closest>'? allowed here:
/// a, b, c)" — `section` empty for the top level; the suggestion only when one is close.
Status CheckKeys(const toml::table& table, std::string_view source, std::string_view section,
                 std::span<const std::string_view> allowed);

/// The same, with the allowed keys written inline.
inline Status CheckKeys(const toml::table& table, std::string_view source, std::string_view section,
                        std::initializer_list<std::string_view> allowed) {
  return CheckKeys(table, source, section, std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

}  // namespace churnwatch::config

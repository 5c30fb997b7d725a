#pragma once
/// \file closest_name.h
/// "Did you mean ...?" for a mistyped name: a command, a flag, a config key.

#include <span>
#include <string>
#include <string_view>

namespace churnwatch {

/// The candidate nearest to `typed` by edit distance (insertions, deletions, substitutions,
/// adjacent transpositions) when it is plausibly a typo of it (at most a third of
/// the letters differ, at least 2 allowed, or `typed` is a prefix of that candidate), else
/// empty.
std::string ClosestName(std::string_view typed, std::span<const std::string> candidates);

}  // namespace churnwatch

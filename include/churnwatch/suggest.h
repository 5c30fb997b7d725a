#pragma once
/// \file suggest.h
/// "Did you mean ...?" for names a user typed: config keys, feature names, flags.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace churnwatch {

/// Edit distance (insert, delete, substitute) between two names; used for suggestions.
std::size_t EditDistance(std::string_view a, std::string_view b);

/// The closest of `candidates` to `name` if it is plausibly a typo (distance ≤ 2, or ≤ a
/// third of the name's length for long names), else empty.
std::string SuggestName(std::string_view name, std::span<const std::string> candidates);

}  // namespace churnwatch

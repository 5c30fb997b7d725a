#pragma once
/// \file json_text.h
/// JSON text as churnwatch writes it everywhere (CLI output, actions.json, store documents).

#include <string>

#include <nlohmann/json.hpp>

namespace churnwatch {

/// `value` serialised with `indent` (-1 = compact). Strings holding bytes that are not
/// UTF-8 (a file name, a flag or a rule cut mid-character) have those bytes replaced by
/// U+FFFD instead of throwing: printing a result or an error never aborts.
std::string JsonText(const nlohmann::json& value, int indent = -1);

}  // namespace churnwatch

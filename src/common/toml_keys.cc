// Unknown-key check for every TOML file we read (src/common/toml_keys.h).
#include "churnwatch/toml_keys.h"

#include <algorithm>
#include <vector>

#include "churnwatch/suggest.h"

namespace churnwatch::config {

Status CheckKeys(const toml::table& table, std::string_view source, std::string_view section,
                 std::span<const std::string_view> allowed) {
  for (auto&& [k, v] : table) {
    const std::string_view key = k.str();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    const std::string guess = SuggestName(key, names);
    std::string list;
    for (const auto& a : names) list += (list.empty() ? "" : ", ") + a;
    std::string message = std::string(source) + ":" + std::to_string(k.source().begin.line) + ": unknown key '" +
                          (section.empty() ? "" : std::string(section) + ".") + std::string(key) + "' (";
    if (!guess.empty()) message += "did you mean '" + guess + "'? ";
    message += list.empty() ? std::string("no keys are allowed here") : "allowed here: " + list;
    return Status::InvalidArgument(message + ")");
  }
  return Status::OK();
}

}  // namespace churnwatch::config

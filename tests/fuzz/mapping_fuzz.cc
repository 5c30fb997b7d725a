// libFuzzer target: the mapping-file parser (TOML, keys, field expressions, date formats,
// time zones, exclusion regexes) over arbitrary text. A mapping is a config a user writes
// or edits; no text may crash it, hang it or make it allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "churnwatch/mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = churnwatch::ParseMapping(text, "fuzz.toml", "/nonexistent");
  if (!m.ok()) {
    // Errors are one line (docs/cli.md) and name the file.
    const std::string shown = m.status().ToString();
    if (shown.find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}

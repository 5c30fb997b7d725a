// libFuzzer target: the rule-expression parser, binder and evaluator over arbitrary text
// (rules come from policy and run configs). Deep nesting must be an error, never a stack
// overflow; a rule that parses must bind or fail cleanly and evaluate on any row.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/rules.h"

using namespace churnwatch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rule = Rule::Parse("fuzz", text);
  if (!rule.ok()) {
    if (rule.status().ToString().find('\n') != std::string::npos) __builtin_trap();
    return 0;
  }
  static const RuleSchema schema{{"recency_days", "frequency_90", "complaints_90", "logins_30"}, {"value_tier", "segment"}};
  if (!rule->Bind(schema).ok()) return 0;
  const std::vector<double> numbers{40, std::nan(""), 3, 0};
  const std::vector<std::string> texts{"high", ""};
  (void)rule->Evaluate(RuleRow{numbers, texts});
  (void)rule->Identifiers();
  return 0;
}

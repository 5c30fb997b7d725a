#pragma once
// A small bilingual sentiment lexicon for review text (SPEC.md §5): enough to tell "bad
// service, disappointed" / "质量太差" from "great, love it" / "很满意". Scored once at load.

#include <cstdint>
#include <string_view>

namespace churnwatch::features_internal {

/// -1 negative, 0 neutral (no lexicon word, or as many positive as negative words),
/// 1 positive, 2 when the text is empty. ASCII letters are matched case-insensitively;
/// a negator ("not", "no", "never", "不", "没") directly before a positive English word
/// ("not good") flips it to negative.
std::int8_t ScoreSentiment(std::string_view text);

}  // namespace churnwatch::features_internal

// Lexicon sentiment: count positive and negative words; the sign of the difference decides.
#include "features/sentiment.h"

#include <array>
#include <string>

namespace churnwatch::features_internal {
namespace {

// Kept short on purpose: words that are unambiguous in retail reviews.
constexpr std::array<std::string_view, 34> kNegative = {
    "bad",       "poor",     "terrible", "awful",   "worst",     "disappoint", "broken",   "rude",
    "slow",      "refund",   "complain", "horrible", "useless",  "cheap quality", "never again", "waste",
    "late",      "damaged",  "wrong",    "dirty",   "overpriced", "expensive",
    "差",        "糟糕",     "失望",     "投诉",    "退货",      "太慢",       "坏了",     "垃圾",
    "不满意",    "态度差",   "贵",       "难用"};
constexpr std::array<std::string_view, 24> kPositive = {
    "good",  "great",  "love",  "excellent", "perfect", "happy", "fast",   "recommend",
    "nice",  "friendly", "satisf", "amazing", "best",   "fresh", "helpful", "quality",
    "好",    "满意",   "喜欢",  "推荐",      "很棒",    "新鲜",  "实惠",   "快"};
constexpr std::array<std::string_view, 5> kNegators = {"not ", "no ", "never ", "don't ", "isn't "};

std::size_t CountOccurrences(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = hay.find(needle); pos != std::string_view::npos; pos = hay.find(needle, pos + needle.size())) ++n;
  return n;
}

}  // namespace

std::int8_t ScoreSentiment(std::string_view text) {
  if (text.empty()) return 2;
  std::string lower(text);
  for (char& ch : lower)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  long score = 0;
  for (auto w : kNegative) score -= static_cast<long>(CountOccurrences(lower, w));
  for (auto w : kPositive) {
    const long hits = static_cast<long>(CountOccurrences(lower, w));
    long negated = 0;
    for (auto neg : kNegators) {
      std::string phrase(neg);
      phrase += w;
      negated += static_cast<long>(CountOccurrences(lower, phrase));
    }
    // "不满意" contains "满意": the negative word already counted it, so do not also count
    // the positive one.
    if (w == "满意") negated += static_cast<long>(CountOccurrences(lower, "不满意"));
    if (w == "好") negated += static_cast<long>(CountOccurrences(lower, "不好"));
    score += hits - 2 * negated;  // a negated positive counts as one negative
  }
  if (score < 0) return -1;
  if (score > 0) return 1;
  return 0;
}

}  // namespace churnwatch::features_internal

// Nearest-name suggestions (closest_name.h).
#include "churnwatch/closest_name.h"

#include <algorithm>
#include <vector>

namespace churnwatch {
namespace {

std::size_t TypoDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string ClosestName(std::string_view typed, std::span<const std::string> candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    std::size_t distance = TypoDistance(typed, c);
    if (c.size() > typed.size() && c.compare(0, typed.size(), typed) == 0) distance = std::min<std::size_t>(distance, 1);
    if (best.empty() || distance < best_distance) {
      best = c;
      best_distance = distance;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(2, typed.size() / 3);
  return best_distance <= allowed ? best : std::string();
}

}  // namespace churnwatch

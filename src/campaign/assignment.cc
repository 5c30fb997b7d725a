// The control group (campaign.h): stratified by zone × value tier, ordered by a hash of
// (campaign, customer). SHA-256 rather than a fast hash: the order must not be something a
// person choosing campaign ids or customer ids could steer, and it must stay the same on
// every machine and in every release, because a campaign's assignment is re-derivable
// evidence of what was randomised.
#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "churnwatch/campaign.h"

namespace churnwatch {

std::uint64_t CampaignHash(std::string_view campaign_id, std::string_view key) {
  std::string message;
  message.reserve(campaign_id.size() + key.size() + 1);
  message.append(campaign_id);
  message.push_back('\0');  // "ab"+"c" and "a"+"bc" must not collide
  message.append(key);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest);
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | digest[i];
  return h;
}

std::vector<Assignment> AssignControlGroup(std::string_view campaign_id, std::span<const CampaignTarget> targets,
                                           double share) {
  share = std::clamp(share, 0.0, 1.0);
  std::map<std::string, std::vector<std::pair<std::uint64_t, std::size_t>>> strata;
  for (std::size_t i = 0; i < targets.size(); ++i)
    strata[targets[i].zone + "|" + targets[i].value_tier].push_back(
        {CampaignHash(campaign_id, targets[i].customer_id), i});

  std::vector<Assignment> out;
  out.reserve(targets.size());
  for (auto& [stratum, members] : strata) {
    // Ties of the hash are broken by customer id, so the order is total.
    std::sort(members.begin(), members.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : targets[a.second].customer_id < targets[b.second].customer_id;
    });
    // Randomised rounding: floor(n·share + u) has expectation n·share for u ~ U[0,1), so
    // many small strata still give the configured share overall.
    const double u = static_cast<double>(CampaignHash(campaign_id, "\x01stratum\x01" + stratum) >> 11) * 0x1.0p-53;
    const auto n = static_cast<double>(members.size());
    const auto controls = static_cast<std::size_t>(std::min(n, std::floor(n * share + u)));
    for (std::size_t k = 0; k < members.size(); ++k) out.push_back({targets[members[k].second], k < controls});
  }
  std::sort(out.begin(), out.end(),
            [](const Assignment& a, const Assignment& b) { return a.target.customer_id < b.target.customer_id; });
  return out;
}

}  // namespace churnwatch

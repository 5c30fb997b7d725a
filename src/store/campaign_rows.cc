// The campaign id check both stores share.
#include <string>

#include "churnwatch/row_codec.h"

namespace churnwatch {

namespace store_internal {

Status ValidateCampaignId(std::string_view campaign_id) {
  if (campaign_id.empty() || campaign_id.size() > 64)
    return Status::InvalidArgument("campaign id '" + std::string(campaign_id) + "' must be 1 to 64 characters");
  for (char c : campaign_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok)
      return Status::InvalidArgument("campaign id '" + std::string(campaign_id) +
                                     "' may only contain letters, digits, '-', '_' and '.'");
  }
  return Status::OK();
}

}  // namespace store_internal
}  // namespace churnwatch

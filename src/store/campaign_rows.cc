// The Store's campaign calls that every store shares: the id check and the defaults of
// stores that hold no campaigns (test doubles, future backends).
#include <string>

#include "store/row_codec.h"

namespace churnwatch {

namespace {
Status NoCampaigns(std::string_view backend) {
  return Status::Internal("the " + std::string(backend) + " store does not hold campaigns");
}
}  // namespace

Status Store::CreateCampaign(std::string_view, std::string_view, std::span<const CampaignAssignmentRow>) {
  return NoCampaigns(Backend());
}
Result<std::optional<std::string>> Store::GetCampaign(std::string_view) { return NoCampaigns(Backend()); }
Result<std::vector<std::string>> Store::ListCampaigns() { return NoCampaigns(Backend()); }
Result<std::vector<CampaignAssignmentRow>> Store::ReadCampaignAssignments(std::string_view) {
  return NoCampaigns(Backend());
}

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

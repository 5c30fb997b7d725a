// CampaignSpec as the JSON document stored with each campaign, and its validation.
#include <nlohmann/json.hpp>

#include "churnwatch/campaign.h"

namespace churnwatch {

std::string CampaignSpec::ToJson() const {
  nlohmann::json j = {{"campaign_id", campaign_id},
                      {"name", name},
                      {"start_day", FormatIsoDate(start_day)},
                      {"control_share", control_share},
                      {"purchase_window_days", purchase_window_days},
                      {"winback_days", winback_days},
                      {"margin_rate", margin_rate},
                      {"source", source},
                      {"observed_metrics", observed_metrics},
                      {"observed_binary", observed_binary},
                      {"primary_metric", primary_metric},
                      {"created_at", created_at}};
  return j.dump();
}

Result<CampaignSpec> CampaignSpec::FromJson(std::string_view json) {
  const auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::DataError("campaign document is not a JSON object");
  CampaignSpec s;
  try {
    s.campaign_id = j.at("campaign_id").get<std::string>();
    s.name = j.value("name", "");
    const auto day = ParseIsoDate(j.at("start_day").get<std::string>());
    if (!day) return Status::DataError("campaign " + s.campaign_id + ": bad start_day");
    s.start_day = *day;
    s.control_share = j.at("control_share").get<double>();
    s.purchase_window_days = j.at("purchase_window_days").get<int>();
    s.winback_days = j.at("winback_days").get<int>();
    s.margin_rate = j.at("margin_rate").get<double>();
    s.source = j.value("source", "");
    s.observed_metrics = j.value("observed_metrics", std::vector<std::string>{});
    s.observed_binary = j.value("observed_binary", std::vector<bool>{});
    s.primary_metric = j.value("primary_metric", "");
    s.created_at = j.value("created_at", "");
  } catch (const nlohmann::json::exception& e) {
    return Status::DataError("campaign document: " + std::string(e.what()));
  }
  if (s.observed_binary.size() != s.observed_metrics.size())
    return Status::DataError("campaign " + s.campaign_id + ": observed_binary does not match observed_metrics");
  return s;
}

Status ValidateCampaignSpec(const CampaignSpec& s) {
  if (s.campaign_id.empty()) return Status::InvalidArgument("campaign: --id is required");
  if (!(s.control_share >= 0.01 && s.control_share <= 0.9))
    return Status::InvalidArgument("campaign " + s.campaign_id + ": control share " + std::to_string(s.control_share) +
                                   " is outside [0.01, 0.9]");
  if (s.purchase_window_days < 1 || s.purchase_window_days > 3650)
    return Status::InvalidArgument("campaign " + s.campaign_id + ": purchase window must be 1..3650 days");
  if (s.winback_days < 1 || s.winback_days > 3650)
    return Status::InvalidArgument("campaign " + s.campaign_id + ": win-back window H must be 1..3650 days");
  if (!(s.margin_rate > 0 && s.margin_rate <= 1))
    return Status::InvalidArgument("campaign " + s.campaign_id + ": margin rate must be in (0, 1]");
  return Status::OK();
}

Result<CampaignSpec> LoadCampaignSpec(Store& store, std::string_view campaign_id) {
  CW_ASSIGN_OR_RETURN(auto doc, store.GetCampaign(campaign_id));
  if (!doc) {
    CW_ASSIGN_OR_RETURN(auto ids, store.ListCampaigns());
    std::string known;
    for (const auto& id : ids) known += (known.empty() ? "" : ", ") + id;
    return Status::NotFound("no campaign '" + std::string(campaign_id) + "' in the store" +
                            (known.empty() ? " (it holds none)" : " (it holds: " + known + ")"));
  }
  return CampaignSpec::FromJson(*doc);
}

}  // namespace churnwatch

// Creating a campaign (campaign.h): assignment, one stored transaction, the delivery list.
#include <ctime>
#include <fstream>
#include <unordered_set>

#include "churnwatch/campaign.h"

namespace churnwatch {

namespace {

std::string FormatCost(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Written beside the target and renamed into place, so a delivery tool never reads half a list.
Status WriteTreatedCsv(std::span<const CampaignAssignmentRow> rows, const std::filesystem::path& path) {
  std::string csv = "customer_id,action,channel,cause,zone,value_tier,action_cost\n";
  for (const auto& r : rows) {
    if (r.control) continue;
    csv += CsvField(r.customer_id) + "," + CsvField(r.action) + "," + CsvField(r.channel) + "," + CsvField(r.cause) +
           "," + CsvField(r.zone) + "," + CsvField(r.value_tier) + "," + FormatCost(r.cost) + "\n";
  }
  std::filesystem::path tmp = path;
  tmp += ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << csv;
    out.close();
    if (!out) return Status::IOError("cannot write " + path.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot write " + path.string() + ": " + ec.message());
  return Status::OK();
}

}  // namespace

Result<CampaignCreateOutcome> CreateCampaign(Store& store, const CampaignSpec& spec_in,
                                             std::span<const CampaignTarget> targets,
                                             const std::filesystem::path& treated_csv) {
  CW_RETURN_IF_ERROR(ValidateCampaignSpec(spec_in));
  if (targets.empty()) return Status::InvalidArgument("campaign " + spec_in.campaign_id + ": no targets");
  std::unordered_set<std::string_view> ids;
  for (const auto& t : targets)
    if (!ids.insert(t.customer_id).second)
      return Status::InvalidArgument("campaign " + spec_in.campaign_id + ": customer '" + t.customer_id +
                                     "' is targeted twice");
  CampaignCreateOutcome out;
  out.spec = spec_in;
  if (out.spec.primary_metric.empty()) out.spec.primary_metric = "win_back";
  out.spec.created_at = FormatIsoTimestamp(static_cast<Timestamp>(std::time(nullptr)));

  const auto assigned = AssignControlGroup(out.spec.campaign_id, targets, out.spec.control_share);
  std::vector<CampaignAssignmentRow> rows;
  rows.reserve(assigned.size());
  for (const auto& a : assigned) {
    const auto& t = a.target;
    rows.push_back({t.customer_id, a.control, t.action, t.channel, t.cause, t.zone, t.value_tier, t.cost, ""});
    auto& stratum = out.strata[t.zone + "|" + t.value_tier];
    (a.control ? stratum.second : stratum.first) += 1;
    (a.control ? out.control : out.treated) += 1;
    if (!a.control) out.treated_cost += t.cost;
  }
  out.targets = static_cast<std::int64_t>(rows.size());
  CW_RETURN_IF_ERROR(store.CreateCampaign(out.spec.campaign_id, out.spec.ToJson(), rows));
  if (!treated_csv.empty()) {
    CW_RETURN_IF_ERROR(WriteTreatedCsv(rows, treated_csv)
                           .WithContext("campaign " + out.spec.campaign_id + " is stored; re-export the list with "
                                        "`churnwatch campaign export`"));
    out.treated_file = treated_csv;
  }
  return out;
}

Status ExportTreated(Store& store, std::string_view campaign_id, const std::filesystem::path& path) {
  CW_ASSIGN_OR_RETURN(auto rows, store.ReadCampaignAssignments(campaign_id));
  return WriteTreatedCsv(rows, path);
}

}  // namespace churnwatch

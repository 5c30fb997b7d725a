// Campaign tables in the PostgreSQL store (schema.cc migration "campaigns and campaign
// assignments"). A campaign and all its assignments go in one transaction; assignments
// move with COPY.
#include <charconv>
#include <string>
#include <unordered_set>

#include "store/postgres_store.h"
#include "churnwatch/row_codec.h"

namespace churnwatch::store_internal {

namespace {

std::string CampaignFieldText(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}

double CampaignFieldDouble(const pqxx::field& f) {
  if (f.is_null()) return kNaN;
  double v = kNaN;
  std::from_chars(f.c_str(), f.c_str() + f.size(), v);
  return v;
}

}  // namespace

Status PostgresStore::CreateCampaign(std::string_view campaign_id, std::string_view spec_json,
                                     std::span<const CampaignAssignmentRow> rows) {
  CW_RETURN_IF_ERROR(ValidateCampaignId(campaign_id));
  // Checked here rather than left to the primary key, so the message names the customer.
  std::unordered_set<std::string_view> seen;
  for (const auto& r : rows)
    if (!seen.insert(r.customer_id).second)
      return Status::InvalidArgument("campaign '" + std::string(campaign_id) + "' lists customer '" + r.customer_id +
                                     "' twice");
  return PgGuard(*this, "create campaign " + std::string(campaign_id), [&]() -> Status {
    pqxx::work w(*conn_);
    const pqxx::result exists =
        w.exec_params("SELECT 1 FROM campaigns WHERE campaign_id = $1", std::string(campaign_id));
    if (!exists.empty())
      return Status::InvalidArgument("campaign '" + std::string(campaign_id) + "' already exists in " + display_url_ +
                                     " (assignments never change; choose another --id)");
    w.exec_params("INSERT INTO campaigns (campaign_id, spec) VALUES ($1, $2)", std::string(campaign_id),
                  std::string(spec_json));
    std::string lines;
    for (const auto& r : rows) {
      if (!lines.empty()) lines += '\n';
      CopyText(lines, campaign_id);
      lines += '\t';
      CopyText(lines, r.customer_id);
      lines += r.control ? "\tt\t" : "\tf\t";
      for (const std::string* v : {&r.action, &r.channel, &r.cause, &r.zone, &r.value_tier}) {
        CopyText(lines, *v);
        lines += '\t';
      }
      CopyDouble(lines, r.cost);
      lines += '\t';
      CopyText(lines, r.observed);
      if (lines.size() > (8u << 20)) {  // bound the buffer: send every ~8 MB
        CopyInto(w, "campaign_assignments", lines);
        lines.clear();
      }
    }
    CopyInto(w, "campaign_assignments", lines);
    w.commit();
    return Status::OK();
  });
}

Result<std::optional<std::string>> PostgresStore::GetCampaign(std::string_view campaign_id) {
  return PgGuard(*this, "get campaign", [&]() -> Result<std::optional<std::string>> {
    pqxx::work w(*conn_);
    const pqxx::result r = w.exec_params("SELECT spec FROM campaigns WHERE campaign_id = $1", std::string(campaign_id));
    w.commit();
    if (r.empty()) return std::optional<std::string>();
    return std::optional<std::string>(CampaignFieldText(r[0][0]));
  });
}

Result<std::vector<std::string>> PostgresStore::ListCampaigns() {
  return PgGuard(*this, "list campaigns", [&]() -> Result<std::vector<std::string>> {
    pqxx::work w(*conn_);
    const pqxx::result r = w.exec("SELECT campaign_id FROM campaigns ORDER BY campaign_id COLLATE \"C\"");
    w.commit();
    std::vector<std::string> ids;
    for (const auto& row : r) ids.push_back(CampaignFieldText(row[0]));
    return ids;
  });
}

Result<std::vector<CampaignAssignmentRow>> PostgresStore::ReadCampaignAssignments(std::string_view campaign_id) {
  return PgGuard(*this, "read campaign assignments", [&]() -> Result<std::vector<CampaignAssignmentRow>> {
    pqxx::work w(*conn_);
    const pqxx::result head =
        w.exec_params("SELECT 1 FROM campaigns WHERE campaign_id = $1", std::string(campaign_id));
    if (head.empty()) return Status::NotFound("no campaign '" + std::string(campaign_id) + "' in " + display_url_);
    // COLLATE "C": byte order, the order the SQLite store returns.
    const pqxx::result r = w.exec_params(
        "SELECT customer_id, control, action, channel, cause, zone, value_tier, cost, observed "
        "FROM campaign_assignments WHERE campaign_id = $1 ORDER BY customer_id COLLATE \"C\"",
        std::string(campaign_id));
    w.commit();
    std::vector<CampaignAssignmentRow> rows;
    rows.reserve(r.size());
    for (const auto& t : r) {
      CampaignAssignmentRow a;
      a.customer_id = CampaignFieldText(t[0]);
      a.control = CampaignFieldText(t[1]) == "t";
      a.action = CampaignFieldText(t[2]);
      a.channel = CampaignFieldText(t[3]);
      a.cause = CampaignFieldText(t[4]);
      a.zone = CampaignFieldText(t[5]);
      a.value_tier = CampaignFieldText(t[6]);
      a.cost = CampaignFieldDouble(t[7]);
      a.observed = CampaignFieldText(t[8]);
      rows.push_back(std::move(a));
    }
    return rows;
  });
}

}  // namespace churnwatch::store_internal

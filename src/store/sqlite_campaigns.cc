// Campaign tables in the SQLite store (schema.cc migration "campaigns and campaign
// assignments"). A campaign and all its assignments go in one transaction.
#include <string>

#include "churnwatch/row_codec.h"
#include "store/sqlite_store.h"

namespace churnwatch::store_internal {

Status SqliteStore::CreateCampaign(std::string_view campaign_id, std::string_view spec_json,
                                   std::span<const CampaignAssignmentRow> rows) {
  CW_RETURN_IF_ERROR(ValidateCampaignId(campaign_id));
  CW_RETURN_IF_ERROR(Publish());
  SqliteTxn txn(*this);
  CW_RETURN_IF_ERROR(txn.Begin());
  {
    CW_ASSIGN_OR_RETURN(SqliteStmt exists, Prepare("SELECT 1 FROM campaigns WHERE campaign_id = ?"));
    exists.BindText(1, campaign_id);
    const int rc = sqlite3_step(exists.get());
    if (rc == SQLITE_ROW)
      return Status::InvalidArgument("campaign '" + std::string(campaign_id) + "' already exists in sqlite:" + path_ +
                                     " (assignments never change; choose another --id)");
    if (rc != SQLITE_DONE) return Error(rc, "look up campaign");
  }
  CW_ASSIGN_OR_RETURN(SqliteStmt head, Prepare("INSERT INTO campaigns (campaign_id, spec) VALUES (?, ?)"));
  head.BindText(1, campaign_id);
  sqlite3_bind_text(head.get(), 2, spec_json.data(), static_cast<int>(spec_json.size()), SQLITE_STATIC);
  CW_RETURN_IF_ERROR(StepDone(*this, head, "insert campaign"));
  CW_ASSIGN_OR_RETURN(SqliteStmt ins, Prepare("INSERT INTO campaign_assignments (campaign_id, customer_id, control, "
                                              "action, channel, cause, zone, value_tier, cost, observed) "
                                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  for (const auto& r : rows) {
    ins.BindText(1, campaign_id);
    sqlite3_bind_text(ins.get(), 2, r.customer_id.data(), static_cast<int>(r.customer_id.size()), SQLITE_STATIC);
    ins.BindInt(3, r.control ? 1 : 0);
    ins.BindText(4, r.action);
    ins.BindText(5, r.channel);
    ins.BindText(6, r.cause);
    ins.BindText(7, r.zone);
    ins.BindText(8, r.value_tier);
    ins.BindDouble(9, r.cost);
    ins.BindText(10, r.observed);
    const int rc = sqlite3_step(ins.get());
    sqlite3_reset(ins.get());
    if (rc == SQLITE_CONSTRAINT)
      return Status::InvalidArgument("campaign '" + std::string(campaign_id) + "' lists customer '" + r.customer_id +
                                     "' twice");
    if (rc != SQLITE_DONE) return Error(rc, "insert campaign assignment");
  }
  return txn.Commit();
}

Result<std::optional<std::string>> SqliteStore::GetCampaign(std::string_view campaign_id) {
  CW_ASSIGN_OR_RETURN(SqliteStmt st, Prepare("SELECT spec FROM campaigns WHERE campaign_id = ?"));
  sqlite3_bind_text(st.get(), 1, campaign_id.data(), static_cast<int>(campaign_id.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return Error(rc, "get campaign");
  return std::optional<std::string>(st.Text(0));
}

Result<std::vector<std::string>> SqliteStore::ListCampaigns() {
  CW_ASSIGN_OR_RETURN(SqliteStmt st, Prepare("SELECT campaign_id FROM campaigns ORDER BY campaign_id"));
  std::vector<std::string> ids;
  for (;;) {
    const int rc = sqlite3_step(st.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error(rc, "list campaigns");
    ids.push_back(st.Text(0));
  }
  return ids;
}

Result<std::vector<CampaignAssignmentRow>> SqliteStore::ReadCampaignAssignments(std::string_view campaign_id) {
  CW_ASSIGN_OR_RETURN(auto spec, GetCampaign(campaign_id));
  if (!spec) return Status::NotFound("no campaign '" + std::string(campaign_id) + "' in sqlite:" + path_);
  CW_ASSIGN_OR_RETURN(SqliteStmt st, Prepare("SELECT customer_id, control, action, channel, cause, zone, value_tier, "
                                             "cost, observed FROM campaign_assignments WHERE campaign_id = ? "
                                             "ORDER BY customer_id"));
  sqlite3_bind_text(st.get(), 1, campaign_id.data(), static_cast<int>(campaign_id.size()), SQLITE_STATIC);
  std::vector<CampaignAssignmentRow> rows;
  for (;;) {
    const int rc = sqlite3_step(st.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error(rc, "read campaign assignments");
    CampaignAssignmentRow r;
    r.customer_id = st.Text(0);
    r.control = st.Int(1) != 0;
    r.action = st.Text(2);
    r.channel = st.Text(3);
    r.cause = st.Text(4);
    r.zone = st.Text(5);
    r.value_tier = st.Text(6);
    r.cost = st.Double(7);
    r.observed = st.Text(8);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace churnwatch::store_internal

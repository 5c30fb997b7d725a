// Alert routes (api.h): the queue by zone and SLA, and the lifecycle. A manager acts only
// on alerts of their stores; viewers only read.
#include "server/api.h"

namespace churnwatch::server {
namespace {

Status CheckScope(ServerContext& ctx, const Caller& who, std::int64_t alert_id) {
  auto store = ctx.stores.Acquire();
  CW_ASSIGN_OR_RETURN(AlertRecord a, GetAlert(*store, alert_id));
  if (!who.SeesStore(a.store_id))
    return Status::PermissionDenied("alert " + std::to_string(alert_id) + " belongs to a store outside this key's stores");
  return Status::OK();
}

ApiResult Answer(Result<AlertRecord> a) {
  if (!a.ok()) return a.status();
  ApiResponse r;
  r.audit_customer = a->customer_id;
  r.body = AlertJson(*a);
  return r;
}

}  // namespace

ApiResult ListAlertQueue(ServerContext& ctx, const Caller& who, const ApiRequest& req) {
  AlertFilter f;
  CW_ASSIGN_OR_RETURN(f.limit, QueryInt(req, "limit", 50, 1, 1000));
  CW_ASSIGN_OR_RETURN(f.offset, QueryInt(req, "offset", 0, 0, std::int64_t{1} << 40));
  f.zone = QueryText(req, "zone");
  if (!f.zone.empty() && ZoneSeverity(f.zone) == 0)
    return Status::InvalidArgument("query parameter zone='" + f.zone + "' must be red, yellow or blue");
  const std::string state = QueryText(req, "state");
  if (!state.empty()) {
    f.state = ParseAlertState(state);
    if (!f.state)
      return Status::InvalidArgument("query parameter state='" + state +
                                     "' must be open, acknowledged, action_recorded or closed");
  }
  const std::string overdue = QueryText(req, "overdue");
  if (!overdue.empty() && overdue != "true" && overdue != "false")
    return Status::InvalidArgument("query parameter overdue='" + overdue + "' must be true or false");
  f.overdue_only = overdue == "true";
  f.now = ctx.Now();
  f.customer_id = QueryText(req, "customer_id");
  const std::string store_id = QueryText(req, "store");
  if (!store_id.empty()) {
    if (!who.SeesStore(store_id)) return Status::PermissionDenied("store " + store_id + " is not one of this key's stores");
    f.stores = {store_id};
  } else if (who.role == Role::kManager) {
    f.stores = who.stores;
  }
  std::vector<AlertRecord> alerts;
  {
    auto store = ctx.stores.Acquire();
    CW_ASSIGN_OR_RETURN(alerts, ListAlerts(*store, f));
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& a : alerts) {
    nlohmann::json j = AlertJson(a);
    j["overdue"] = a.state != AlertState::kClosed && a.due_at < f.now;
    j["seconds_to_due"] = a.due_at - f.now;
    items.push_back(std::move(j));
  }
  ApiResponse r;
  r.body = {{"items", std::move(items)}, {"offset", f.offset}, {"limit", f.limit}};
  return r;
}

ApiResult AlertView(ServerContext& ctx, const Caller& who, std::int64_t alert_id) {
  CW_RETURN_IF_ERROR(CheckScope(ctx, who, alert_id));
  auto store = ctx.stores.Acquire();
  return Answer(GetAlert(*store, alert_id));
}

ApiResult AcknowledgeAlertRoute(ServerContext& ctx, const Caller& who, std::int64_t alert_id) {
  CW_RETURN_IF_ERROR(CheckScope(ctx, who, alert_id));
  auto store = ctx.stores.Acquire();
  return Answer(AcknowledgeAlert(*store, alert_id, who.key_id, ctx.Now()));
}

ApiResult AssignAlertRoute(ServerContext& ctx, const Caller& who, std::int64_t alert_id, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  CW_ASSIGN_OR_RETURN(std::string assignee, TextField(body, "assignee", true, 200));
  if (assignee.empty()) return Status::InvalidArgument("field 'assignee' must not be empty");
  CW_RETURN_IF_ERROR(CheckScope(ctx, who, alert_id));
  auto store = ctx.stores.Acquire();
  return Answer(AssignAlert(*store, alert_id, assignee, who.key_id, ctx.Now()));
}

ApiResult RecordActionRoute(ServerContext& ctx, const Caller& who, std::int64_t alert_id, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  CW_ASSIGN_OR_RETURN(std::string action, TextField(body, "action", true, 200));
  CW_ASSIGN_OR_RETURN(std::string note, TextField(body, "note", false, 4000));
  if (action.empty()) return Status::InvalidArgument("field 'action' must not be empty");
  CW_RETURN_IF_ERROR(CheckScope(ctx, who, alert_id));
  auto store = ctx.stores.Acquire();
  return Answer(RecordAlertAction(*store, alert_id, action, note, who.key_id, ctx.Now()));
}

ApiResult CloseAlertRoute(ServerContext& ctx, const Caller& who, std::int64_t alert_id, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  CW_ASSIGN_OR_RETURN(std::string outcome, TextField(body, "outcome", true, 40));
  CW_ASSIGN_OR_RETURN(std::string note, TextField(body, "note", false, 4000));
  const auto o = ParseAlertOutcome(outcome);
  if (!o) return Status::InvalidArgument("field 'outcome'='" + outcome + "' must be won_back, lost or not_reachable");
  CW_RETURN_IF_ERROR(CheckScope(ctx, who, alert_id));
  auto store = ctx.stores.Acquire();
  return Answer(CloseAlert(*store, alert_id, *o, note, who.key_id, ctx.Now()));
}

}  // namespace churnwatch::server

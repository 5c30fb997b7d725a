// Run history, API keys, the audit log, the outbox and the metrics (api.h).
#include <cstdio>

#include "server/api.h"

namespace churnwatch::server {
namespace {

nlohmann::json KeyJson(const ApiKeyRecord& k) {
  return {{"key_id", k.key_id},  {"role", std::string(RoleName(k.role))}, {"stores", k.stores},
          {"label", k.label},    {"created_at", k.created_at},            {"revoked", k.revoked_at != 0}};
}

}  // namespace

ApiResult ListRunsRoute(ServerContext& ctx, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(const std::int64_t limit, QueryInt(req, "limit", 50, 1, 1000));
  CW_ASSIGN_OR_RETURN(const std::int64_t offset, QueryInt(req, "offset", 0, 0, std::int64_t{1} << 40));
  auto store = ctx.stores.Acquire();
  CW_ASSIGN_OR_RETURN(auto runs, ListRuns(*store, limit, offset));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : runs) {
    nlohmann::json summary = nlohmann::json::parse(r.summary_json, nullptr, false);
    items.push_back({{"run_id", r.run_id},
                     {"created_at", r.created_at},
                     {"as_of", r.as_of},
                     {"model_version", r.model_version},
                     {"customers", r.customers},
                     {"alerts_opened", r.alerts_opened},
                     {"alerts_escalated", r.alerts_escalated},
                     {"summary", summary.is_discarded() ? nlohmann::json(nullptr) : summary}});
  }
  ApiResponse out;
  out.body = {{"items", std::move(items)}, {"offset", offset}, {"limit", limit}};
  return out;
}

ApiResult RunChangesRoute(ServerContext& ctx, const std::string& run_id, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(const std::int64_t limit, QueryInt(req, "limit", 200, 0, 100000));
  auto store = ctx.stores.Acquire();
  CW_ASSIGN_OR_RETURN(RunChanges c, CompareWithPreviousRun(*store, run_id, limit));
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& x : c.changes) changes.push_back({{"customer_id", x.customer_id}, {"before", x.before}, {"after", x.after}});
  ApiResponse out;
  out.body = {{"run_id", c.run_id},
              {"previous_run_id", c.previous_run_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.previous_run_id)},
              {"entered", c.entered},
              {"left", c.left},
              {"upgraded", c.upgraded},
              {"downgraded", c.downgraded},
              {"unchanged", c.unchanged},
              {"won_back_since_previous", c.won_back_since_previous},
              {"changes", std::move(changes)}};
  return out;
}

ApiResult ListKeysRoute(ServerContext& ctx) {
  auto store = ctx.stores.Acquire();
  CW_ASSIGN_OR_RETURN(auto keys, ListApiKeys(*store));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& k : keys) items.push_back(KeyJson(k));
  ApiResponse out;
  out.body = {{"items", std::move(items)}};
  return out;
}

ApiResult CreateKeyRoute(ServerContext& ctx, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  CW_ASSIGN_OR_RETURN(std::string role_name, TextField(body, "role", true, 20));
  CW_ASSIGN_OR_RETURN(std::string label, TextField(body, "label", false, 200));
  const auto role = ParseRole(role_name);
  if (!role) return Status::InvalidArgument("field 'role'='" + role_name + "' must be viewer, manager or admin");
  std::vector<std::string> stores;
  if (const auto it = body.find("stores"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return Status::InvalidArgument("field 'stores' must be an array of store ids");
    for (const auto& s : *it) {
      if (!s.is_string()) return Status::InvalidArgument("field 'stores' must be an array of store ids");
      stores.push_back(s.get<std::string>());
    }
  }
  auto store = ctx.stores.Acquire();
  CW_ASSIGN_OR_RETURN(NewApiKey k, CreateApiKey(*store, *role, stores, label, ctx.Now()));
  ApiResponse out;
  out.status = 201;
  out.body = KeyJson(k.record);
  out.body["key"] = k.secret;
  return out;
}

ApiResult RevokeKeyRoute(ServerContext& ctx, const std::string& key_id) {
  auto store = ctx.stores.Acquire();
  CW_RETURN_IF_ERROR(RevokeApiKey(*store, key_id, ctx.Now()));
  ApiResponse out;
  out.body = {{"key_id", key_id}, {"revoked", true}};
  return out;
}

ApiResult ListAuditRoute(ServerContext& ctx, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(const std::int64_t limit, QueryInt(req, "limit", 100, 1, 10000));
  CW_ASSIGN_OR_RETURN(const std::int64_t offset, QueryInt(req, "offset", 0, 0, std::int64_t{1} << 40));
  auto store = ctx.stores.Acquire();
  CW_ASSIGN_OR_RETURN(auto entries, ListAudit(*store, QueryText(req, "customer_id"), limit, offset));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : entries)
    items.push_back({{"at", e.at},
                     {"key_id", e.key_id},
                     {"role", e.role},
                     {"action", e.action},
                     {"customer_id", e.customer_id},
                     {"status", e.status},
                     {"detail", e.detail}});
  ApiResponse out;
  out.body = {{"items", std::move(items)}, {"offset", offset}, {"limit", limit}};
  return out;
}

ApiResult ListOutboxRoute(ServerContext& ctx, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(const std::int64_t limit, QueryInt(req, "limit", 100, 1, 10000));
  auto store = ctx.stores.Acquire();
  CW_ASSIGN_OR_RETURN(auto items_, ListOutbox(*store, limit));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& o : items_)
    items.push_back({{"entry_id", o.entry_id},
                     {"idempotency_key", o.idempotency_key},
                     {"webhook", o.webhook},
                     {"alert_id", o.alert_id},
                     {"status", std::string(OutboxStatusName(o.status))},
                     {"attempts", o.attempts},
                     {"next_attempt_at", o.next_attempt_at},
                     {"delivered_at", o.delivered_at},
                     {"last_error", o.last_error}});
  ApiResponse out;
  out.body = {{"items", std::move(items)}};
  return out;
}

ApiResult MetricsText(ServerContext& ctx) {
  const Metrics& m = ctx.metrics;
  std::string t;
  auto counter = [&](const char* name, const char* help, std::int64_t v) {
    t += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " + std::to_string(v) +
         "\n";
  };
  counter("churnwatch_http_requests_total", "HTTP requests answered.", m.requests.load());
  counter("churnwatch_http_client_errors_total", "Requests answered with a 4xx status.", m.errors_4xx.load());
  counter("churnwatch_http_server_errors_total", "Requests answered with a 5xx status.", m.errors_5xx.load());
  counter("churnwatch_http_request_seconds_total_micros", "Time spent answering requests, in microseconds.",
          m.request_micros.load());
  counter("churnwatch_intake_rows_accepted_total", "Orders and events committed.", m.rows_accepted.load());
  counter("churnwatch_intake_rows_duplicate_total", "Rows already stored (not applied again).", m.rows_duplicate.load());
  counter("churnwatch_intake_rows_rejected_total", "Rows refused with a per-line error.", m.rows_rejected.load());
  counter("churnwatch_alerts_raised_total", "Alerts opened or escalated by intake.", m.alerts_raised.load());
  counter("churnwatch_webhooks_delivered_total", "Webhook deliveries acknowledged by the receiver.",
          m.webhooks_delivered.load());
  counter("churnwatch_webhooks_failed_total", "Webhook attempts that failed (retried).", m.webhooks_failed.load());
  counter("churnwatch_webhooks_dead_total", "Webhook deliveries given up after the last attempt.", m.webhooks_dead.load());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", ctx.book.BytesPerCustomer());
  t += "# HELP churnwatch_customers Customers held in memory.\n# TYPE churnwatch_customers gauge\nchurnwatch_customers " +
       std::to_string(ctx.book.size()) + "\n";
  t += "# HELP churnwatch_bytes_per_customer Approximate bytes of state per customer.\n# TYPE "
       "churnwatch_bytes_per_customer gauge\nchurnwatch_bytes_per_customer " +
       std::string(buf) + "\n";
  ApiResponse out;
  out.text = std::move(t);
  out.content_type = "text/plain; version=0.0.4";
  return out;
}

}  // namespace churnwatch::server

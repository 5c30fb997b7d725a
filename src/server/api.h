#pragma once
// The server's application functions: one per route, each taking the caller and a decoded
// request and returning a JSON document or a Status. They hold the use-case logic; the HTTP
// boundary (http_boundary.cc) authenticates, limits, maps Status to HTTP and audits, and
// the route table (routes.cc) only binds paths to these functions.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "churnwatch/server.h"
#include "churnwatch/service_store.h"
#include "churnwatch/store.h"
#include "server/customer_book.h"

namespace churnwatch::server {

/// Who is calling: the authenticated key.
struct Caller {
  std::string key_id;
  Role role = Role::kViewer;
  std::vector<std::string> stores;  ///< managers: the stores they may see
  /// Managers see only their stores; viewers and admins see every store.
  bool SeesStore(std::string_view store_id) const;
  /// Viewers see personal fields masked.
  bool Masked() const { return role == Role::kViewer; }
};

/// A fixed set of store connections shared by the HTTP threads (a Store is used by one
/// thread at a time).
class StorePool {
 public:
  static Result<std::unique_ptr<StorePool>> Open(const std::string& url, int size);
  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<Store> s) : pool_(pool), s_(std::move(s)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Store& operator*() { return *s_; }
    Store* operator->() { return s_.get(); }

   private:
    StorePool& pool_;
    std::unique_ptr<Store> s_;
  };
  Lease Acquire();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Store>> free_;
};

/// Counters for /v1/metrics (Prometheus text format).
struct Metrics {
  std::atomic<std::int64_t> requests{0}, errors_4xx{0}, errors_5xx{0};
  std::atomic<std::int64_t> rows_accepted{0}, rows_duplicate{0}, rows_rejected{0};
  std::atomic<std::int64_t> alerts_raised{0}, webhooks_delivered{0}, webhooks_failed{0}, webhooks_dead{0};
  std::atomic<std::int64_t> request_micros{0};
};

struct ServerContext {
  const ServeConfig& config;
  StorePool& stores;
  CustomerBook& book;
  Metrics& metrics;
  std::mutex intake_mu;  ///< one intake batch at a time: its rows, alerts and outbox commit together
  std::int64_t orders_load_id = 0, events_load_id = 0;  ///< the load-log rows intake writes under
  std::function<void()> wake_delivery;  ///< tells the webhook thread new outbox rows exist
  UnixSeconds Now() const;
};

/// A decoded request: path parameters ({id}), query parameters and the raw body.
struct ApiRequest {
  std::map<std::string, std::string> path, query;
  std::string body;
};

/// A route's answer. `audit_customer`: whose personal data the answer shows (audited).
struct ApiResponse {
  int status = 200;
  nlohmann::json body;
  std::string text;  ///< non-JSON bodies (metrics); used when not empty
  std::string content_type = "application/json";
  std::string audit_customer;
};

using ApiResult = Result<ApiResponse>;

// --- query helpers (kInvalidArgument naming the parameter) ---
Result<std::int64_t> QueryInt(const ApiRequest& r, const std::string& name, std::int64_t def, std::int64_t lo, std::int64_t hi);
std::string QueryText(const ApiRequest& r, const std::string& name);
/// The body as a JSON object (kInvalidArgument with the parse position otherwise).
Result<nlohmann::json> BodyObject(const ApiRequest& r);
/// A string member of `obj`: kInvalidArgument naming it when missing (if required), not a
/// string, or longer than `max_len`.
Result<std::string> TextField(const nlohmann::json& obj, const std::string& name, bool required, std::size_t max_len);

// --- application functions, one per route (handlers_*.cc, intake.cc) ---
ApiResult Health(ServerContext& ctx);
ApiResult MetricsText(ServerContext& ctx);
ApiResult ListCustomers(ServerContext& ctx, const Caller& who, const ApiRequest& r);
ApiResult CustomerView(ServerContext& ctx, const Caller& who, const std::string& customer_id);
ApiResult ListAlertQueue(ServerContext& ctx, const Caller& who, const ApiRequest& r);
ApiResult AlertView(ServerContext& ctx, const Caller& who, std::int64_t alert_id);
ApiResult AcknowledgeAlertRoute(ServerContext& ctx, const Caller& who, std::int64_t alert_id);
ApiResult AssignAlertRoute(ServerContext& ctx, const Caller& who, std::int64_t alert_id, const ApiRequest& r);
ApiResult RecordActionRoute(ServerContext& ctx, const Caller& who, std::int64_t alert_id, const ApiRequest& r);
ApiResult CloseAlertRoute(ServerContext& ctx, const Caller& who, std::int64_t alert_id, const ApiRequest& r);
ApiResult ListRunsRoute(ServerContext& ctx, const ApiRequest& r);
ApiResult RunChangesRoute(ServerContext& ctx, const std::string& run_id, const ApiRequest& r);
ApiResult Kpis(ServerContext& ctx, const Caller& who);
ApiResult ModelFigures(ServerContext& ctx);
ApiResult ListKeysRoute(ServerContext& ctx);
ApiResult CreateKeyRoute(ServerContext& ctx, const ApiRequest& r);
ApiResult RevokeKeyRoute(ServerContext& ctx, const std::string& key_id);
ApiResult ListAuditRoute(ServerContext& ctx, const ApiRequest& r);
ApiResult ListOutboxRoute(ServerContext& ctx, const ApiRequest& r);
ApiResult PostOrders(ServerContext& ctx, const Caller& who, const ApiRequest& r);
ApiResult PostEvents(ServerContext& ctx, const Caller& who, const ApiRequest& r);

/// JSON of an alert as the API shows it.
nlohmann::json AlertJson(const AlertRecord& a);

}  // namespace churnwatch::server

// The route table (routes.h).
#include "server/routes.h"

#include <charconv>

namespace churnwatch::server {
namespace {

Result<std::int64_t> AlertId(const ApiRequest& r) {
  const std::string& t = r.path.at("alert_id");
  std::int64_t v = 0;
  const auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (res.ec != std::errc() || res.ptr != t.data() + t.size() || v <= 0)
    return Status::InvalidArgument("alert id '" + t + "' must be a positive integer");
  return v;
}

template <typename F>
ApiResult WithAlert(const ApiRequest& r, F f) {
  CW_ASSIGN_OR_RETURN(const std::int64_t id, AlertId(r));
  return f(id);
}

}  // namespace

bool MatchRoute(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
  params.clear();
  std::size_t p = 0, q = 0;
  while (p < pattern.size() && q < path.size()) {
    if (pattern[p] == '{') {
      const std::size_t close = pattern.find('}', p);
      const std::string name = pattern.substr(p + 1, close - p - 1);
      std::size_t end = path.find('/', q);
      if (end == std::string::npos) end = path.size();
      if (end == q) return false;
      params[name] = path.substr(q, end - q);
      p = close + 1;
      q = end;
      continue;
    }
    if (pattern[p] != path[q]) return false;
    ++p;
    ++q;
  }
  return p == pattern.size() && q == path.size();
}

const std::vector<Route>& Routes() {
  using C = ServerContext;
  using W = const Caller;
  using R = const ApiRequest;
  static const std::vector<Route> routes = {
      {"GET", "/v1/health", std::nullopt, [](C& c, W&, R&) { return Health(c); }},
      {"GET", "/v1/metrics", Role::kViewer, [](C& c, W&, R&) { return MetricsText(c); }},
      {"GET", "/v1/customers", Role::kViewer, [](C& c, W& w, R& r) { return ListCustomers(c, w, r); }},
      {"GET", "/v1/customers/{customer_id}", Role::kViewer,
       [](C& c, W& w, R& r) { return CustomerView(c, w, r.path.at("customer_id")); }},
      {"GET", "/v1/alerts", Role::kViewer, [](C& c, W& w, R& r) { return ListAlertQueue(c, w, r); }},
      {"GET", "/v1/alerts/{alert_id}", Role::kViewer,
       [](C& c, W& w, R& r) { return WithAlert(r, [&](std::int64_t id) { return AlertView(c, w, id); }); }},
      {"POST", "/v1/alerts/{alert_id}/acknowledge", Role::kManager,
       [](C& c, W& w, R& r) { return WithAlert(r, [&](std::int64_t id) { return AcknowledgeAlertRoute(c, w, id); }); }},
      {"POST", "/v1/alerts/{alert_id}/assign", Role::kManager,
       [](C& c, W& w, R& r) { return WithAlert(r, [&](std::int64_t id) { return AssignAlertRoute(c, w, id, r); }); }},
      {"POST", "/v1/alerts/{alert_id}/action", Role::kManager,
       [](C& c, W& w, R& r) { return WithAlert(r, [&](std::int64_t id) { return RecordActionRoute(c, w, id, r); }); }},
      {"POST", "/v1/alerts/{alert_id}/close", Role::kManager,
       [](C& c, W& w, R& r) { return WithAlert(r, [&](std::int64_t id) { return CloseAlertRoute(c, w, id, r); }); }},
      {"GET", "/v1/runs", Role::kViewer, [](C& c, W&, R& r) { return ListRunsRoute(c, r); }},
      {"GET", "/v1/runs/{run_id}/changes", Role::kViewer,
       [](C& c, W&, R& r) { return RunChangesRoute(c, r.path.at("run_id"), r); }},
      {"GET", "/v1/kpis", Role::kViewer, [](C& c, W& w, R&) { return Kpis(c, w); }},
      {"GET", "/v1/model", Role::kViewer, [](C& c, W&, R&) { return ModelFigures(c); }},
      {"POST", "/v1/orders", Role::kAdmin, [](C& c, W& w, R& r) { return PostOrders(c, w, r); }},
      {"POST", "/v1/events", Role::kAdmin, [](C& c, W& w, R& r) { return PostEvents(c, w, r); }},
      {"GET", "/v1/keys", Role::kAdmin, [](C& c, W&, R&) { return ListKeysRoute(c); }},
      {"POST", "/v1/keys", Role::kAdmin, [](C& c, W&, R& r) { return CreateKeyRoute(c, r); }},
      {"DELETE", "/v1/keys/{key_id}", Role::kAdmin, [](C& c, W&, R& r) { return RevokeKeyRoute(c, r.path.at("key_id")); }},
      {"GET", "/v1/audit", Role::kAdmin, [](C& c, W&, R& r) { return ListAuditRoute(c, r); }},
      {"GET", "/v1/outbox", Role::kAdmin, [](C& c, W&, R& r) { return ListOutboxRoute(c, r); }},
  };
  return routes;
}

}  // namespace churnwatch::server

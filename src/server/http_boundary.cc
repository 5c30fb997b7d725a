// The HTTP boundary (http_boundary.h).
#include "server/http_boundary.h"

#include <cstdio>

#include "server/routes.h"

namespace churnwatch::server {
namespace {

std::string BearerKey(const httplib::Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.starts_with("Bearer ")) return auth.substr(7);
  return req.get_header_value("X-API-Key");
}

}  // namespace

std::string HttpBoundary::ErrorBody(std::string_view code, const std::string& message, const nlohmann::json& details) {
  return nlohmann::json{{"code", code}, {"message", message}, {"details", details.is_null() ? nlohmann::json::object() : details}}
      .dump();
}

bool HttpBoundary::Allow(const std::string& key_id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(rate_mu_);
  auto [it, fresh] = buckets_.try_emplace(key_id);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = ctx_.config.rate_burst;
    b.last = now;
  }
  b.tokens = std::min(ctx_.config.rate_burst,
                      b.tokens + std::chrono::duration<double>(now - b.last).count() * ctx_.config.rate_per_second);
  b.last = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void HttpBoundary::Handle(const httplib::Request& req, httplib::Response& res) {
  const auto start = std::chrono::steady_clock::now();
  ctx_.metrics.requests++;
  AuditEntry audit;
  audit.at = ctx_.Now();
  bool write_audit = req.method != "GET";
  std::string customer;
  auto finish = [&](int status, std::string body, const std::string& type) {
    res.status = status;
    res.set_content(std::move(body), type.c_str());
    if (status >= 500) ctx_.metrics.errors_5xx++;
    else if (status >= 400) ctx_.metrics.errors_4xx++;
    if (status == 401 || status == 403) write_audit = true;
    if (write_audit || !customer.empty()) {
      audit.status = status;
      audit.customer_id = customer;
      audit.detail = req.path;
      auto store = ctx_.stores.Acquire();
      const Status st = WriteAudit(*store, audit);
      if (!st.ok()) std::fprintf(stderr, "churnwatch serve: audit: %s\n", st.ToString().c_str());
    }
    ctx_.metrics.request_micros +=
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  };
  auto fail = [&](int status, std::string_view code, const std::string& message, const nlohmann::json& details = {}) {
    finish(status, ErrorBody(code, message, details), "application/json");
  };

  // Route.
  const Route* route = nullptr;
  bool path_known = false;
  ApiRequest api;
  for (const Route& r : Routes()) {
    std::map<std::string, std::string> params;
    if (!MatchRoute(r.pattern, req.path, params)) continue;
    path_known = true;
    if (r.method != req.method) continue;
    route = &r;
    api.path = std::move(params);
    break;
  }
  audit.action = req.method + " " + (route ? route->pattern : req.path);
  if (!route) {
    if (path_known) return fail(405, "method_not_allowed", req.method + " is not allowed on " + req.path);
    return fail(404, "not_found", "no route " + req.method + " " + req.path + " (docs/openapi.yaml lists them)");
  }
  if (const auto it = api.path.find("customer_id"); it != api.path.end()) customer = it->second;

  // Authenticate and authorise.
  Caller who;
  if (route->min_role) {
    const std::string key = BearerKey(req);
    if (key.empty())
      return fail(401, "unauthenticated", "an API key is required: send 'Authorization: Bearer KEY'");
    Result<ApiKeyRecord> rec = Status::Internal("unset");
    {
      auto store = ctx_.stores.Acquire();
      rec = AuthenticateApiKey(*store, key);
    }
    if (!rec.ok()) {
      if (rec.status().code() == StatusCode::kPermissionDenied)
        return fail(401, "unauthenticated", "unknown or revoked API key");
      return fail(HttpStatusFor(rec.status().code()), StatusCodeName(rec.status().code()), rec.status().message());
    }
    who.key_id = rec->key_id;
    who.role = rec->role;
    who.stores = rec->stores;
    audit.key_id = who.key_id;
    audit.role = std::string(RoleName(who.role));
    if (static_cast<int>(who.role) < static_cast<int>(*route->min_role))
      return fail(403, "permission_denied",
                  std::string(RoleName(who.role)) + " keys may not " + req.method + " " + route->pattern + " (needs " +
                      std::string(RoleName(*route->min_role)) + ")");
    if (!Allow(who.key_id)) {
      res.set_header("Retry-After", "1");
      return fail(429, "rate_limited", "more than the configured requests per second for this key",
                  {{"rate_per_second", ctx_.config.rate_per_second}});
    }
  }
  if (static_cast<std::int64_t>(req.body.size()) > ctx_.config.max_body_bytes)
    return fail(413, "payload_too_large",
                "the body is larger than the " + std::to_string(ctx_.config.max_body_bytes) + "-byte limit");
  for (const auto& [k, v] : req.params) api.query[k] = v;
  api.body = req.body;

  ApiResult out = Status::Internal("unset");
  try {
    out = route->run(ctx_, who, api);
  } catch (const std::exception& e) {  // the boundary: nothing escapes a request
    out = Status::Internal(std::string("unexpected failure: ") + e.what());
  }
  if (!out.ok()) {
    const Status& st = out.status();
    return fail(HttpStatusFor(st.code()), StatusCodeName(st.code()), st.message());
  }
  if (!out->audit_customer.empty()) customer = out->audit_customer;
  if (!out->text.empty()) return finish(out->status, std::move(out->text), out->content_type);
  finish(out->status, out->body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), out->content_type);
}

}  // namespace churnwatch::server

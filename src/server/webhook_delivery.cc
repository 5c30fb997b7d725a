// The webhook delivery thread (webhook_delivery.h).
#include "server/webhook_delivery.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "server/webhook_format.h"

namespace churnwatch::server {
namespace {

// "https://host:port/path?q" -> ("https://host:port", "/path?q").
std::pair<std::string, std::string> SplitUrl(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

// WeCom and DingTalk answer HTTP 200 with {"errcode": N}; only 0 is a delivery.
bool RobotAccepted(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  const auto it = j.find("errcode");
  return it != j.end() && it->is_number_integer() && it->get<int>() == 0;
}

}  // namespace

void WebhookDelivery::Start() {
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stop_ || woken_; });
        if (stop_) return;
        woken_ = false;
      }
      try {
        DeliverDue();
      } catch (const std::exception& e) {  // nothing escapes a thread (STYLE.md §9)
        std::fprintf(stderr, "churnwatch serve: webhook delivery: %s\n", e.what());
      }
    }
  });
}

void WebhookDelivery::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebhookDelivery::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void WebhookDelivery::EscalateOverdueAlerts() {
  // An open alert past its response time goes to its store's manager: one message per
  // webhook that covers the alert's store (and zone), in the escalation's transaction.
  const ServeConfig& cfg = ctx_.config;
  const UnixSeconds now = ctx_.Now();
  auto escalated = EscalateOverdue(*store_, now, [&](SqlTxn& txn, const AlertRecord& a) -> Status {
    AlertMessage m;
    m.alert = a;
    m.reason_en = "OVERDUE (no response within the SLA): " + a.message_en;
    m.reason_zh = "已超时未处理:" + a.message_zh;
    if (!cfg.public_url.empty()) m.link = cfg.public_url + "/v1/customers/" + a.customer_id;
    for (const auto& w : cfg.webhooks) {
      if (std::find(w.zones.begin(), w.zones.end(), a.zone) == w.zones.end()) continue;
      if (!w.stores.empty() && std::find(w.stores.begin(), w.stores.end(), a.store_id) == w.stores.end()) continue;
      OutboxItem item;
      item.idempotency_key = "alert-" + std::to_string(a.alert_id) + "-sla-" + w.name;
      item.webhook = w.name;
      item.alert_id = a.alert_id;
      item.payload = RenderWebhookBody(w.format, m);
      item.next_attempt_at = now;
      item.created_at = now;
      CW_RETURN_IF_ERROR(EnqueueOutbox(txn, item).status());
    }
    return Status::OK();
  });
  if (!escalated.ok()) std::fprintf(stderr, "churnwatch serve: SLA escalation: %s\n", escalated.status().ToString().c_str());
}

void WebhookDelivery::DeliverDue() {
  EscalateOverdueAlerts();
  const ServeConfig& cfg = ctx_.config;
  for (;;) {
    auto due = DueOutbox(*store_, ctx_.Now(), 50);
    if (!due.ok()) {
      std::fprintf(stderr, "churnwatch serve: outbox: %s\n", due.status().ToString().c_str());
      return;
    }
    if (due->empty()) return;
    for (const OutboxItem& item : *due) {
      {
        std::lock_guard lock(mu_);
        if (stop_) return;
      }
      const auto hook = std::find_if(cfg.webhooks.begin(), cfg.webhooks.end(),
                                     [&](const WebhookConfig& w) { return w.name == item.webhook; });
      std::string error;
      if (hook == cfg.webhooks.end()) {
        error = "webhook '" + item.webhook + "' is no longer configured";
      } else {
        const auto now_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        const std::string url = hook->format == "dingtalk" ? DingTalkSignedUrl(hook->url, hook->secret, now_ms) : hook->url;
        const auto [base, path] = SplitUrl(url);
        httplib::Client client(base);
        const auto timeout = std::chrono::duration<double>(cfg.webhook_timeout_seconds);
        client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
        client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
        client.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
        const httplib::Headers headers = {{"Idempotency-Key", item.idempotency_key},
                                          {"X-Churnwatch-Alert", std::to_string(item.alert_id)}};
        auto res = client.Post(path, headers, item.payload, "application/json");
        if (!res) {
          error = "no answer: " + httplib::to_string(res.error());
        } else if (res->status < 200 || res->status >= 300) {
          error = "HTTP " + std::to_string(res->status);
        } else if ((hook->format == "wecom" || hook->format == "dingtalk") && !RobotAccepted(res->body)) {
          error = "refused: " + res->body.substr(0, 200);
        }
      }
      const UnixSeconds now = ctx_.Now();
      if (error.empty()) {
        (void)MarkOutboxDelivered(*store_, item.entry_id, now);
        ctx_.metrics.webhooks_delivered++;
        continue;
      }
      const bool dead = item.attempts + 1 >= cfg.webhook_max_attempts || hook == cfg.webhooks.end();
      const double delay = std::min(3600.0, cfg.webhook_backoff_seconds * std::pow(2.0, item.attempts));
      (void)MarkOutboxFailed(*store_, item.entry_id, error, now + static_cast<UnixSeconds>(std::ceil(delay)), dead);
      (dead ? ctx_.metrics.webhooks_dead : ctx_.metrics.webhooks_failed)++;
    }
  }
}

}  // namespace churnwatch::server

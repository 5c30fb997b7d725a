#pragma once
/// \file server.h
/// `churnwatch serve`: the HTTP JSON API over one store (docs/serve.md). The server loads
/// every customer's history into memory at start, re-scores a customer with the champion
/// when an order or event for them arrives, keeps alerts, runs, keys and the audit log in
/// the store's service tables, and delivers alerts to webhooks through the outbox.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/status.h"

namespace churnwatch {

/// One webhook the server pushes alerts to. `format`: "wecom" (企业微信群机器人 markdown),
/// "dingtalk" (钉钉自定义机器人; with `secret`, the URL is signed), "slack" (incoming
/// webhook) or "json" (the alert as a JSON object).
struct WebhookConfig {
  std::string name;
  std::string url;
  std::string format = "json";
  std::string secret;            ///< DingTalk signing secret ("SEC..."), optional
  std::vector<std::string> zones = {"red", "yellow", "blue"};  ///< which alerts it receives
  std::vector<std::string> stores;  ///< empty: every store
};

struct ServeConfig {
  std::string source;  ///< the config file's path, for messages
  // [server]
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::string db = "sqlite:churnwatch.db";
  std::string public_url;          ///< base of the 360° links in webhook messages
  std::filesystem::path tls_cert;  ///< TLS when set (with tls_key)
  std::filesystem::path tls_key;
  int threads = 4;                 ///< HTTP worker threads (and store connections)
  // [limits]
  std::int64_t max_body_bytes = 8 << 20;
  std::int64_t max_lines = 100000;  ///< NDJSON lines per request
  double rate_per_second = 200;     ///< per API key, token bucket
  double rate_burst = 400;
  // [scoring]
  std::string policy;               ///< policy TOML (zones, rules, playbook); empty: defaults
  std::string as_of;                ///< YYYY-MM-DD business day of the scores; empty: day after the data
  // [webhooks]
  int webhook_max_attempts = 8;
  double webhook_backoff_seconds = 2;  ///< first retry delay; doubles per attempt
  double webhook_timeout_seconds = 5;
  std::vector<WebhookConfig> webhooks;
};

/// Parses serve.toml. Strict: an unknown table or key, a wrong type or a value out of range
/// is kInvalidArgument naming "file:line" and the key. Missing keys keep the defaults.
Result<ServeConfig> ParseServeConfig(std::string_view toml_text, std::string_view source);
Result<ServeConfig> LoadServeConfig(const std::filesystem::path& path);

/// Runs the server until `stop` becomes true (or SIGTERM/SIGINT when `stop` is null).
/// Prints "listening on http://BIND:PORT" to stderr once ready. Errors at start (store,
/// model, port in use, TLS files) are returned; once serving, errors are per request.
Status RunServer(const ServeConfig& config, std::atomic<bool>* stop = nullptr);

}  // namespace churnwatch

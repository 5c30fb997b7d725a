// RunServer (server.h): opens the store, loads the customer state, and serves the route
// table through the HTTP boundary on a fixed pool of worker threads; a second thread
// delivers webhooks from the outbox.
#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "churnwatch/policy_config.h"
#include "churnwatch/server.h"
#include "server/customer_book.h"
#include "server/http_boundary.h"
#include "server/webhook_delivery.h"

namespace churnwatch {
namespace {

std::atomic<bool> g_signalled{false};
extern "C" void OnSignal(int) { g_signalled = true; }

// The load-log row intake writes its rows under (one per table and server start).
Result<std::int64_t> IntakeLoad(Store& store, const std::string& table, const std::string& source) {
  std::int64_t id = 0;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    const std::array<SqlParam, 2> p = {table, source};
    const std::string now = txn.Dialect() == "sqlite" ? "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')" : "now()";
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("INSERT INTO loads (table_name, source_path, source_fingerprint, committed_at) "
                                             "VALUES ($1, $2, 'churnwatch serve', " +
                                                 now + ") RETURNING load_id",
                                             p));
    id = rows.at(0).Int(0);
    return Status::OK();
  }));
  return id;
}

}  // namespace

Status RunServer(const ServeConfig& config, std::atomic<bool>* stop) {
  using namespace server;
  PolicyConfig policy = DefaultPolicyConfig();
  if (!config.policy.empty()) {
    std::ifstream in(config.policy);
    if (!in) return Status::NotFound(config.policy + ": policy file not found (" + config.source + " [scoring] policy)");
    std::stringstream text;
    text << in.rdbuf();
    CW_ASSIGN_OR_RETURN(policy, ParsePolicyConfig(text.str(), config.policy));
  }
  std::optional<DayNumber> as_of;
  if (!config.as_of.empty()) {
    as_of = ParseIsoDate(config.as_of);
    if (!as_of) return Status::InvalidArgument(config.source + ": [scoring] as_of '" + config.as_of + "' is not YYYY-MM-DD");
  }
  CW_ASSIGN_OR_RETURN(auto pool, StorePool::Open(config.db, config.threads));
  std::unique_ptr<CustomerBook> book;
  std::int64_t orders_load = 0, events_load = 0;
  {
    auto store = pool->Acquire();
    CW_ASSIGN_OR_RETURN(book, CustomerBook::Load(*store, std::move(policy), as_of));
    CW_ASSIGN_OR_RETURN(orders_load, IntakeLoad(*store, "transactions", "POST /v1/orders"));
    CW_ASSIGN_OR_RETURN(events_load, IntakeLoad(*store, "events", "POST /v1/events"));
  }
  CW_ASSIGN_OR_RETURN(auto delivery_store, Store::Open(config.db));
  Metrics metrics;
  ServerContext ctx{config, *pool, *book, metrics, {}, orders_load, events_load, {}};
  WebhookDelivery delivery(ctx, std::move(delivery_store));
  ctx.wake_delivery = [&delivery] { delivery.Wake(); };
  HttpBoundary boundary(ctx);

  std::unique_ptr<httplib::Server> http;
  if (!config.tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(config.tls_cert.c_str(), config.tls_key.c_str());
    if (!tls->is_valid())
      return Status::InvalidArgument(config.source + ": [server] tls_cert / tls_key could not be loaded (" +
                                     config.tls_cert.string() + ", " + config.tls_key.string() + ")");
    http = std::move(tls);
  } else {
    http = std::make_unique<httplib::Server>();
  }
  const int threads = config.threads;
  http->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  http->set_payload_max_length(static_cast<std::size_t>(config.max_body_bytes));
  http->set_keep_alive_max_count(100000);
  http->set_tcp_nodelay(true);
  const auto handler = [&boundary](const httplib::Request& req, httplib::Response& res) { boundary.Handle(req, res); };
  http->Get(".*", handler);
  http->Post(".*", handler);
  http->Delete(".*", handler);
  http->Put(".*", handler);
  http->Patch(".*", handler);
  // Statuses httplib answers itself (413 for an oversize body, 400 for a malformed request)
  // get the same error body as everything else.
  http->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string code = res.status == 413 ? "payload_too_large" : res.status == 404 ? "not_found" : "invalid_argument";
    res.set_content(HttpBoundary::ErrorBody(code, std::string("HTTP ") + std::to_string(res.status)), "application/json");
  });

  int port = config.port;
  if (port == 0) {
    port = http->bind_to_any_port(config.bind);
    if (port < 0) return Status::Unavailable("cannot listen on " + config.bind + " (any port)");
  } else if (!http->bind_to_port(config.bind, port)) {
    return Status::Unavailable("cannot listen on " + config.bind + ":" + std::to_string(port) +
                               " (in use, or not an address of this machine)");
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  delivery.Start();
  std::thread listener([&] { http->listen_after_bind(); });
  std::fprintf(stderr, "churnwatch serve: listening on %s://%s:%d (%zu customers, model %s)\n",
               config.tls_cert.empty() ? "http" : "https", config.bind.c_str(), port, book->size(),
               book->has_model() ? book->model_version().c_str() : "none");
  std::fflush(stderr);
  while (!g_signalled && !(stop && *stop)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  http->stop();
  listener.join();
  delivery.Stop();
  return Status::OK();
}

}  // namespace churnwatch

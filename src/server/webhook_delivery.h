#pragma once
// The webhook delivery thread: reads due outbox rows, POSTs each to its webhook with the
// `Idempotency-Key` header, and records the attempt — delivered on a 2xx answer (and, for
// WeCom and DingTalk, errcode 0 in the answer), otherwise retried after a backoff that
// doubles per attempt (capped at one hour) until the attempt budget is spent, then dead.
// At-least-once: a crash between the receiver's answer and the bookkeeping sends the same
// row again with the same key, which the receiver uses to drop the repeat.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "server/api.h"

namespace churnwatch::server {

class WebhookDelivery {
 public:
  WebhookDelivery(ServerContext& ctx, std::unique_ptr<Store> store) : ctx_(ctx), store_(std::move(store)) {}
  ~WebhookDelivery() { Stop(); }
  void Start();
  void Stop();
  void Wake();
  /// Escalates open alerts past their due time (once each) and enqueues their message to the
  /// webhooks covering the alert's store; then delivers every due row once (the thread's
  /// loop body).
  void DeliverDue();

 private:
  void EscalateOverdueAlerts();
  ServerContext& ctx_;
  std::unique_ptr<Store> store_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, woken_ = false;
};

}  // namespace churnwatch::server

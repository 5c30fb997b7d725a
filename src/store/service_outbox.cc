// The webhook outbox (service_store.h): deliveries are rows written in the alert's own
// transaction, so an alert that committed always has its deliveries, and a delivery never
// exists for an alert that rolled back. The delivery thread reads due rows and records
// each attempt; the idempotency key stays the same across attempts so receivers can drop
// repeats (at-least-once delivery).
#include <algorithm>
#include <array>

#include "churnwatch/service_store.h"

namespace churnwatch {
namespace {

constexpr std::string_view kOutboxColumns =
    "entry_id, idempotency_key, webhook, alert_id, payload, status, attempts, next_attempt_at, last_error, created_at, "
    "delivered_at";

OutboxStatus ParseOutboxStatus(std::string_view s) {
  if (s == "delivered") return OutboxStatus::kDelivered;
  if (s == "dead") return OutboxStatus::kDead;
  return OutboxStatus::kPending;
}

OutboxItem DecodeOutbox(const SqlRow& r) {
  OutboxItem o;
  o.entry_id = r.Int(0);
  o.idempotency_key = r[1];
  o.webhook = r[2];
  o.alert_id = r.Int(3);
  o.payload = r[4];
  o.status = ParseOutboxStatus(r[5]);
  o.attempts = static_cast<int>(r.Int(6));
  o.next_attempt_at = r.Int(7);
  o.last_error = r[8];
  o.created_at = r.Int(9);
  o.delivered_at = r.Int(10);
  return o;
}

}  // namespace

std::string_view OutboxStatusName(OutboxStatus s) {
  switch (s) {
    case OutboxStatus::kPending: return "pending";
    case OutboxStatus::kDelivered: return "delivered";
    case OutboxStatus::kDead: return "dead";
  }
  return "pending";
}

Result<bool> EnqueueOutbox(SqlTxn& txn, const OutboxItem& item) {
  const std::array<SqlParam, 6> p = {item.idempotency_key, item.webhook, item.alert_id, item.payload, item.next_attempt_at,
                                     item.created_at};
  CW_ASSIGN_OR_RETURN(std::int64_t n, txn.Execute("INSERT INTO outbox (idempotency_key, webhook, alert_id, payload, status, "
                                                  "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6) ON "
                                                  "CONFLICT (idempotency_key) DO NOTHING",
                                                  p));
  return n > 0;
}

Result<std::vector<OutboxItem>> DueOutbox(Store& store, UnixSeconds now, std::int64_t limit) {
  std::vector<OutboxItem> out;
  const std::array<SqlParam, 2> p = {now, std::max<std::int64_t>(0, limit)};
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT " + std::string(kOutboxColumns) +
                                                 " FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY "
                                                 "next_attempt_at, entry_id LIMIT $2",
                                             p));
    for (const auto& r : rows) out.push_back(DecodeOutbox(r));
    return Status::OK();
  }));
  return out;
}

Status MarkOutboxDelivered(Store& store, std::int64_t entry_id, UnixSeconds now) {
  const std::array<SqlParam, 2> p = {now, entry_id};
  return store.InTransaction([&](SqlTxn& txn) {
    return txn
        .Execute("UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = $1, last_error = '' WHERE "
                 "entry_id = $2",
                 p)
        .status();
  });
}

Status MarkOutboxFailed(Store& store, std::int64_t entry_id, std::string_view error, UnixSeconds next_attempt_at, bool dead) {
  const std::array<SqlParam, 4> p = {std::string(dead ? "dead" : "pending"), std::string(error.substr(0, 500)),
                                     next_attempt_at, entry_id};
  return store.InTransaction([&](SqlTxn& txn) {
    return txn
        .Execute("UPDATE outbox SET status = $1, attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE "
                 "entry_id = $4",
                 p)
        .status();
  });
}

Result<std::vector<OutboxItem>> ListOutbox(Store& store, std::int64_t limit) {
  std::vector<OutboxItem> out;
  const std::array<SqlParam, 1> p = {std::max<std::int64_t>(0, limit)};
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(auto rows,
                        txn.Query("SELECT " + std::string(kOutboxColumns) + " FROM outbox ORDER BY entry_id DESC LIMIT $1", p));
    for (const auto& r : rows) out.push_back(DecodeOutbox(r));
    return Status::OK();
  }));
  return out;
}

}  // namespace churnwatch

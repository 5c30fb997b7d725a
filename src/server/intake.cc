// Real-time intake (api.h): POST /v1/orders and /v1/events. One request is one
// transaction: its new rows, the alerts they raise and those alerts' webhook deliveries
// commit together, and the answer is sent only after the commit — so an acknowledged row
// is durable, and a row whose answer was lost can be posted again (its key makes the second
// post a duplicate, applied once). The in-memory state changes only after the commit.
#include <algorithm>
#include <array>
#include <map>

#include "churnwatch/bucket.h"
#include "churnwatch/playbook.h"
#include "churnwatch/policy.h"
#include "server/api.h"
#include "server/intake_decoder.h"
#include "server/webhook_format.h"
#include "churnwatch/row_codec.h"

namespace churnwatch::server {
namespace {

SqlParam TextOrNull(const std::string& s) { return s.empty() ? SqlParam{} : SqlParam{s}; }

SqlBlob KeyBlob(const RowKey& k) {
  const auto b = store_internal::KeyBytes(k);
  return SqlBlob{std::string(reinterpret_cast<const char*>(b.data()), b.size())};
}

// The customer's bucket, as the batch load stores it (bucket.h; the store's bucket count is
// fixed at its creation to the default).
std::int64_t BucketOf(const std::string& customer_id) {
  return std::int64_t{CustomerBucket(customer_id, kDefaultBucketCount)};
}

// PostgreSQL's canonical tables are partitioned by bucket, so their unique key is
// (row_key, bucket); SQLite's is row_key alone.
std::string OnConflictDoNothing(SqlTxn& txn) {
  return txn.Dialect() == "sqlite" ? " ON CONFLICT (row_key) DO NOTHING" : " ON CONFLICT (row_key, bucket) DO NOTHING";
}

Result<bool> Insert(SqlTxn& txn, std::int64_t load_id, const Transaction& t) {
  const std::array<SqlParam, 14> p = {KeyBlob(t.key),
                                      load_id,
                                      TextOrNull(t.order_id),
                                      TextOrNull(t.customer_id),
                                      std::int64_t{t.ts},
                                      t.amount,
                                      t.quantity,
                                      t.discount,
                                      t.channel == Channel::kUnknown ? SqlParam{} : SqlParam{std::string(ChannelName(t.channel))},
                                      TextOrNull(t.store_id),
                                      TextOrNull(t.sku),
                                      TextOrNull(t.category),
                                      std::int64_t{t.is_return ? 1 : 0},
                                      BucketOf(t.customer_id)};
  CW_ASSIGN_OR_RETURN(std::int64_t n,
                      txn.Execute("INSERT INTO transactions (row_key, load_id, order_id, customer_id, ts, amount, quantity, "
                                  "discount, channel, store_id, sku, category, is_return, bucket) VALUES ($1, $2, $3, $4, $5, "
                                  "$6, $7, $8, $9, $10, $11, $12, " +
                                      std::string(txn.Dialect() == "sqlite" ? "$13" : "$13::int::boolean") + ", $14)" +
                                      OnConflictDoNothing(txn),
                                  p));
  return n > 0;
}

Result<bool> Insert(SqlTxn& txn, std::int64_t load_id, const Event& e) {
  const std::array<SqlParam, 9> p = {KeyBlob(e.key),      load_id, TextOrNull(e.event_id), TextOrNull(e.customer_id),
                                     std::int64_t{e.ts},  std::string(EventTypeName(e.type)), e.value, TextOrNull(e.text),
                                     BucketOf(e.customer_id)};
  CW_ASSIGN_OR_RETURN(std::int64_t n, txn.Execute("INSERT INTO events (row_key, load_id, event_id, customer_id, ts, type, "
                                                  "value, text, bucket) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)" +
                                                      OnConflictDoNothing(txn),
                                                  p));
  return n > 0;
}

struct Touched {
  std::vector<Transaction> tx;
  std::vector<Event> ev;
  std::optional<CustomerScore> score;
  DayNumber as_of = 0;
};

// Re-scores one customer with their new rows and raises what changed: a zone alert when the
// zone changes to red, yellow or blue, a rule alert per rule that fires. Enqueues webhook
// deliveries for opened or escalated alerts in the same transaction.
Status Rescore(ServerContext& ctx, SqlTxn& txn, const std::string& id, Touched& t, UnixSeconds now, nlohmann::json& raised) {
  auto entry = ctx.book.Find(id);
  CustomerHistory history = entry ? entry->history : CustomerHistory{};
  history.transactions.insert(history.transactions.end(), t.tx.begin(), t.tx.end());
  history.events.insert(history.events.end(), t.ev.begin(), t.ev.end());
  DayNumber last = 0;
  for (const auto& x : t.tx) last = std::max(last, DayOf(x.ts));
  for (const auto& x : t.ev) last = std::max(last, DayOf(x.ts));
  t.as_of = std::max(ctx.book.as_of(), last + 1);
  if (!ctx.book.has_model()) return Status::OK();
  CW_ASSIGN_OR_RETURN(CustomerScore s, ctx.book.Score(id, history, t.as_of, now));
  const std::string old_zone =
      entry && entry->score && entry->score->eligible ? std::string(ZoneName(entry->score->zone.zone)) : "none";
  std::string store_id;
  for (const auto& x : history.transactions)
    if (!x.store_id.empty()) store_id = x.store_id;
  if (entry && !entry->home_store.empty() && t.tx.empty()) store_id = entry->home_store;
  std::vector<const Alert*> to_raise;
  for (const auto& a : s.alerts) {
    if (a.kind == "rule") to_raise.push_back(&a);
    if (a.kind == "zone" && std::string(ZoneName(a.zone)) != old_zone) to_raise.push_back(&a);
  }
  for (const Alert* a : to_raise) {
    AlertInput in;
    in.customer_id = id;
    in.store_id = store_id;
    in.zone = std::string(ZoneName(a->zone));
    in.grade = a->grade;
    in.kind = a->kind;
    in.rule = a->rule;
    in.reason = a->reason;
    in.message_en = a->message_en;
    in.message_zh = a->message_zh;
    in.action = s.action ? s.action->action : std::string();
    in.source = "intake";
    CW_ASSIGN_OR_RETURN(RaiseResult r, RaiseAlert(txn, in, now));
    if (r.outcome == RaiseOutcome::kUnchanged) continue;
    ctx.metrics.alerts_raised++;
    const std::array<SqlParam, 1> aid = {r.alert_id};
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT escalations FROM alerts WHERE alert_id = $1", aid));
    const std::int64_t generation = rows.empty() ? 0 : rows[0].Int(0);
    raised.push_back({{"alert_id", r.alert_id},
                      {"customer_id", id},
                      {"zone", in.zone},
                      {"kind", in.kind},
                      {"outcome", r.outcome == RaiseOutcome::kOpened ? "opened" : "escalated"}});
    AlertMessage m;
    m.alert.alert_id = r.alert_id;
    m.alert.customer_id = id;
    m.alert.store_id = store_id;
    m.alert.zone = in.zone;
    m.alert.grade = in.grade;
    m.alert.kind = in.kind;
    m.alert.rule = in.rule;
    m.alert.reason = in.reason;
    m.alert.action = in.action;
    m.alert.due_at = now + SlaSeconds(in.zone);
    if (s.scored.reason_count > 0) {
      m.reason_en = s.scored.reasons[0].sentence_en;
      m.reason_zh = s.scored.reasons[0].sentence_zh;
    }
    if (a->kind == "rule") {
      m.reason_en = a->message_en;
      m.reason_zh = a->message_zh;
    }
    if (s.action) {
      m.action_en = s.action->action_label_en;
      m.action_zh = s.action->action_label_zh;
    }
    if (!ctx.config.public_url.empty()) m.link = ctx.config.public_url + "/v1/customers/" + id;
    for (const auto& w : ctx.config.webhooks) {
      if (std::find(w.zones.begin(), w.zones.end(), in.zone) == w.zones.end()) continue;
      if (!w.stores.empty() && std::find(w.stores.begin(), w.stores.end(), store_id) == w.stores.end()) continue;
      OutboxItem item;
      // Same alert, same generation (open or n-th escalation), same webhook: same key.
      item.idempotency_key = "alert-" + std::to_string(r.alert_id) + "-" + std::to_string(generation) + "-" + w.name;
      item.webhook = w.name;
      item.alert_id = r.alert_id;
      item.payload = RenderWebhookBody(w.format, m);
      item.next_attempt_at = now;
      item.created_at = now;
      CW_RETURN_IF_ERROR(EnqueueOutbox(txn, item).status());
    }
  }
  t.score = std::move(s);
  return Status::OK();
}

template <typename Decoded>
ApiResult Intake(ServerContext& ctx, const ApiRequest& req, std::vector<Decoded> lines, std::int64_t load_id) {
  if (lines.empty()) return Status::InvalidArgument("the body holds no rows (one JSON object, or one object per line)");
  std::vector<std::string> status(lines.size());
  nlohmann::json raised = nlohmann::json::array();
  std::map<std::string, Touched> touched;
  const UnixSeconds now = ctx.Now();
  {
    std::lock_guard lock(ctx.intake_mu);
    auto store = ctx.stores.Acquire();
    CW_RETURN_IF_ERROR(store->InTransaction([&](SqlTxn& txn) -> Status {
      touched.clear();
      raised = nlohmann::json::array();
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!lines[i].row) {
          status[i] = "rejected";
          continue;
        }
        CW_ASSIGN_OR_RETURN(bool fresh, Insert(txn, load_id, *lines[i].row));
        status[i] = fresh ? "accepted" : "duplicate";
        if (!fresh) continue;
        Touched& t = touched[lines[i].row->customer_id];
        if constexpr (std::is_same_v<Decoded, DecodedOrder>)
          t.tx.push_back(*lines[i].row);
        else
          t.ev.push_back(*lines[i].row);
      }
      for (auto& [id, t] : touched) CW_RETURN_IF_ERROR(Rescore(ctx, txn, id, t, now, raised));
      return Status::OK();
    }));
    // Committed: now the state may change.
    for (auto& [id, t] : touched) ctx.book.Apply(id, t.tx, t.ev, std::move(t.score), t.as_of);
  }
  if (!raised.empty() && ctx.wake_delivery) ctx.wake_delivery();
  std::int64_t accepted = 0, duplicates = 0, rejected = 0;
  nlohmann::json results = nlohmann::json::array();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    nlohmann::json r = {{"line", lines[i].line}, {"status", status[i]}};
    if (status[i] == "rejected") {
      r["error"] = lines[i].error;
      ++rejected;
    } else {
      r["customer_id"] = lines[i].row->customer_id;
      (status[i] == "accepted" ? accepted : duplicates)++;
    }
    results.push_back(std::move(r));
  }
  ctx.metrics.rows_accepted += accepted;
  ctx.metrics.rows_duplicate += duplicates;
  ctx.metrics.rows_rejected += rejected;
  (void)req;
  ApiResponse out;
  out.body = {{"accepted", accepted}, {"duplicates", duplicates}, {"rejected", rejected},
              {"lines", std::move(results)}, {"alerts", std::move(raised)}};
  return out;
}

}  // namespace

ApiResult PostOrders(ServerContext& ctx, const Caller&, const ApiRequest& r) {
  return Intake(ctx, r, DecodeOrders(r.body, static_cast<std::size_t>(ctx.config.max_lines)), ctx.orders_load_id);
}

ApiResult PostEvents(ServerContext& ctx, const Caller&, const ApiRequest& r) {
  return Intake(ctx, r, DecodeEvents(r.body, static_cast<std::size_t>(ctx.config.max_lines)), ctx.events_load_id);
}

}  // namespace churnwatch::server

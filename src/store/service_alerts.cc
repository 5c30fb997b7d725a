// Alerts and their lifecycle (service_store.h). The partial unique index of migration 4
// (one not-closed alert per customer) is what makes "one alert per episode" hold even when
// two writers race: the second INSERT fails instead of opening a duplicate.
#include <algorithm>
#include <array>

#include "churnwatch/service_store.h"

namespace churnwatch {
namespace {

constexpr std::string_view kAlertColumns =
    "alert_id, customer_id, store_id, zone, grade, kind, rule, reason, message_en, message_zh, action, state, assignee, "
    "opened_at, due_at, updated_at, escalations, run_id, source, outcome, closed_at, closed_by";

AlertRecord DecodeAlert(const SqlRow& r) {
  AlertRecord a;
  a.alert_id = r.Int(0);
  a.customer_id = r[1];
  a.store_id = r[2];
  a.zone = r[3];
  a.grade = r[4];
  a.kind = r[5];
  a.rule = r[6];
  a.reason = r[7];
  a.message_en = r[8];
  a.message_zh = r[9];
  a.action = r[10];
  a.state = ParseAlertState(r[11]).value_or(AlertState::kOpen);
  a.assignee = r[12];
  a.opened_at = r.Int(13);
  a.due_at = r.Int(14);
  a.updated_at = r.Int(15);
  a.escalations = static_cast<int>(r.Int(16));
  a.run_id = r[17];
  a.source = r[18];
  a.outcome = r[19];
  a.closed_at = r.Int(20);
  a.closed_by = r[21];
  return a;
}

Status Log(SqlTxn& txn, std::int64_t alert_id, UnixSeconds at, std::string_view actor, std::string_view what,
           std::string_view detail) {
  const std::array<SqlParam, 5> p = {alert_id, at, std::string(actor), std::string(what), std::string(detail)};
  return txn.Execute("INSERT INTO alert_log (alert_id, at, actor, what, detail) VALUES ($1, $2, $3, $4, $5)", p).status();
}

Result<AlertRecord> Fetch(SqlTxn& txn, std::int64_t alert_id) {
  const std::array<SqlParam, 1> p = {alert_id};
  CW_ASSIGN_OR_RETURN(auto rows,
                      txn.Query("SELECT " + std::string(kAlertColumns) + " FROM alerts WHERE alert_id = $1", p));
  if (rows.empty()) return Status::NotFound("alert " + std::to_string(alert_id) + " does not exist");
  return DecodeAlert(rows[0]);
}

// Runs one lifecycle transition: loads the alert, checks `allowed`, applies `update`.
template <typename Allowed, typename Update>
Result<AlertRecord> Transition(Store& store, std::int64_t alert_id, std::string_view verb, Allowed allowed, Update update) {
  AlertRecord out;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(AlertRecord a, Fetch(txn, alert_id));
    if (!allowed(a.state))
      return Status::Conflict("alert " + std::to_string(alert_id) + " is " + std::string(AlertStateName(a.state)) +
                              ": cannot " + std::string(verb) + " it");
    CW_RETURN_IF_ERROR(update(txn, a));
    CW_ASSIGN_OR_RETURN(out, Fetch(txn, alert_id));
    return Status::OK();
  }));
  return out;
}

}  // namespace

std::string_view AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kOpen: return "open";
    case AlertState::kAcknowledged: return "acknowledged";
    case AlertState::kActionRecorded: return "action_recorded";
    case AlertState::kClosed: return "closed";
  }
  return "open";
}

std::optional<AlertState> ParseAlertState(std::string_view name) {
  for (auto s : {AlertState::kOpen, AlertState::kAcknowledged, AlertState::kActionRecorded, AlertState::kClosed})
    if (AlertStateName(s) == name) return s;
  return std::nullopt;
}

std::string_view AlertOutcomeName(AlertOutcome o) {
  switch (o) {
    case AlertOutcome::kWonBack: return "won_back";
    case AlertOutcome::kLost: return "lost";
    case AlertOutcome::kNotReachable: return "not_reachable";
  }
  return "lost";
}

std::optional<AlertOutcome> ParseAlertOutcome(std::string_view name) {
  for (auto o : {AlertOutcome::kWonBack, AlertOutcome::kLost, AlertOutcome::kNotReachable})
    if (AlertOutcomeName(o) == name) return o;
  return std::nullopt;
}

int ZoneSeverity(std::string_view zone) {
  if (zone == "red") return 3;
  if (zone == "yellow") return 2;
  if (zone == "blue") return 1;
  return 0;
}

UnixSeconds SlaSeconds(std::string_view zone) {
  constexpr UnixSeconds kHour = 3600;
  if (zone == "red") return 24 * kHour;
  if (zone == "yellow") return 72 * kHour;
  return 7 * 24 * kHour;
}

Result<RaiseResult> RaiseAlert(SqlTxn& txn, const AlertInput& in, UnixSeconds now) {
  const std::array<SqlParam, 1> who = {in.customer_id};
  CW_ASSIGN_OR_RETURN(auto open, txn.Query("SELECT alert_id, zone, due_at FROM alerts WHERE customer_id = $1 AND "
                                           "state <> 'closed'",
                                           who));
  const UnixSeconds due = now + SlaSeconds(in.zone);
  if (open.empty()) {
    const std::array<SqlParam, 15> p = {in.customer_id, in.store_id,  in.zone,       in.grade,  in.kind,
                                        in.rule,        in.reason,    in.message_en, in.message_zh, in.action,
                                        now,            due,          now,           in.run_id, in.source};
    CW_ASSIGN_OR_RETURN(auto rows,
                        txn.Query("INSERT INTO alerts (customer_id, store_id, zone, grade, kind, rule, reason, message_en, "
                                  "message_zh, action, state, opened_at, due_at, updated_at, run_id, source) VALUES ($1, $2, "
                                  "$3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $14, $15) RETURNING alert_id",
                                  p));
    const std::int64_t id = rows.at(0).Int(0);
    CW_RETURN_IF_ERROR(Log(txn, id, now, in.source, "opened", in.zone + " " + in.kind + " " + in.reason));
    return RaiseResult{id, RaiseOutcome::kOpened};
  }
  const std::int64_t id = open[0].Int(0);
  if (ZoneSeverity(in.zone) <= ZoneSeverity(open[0][1])) return RaiseResult{id, RaiseOutcome::kUnchanged};
  const UnixSeconds new_due = std::min(open[0].Int(2), due);
  const std::array<SqlParam, 9> p = {in.zone, in.grade, in.reason, in.message_en, in.message_zh, in.action, new_due, now, id};
  CW_RETURN_IF_ERROR(txn.Execute("UPDATE alerts SET zone = $1, grade = $2, reason = $3, message_en = $4, message_zh = $5, "
                                 "action = $6, due_at = $7, updated_at = $8, escalations = escalations + 1 WHERE "
                                 "alert_id = $9",
                                 p)
                         .status());
  CW_RETURN_IF_ERROR(Log(txn, id, now, in.source, "escalated", open[0][1] + " -> " + in.zone));
  return RaiseResult{id, RaiseOutcome::kEscalated};
}

Result<std::vector<AlertRecord>> ListAlerts(Store& store, const AlertFilter& f) {
  // One statement for every filter combination: an unused filter's parameter is the value
  // that disables it, so the SQL text (and its prepared statement) never varies.
  std::string stores_csv;
  for (const auto& s : f.stores) stores_csv += "," + s;
  if (!stores_csv.empty()) stores_csv += ",";
  const std::string state = f.state ? std::string(AlertStateName(*f.state)) : "";
  const std::array<SqlParam, 9> p = {f.zone,
                                     state,
                                     std::int64_t{f.include_closed ? 1 : 0},
                                     f.customer_id,
                                     stores_csv,
                                     std::int64_t{f.overdue_only ? 1 : 0},
                                     f.now,
                                     std::max<std::int64_t>(0, f.limit),
                                     std::max<std::int64_t>(0, f.offset)};
  std::vector<AlertRecord> out;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(
        auto rows,
        txn.Query("SELECT " + std::string(kAlertColumns) +
                      " FROM alerts WHERE ($1 = '' OR zone = $1) AND (($2 = '' AND ($3 = 1 OR state <> 'closed')) OR state = "
                      "$2) AND ($4 = '' OR customer_id = $4) AND ($5 = '' OR " +
                      std::string(txn.Dialect() == "sqlite" ? "instr" : "strpos") + "($5, ',' || store_id || ',') > 0) AND "
                      "($6 = 0 OR (state <> 'closed' AND due_at < $7)) ORDER BY CASE zone WHEN 'red' THEN 0 WHEN 'yellow' "
                      "THEN 1 WHEN 'blue' THEN 2 ELSE 3 END, due_at, alert_id LIMIT $8 OFFSET $9",
                  p));
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(DecodeAlert(r));
    return Status::OK();
  }));
  return out;
}

Result<AlertRecord> GetAlert(Store& store, std::int64_t alert_id) {
  AlertRecord out;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(out, Fetch(txn, alert_id));
    return Status::OK();
  }));
  return out;
}

Result<AlertRecord> AcknowledgeAlert(Store& store, std::int64_t alert_id, std::string_view actor, UnixSeconds now) {
  return Transition(
      store, alert_id, "acknowledge", [](AlertState s) { return s == AlertState::kOpen; },
      [&](SqlTxn& txn, const AlertRecord&) -> Status {
        const std::array<SqlParam, 3> p = {now, std::string(actor), alert_id};
        CW_RETURN_IF_ERROR(txn.Execute("UPDATE alerts SET state = 'acknowledged', updated_at = $1, assignee = CASE WHEN "
                                       "assignee = '' THEN $2 ELSE assignee END WHERE alert_id = $3",
                                       p)
                               .status());
        return Log(txn, alert_id, now, actor, "acknowledged", "");
      });
}

Result<AlertRecord> AssignAlert(Store& store, std::int64_t alert_id, std::string_view assignee, std::string_view actor,
                                UnixSeconds now) {
  return Transition(
      store, alert_id, "assign", [](AlertState s) { return s != AlertState::kClosed; },
      [&](SqlTxn& txn, const AlertRecord&) -> Status {
        const std::array<SqlParam, 3> p = {std::string(assignee), now, alert_id};
        CW_RETURN_IF_ERROR(txn.Execute("UPDATE alerts SET assignee = $1, updated_at = $2 WHERE alert_id = $3", p).status());
        return Log(txn, alert_id, now, actor, "assigned", assignee);
      });
}

Result<AlertRecord> RecordAlertAction(Store& store, std::int64_t alert_id, std::string_view action, std::string_view note,
                                      std::string_view actor, UnixSeconds now) {
  return Transition(
      store, alert_id, "record an action on", [](AlertState s) { return s != AlertState::kClosed; },
      [&](SqlTxn& txn, const AlertRecord&) -> Status {
        const std::array<SqlParam, 2> p = {now, alert_id};
        CW_RETURN_IF_ERROR(
            txn.Execute("UPDATE alerts SET state = 'action_recorded', updated_at = $1 WHERE alert_id = $2", p).status());
        return Log(txn, alert_id, now, actor, "action", std::string(action) + (note.empty() ? "" : ": ") + std::string(note));
      });
}

Result<AlertRecord> CloseAlert(Store& store, std::int64_t alert_id, AlertOutcome outcome, std::string_view note,
                               std::string_view actor, UnixSeconds now) {
  return Transition(
      store, alert_id, "close", [](AlertState s) { return s != AlertState::kClosed; },
      [&](SqlTxn& txn, const AlertRecord&) -> Status {
        const std::array<SqlParam, 5> p = {std::string(AlertOutcomeName(outcome)), now, now, std::string(actor), alert_id};
        CW_RETURN_IF_ERROR(txn.Execute("UPDATE alerts SET state = 'closed', outcome = $1, updated_at = $2, closed_at = $3, "
                                       "closed_by = $4 WHERE alert_id = $5",
                                       p)
                               .status());
        return Log(txn, alert_id, now, actor, "closed",
                   std::string(AlertOutcomeName(outcome)) + (note.empty() ? "" : ": ") + std::string(note));
      });
}

Result<std::vector<AlertRecord>> EscalateOverdue(Store& store, UnixSeconds now,
                                                 const std::function<Status(SqlTxn&, const AlertRecord&)>& on_escalate) {
  std::vector<AlertRecord> out;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    const std::array<SqlParam, 1> p = {now};
    // Once per alert: an alert already escalated for its SLA is not escalated again.
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT " + std::string(kAlertColumns) +
                                                 " FROM alerts WHERE state = 'open' AND due_at < $1 AND alert_id NOT IN "
                                                 "(SELECT alert_id FROM alert_log WHERE what = 'sla_overdue')",
                                             p));
    for (const auto& r : rows) {
      AlertRecord a = DecodeAlert(r);
      const std::array<SqlParam, 2> u = {now, a.alert_id};
      CW_RETURN_IF_ERROR(
          txn.Execute("UPDATE alerts SET escalations = escalations + 1, updated_at = $1 WHERE alert_id = $2", u).status());
      CW_RETURN_IF_ERROR(Log(txn, a.alert_id, now, "sla", "sla_overdue", "to the manager of store " + a.store_id));
      a.escalations += 1;
      if (on_escalate) CW_RETURN_IF_ERROR(on_escalate(txn, a));
      out.push_back(std::move(a));
    }
    return Status::OK();
  }));
  return out;
}

Result<std::vector<AlertLogEntry>> AlertLogOfCustomer(Store& store, std::string_view customer_id) {
  std::vector<AlertLogEntry> out;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    const std::array<SqlParam, 1> p = {std::string(customer_id)};
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT l.alert_id, l.at, l.actor, l.what, l.detail FROM alert_log l JOIN alerts a "
                                             "ON a.alert_id = l.alert_id WHERE a.customer_id = $1 ORDER BY l.at, l.entry_id",
                                             p));
    for (const auto& r : rows) out.push_back({r.Int(0), r.Int(1), r[2], r[3], r[4]});
    return Status::OK();
  }));
  return out;
}

}  // namespace churnwatch

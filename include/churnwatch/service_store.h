#pragma once
/// \file service_store.h
/// The service tables `churnwatch serve` and `churnwatch run` share, in either store:
/// alerts with their lifecycle, run history, API keys, the audit log and the webhook outbox.
/// Every function runs prepared statements with bound values only. Functions taking a
/// `SqlTxn&` join the caller's transaction (so an alert and its outbox rows commit
/// together); functions taking a `Store&` run their own transaction.
///
/// Times are Unix seconds (wall clock), passed in by the caller so tests control them.
/// Thread safety: as Store (one thread at a time per Store object).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch {

using UnixSeconds = std::int64_t;

// ---------------------------------------------------------------------------------------
// Alerts

/// open → acknowledged → action_recorded → closed. Acknowledging is optional: an action
/// may be recorded on an open alert; any not-closed alert may be closed.
enum class AlertState : std::uint8_t { kOpen = 0, kAcknowledged, kActionRecorded, kClosed };
std::string_view AlertStateName(AlertState s);  ///< "open", "acknowledged", "action_recorded", "closed"
std::optional<AlertState> ParseAlertState(std::string_view name);

enum class AlertOutcome : std::uint8_t { kWonBack = 0, kLost, kNotReachable };
std::string_view AlertOutcomeName(AlertOutcome o);  ///< "won_back", "lost", "not_reachable"
std::optional<AlertOutcome> ParseAlertOutcome(std::string_view name);

/// Zone severity for escalation: red 3 > yellow 2 > blue 1 > anything else 0.
int ZoneSeverity(std::string_view zone);
/// Response time by zone: red 24 h, yellow 72 h, blue 7 days (others: 7 days).
UnixSeconds SlaSeconds(std::string_view zone);

struct AlertRecord {
  std::int64_t alert_id = 0;
  std::string customer_id, store_id, zone, grade, kind, rule, reason, message_en, message_zh, action;
  AlertState state = AlertState::kOpen;
  std::string assignee;
  UnixSeconds opened_at = 0, due_at = 0, updated_at = 0;
  int escalations = 0;
  std::string run_id, source;  ///< source: "run" or "intake"
  std::string outcome;         ///< AlertOutcomeName once closed, else empty
  UnixSeconds closed_at = 0;
  std::string closed_by;
};

/// What a run or an intake row raises for one customer.
struct AlertInput {
  std::string customer_id, store_id, zone, grade, kind, rule, reason, message_en, message_zh, action;
  std::string run_id, source;
};

enum class RaiseOutcome : std::uint8_t {
  kOpened,     ///< no alert was open for the customer: a new one (a new episode)
  kEscalated,  ///< the open alert's zone was upgraded (more severe): zone, grade, reason, due time updated
  kUnchanged,  ///< the customer is already in an open alert at this zone or a more severe one
};
struct RaiseResult {
  std::int64_t alert_id = 0;
  RaiseOutcome outcome = RaiseOutcome::kUnchanged;
};

/// One alert per customer per episode: opens one when none is open (due = now + SLA of the
/// zone), escalates the open one on a zone upgrade (due moves earlier, never later), and
/// otherwise leaves it alone. Writes the alert log.
Result<RaiseResult> RaiseAlert(SqlTxn& txn, const AlertInput& in, UnixSeconds now);

struct AlertFilter {
  std::string zone;                 ///< empty: any
  std::optional<AlertState> state;  ///< none: every state but closed
  bool include_closed = false;      ///< with no `state`: closed ones too
  std::string customer_id;          ///< empty: any
  std::vector<std::string> stores;  ///< empty: any store; else only alerts of these stores
  bool overdue_only = false;        ///< due_at < now and not closed
  UnixSeconds now = 0;
  std::int64_t limit = 50, offset = 0;
};
/// Queue order: most severe zone first, then earliest due.
Result<std::vector<AlertRecord>> ListAlerts(Store& store, const AlertFilter& filter);
Result<AlertRecord> GetAlert(Store& store, std::int64_t alert_id);  ///< kNotFound

/// Transitions; each writes the alert log with `actor`. kNotFound for an unknown alert,
/// kConflict for a transition the state does not allow (acknowledge an alert that is not
/// open, anything on a closed alert). `action` and `note` are free text (length-checked
/// by the caller).
Result<AlertRecord> AcknowledgeAlert(Store& store, std::int64_t alert_id, std::string_view actor, UnixSeconds now);
Result<AlertRecord> AssignAlert(Store& store, std::int64_t alert_id, std::string_view assignee, std::string_view actor,
                                UnixSeconds now);
Result<AlertRecord> RecordAlertAction(Store& store, std::int64_t alert_id, std::string_view action, std::string_view note,
                                      std::string_view actor, UnixSeconds now);
Result<AlertRecord> CloseAlert(Store& store, std::int64_t alert_id, AlertOutcome outcome, std::string_view note,
                               std::string_view actor, UnixSeconds now);
/// Marks open alerts past their due time as escalated once (escalations += 1, alert log
/// "sla_overdue"); returns the alerts escalated now. `on_escalate`, when given, runs for each
/// in the same transaction (the server enqueues the store manager's webhook message there).
Result<std::vector<AlertRecord>> EscalateOverdue(
    Store& store, UnixSeconds now, const std::function<Status(SqlTxn&, const AlertRecord&)>& on_escalate = {});

struct AlertLogEntry {
  std::int64_t alert_id = 0;
  UnixSeconds at = 0;
  std::string actor, what, detail;
};
/// The log of every alert of a customer, oldest first.
Result<std::vector<AlertLogEntry>> AlertLogOfCustomer(Store& store, std::string_view customer_id);

// ---------------------------------------------------------------------------------------
// Runs

struct RunZone {
  std::string customer_id, zone, grade;
  double p_churn = 0;
};
struct RunRecord {
  std::string run_id;
  UnixSeconds created_at = 0;
  std::string as_of, model_version;
  std::int64_t customers = 0, alerts_opened = 0, alerts_escalated = 0;
  std::string summary_json = "{}";
};
/// Records a run and its customers' zones, and raises its alerts through RaiseAlert, all in
/// one transaction. Earlier runs, alerts, actions and outcomes are never deleted. Fills
/// `alerts_opened` / `alerts_escalated` of the stored record. A repeated run_id is kConflict.
Result<RunRecord> RecordRun(Store& store, RunRecord run, const std::vector<RunZone>& zones,
                            const std::vector<AlertInput>& alerts, UnixSeconds now);
/// Newest first.
Result<std::vector<RunRecord>> ListRuns(Store& store, std::int64_t limit, std::int64_t offset);

struct RunChanges {
  std::string run_id, previous_run_id;  ///< previous empty for the first run
  std::int64_t entered = 0;             ///< customers in a zone now, in none (or absent) before
  std::int64_t left = 0;                ///< in a zone before, in none now
  std::int64_t upgraded = 0, downgraded = 0, unchanged = 0;
  struct Change {
    std::string customer_id, before, after;  ///< zone names, "none" when absent
  };
  std::vector<Change> changes;  ///< every customer whose zone differs, up to `limit`
  /// Of the customers alerted before this run, how many closed as won back since.
  std::int64_t won_back_since_previous = 0;
};
/// What changed between `run_id` and the run recorded just before it. kNotFound for an
/// unknown run.
Result<RunChanges> CompareWithPreviousRun(Store& store, std::string_view run_id, std::int64_t limit);

// ---------------------------------------------------------------------------------------
// API keys and audit

enum class Role : std::uint8_t { kViewer = 0, kManager, kAdmin };
std::string_view RoleName(Role r);  ///< "viewer", "manager", "admin"
std::optional<Role> ParseRole(std::string_view name);

struct ApiKeyRecord {
  std::string key_id;  ///< public identifier ("k_" + 12 hex), shown in lists and the audit log
  Role role = Role::kViewer;
  std::vector<std::string> stores;  ///< for managers: the stores they see
  std::string label;
  UnixSeconds created_at = 0, revoked_at = 0;
};
struct NewApiKey {
  ApiKeyRecord record;
  std::string secret;  ///< "cw_" + key_id's hex + "_" + 64 hex of randomness; shown once, never stored
};
/// SHA-256 of a key, lowercase hex: what the store keeps.
std::string HashApiKey(std::string_view secret);
/// Creates a key from 256 bits of OpenSSL randomness. A manager needs at least one store
/// (kInvalidArgument); store ids must be non-empty without ',' (kInvalidArgument).
Result<NewApiKey> CreateApiKey(Store& store, Role role, std::vector<std::string> stores, std::string label, UnixSeconds now);
Result<std::vector<ApiKeyRecord>> ListApiKeys(Store& store);
/// kNotFound for an unknown key id; revoking twice keeps the first time.
Status RevokeApiKey(Store& store, std::string_view key_id, UnixSeconds now);
/// The active key whose hash matches `secret`, or kPermissionDenied (unknown or revoked).
Result<ApiKeyRecord> AuthenticateApiKey(Store& store, std::string_view secret);

struct AuditEntry {
  UnixSeconds at = 0;
  std::string key_id, role, action;  ///< action: "GET /v1/customers/{id}" etc.
  std::string customer_id;           ///< whose personal data was read or changed, if any
  int status = 0;                    ///< the HTTP status answered
  std::string detail;
};
Status WriteAudit(SqlTxn& txn, const AuditEntry& e);
Status WriteAudit(Store& store, const AuditEntry& e);
/// Newest first; `customer_id` empty: every entry.
Result<std::vector<AuditEntry>> ListAudit(Store& store, std::string_view customer_id, std::int64_t limit,
                                          std::int64_t offset);

// ---------------------------------------------------------------------------------------
// Webhook outbox

enum class OutboxStatus : std::uint8_t { kPending = 0, kDelivered, kDead };
std::string_view OutboxStatusName(OutboxStatus s);  ///< "pending", "delivered", "dead"

struct OutboxItem {
  std::int64_t entry_id = 0;
  std::string idempotency_key;  ///< "alert-<id>-<webhook>-<n>": the same across retries
  std::string webhook;          ///< the configured webhook's name
  std::int64_t alert_id = 0;
  std::string payload;  ///< the request body, rendered when enqueued
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;
  UnixSeconds next_attempt_at = 0, created_at = 0, delivered_at = 0;
  std::string last_error;
};
/// Adds a pending delivery (in the caller's transaction, the alert's). A repeated
/// idempotency key is ignored (returns false).
Result<bool> EnqueueOutbox(SqlTxn& txn, const OutboxItem& item);
/// Pending items due at `now`, oldest first.
Result<std::vector<OutboxItem>> DueOutbox(Store& store, UnixSeconds now, std::int64_t limit);
Status MarkOutboxDelivered(Store& store, std::int64_t entry_id, UnixSeconds now);
/// Counts the attempt; schedules the next at `next_attempt_at`, or marks the item dead
/// when `dead` (the attempt budget is spent).
Status MarkOutboxFailed(Store& store, std::int64_t entry_id, std::string_view error, UnixSeconds next_attempt_at, bool dead);
/// Items in any status, newest first (admin view, tests).
Result<std::vector<OutboxItem>> ListOutbox(Store& store, std::int64_t limit);

}  // namespace churnwatch

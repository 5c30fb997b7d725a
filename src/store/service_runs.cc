// Run history (service_store.h): each run's customers and zones are kept, so a later run
// is compared with the one before it instead of replacing it.
#include <array>
#include <map>

#include "churnwatch/service_store.h"

namespace churnwatch {
namespace {

RunRecord DecodeRun(const SqlRow& r) {
  RunRecord x;
  x.run_id = r[0];
  x.created_at = r.Int(1);
  x.as_of = r[2];
  x.model_version = r[3];
  x.customers = r.Int(4);
  x.alerts_opened = r.Int(5);
  x.alerts_escalated = r.Int(6);
  x.summary_json = r[7];
  return x;
}

constexpr std::string_view kRunColumns =
    "run_id, created_at, as_of, model_version, customers, alerts_opened, alerts_escalated, summary";

}  // namespace

Result<RunRecord> RecordRun(Store& store, RunRecord run, const std::vector<RunZone>& zones,
                            const std::vector<AlertInput>& alerts, UnixSeconds now) {
  run.created_at = now;
  run.alerts_opened = run.alerts_escalated = 0;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    const std::array<SqlParam, 1> id = {run.run_id};
    CW_ASSIGN_OR_RETURN(auto existing, txn.Query("SELECT run_id FROM runs WHERE run_id = $1", id));
    if (!existing.empty()) return Status::Conflict("run " + run.run_id + " is already recorded");
    for (const auto& z : zones) {
      const std::array<SqlParam, 5> p = {run.run_id, z.customer_id, z.zone, z.grade, z.p_churn};
      CW_RETURN_IF_ERROR(
          txn.Execute("INSERT INTO run_zones (run_id, customer_id, zone, grade, p_churn) VALUES ($1, $2, $3, $4, $5)", p)
              .status());
    }
    for (const auto& a : alerts) {
      CW_ASSIGN_OR_RETURN(RaiseResult r, RaiseAlert(txn, a, now));
      if (r.outcome == RaiseOutcome::kOpened) ++run.alerts_opened;
      if (r.outcome == RaiseOutcome::kEscalated) ++run.alerts_escalated;
    }
    const std::array<SqlParam, 8> p = {run.run_id,    run.created_at,    run.as_of,
                                       run.model_version, run.customers, run.alerts_opened,
                                       run.alerts_escalated, run.summary_json};
    return txn
        .Execute("INSERT INTO runs (run_id, created_at, as_of, model_version, customers, alerts_opened, alerts_escalated, "
                 "summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 p)
        .status();
  }));
  return run;
}

Result<std::vector<RunRecord>> ListRuns(Store& store, std::int64_t limit, std::int64_t offset) {
  std::vector<RunRecord> out;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    const std::array<SqlParam, 2> p = {std::max<std::int64_t>(0, limit), std::max<std::int64_t>(0, offset)};
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT " + std::string(kRunColumns) +
                                                 " FROM runs ORDER BY created_at DESC, run_id DESC LIMIT $1 OFFSET $2",
                                             p));
    for (const auto& r : rows) out.push_back(DecodeRun(r));
    return Status::OK();
  }));
  return out;
}

Result<RunChanges> CompareWithPreviousRun(Store& store, std::string_view run_id, std::int64_t limit) {
  RunChanges out;
  out.run_id = std::string(run_id);
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    const std::array<SqlParam, 1> id = {std::string(run_id)};
    CW_ASSIGN_OR_RETURN(auto self, txn.Query("SELECT created_at FROM runs WHERE run_id = $1", id));
    if (self.empty()) return Status::NotFound("run " + std::string(run_id) + " does not exist");
    const UnixSeconds at = self[0].Int(0);
    const std::array<SqlParam, 3> q = {at, at, std::string(run_id)};
    CW_ASSIGN_OR_RETURN(auto prev, txn.Query("SELECT run_id, created_at FROM runs WHERE created_at < $1 OR (created_at = $2 "
                                             "AND run_id < $3) ORDER BY created_at DESC, run_id DESC LIMIT 1",
                                             q));
    std::map<std::string, std::string> before, after;
    CW_ASSIGN_OR_RETURN(auto now_rows, txn.Query("SELECT customer_id, zone FROM run_zones WHERE run_id = $1", id));
    for (const auto& r : now_rows) after[r[0]] = r[1];
    UnixSeconds prev_at = 0;
    if (!prev.empty()) {
      out.previous_run_id = prev[0][0];
      prev_at = prev[0].Int(1);
      const std::array<SqlParam, 1> pid = {out.previous_run_id};
      CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT customer_id, zone FROM run_zones WHERE run_id = $1", pid));
      for (const auto& r : rows) before[r[0]] = r[1];
      const std::array<SqlParam, 2> w = {prev_at, at};
      CW_ASSIGN_OR_RETURN(auto won, txn.Query("SELECT COUNT(*) FROM alerts WHERE opened_at <= $1 AND outcome = 'won_back' "
                                              "AND closed_at <= $2",
                                              w));
      out.won_back_since_previous = won.at(0).Int(0);
    }
    auto zone_of = [](const std::map<std::string, std::string>& m, const std::string& c) -> std::string {
      const auto it = m.find(c);
      return it == m.end() || it->second.empty() ? "none" : it->second;
    };
    std::map<std::string, int> seen;
    for (const auto& [c, z] : before) seen[c] = 1;
    for (const auto& [c, z] : after) seen[c] = 1;
    for (const auto& [c, unused] : seen) {
      const std::string b = zone_of(before, c), a = zone_of(after, c);
      const int sb = ZoneSeverity(b), sa = ZoneSeverity(a);
      if (b == a) {
        ++out.unchanged;
        continue;
      }
      if (sb == 0 && sa > 0) ++out.entered;
      else if (sb > 0 && sa == 0) ++out.left;
      else if (sa > sb) ++out.upgraded;
      else ++out.downgraded;
      if (static_cast<std::int64_t>(out.changes.size()) < limit) out.changes.push_back({c, b, a});
    }
    return Status::OK();
  }));
  return out;
}

}  // namespace churnwatch

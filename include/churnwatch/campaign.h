#pragma once
/// \file campaign.h
/// Campaigns with a control group (docs/campaign.md): who a campaign targets, who is held
/// back as the random control group, and the treated list handed to delivery.
///
/// A campaign is created once from targets (a `run` action list, or a selection of the
/// customers a `run` or `score` stored) and never changes: every assignment is stored with
/// the campaign (Store::CreateCampaign), so outcomes measured weeks later compare exactly
/// the customers that were, and were not, contacted.
///
/// Control group: within each stratum (zone × value tier) the customers are ordered by a
/// hash of (campaign id, customer id) (SHA-256, first 8 bytes) and the first
/// round(share × n) of them are the control, the rounding itself decided by a hash of
/// (campaign id, stratum) so that the expected control share is exactly `share` even in
/// strata of one customer. The assignment therefore depends only on the campaign id and
/// the set of targets: never on their order, the clock or the machine.
///
/// Thread safety: free functions; a Store is used from one thread at a time.

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/status.h"
#include "churnwatch/store.h"
#include "churnwatch/types.h"

namespace churnwatch {

/// One customer a campaign targets, with the action planned for them.
struct CampaignTarget {
  std::string customer_id;
  std::string action;       ///< playbook action key, e.g. "coupon"
  std::string channel;
  std::string cause;        ///< reason category key of the customer's first reason, or empty
  std::string zone;         ///< "red" | "yellow" | "blue" | "none" | empty
  std::string value_tier;   ///< "high" | "mid" | "low" | empty
  double cost = 0;          ///< cost of the action per treated customer
};

/// What a campaign is and how its outcomes are measured.
struct CampaignSpec {
  std::string campaign_id;             ///< 1–64 of letters, digits, '-', '_', '.'
  std::string name;
  DayNumber start_day = 0;             ///< first day of delivery; outcomes count from this day
  double control_share = 0.10;         ///< in [0.01, 0.9]
  int purchase_window_days = 30;       ///< "purchase within 30 days": days start .. start+29
  int winback_days = 90;               ///< H: "win-back within H": days start .. start+H−1
  double margin_rate = 0.30;           ///< share of revenue that is margin, in (0, 1]
  std::string source;                  ///< how the targets were chosen (for people)
  /// Outcomes recorded outside the store (an imported experiment): their names, in the
  /// order of CampaignAssignmentRow::observed, and which of them are 0/1. Empty for a
  /// campaign measured from later orders.
  std::vector<std::string> observed_metrics;
  std::vector<bool> observed_binary;
  std::string primary_metric;          ///< the metric the learning step uses (default win_back)
  std::string created_at;              ///< ISO timestamp, set when stored

  std::string ToJson() const;
  /// kDataError naming the field for a damaged document.
  static Result<CampaignSpec> FromJson(std::string_view json);
};

/// kInvalidArgument naming the first bad field (id, share, windows, margin).
Status ValidateCampaignSpec(const CampaignSpec& spec);

/// The targets of a `run` action list (actions.csv: header with at least customer_id and
/// action; zone, value_tier, reasons (first one is the cause, '|'-separated), channel and
/// action_cost are read when present). kNotFound for a missing file; kInvalidArgument
/// naming file, line and field for a missing column, an empty customer id or action, a bad
/// cost or a customer listed twice.
Result<std::vector<CampaignTarget>> ReadActionList(const std::filesystem::path& path);

/// A selection of the customers the last `run` (result table "run_customers") or `score`
/// (result table "scores", needed for `segments`) stored. Empty filters select everything;
/// `list` (a file of customer ids, one per line, or a CSV with a customer_id column) keeps
/// only the customers named there.
struct CampaignSelection {
  std::vector<std::string> zones;
  std::vector<std::string> reasons;     ///< reason keys matched against the first reason
  std::vector<std::string> segments;    ///< RFM segment names
  std::vector<std::string> value_tiers;
  std::filesystem::path list;
  std::string action;                   ///< required: the action every selected customer gets
  std::string channel;
  double cost = 0;
};

/// kNotFound when the needed result table is absent (saying which command stores it);
/// kInvalidArgument for no action, an unknown zone, or a list file naming a customer twice;
/// kDataError when the selection is empty.
Result<std::vector<CampaignTarget>> SelectTargets(Store& store, const CampaignSelection& selection);

/// One target's place in the campaign.
struct Assignment {
  CampaignTarget target;
  bool control = false;
};

/// The stratified, deterministic control group described above. `share` in [0, 1].
/// Targets must have distinct customer ids. The result is in customer-id order.
std::vector<Assignment> AssignControlGroup(std::string_view campaign_id, std::span<const CampaignTarget> targets,
                                           double share);

/// The 64-bit hash the assignment orders by (exposed for tests and audits).
std::uint64_t CampaignHash(std::string_view campaign_id, std::string_view key);

struct CampaignCreateOutcome {
  CampaignSpec spec;
  std::int64_t targets = 0;
  std::int64_t treated = 0;
  std::int64_t control = 0;
  double treated_cost = 0;
  /// Per stratum "zone|value_tier": {treated, control}.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> strata;
  std::filesystem::path treated_file;   ///< the delivery list, empty when none was written
};

/// Creates a campaign: assigns the control group, stores the campaign and every assignment
/// in one transaction, and writes the treated customers (customer_id, action, channel,
/// cause, zone, value_tier, action_cost) to `treated_csv` unless it is empty. The control
/// group is never exported: it must not be contacted. kInvalidArgument for a bad spec, no
/// targets or an id that exists; store errors as they come; kIOError when the file cannot
/// be written (the campaign is then already stored: the file can be re-exported with
/// ExportTreated).
Result<CampaignCreateOutcome> CreateCampaign(Store& store, const CampaignSpec& spec,
                                             std::span<const CampaignTarget> targets,
                                             const std::filesystem::path& treated_csv);

/// Writes the treated customers of a stored campaign to `path` (as CreateCampaign).
Status ExportTreated(Store& store, std::string_view campaign_id, const std::filesystem::path& path);

/// Reads a stored campaign: kNotFound for an unknown id.
Result<CampaignSpec> LoadCampaignSpec(Store& store, std::string_view campaign_id);

}  // namespace churnwatch

#pragma once
/// \file campaign_report.h
/// Measuring a campaign (docs/campaign.md): outcomes from the orders that came after it,
/// treated against control, absolute uplift with a 95 % interval and a p-value.
///
/// Outcome windows, counted in whole business days from the campaign's start day S (the
/// same convention as churn labels, whose window after a cutoff T is T .. T+H−1):
///  - purchase (0/1): an order (not a return) on a day in S .. S+29 (purchase_window_days);
///  - revenue, margin: net amount of the orders in that window (returns subtract), and
///    revenue × margin_rate;
///  - win_back (0/1): an order on a day in S .. S+H−1 (winback_days);
///  - revenue_h: net amount in S .. S+H−1;
///  - cost: the action's cost for the treated, 0 for the control.
/// A window is matured when the store holds orders up to its last day; an immature window
/// is reported with a warning, never silently as if complete.
///
/// Statistics: binary outcomes by the two-proportion comparison (unpooled Wald interval,
/// pooled z-test p-value, two-sided), money by Welch's t (Welch–Satterthwaite degrees of
/// freedom, two-sided). A comparison warns "too small to tell" when either group has fewer
/// than kMinGroupSize customers or, for a 0/1 outcome, fewer than 5 successes or 5
/// failures (where the normal approximation behind the interval is not trustworthy).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/campaign.h"
#include "churnwatch/data_model.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch {

inline constexpr std::int64_t kMinGroupSize = 30;

/// One assigned customer with the outcomes measured for them, in the campaign's metric
/// order (CampaignMetrics).
struct CustomerOutcome {
  std::string customer_id;
  bool control = false;
  std::string action, cause, value_tier, zone;
  double cost = 0;
  std::vector<double> values;  ///< one per metric
};

/// The metrics of a campaign: names and whether each is 0/1.
struct CampaignMetric {
  std::string name;
  bool binary = false;
};
std::vector<CampaignMetric> CampaignMetrics(const CampaignSpec& spec);

/// Outcomes of `assignments` from `transactions` (any order; other customers' rows are
/// ignored). `data_last_day` is the last day the store holds orders for (windows ending
/// after it are immature). Pure: the tests call it on hand-made orders.
std::vector<CustomerOutcome> OutcomesFromOrders(const CampaignSpec& spec,
                                                std::span<const CampaignAssignmentRow> assignments,
                                                std::span<const Transaction> transactions);

/// Outcomes of a stored campaign: from later orders in the store, or from the observed
/// values stored with an imported experiment. Sets `data_last_day` (the store's last
/// transaction day, or the start day for an imported experiment).
Result<std::vector<CustomerOutcome>> LoadCampaignOutcomes(Store& store, const CampaignSpec& spec,
                                                          DayNumber* data_last_day);

/// Difference of two groups' means (treated − control).
struct UpliftEstimate {
  std::int64_t n_treated = 0, n_control = 0;
  double treated_mean = kNaN, control_mean = kNaN;
  double uplift = kNaN;             ///< absolute: treated − control
  double ci_low = kNaN, ci_high = kNaN;  ///< 95 %
  double statistic = kNaN;          ///< z (binary) or Welch t
  double df = kNaN;                 ///< Welch degrees of freedom (NaN for binary)
  double p_value = kNaN;            ///< two-sided
  std::string warning;              ///< "" or why the groups are too small to tell
};

/// Two-proportion comparison of successes x_t of n_t against x_c of n_c.
UpliftEstimate CompareProportions(std::int64_t x_treated, std::int64_t n_treated, std::int64_t x_control,
                                  std::int64_t n_control);
/// Welch comparison of two samples' means.
UpliftEstimate CompareMeans(std::span<const double> treated, std::span<const double> control);

/// Two-sided p-value of Student's t with `df` degrees of freedom; and the quantile t with
/// P(|T| > t) = alpha.
double StudentTwoSidedP(double t, double df);
double StudentTwoSidedQuantile(double alpha, double df);

/// One row of the report: a group of customers and one metric.
struct CampaignReportRow {
  std::string level;        ///< "campaign" | "action" | "cause_tier"
  std::string action;       ///< "" = all
  std::string cause;
  std::string value_tier;
  std::string metric;
  bool binary = false;
  UpliftEstimate estimate;
};

/// Money of a group: cost of the treated, and incremental revenue (revenue uplift × treated).
struct CampaignGroupMoney {
  std::string level, action, cause, value_tier;
  std::int64_t n_treated = 0, n_control = 0;
  double cost = 0;
  double incremental_revenue = kNaN;
  double incremental_margin = kNaN;
  double net = kNaN;        ///< incremental revenue − cost
  std::string revenue_metric;  ///< which metric the incremental revenue is from
};

struct CampaignReport {
  CampaignSpec spec;
  std::int64_t treated = 0, control = 0;
  DayNumber data_last_day = 0;
  std::vector<CampaignMetric> metrics;
  std::vector<CampaignReportRow> rows;
  std::vector<CampaignGroupMoney> money;
  std::vector<std::string> warnings;   ///< campaign-level (immature windows, tiny groups)
};

/// The report of outcomes already loaded (pure).
CampaignReport BuildCampaignReport(const CampaignSpec& spec, std::span<const CustomerOutcome> outcomes,
                                   DayNumber data_last_day);

/// The report of a stored campaign (kNotFound for an unknown id).
Result<CampaignReport> ReportCampaign(Store& store, std::string_view campaign_id);

/// The report as CSV (one line per row, money columns on the group's rows) and as JSON.
std::string CampaignReportCsv(const CampaignReport& report);
std::string CampaignReportJson(const CampaignReport& report);

}  // namespace churnwatch

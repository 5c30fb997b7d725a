// The CLV stage end to end (clv_run.h): summaries at the cutoff, both fits, fallbacks when
// spend cannot be modelled, per-customer values and the optional holdout comparison.
#include <cmath>
#include <string>

#include "churnwatch/clv_run.h"

namespace churnwatch::clv {
namespace {

// Pearson correlation of x and mean spend over repeat buyers (NaN with fewer than 3).
double SpendFrequencyCorrelation(const std::vector<CustomerSummary>& s) {
  double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (const auto& c : s) {
    if (!(c.x >= 1 && c.mean_spend > 0)) continue;
    n += 1;
    sx += c.x;
    sy += c.mean_spend;
    sxx += c.x * c.x;
    syy += c.mean_spend * c.mean_spend;
    sxy += c.x * c.mean_spend;
  }
  if (n < 3) return kNaN;
  const double cov = sxy / n - sx / n * sy / n;
  const double vx = sxx / n - sx / n * sx / n, vy = syy / n - sy / n * sy / n;
  return vx > 0 && vy > 0 ? cov / std::sqrt(vx * vy) : kNaN;
}

}  // namespace

double DaysPerUnit(TimeUnit unit) { return unit == TimeUnit::kWeeks ? 7.0 : 1.0; }

Result<TimeUnit> ParseTimeUnit(std::string_view text) {
  if (text == "days" || text == "day" || text == "d") return TimeUnit::kDays;
  if (text == "weeks" || text == "week" || text == "w") return TimeUnit::kWeeks;
  return Status::InvalidArgument("--time-unit '" + std::string(text) + "' is not one of: days, weeks");
}

Status ValidateClvOptions(const ClvOptions& o) {
  CW_RETURN_IF_ERROR(ValidateHorizonDays(o.horizon_days));
  if (!(o.margin > 0 && o.margin <= 1))
    return Status::InvalidArgument("margin = " + std::to_string(o.margin) + " must be within (0, 1]");
  if (!(o.monthly_discount_rate >= 0 && o.monthly_discount_rate < 1))
    return Status::InvalidArgument("monthly discount rate = " + std::to_string(o.monthly_discount_rate) +
                                   " must be within [0, 1)");
  if (o.months < 1 || o.months > 120)
    return Status::InvalidArgument("months = " + std::to_string(o.months) + " must be within 1..120");
  if (o.holdout_days < 0 || o.holdout_days > 3650)
    return Status::InvalidArgument("holdout_days = " + std::to_string(o.holdout_days) + " must be within 0..3650");
  if (o.threads < 1) return Status::InvalidArgument("threads = " + std::to_string(o.threads) + " must be >= 1");
  return Status::OK();
}

Result<ClvResult> ComputeClv(const RetailColumns& columns, const ClvOptions& options) {
  CW_RETURN_IF_ERROR(ValidateClvOptions(options));
  const std::vector<RfmSummary> rfm = ComputeRfmSummaries(columns, options.as_of, options.unit);
  if (rfm.empty()) {
    std::string span = columns.first_day == kNoDay ? "the store has no transactions"
                                                   : "transactions start on " + FormatIsoDate(columns.first_day);
    return Status::DataError("no customer has a purchase before the cutoff " + FormatIsoDate(options.as_of) + " (" +
                             span + ")");
  }
  ClvResult result;
  result.options = options;
  std::vector<CustomerSummary> summaries(rfm.size());
  std::vector<CustomerIdx> customers(rfm.size());
  double repeat_spend_sum = 0, first_spend_sum = 0;
  for (std::size_t i = 0; i < rfm.size(); ++i) {
    summaries[i] = {rfm[i].x, rfm[i].t_x, rfm[i].T, rfm[i].mean_repeat_spend};
    customers[i] = rfm[i].customer;
    result.customer_ids.push_back(columns.customer_ids[rfm[i].customer]);
    first_spend_sum += rfm[i].first_day_spend;
    if (rfm[i].x >= 1 && rfm[i].mean_repeat_spend > 0) {
      result.repeat_buyers += 1;
      repeat_spend_sum += rfm[i].mean_repeat_spend;
    }
  }

  FitOptions fit_options = options.fit;
  fit_options.threads = options.threads;
  auto bg = FitBgNbd(summaries, fit_options);
  if (!bg.ok()) return bg.status().WithContext("BG/NBD at cutoff " + FormatIsoDate(options.as_of));
  result.bgnbd = *bg;
  result.bgnbd_note = BgNbdDropoutNote(bg->params);

  auto gg = FitGammaGamma(summaries, fit_options);
  bool use_gg = false;
  if (!gg.ok() && gg.status().code() == StatusCode::kInternal) return gg.status();
  if (!gg.ok()) {
    result.gamma_gamma_note = gg.status().message();
  } else {
    result.gamma_gamma = *gg;
    if (!(gg->params.q > 1))
      result.gamma_gamma_note = "q = " + std::to_string(gg->params.q) + " <= 1: the model's mean spend is infinite";
    else
      use_gg = true;
    if (!gg->report.converged) result.gamma_gamma_note += (result.gamma_gamma_note.empty() ? "" : "; ") +
                                                          std::string("fit did not converge: ") + gg->report.reason;
  }
  if (!use_gg && !result.gamma_gamma_note.empty())
    result.gamma_gamma_note += "; expected spend falls back to each customer's own mean repeat spend";
  // Fallback spend for customers the customer's own history cannot inform.
  const double overall_spend = result.repeat_buyers > 0 ? repeat_spend_sum / static_cast<double>(result.repeat_buyers)
                                                        : first_spend_sum / static_cast<double>(rfm.size());
  std::vector<double> spend(summaries.size());
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const CustomerSummary& c = summaries[i];
    spend[i] = use_gg ? ExpectedNetSpend(gg->params, c, rfm[i].net_share)
                      : (c.x >= 1 && c.mean_spend > 0 ? c.mean_spend : overall_spend * rfm[i].net_share);
  }
  result.spend_frequency_correlation = SpendFrequencyCorrelation(summaries);

  const double unit_days = DaysPerUnit(options.unit);
  ScoreOptions score;
  score.horizon = options.horizon_days / unit_days;
  score.month_length = kDaysPerMonth / unit_days;
  score.months = options.months;
  score.margin = options.margin;
  score.monthly_discount_rate = options.monthly_discount_rate;
  score.threads = options.threads;
  CW_ASSIGN_OR_RETURN(result.values, ScoreCustomers(result.bgnbd.params, summaries, spend, score));
  result.values.customers = std::move(customers);
  result.values.summaries = std::move(summaries);

  if (options.holdout_days > 0) {
    const DayNumber end = options.as_of + options.holdout_days;  // exclusive
    if (columns.last_day == kNoDay || end - 1 > columns.last_day)
      return Status::InvalidArgument("holdout of " + std::to_string(options.holdout_days) + " days from " +
                                     FormatIsoDate(options.as_of) + " ends after the last day of data (" +
                                     (columns.last_day == kNoDay ? std::string("none") : FormatIsoDate(columns.last_day)) +
                                     ")");
    ClvHoldout h;
    h.days = options.holdout_days;
    for (std::size_t i = 0; i < result.values.size(); ++i) {
      const double e = ExpectedPurchases(result.bgnbd.params, result.values.summaries[i], options.holdout_days / unit_days);
      if (std::isnan(e))
        return Status::DataError("holdout: expected purchases could not be computed for customer " +
                                 result.customer_ids[i] + " (hypergeometric series did not converge)");
      h.predicted += e;
      const CustomerIdx c = result.values.customers[i];
      DayNumber previous = kNoDay;
      for (std::uint64_t r = columns.txn_offsets[c]; r < columns.txn_offsets[c + 1]; ++r) {
        const DayNumber d = columns.day[r];
        if (columns.is_return[r] || d < options.as_of || d >= end || d == previous) continue;
        h.actual += 1;  // rows are sorted by day, so a new day is a new purchase day
        previous = d;
      }
    }
    result.holdout = h;
  }
  return result;
}

Result<RetailColumns> LoadTransactionColumns(Store& store, int threads) {
  ColumnarBuilder builder;
  CW_ASSIGN_OR_RETURN(const std::int64_t rows, store.CountRows(Table::kTransactions));
  builder.Reserve(static_cast<std::size_t>(rows), 0);
  CW_RETURN_IF_ERROR(store.ScanTransactions([&](std::span<const Transaction> batch) {
    builder.AddTransactions(batch);
    return Status::OK();
  }));
  return builder.Build(threads);
}

}  // namespace churnwatch::clv

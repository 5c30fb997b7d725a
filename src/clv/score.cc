// Batch scoring: per-customer values for many customers. Identical histories are scored
// once (the grouping of history_groups.h), and the distinct histories are split across
// threads; each thread writes only its own slots, so the result does not depend on the
// thread count.
#include <algorithm>
#include <cmath>
#include <vector>

#include "churnwatch/clv_run.h"
#include "clv/history_groups.h"
#include "churnwatch/thread_pool.h"

namespace churnwatch::clv {

Result<ClvValues> ScoreCustomers(const BgNbdParams& params, std::span<const CustomerSummary> summaries,
                                 std::span<const double> spend, const ScoreOptions& options) {
  CW_RETURN_IF_ERROR(ValidateSummaries(summaries));
  if (!spend.empty() && spend.size() != summaries.size())
    return Status::InvalidArgument("ScoreCustomers: " + std::to_string(spend.size()) + " spend values for " +
                                   std::to_string(summaries.size()) + " customers");
  CW_ASSIGN_OR_RETURN(const auto groups,
                      internal::TryGroupHistories(summaries, internal::GroupKey::kBgNbd, true, options.threads));
  const std::size_t n_groups = groups.size();
  std::vector<double> g_alive(n_groups), g_reported(n_groups), g_expected(n_groups), g_any(n_groups);
  // CLV per unit of spend and margin: the discounted expected purchases of each month.
  std::vector<double> g_discounted(options.with_clv ? n_groups : 0);

  auto work = [&](std::size_t begin, std::size_t end) {
    for (std::size_t g = begin; g < end; ++g) {
      const CustomerSummary c{groups.x[g], groups.u[g], groups.v[g], 0};
      g_alive[g] = ProbabilityAlive(params, c);
      g_reported[g] = ReportedProbabilityAlive(params, c);
      g_expected[g] = ExpectedPurchases(params, c, options.horizon);
      g_any[g] = ProbabilityAnyPurchase(params, c, options.horizon);
      if (options.with_clv)
        g_discounted[g] = CustomerLifetimeValue(params, c, 1.0, 1.0, options.monthly_discount_rate, options.months,
                                                options.month_length);
    }
  };
  const std::size_t threads = std::clamp<std::size_t>(options.threads, 1, std::max<std::size_t>(1, n_groups / 1024));
  CW_RETURN_IF_ERROR(ParallelForChunks(n_groups, std::max<std::size_t>(1, (n_groups + threads - 1) / threads),
                                       static_cast<int>(threads), work));
  for (std::size_t g = 0; g < n_groups; ++g) {
    if (std::isnan(g_expected[g]) || (options.with_clv && std::isnan(g_discounted[g])))
      return Status::DataError("expected purchases could not be computed for the history x = " +
                               std::to_string(groups.x[g]) + ", t_x = " + std::to_string(groups.u[g]) +
                               ", T = " + std::to_string(groups.v[g]) +
                               " (hypergeometric series did not converge; horizon too long for the time unit?)");
  }

  // One pass over customers writing every output column: the arrays are large (10^7
  // customers = 80 MB each), so nothing is written twice and unused columns stay empty.
  // The columns are allocated (and their pages first touched) one per task, then filled in
  // ranges of customers, both on the same threads as above.
  ClvValues v;
  const std::size_t n = summaries.size();
  std::vector<std::vector<double>*> columns = {&v.p_alive, &v.p_alive_model, &v.expected_purchases, &v.p_purchase};
  if (options.with_clv) columns.push_back(&v.clv);
  const std::size_t fill_threads =
      std::clamp<std::size_t>(options.threads, 1, std::max<std::size_t>(1, n / (std::size_t{1} << 16)));
  ThreadPool pool(static_cast<int>(fill_threads));
  CW_RETURN_IF_ERROR(pool.ParallelFor(columns.size(), [&](std::size_t c) { columns[c]->resize(n); }));
  if (!spend.empty()) v.expected_spend.assign(spend.begin(), spend.end());
  CW_RETURN_IF_ERROR(pool.ParallelFor(fill_threads, [&](std::size_t t) {
    for (std::size_t i = n * t / fill_threads; i < n * (t + 1) / fill_threads; ++i) {
      const std::uint32_t g = groups.group_of[i];
      v.p_alive[i] = g_reported[g];
      v.p_alive_model[i] = g_alive[g];
      v.expected_purchases[i] = g_expected[g];
      v.p_purchase[i] = g_any[g];
      if (options.with_clv) v.clv[i] = g_discounted[g] * options.margin * (spend.empty() ? 1.0 : spend[i]);
    }
  }));
  return v;
}

}  // namespace churnwatch::clv

// Maximum-likelihood fits of BG/NBD and Gamma-Gamma. Time (BG/NBD) and money (Gamma-Gamma)
// are rescaled so that their mean is 1 before the search: the optimiser then sees
// parameters of order one whatever the unit (days, weeks, cents), and one set of starting
// points works on real data. Scaling changes the log-likelihood by a known constant only.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "churnwatch/clv.h"
#include "clv/history_groups.h"
#include "clv/likelihoods.h"
#include "clv/optimizer.h"

namespace churnwatch::clv {
namespace {

constexpr std::size_t kParallelGroups = 8192;

Status InvalidField(std::size_t index, const char* field, double value, const char* rule) {
  return Status::InvalidArgument("customer summary #" + std::to_string(index) + ": " + field + " = " +
                                 std::to_string(value) + " " + rule);
}

bool AllPositive(std::initializer_list<double> values) {
  for (double v : values)
    if (!(v > 0) || !std::isfinite(v)) return false;
  return true;
}

// Multiplies every time in BG/NBD groups (t_x, T and the distinct-time table) by `factor`.
void ScaleTimes(internal::HistoryGroups& g, double factor) {
  for (double& t : g.u) t *= factor;
  for (double& t : g.v) t *= factor;
  for (double& t : g.times) t *= factor;
}

}  // namespace

Status ValidateSummaries(std::span<const CustomerSummary> customers) {
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const CustomerSummary& c = customers[i];
    if (!std::isfinite(c.x) || c.x < 0) return InvalidField(i, "x", c.x, "must be a finite count >= 0");
    if (!std::isfinite(c.T) || c.T < 0) return InvalidField(i, "T", c.T, "must be finite and >= 0");
    if (!std::isfinite(c.t_x) || c.t_x < 0 || c.t_x > c.T)
      return InvalidField(i, "t_x", c.t_x, ("must be finite and within [0, T = " + std::to_string(c.T) + "]").c_str());
    if (!std::isfinite(c.mean_spend)) return InvalidField(i, "mean_spend", c.mean_spend, "must be finite");
  }
  return Status::OK();
}

Result<double> BgNbdLogLikelihood(std::span<const CustomerSummary> customers, const BgNbdParams& params) {
  CW_RETURN_IF_ERROR(ValidateSummaries(customers));
  if (!AllPositive({params.r, params.alpha, params.a, params.b}))
    return Status::InvalidArgument("BG/NBD parameters must all be positive and finite (r=" + std::to_string(params.r) +
                                   ", alpha=" + std::to_string(params.alpha) + ", a=" + std::to_string(params.a) +
                                   ", b=" + std::to_string(params.b) + ")");
  CW_ASSIGN_OR_RETURN(auto groups, internal::TryGroupHistories(customers, internal::GroupKey::kBgNbd, false, 1));
  return internal::BgNbdGroupedLogLik(groups, params, nullptr);
}

Result<BgNbdFit> FitBgNbd(std::span<const CustomerSummary> customers, const FitOptions& options) {
  if (customers.empty()) return Status::InvalidArgument("BG/NBD fit: no customers");
  CW_RETURN_IF_ERROR(ValidateSummaries(customers));
  CW_ASSIGN_OR_RETURN(auto groups,
                      internal::TryGroupHistories(customers, internal::GroupKey::kBgNbd, false, options.threads));
  double sum_x = 0, sum_T = 0;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    sum_x += groups.weight[i] * groups.x[i];
    sum_T += groups.weight[i] * groups.v[i];
  }
  if (sum_x == 0)
    return Status::DataError("BG/NBD fit: none of the " + std::to_string(customers.size()) +
                             " customers made a repeat purchase, so purchase rates and dropout cannot be estimated");
  if (sum_T <= 0) return Status::DataError("BG/NBD fit: every customer has T = 0 (first purchase on the cutoff day)");
  const double scale = sum_T / groups.total_weight;  // mean T becomes 1
  ScaleTimes(groups, 1 / scale);
  const double n = groups.total_weight;
  // Both cores for the sum once there are enough distinct histories to pay for waking a
  // thread per evaluation (CDNOW's 1,400 groups are not).
  std::optional<ThreadPool> pool;
  if (groups.size() >= kParallelGroups && options.threads > 1) pool.emplace(options.threads);
  Status pool_failure;

  internal::Objective objective = [&](std::span<const double> theta, std::span<double> grad) {
    const BgNbdParams m{std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2]), std::exp(theta[3])};
    double g[4];
    const double ll =
        internal::BgNbdGroupedLogLik(groups, m, grad.empty() ? nullptr : g, pool ? &*pool : nullptr, &pool_failure);
    if (!grad.empty()) {
      // chain rule through theta = ln(param); minimise the mean negative log-likelihood
      grad[0] = -g[0] * m.r / n;
      grad[1] = -g[1] * m.alpha / n;
      grad[2] = -g[2] * m.a / n;
      grad[3] = -g[3] * m.b / n;
    }
    return -ll / n;
  };
  // Starting points in the rescaled units: the first suits typical retail data (CDNOW's
  // optimum is r=0.24, alpha=0.14, a=0.79, b=2.4); the others cover steadier and
  // more erratic buyers.
  const std::vector<std::vector<double>> starts = {
      {std::log(0.5), std::log(0.5), std::log(1.0), std::log(2.0)},
      {0.0, 0.0, 0.0, 0.0},
      {std::log(2.0), std::log(2.0), std::log(0.5), std::log(5.0)},
  };
  const internal::Minimum best = internal::MinimizeLogParams(objective, starts, options);
  CW_RETURN_IF_ERROR(pool_failure);
  if (!best.found)
    return Status::DataError("BG/NBD fit: the log-likelihood was not finite at any parameters tried (" + best.reason + ")");

  BgNbdFit fit;
  fit.params = {std::exp(best.theta[0]), std::exp(best.theta[1]) * scale, std::exp(best.theta[2]),
                std::exp(best.theta[3])};
  // ln L at the original time scale: each customer's term shifts by -x ln(scale).
  fit.report.log_likelihood = -best.value * n - sum_x * std::log(scale);
  fit.report.converged = best.converged;
  fit.report.reason = best.reason;
  fit.report.iterations = best.evaluations;
  fit.report.customers = customers.size();
  fit.report.groups = groups.size();
  return fit;
}

Result<double> GammaGammaLogLikelihood(std::span<const CustomerSummary> customers, const GammaGammaParams& params) {
  CW_RETURN_IF_ERROR(ValidateSummaries(customers));
  if (!AllPositive({params.p, params.q, params.gamma}))
    return Status::InvalidArgument("Gamma-Gamma parameters must all be positive and finite (p=" +
                                   std::to_string(params.p) + ", q=" + std::to_string(params.q) +
                                   ", gamma=" + std::to_string(params.gamma) + ")");
  CW_ASSIGN_OR_RETURN(auto groups, internal::TryGroupHistories(customers, internal::GroupKey::kGammaGamma, false, 1));
  return internal::GammaGammaGroupedLogLik(groups, params, nullptr);
}

Result<GammaGammaFit> FitGammaGamma(std::span<const CustomerSummary> customers, const FitOptions& options) {
  CW_RETURN_IF_ERROR(ValidateSummaries(customers));
  std::size_t excluded = 0;
  for (const CustomerSummary& c : customers)
    if (c.x >= 1 && !(c.mean_spend > 0)) ++excluded;
  CW_ASSIGN_OR_RETURN(auto groups, internal::TryGroupHistories(customers, internal::GroupKey::kGammaGamma, false, 1));
  const double n = groups.total_weight;
  if (n < 2)
    return Status::DataError("Gamma-Gamma fit: needs at least 2 repeat buyers with a positive mean spend, found " +
                             std::to_string(static_cast<long long>(n)) + " (of " + std::to_string(customers.size()) +
                             " customers)");
  double sum_spend = 0;
  for (std::size_t i = 0; i < groups.size(); ++i) sum_spend += groups.weight[i] * groups.u[i];
  const double scale = sum_spend / n;  // mean spend becomes 1
  for (double& m : groups.u) m /= scale;

  internal::Objective objective = [&](std::span<const double> theta, std::span<double> grad) {
    const GammaGammaParams m{std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2])};
    double g[3];
    const double ll = internal::GammaGammaGroupedLogLik(groups, m, grad.empty() ? nullptr : g);
    if (!grad.empty()) {
      grad[0] = -g[0] * m.p / n;
      grad[1] = -g[1] * m.q / n;
      grad[2] = -g[2] * m.gamma / n;
    }
    return -ll / n;
  };
  // In rescaled money the population mean p*gamma/(q-1) is near 1; CDNOW's optimum is
  // p=6.25, q=3.74, gamma=0.42 in these units.
  const std::vector<std::vector<double>> starts = {
      {std::log(2.0), std::log(3.0), std::log(1.0)},
      {0.0, std::log(2.0), 0.0},
      {std::log(10.0), std::log(10.0), std::log(1.0)},
  };
  const internal::Minimum best = internal::MinimizeLogParams(objective, starts, options);
  if (!best.found)
    return Status::DataError("Gamma-Gamma fit: the log-likelihood was not finite at any parameters tried (" +
                             best.reason + ")");
  GammaGammaFit fit;
  fit.params = {std::exp(best.theta[0]), std::exp(best.theta[1]), std::exp(best.theta[2]) * scale};
  // ln f(zbar) shifts by -ln(scale) per customer when money is rescaled.
  fit.report.log_likelihood = -best.value * n - n * std::log(scale);
  fit.report.converged = best.converged;
  fit.report.reason = best.reason;
  fit.report.iterations = best.evaluations;
  fit.report.customers = static_cast<std::size_t>(n);
  fit.report.groups = groups.size();
  fit.excluded_nonpositive_spend = excluded;
  return fit;
}

}  // namespace churnwatch::clv

// NLopt driver. The objective is a C callback, so exceptions are caught inside it and turned
// into a forced stop (nothing may unwind through C frames), and non-finite values are
// replaced by a large penalty that steers the line search back without poisoning it.
#include "clv/optimizer.h"

#include <nlopt.h>

#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>

namespace churnwatch::clv::internal {
namespace {

constexpr double kPenalty = 1e100;

struct CallbackState {
  const Objective* f = nullptr;
  nlopt_opt opt = nullptr;
  int evaluations = 0;
  bool failed = false;        // an exception was thrown by the objective
  std::string failure;
  std::vector<double> best_theta;
  double best_value = std::numeric_limits<double>::infinity();
  std::vector<double> best_grad;  // gradient at best_theta; empty when not computed there
};

double Callback(unsigned n, const double* x, double* grad, void* data) {
  auto* s = static_cast<CallbackState*>(data);
  s->evaluations += 1;
  try {
    std::span<double> g = grad ? std::span<double>(grad, n) : std::span<double>();
    const double v = (*s->f)(std::span<const double>(x, n), g);
    if (!std::isfinite(v)) {
      for (double& gi : g) gi = 0;
      return kPenalty;
    }
    for (double gi : g)
      if (!std::isfinite(gi)) {
        for (double& gj : g) gj = 0;
        return kPenalty;
      }
    if (v < s->best_value) {
      s->best_value = v;
      s->best_theta.assign(x, x + n);
      s->best_grad.assign(g.begin(), g.end());
    }
    return v;
  } catch (const std::exception& e) {
    s->failed = true;
    s->failure = e.what();
  } catch (...) {
    s->failed = true;
    s->failure = "unknown exception";
  }
  nlopt_force_stop(s->opt);
  return kPenalty;
}

const char* ResultName(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS: return "success";
    case NLOPT_STOPVAL_REACHED: return "stopval reached";
    case NLOPT_FTOL_REACHED: return "ftol reached";
    case NLOPT_XTOL_REACHED: return "xtol reached";
    case NLOPT_MAXEVAL_REACHED: return "evaluation limit reached";
    case NLOPT_MAXTIME_REACHED: return "time limit reached";
    case NLOPT_FAILURE: return "generic failure";
    case NLOPT_INVALID_ARGS: return "invalid arguments";
    case NLOPT_OUT_OF_MEMORY: return "out of memory";
    case NLOPT_ROUNDOFF_LIMITED: return "roundoff limited";
    case NLOPT_FORCED_STOP: return "forced stop";
    default: return "unknown result";
  }
}

// Runs one NLopt algorithm from `theta` (updated in place to the best point seen).
nlopt_result RunStage(nlopt_algorithm algorithm, CallbackState& state, std::vector<double>& theta,
                      const FitOptions& options) {
  const unsigned n = static_cast<unsigned>(theta.size());
  nlopt_opt opt = nlopt_create(algorithm, n);
  if (opt == nullptr) return NLOPT_OUT_OF_MEMORY;
  std::vector<double> lower(n, std::log(options.lower_bound));
  std::vector<double> upper(n, std::log(options.upper_bound));
  nlopt_set_lower_bounds(opt, lower.data());
  nlopt_set_upper_bounds(opt, upper.data());
  state.opt = opt;
  nlopt_set_min_objective(opt, Callback, &state);
  nlopt_set_ftol_rel(opt, 1e-15);
  nlopt_set_xtol_rel(opt, 1e-11);
  nlopt_set_maxeval(opt, options.max_evaluations);
  if (algorithm == NLOPT_LN_NELDERMEAD) {
    std::vector<double> step(n, 0.3);
    nlopt_set_initial_step(opt, step.data());
  }
  double value = 0;
  nlopt_result r = nlopt_optimize(opt, theta.data(), &value);
  nlopt_destroy(opt);
  state.opt = nullptr;
  if (!state.best_theta.empty()) theta = state.best_theta;
  return r;
}

bool StoppedOnTolerance(nlopt_result r) {
  return r == NLOPT_SUCCESS || r == NLOPT_FTOL_REACHED || r == NLOPT_XTOL_REACHED || r == NLOPT_STOPVAL_REACHED ||
         r == NLOPT_ROUNDOFF_LIMITED;
}

Minimum MinimizeFrom(const Objective& f, std::vector<double> theta, const FitOptions& options) {
  CallbackState state;
  state.f = &f;
  Minimum m;
  std::string stages;
  auto gradient_norm = [&](const std::vector<double>& at, double* value) {
    std::vector<double> g(at.size());
    if (at == state.best_theta && state.best_grad.size() == at.size()) {
      // The best point's gradient was computed by the search itself: same point, same numbers.
      *value = state.best_value;
      g = state.best_grad;
    } else {
      *value = f(at, g);
    }
    double norm = 0;
    for (double gi : g) norm = std::max(norm, std::abs(gi));
    return std::isfinite(*value) ? norm : std::numeric_limits<double>::infinity();
  };

  nlopt_result r = RunStage(NLOPT_LD_LBFGS, state, theta, options);
  stages = std::string("L-BFGS: ") + ResultName(r);
  double value = 0;
  double norm = gradient_norm(theta, &value);
  if (!state.failed && !(StoppedOnTolerance(r) && norm < options.gradient_tolerance)) {
    // L-BFGS can stall on the flat, curved ridges these likelihoods have when a Beta
    // parameter runs large; a simplex stage from the best point, then L-BFGS again to
    // polish, usually recovers.
    r = RunStage(NLOPT_LN_NELDERMEAD, state, theta, options);
    stages += std::string("; Nelder-Mead: ") + ResultName(r);
    r = RunStage(NLOPT_LD_LBFGS, state, theta, options);
    stages += std::string("; L-BFGS: ") + ResultName(r);
    norm = gradient_norm(theta, &value);
  }
  m.theta = theta;
  m.value = value;
  m.found = std::isfinite(value) && value < kPenalty;
  m.evaluations = state.evaluations;
  m.gradient_norm = norm;
  m.converged = !state.failed && m.found && StoppedOnTolerance(r) && norm < options.gradient_tolerance;
  char buf[64];
  std::snprintf(buf, sizeof buf, "; max |gradient| %.2g", norm);
  m.reason = stages + buf;
  if (state.failed) m.reason += "; objective failed: " + state.failure;
  return m;
}

}  // namespace

Minimum MinimizeLogParams(const Objective& f, const std::vector<std::vector<double>>& starts,
                          const FitOptions& options) {
  Minimum best;
  int evaluations = 0;
  for (const auto& start : starts) {
    Minimum m = MinimizeFrom(f, start, options);
    evaluations += m.evaluations;
    const bool better = !best.found || (m.found && ((m.converged && !best.converged) ||
                                                    (m.converged == best.converged && m.value < best.value)));
    if (better) best = m;
    if (best.converged) break;
  }
  best.evaluations = evaluations;
  return best;
}

}  // namespace churnwatch::clv::internal

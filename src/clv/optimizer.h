#pragma once
// Maximum-likelihood search shared by the BG/NBD and Gamma-Gamma fits: NLopt's L-BFGS on
// log-parameters with analytic gradients, a derivative-free Nelder-Mead stage when L-BFGS
// stops without a small gradient, and an honest convergence verdict.

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/clv.h"

namespace churnwatch::clv::internal {

/// Mean negative log-likelihood at log-parameters `theta`; fills `grad` (d/dtheta) when it
/// is not empty. May return +inf or NaN where the likelihood is not defined.
using Objective = std::function<double(std::span<const double> theta, std::span<double> grad)>;

struct Minimum {
  std::vector<double> theta;
  double value = 0;            ///< objective at theta (finite when found == true)
  bool found = false;          ///< some finite objective value was seen
  bool converged = false;
  std::string reason;
  int evaluations = 0;
  double gradient_norm = 0;    ///< max |d objective / d theta| at theta
};

/// Minimises `f` from each start in turn, keeping the best converged result (or the best
/// one at all when none converged); later starts are tried only while none converged.
/// Log-parameters are bounded to [log lower_bound, log upper_bound].
Minimum MinimizeLogParams(const Objective& f, const std::vector<std::vector<double>>& starts,
                          const FitOptions& options);

}  // namespace churnwatch::clv::internal

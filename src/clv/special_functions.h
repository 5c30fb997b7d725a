#pragma once
// Special functions the CLV models need and the C++ standard library lacks: the digamma
// function (for analytic likelihood gradients) and the Gauss hypergeometric function 2F1
// (for conditional expected purchases). Private to the clv stage.

namespace churnwatch::clv::internal {

/// psi(x) = d/dx ln Gamma(x) for x > 0 (recurrence up to x >= 10, then the asymptotic series);
/// absolute error below 1e-13.
double Digamma(double x);

/// ln |Gamma(x)| and the sign of Gamma(x), for any real x that is not a non-positive integer.
double LogAbsGamma(double x, int* sign);

/// Outcome of a hypergeometric evaluation: `converged` is false when the series did not
/// reach relative accuracy 1e-15 within its term budget (the value is then the partial sum).
struct HypergeometricValue {
  double value = 0;
  bool converged = false;
};

/// Gauss series sum_{k>=0} (a)_k (b)_k / ((c)_k k!) z^k for |z| < 1, at most `max_terms`
/// terms. c must not be a non-positive integer.
HypergeometricValue Hyp2F1Series(double a, double b, double c, double z, int max_terms);

/// 2F1(a, b; c; z) for 0 <= z < 1: the Gauss series, except for z > 0.9 with c - a - b
/// not within 0.05 of an integer, where the 1 - z transformation (DLMF 15.8.4) makes both
/// series converge fast. Near-integer c - a - b near z = 1 falls back to a long series.
HypergeometricValue Hyp2F1(double a, double b, double c, double z);

}  // namespace churnwatch::clv::internal

#pragma once
/// \file mle.hpp
/// Generic maximum likelihood: QuantLib's Nelder-Mead Simplex on an unconstrained reparametrisation
/// (log for positive parameters, atanh for correlations), restarted until it stops improving, then
/// the observed information (minus the Hessian of the log-likelihood in the natural parameters) by
/// central finite differences, and the covariance as its inverse.
///
/// The Hessian is taken twice: first with steps 1e-4 of the parameter's magnitude, then with steps
/// of a tenth of the standard error found, where the log-likelihood is close to quadratic and
/// rounding error in the differences is negligible.

#include <Eigen/Core>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace kp::calibration::detail {

enum class Bound {
    None,         ///< any real; optimised as value / scale
    Positive,     ///< > 0; optimised as log(value)
    Correlation,  ///< in (-1, 1); optimised as atanh(value)
};

struct MleParameter {
    std::string name;
    Bound bound = Bound::None;
    double scale = 1.0;  ///< typical magnitude: simplex scaling and finite-difference floor
};

struct MleProblem {
    std::vector<MleParameter> parameters;
    /// Log-likelihood at natural parameter values; may return -inf or NaN where undefined.
    std::function<double(const std::vector<double>&)> logLikelihood;
    /// Natural-scale starting points; the best result over all of them is kept.
    std::vector<std::vector<double>> starts;
};

struct MleSolution {
    std::vector<double> theta;
    double logLikelihood = 0.0;
    Eigen::MatrixXd covariance;
    bool converged = false;
    bool standardErrorsAvailable = false;
    std::string status;
    std::size_t evaluations = 0;
};

/// Maximises problem.logLikelihood. Never throws for numerical trouble: it reports it in `status`.
MleSolution maximiseLikelihood(const MleProblem& problem);

/// Observed information -d2 logL / dtheta2 by central differences with steps h (natural scale).
Eigen::MatrixXd observedInformation(const std::function<double(const std::vector<double>&)>& logLik,
                                    const std::vector<double>& theta, const std::vector<double>& h,
                                    std::size_t& evaluations);

}  // namespace kp::calibration::detail

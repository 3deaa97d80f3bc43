#pragma once
/// \file fit_result.hpp
/// What an estimator returns: parameters with standard errors, fit statistics and residual
/// diagnostics, as plain values (STYLE.md section 2: typed results, no relinking of live models).

#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <vector>

namespace kp::calibration {

/// One estimated (or fixed) parameter. Units are those of the model's documentation (per year,
/// per sqrt(year), log price ...).
struct Parameter {
    std::string name;
    double value = 0.0;
    double stdError =
        0.0;  ///< sqrt of the diagonal of the inverse observed information; NaN if unavailable
    bool fixed = false;  ///< held at `value`, not estimated (then stdError is NaN)
};

/// Tests on the standardised residuals z_i, which are i.i.d. N(0,1) if the model is right. For
/// Gaussian transition laws z_i is the standardised one-step prediction error (for Schwartz-Smith,
/// the Kalman innovation); for the jump model it is the probability integral transform
/// Phi^{-1}(F(x_i | x_{i-1})).
struct Diagnostics {
    std::size_t lags = 0;          ///< Ljung-Box lags h
    double ljungBox = 0.0;         ///< Q = n (n+2) sum_{k<=h} r_k^2 / (n-k) on z
    double ljungBoxP = 1.0;        ///< P(chi2_h > Q)
    double ljungBoxSquared = 0.0;  ///< the same on z^2 (volatility clustering)
    double ljungBoxSquaredP = 1.0;
    double skewness = 0.0;
    double excessKurtosis = 0.0;
    double jarqueBera = 0.0;   ///< n/6 (S^2 + K^2/4), K excess kurtosis
    double jarqueBeraP = 1.0;  ///< P(chi2_2 > JB)
};

/// The result of a maximum-likelihood fit of one model to one series.
struct FitResult {
    std::string model;                  ///< "gbm", "ou", "schwartz-smith" or "jump"
    std::vector<Parameter> parameters;  ///< in the documented order of the model
    Eigen::MatrixXd covariance;      ///< of the free parameters, in that order (NaN if unavailable)
    double logLikelihood = 0.0;      ///< of the n transitions, conditional on the first price
    std::size_t freeParameters = 0;  ///< k
    std::size_t observations = 0;    ///< n = number of transitions (prices - 1)
    double aic = 0.0;                ///< 2k - 2 logL
    double bic = 0.0;                ///< k ln n - 2 logL
    Diagnostics diagnostics;
    std::vector<double> residuals;         ///< standardised residuals z_1..z_n
    bool converged = false;                ///< optimiser met its tolerance
    bool standardErrorsAvailable = false;  ///< observed information was positive definite
    std::string status;            ///< "ok" or what went wrong (boundary, non-convergence ...)
    std::size_t evaluations = 0;   ///< likelihood evaluations used
    std::vector<Parameter> state;  ///< latent state at the last date (Schwartz-Smith chi, xi)
    double lastPrice = 0.0;        ///< the last price of the series (the model's spot)
    double years = 0.0;            ///< time from the first to the last price, in years

    /// Estimate / standard error by name; throws InvalidInput for an unknown name.
    const Parameter& parameter(const std::string& name) const;
    double value(const std::string& name) const { return parameter(name).value; }
    double stdError(const std::string& name) const { return parameter(name).stdError; }
};

/// Ljung-Box and Jarque-Bera on residuals (Ljung & Box, Biometrika 65, 1978; Jarque & Bera,
/// Economics Letters 6, 1980). `lags` = 0 picks min(10, n/5).
Diagnostics residualDiagnostics(const std::vector<double>& z, std::size_t lags = 0);

}  // namespace kp::calibration

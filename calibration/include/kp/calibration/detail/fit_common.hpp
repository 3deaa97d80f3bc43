#pragma once
/// \file fit_common.hpp
/// Shared steps of the estimators: input checks on raw vectors, log increments, and assembling a
/// FitResult from an MLE solution.

#include <cstddef>
#include <string>
#include <vector>

#include "kp/calibration/detail/mle.hpp"
#include "kp/calibration/fit_result.hpp"

namespace kp::calibration::detail {

/// Log prices with the step before each: x[0..n], dt[i] = t[i] - t[i-1] (dt[0] unused = 0).
/// Steps repeat (1 day, 3 days over a weekend ...): step[i] indexes uniqueDt, so per-step constants
/// (exponentials, Poisson weights) are computed once per distinct step and likelihood evaluation.
struct LogPath {
    std::vector<double> x;
    std::vector<double> dt;
    std::vector<std::size_t> step;  ///< step[i] = index of dt[i] in uniqueDt (step[0] unused)
    std::vector<double> uniqueDt;   ///< distinct steps, increasing
    std::size_t transitions() const { return x.size() - 1; }
};

/// Checks sizes, times strictly increasing and finite, prices finite and positive; throws
/// InvalidInput naming the index ("<model>: price 17 is -1, but must be positive").
LogPath makeLogPath(const std::vector<double>& times, const std::vector<double>& prices,
                    const std::string& model, std::size_t minimumPrices);

/// Fills parameters (free ones from the solution in order, then the fixed ones at `fixedAt`),
/// covariance, logL, AIC, BIC, status; residual diagnostics from `residuals`.
FitResult assemble(const std::string& model, const std::vector<std::string>& order,
                   const MleProblem& problem, const MleSolution& solution,
                   const std::vector<Parameter>& fixed, std::size_t observations,
                   std::vector<double> residuals, std::size_t lags);

/// log(sum exp(a_i)) without overflow.
double logSumExp(const std::vector<double>& a, std::size_t n);

}  // namespace kp::calibration::detail

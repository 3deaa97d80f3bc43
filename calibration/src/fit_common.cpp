#include "kp/calibration/detail/fit_common.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kp/core/errors.hpp"

namespace kp::calibration {

const Parameter& FitResult::parameter(const std::string& name) const {
    for (const auto& p : parameters)
        if (p.name == name) return p;
    ::kp::detail::throwInvalid("FitResult: parameter '", name, "' is not a parameter of model '",
                               model, "', but must be one");
}

namespace detail {

LogPath makeLogPath(const std::vector<double>& times, const std::vector<double>& prices,
                    const std::string& model, std::size_t minimumPrices) {
    KP_REQUIRE(times.size() == prices.size(), model, ": number of times is ", times.size(),
               ", but must equal the number of prices (", prices.size(), ")");
    KP_REQUIRE(prices.size() >= minimumPrices, model, ": number of observations is ", prices.size(),
               ", but must be at least ", minimumPrices);
    LogPath p;
    p.x.resize(prices.size());
    p.dt.assign(prices.size(), 0.0);
    for (std::size_t i = 0; i < prices.size(); ++i) {
        KP_REQUIRE(std::isfinite(prices[i]) && prices[i] > 0, model, ": price ", i, " is ",
                   prices[i], ", but must be positive (the model is on log prices)");
        KP_REQUIRE(std::isfinite(times[i]), model, ": time ", i, " is ", times[i],
                   ", but must be finite");
        p.x[i] = std::log(prices[i]);
        if (i > 0) {
            p.dt[i] = times[i] - times[i - 1];
            KP_REQUIRE(p.dt[i] > 0, model, ": time ", i, " is ", times[i],
                       ", but must be later than time ", i - 1, " (", times[i - 1], ")");
        }
    }
    p.uniqueDt.assign(p.dt.begin() + 1, p.dt.end());
    std::sort(p.uniqueDt.begin(), p.uniqueDt.end());
    p.uniqueDt.erase(std::unique(p.uniqueDt.begin(), p.uniqueDt.end()), p.uniqueDt.end());
    p.step.assign(p.x.size(), 0);
    for (std::size_t i = 1; i < p.x.size(); ++i)
        p.step[i] = static_cast<std::size_t>(
            std::lower_bound(p.uniqueDt.begin(), p.uniqueDt.end(), p.dt[i]) - p.uniqueDt.begin());
    return p;
}

FitResult assemble(const std::string& model, const std::vector<std::string>& order,
                   const MleProblem& problem, const MleSolution& solution,
                   const std::vector<Parameter>& fixed, std::size_t observations,
                   std::vector<double> residuals, std::size_t lags) {
    FitResult r;
    r.model = model;
    const std::size_t k = problem.parameters.size();
    for (const std::string& name : order) {
        bool found = false;
        for (std::size_t i = 0; i < k && !found; ++i)
            if (problem.parameters[i].name == name) {
                const auto ii = static_cast<Eigen::Index>(i);
                const double var = solution.covariance(ii, ii);
                r.parameters.push_back({name, solution.theta[i],
                                        std::isfinite(var) && var >= 0
                                            ? std::sqrt(var)
                                            : std::numeric_limits<double>::quiet_NaN(),
                                        false});
                found = true;
            }
        for (const auto& f : fixed)
            if (!found && f.name == name) {
                r.parameters.push_back(f);
                found = true;
            }
    }
    r.covariance = solution.covariance;
    r.logLikelihood = solution.logLikelihood;
    r.freeParameters = k;
    r.observations = observations;
    const double kd = static_cast<double>(k);
    r.aic = 2.0 * kd - 2.0 * r.logLikelihood;
    r.bic = kd * std::log(static_cast<double>(observations)) - 2.0 * r.logLikelihood;
    r.converged = solution.converged;
    r.standardErrorsAvailable = solution.standardErrorsAvailable;
    r.status = solution.status;
    r.evaluations = solution.evaluations;
    r.diagnostics = residualDiagnostics(residuals, lags);
    r.residuals = std::move(residuals);
    return r;
}

double logSumExp(const std::vector<double>& a, std::size_t n) {
    double m = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, a[i]);
    if (!std::isfinite(m)) return m;
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += std::exp(a[i] - m);
    return m + std::log(s);
}

}  // namespace detail
}  // namespace kp::calibration

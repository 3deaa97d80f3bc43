// Exponential Ornstein-Uhlenbeck: exact Gaussian AR(1) transitions of the log price, own dt per
// step.
#include <cmath>
#include <limits>
#include <numbers>

#include "kp/calibration/detail/fit_common.hpp"
#include "kp/calibration/estimators.hpp"

namespace kp::calibration {

namespace {
/// (1 - e^{-a}) / a, continuous at a = 0 (the OU mean and variance factors for kappa near 0).
double oneMinusExpOver(double a) { return a == 0.0 ? 1.0 : -std::expm1(-a) / a; }
}  // namespace

FitResult fitExpOu(const std::vector<double>& times, const std::vector<double>& prices,
                   const FitOptions& options) {
    const detail::LogPath path =
        detail::makeLogPath(times, prices, "ou", minimumObservations(ModelKind::ExpOu));
    const std::size_t n = path.transitions();
    const double log2pi = std::log(2.0 * std::numbers::pi);

    // Mean of x_i: x + (theta - x)(1 - e^{-k dt}); variance sigma^2 dt (1 - e^{-2 k dt}) / (2 k
    // dt). Both factors depend on the step only, so they are computed once per distinct step.
    auto factors = [&](const std::vector<double>& th, std::vector<double>& pull,
                       std::vector<double>& var) {
        const double kappa = th[0], sigma = th[2];
        pull.resize(path.uniqueDt.size());
        var.resize(path.uniqueDt.size());
        for (std::size_t j = 0; j < path.uniqueDt.size(); ++j) {
            const double dt = path.uniqueDt[j];
            pull[j] = kappa * dt * oneMinusExpOver(kappa * dt);
            var[j] = sigma * sigma * dt * oneMinusExpOver(2.0 * kappa * dt);
        }
    };
    auto logLik = [&](const std::vector<double>& th) -> double {
        if (!(th[2] > 0)) return -std::numeric_limits<double>::infinity();
        std::vector<double> pull, var, logVar(path.uniqueDt.size());
        factors(th, pull, var);
        for (std::size_t j = 0; j < var.size(); ++j) {
            if (!(var[j] > 0) || !std::isfinite(var[j]))
                return -std::numeric_limits<double>::infinity();
            logVar[j] = std::log(var[j]);
        }
        const double theta = th[1];
        double ll = 0.0;
        for (std::size_t i = 1; i <= n; ++i) {
            const std::size_t j = path.step[i];
            const double e = path.x[i] - path.x[i - 1] - (theta - path.x[i - 1]) * pull[j];
            ll += -0.5 * (log2pi + logVar[j] + e * e / var[j]);
        }
        return ll;
    };

    // Start: AR(1) regression x_i = a + b x_{i-1} with the mean step, mapped to (kappa, theta,
    // sigma).
    double sx = 0, sy = 0, sxx = 0, sxy = 0, dtMean = 0;
    for (std::size_t i = 1; i <= n; ++i) {
        sx += path.x[i - 1];
        sy += path.x[i];
        sxx += path.x[i - 1] * path.x[i - 1];
        sxy += path.x[i - 1] * path.x[i];
        dtMean += path.dt[i];
    }
    const double nd = static_cast<double>(n);
    dtMean /= nd;
    const double b = (sxy - sx * sy / nd) / (sxx - sx * sx / nd);
    const double a = (sy - b * sx) / nd;
    double resid = 0.0;
    for (std::size_t i = 1; i <= n; ++i) {
        const double e = path.x[i] - a - b * path.x[i - 1];
        resid += e * e;
    }
    resid /= nd;
    double mean = 0.0;
    for (double v : path.x) mean += v;
    mean /= static_cast<double>(path.x.size());
    const bool reverting = b > 0.0 && b < 1.0;
    const double kappa0 = reverting ? -std::log(b) / dtMean : 0.1;
    const double theta0 = reverting ? a / (1.0 - b) : mean;
    const double sigma0 = std::sqrt(resid / dtMean);

    detail::MleProblem problem;
    problem.parameters = {{"kappa", detail::Bound::None, 1.0},
                          {"theta", detail::Bound::None, 1.0},
                          {"sigma", detail::Bound::Positive, 0.1}};
    problem.logLikelihood = logLik;
    problem.starts = {{kappa0, theta0, sigma0}, {1.0, mean, sigma0}};
    const detail::MleSolution sol = detail::maximiseLikelihood(problem);

    std::vector<double> z(n), pull, var;
    factors(sol.theta, pull, var);
    for (std::size_t i = 1; i <= n; ++i) {
        const std::size_t j = path.step[i];
        z[i - 1] = (path.x[i] - path.x[i - 1] - (sol.theta[1] - path.x[i - 1]) * pull[j]) /
                   std::sqrt(var[j]);
    }
    FitResult r = detail::assemble("ou", {"kappa", "theta", "sigma"}, problem, sol, {}, n,
                                   std::move(z), options.ljungBoxLags);
    r.lastPrice = prices.back();
    r.years = times.back() - times.front();
    return r;
}

}  // namespace kp::calibration

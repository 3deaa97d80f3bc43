// Geometric Brownian motion: exact Gaussian log increments with each step's own dt.
#include <cmath>
#include <limits>
#include <numbers>

#include "kp/calibration/detail/fit_common.hpp"
#include "kp/calibration/estimators.hpp"

namespace kp::calibration {

FitResult fitGbm(const std::vector<double>& times, const std::vector<double>& prices,
                 const FitOptions& options) {
    const detail::LogPath path =
        detail::makeLogPath(times, prices, "gbm", minimumObservations(ModelKind::Gbm));
    const std::size_t n = path.transitions();
    const double log2pi = std::log(2.0 * std::numbers::pi);

    auto logLik = [&](const std::vector<double>& th) -> double {
        const double mu = th[0], sigma = th[1];
        if (!(sigma > 0)) return -std::numeric_limits<double>::infinity();
        const double s2 = sigma * sigma, m = mu - 0.5 * s2;
        double ll = 0.0;
        for (std::size_t i = 1; i <= n; ++i) {
            const double dt = path.dt[i];
            const double e = path.x[i] - path.x[i - 1] - m * dt;
            ll += -0.5 * (log2pi + std::log(s2 * dt) + e * e / (s2 * dt));
        }
        return ll;
    };

    // Closed-form MLE as the starting point: m = sum r / sum dt, sigma^2 = mean((r - m dt)^2 / dt).
    double sr = 0.0, st = 0.0;
    for (std::size_t i = 1; i <= n; ++i) {
        sr += path.x[i] - path.x[i - 1];
        st += path.dt[i];
    }
    const double m = sr / st;
    double s2 = 0.0;
    for (std::size_t i = 1; i <= n; ++i) {
        const double e = path.x[i] - path.x[i - 1] - m * path.dt[i];
        s2 += e * e / path.dt[i];
    }
    s2 /= static_cast<double>(n);

    detail::MleProblem problem;
    problem.parameters = {{"mu", detail::Bound::None, 0.1},
                          {"sigma", detail::Bound::Positive, 0.1}};
    problem.logLikelihood = logLik;
    problem.starts = {{m + 0.5 * s2, std::sqrt(s2)}};
    const detail::MleSolution sol = detail::maximiseLikelihood(problem);

    std::vector<double> z(n);
    const double sigma = sol.theta[1], drift = sol.theta[0] - 0.5 * sigma * sigma;
    for (std::size_t i = 1; i <= n; ++i)
        z[i - 1] =
            (path.x[i] - path.x[i - 1] - drift * path.dt[i]) / (sigma * std::sqrt(path.dt[i]));
    FitResult r = detail::assemble("gbm", {"mu", "sigma"}, problem, sol, {}, n, std::move(z),
                                   options.ljungBoxLags);
    r.lastPrice = prices.back();
    r.years = times.back() - times.front();
    return r;
}

}  // namespace kp::calibration

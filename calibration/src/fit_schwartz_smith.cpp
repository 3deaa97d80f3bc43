// Schwartz-Smith two-factor model on one log-price series by the Kalman filter (exact transitions).
#include <cmath>
#include <limits>
#include <numbers>

#include "kp/calibration/detail/fit_common.hpp"
#include "kp/calibration/estimators.hpp"
#include "kp/core/errors.hpp"

namespace kp::calibration {

namespace {

struct FilterOutput {
    std::vector<double> z;  // standardised innovations
    double chi = 0, xi = 0, sdChi = 0, sdXi = 0;
};

/// Kalman log-likelihood of x_1..x_n given x_0. th = (kappa, sigma_chi, mu_xi, sigma_xi).
double filter(const std::vector<double>& th, double rho, const detail::LogPath& path,
              FilterOutput* out) {
    const double kappa = th[0], sc = th[1], mu = th[2], sx = th[3];
    if (!(kappa > 0 && sc > 0 && sx > 0)) return -std::numeric_limits<double>::infinity();
    const double log2pi = std::log(2.0 * std::numbers::pi);
    // Transition constants per distinct step: e^{-kappa dt} and the covariance Q of the increments.
    const std::size_t m = path.uniqueDt.size();
    std::vector<double> decay(m), c00(m), c01(m), c11(m);
    for (std::size_t j = 0; j < m; ++j) {
        const double dt = path.uniqueDt[j];
        decay[j] = std::exp(-kappa * dt);
        c00[j] = sc * sc * (-std::expm1(-2.0 * kappa * dt)) / (2.0 * kappa);
        c01[j] = rho * sc * sx * (-std::expm1(-kappa * dt)) / kappa;
        c11[j] = sx * sx * dt;
    }
    // State (chi, xi) with covariance P; chi(t0) ~ N(0, sc^2/(2 kappa)), xi(t0) = x0 - chi(t0).
    const double v0 = sc * sc / (2.0 * kappa);
    double a0 = 0.0, a1 = path.x[0];
    double p00 = v0, p01 = -v0, p11 = v0;
    const std::size_t n = path.transitions();
    if (out) out->z.resize(n);
    double ll = 0.0;
    for (std::size_t i = 1; i <= n; ++i) {
        const std::size_t j = path.step[i];
        const double dt = path.dt[i];
        const double e1 = decay[j], q00 = c00[j], q01 = c01[j], q11 = c11[j];
        // Predict.
        a0 *= e1;
        a1 += mu * dt;
        p00 = e1 * e1 * p00 + q00;
        p01 = e1 * p01 + q01;
        p11 = p11 + q11;
        // Update with x_i = chi + xi (no measurement error).
        const double f = p00 + 2.0 * p01 + p11;
        if (!(f > 0) || !std::isfinite(f)) return -std::numeric_limits<double>::infinity();
        const double innov = path.x[i] - a0 - a1;
        ll += -0.5 * (log2pi + std::log(f) + innov * innov / f);
        if (out) out->z[i - 1] = innov / std::sqrt(f);
        const double k0 = (p00 + p01) / f, k1 = (p01 + p11) / f;
        a0 += k0 * innov;
        a1 += k1 * innov;
        const double n00 = p00 - k0 * k0 * f, n01 = p01 - k0 * k1 * f, n11 = p11 - k1 * k1 * f;
        p00 = std::max(n00, 0.0);
        p01 = n01;
        p11 = std::max(n11, 0.0);
    }
    if (out) {
        out->chi = a0;
        out->xi = a1;
        out->sdChi = std::sqrt(p00);
        out->sdXi = std::sqrt(p11);
    }
    return ll;
}

}  // namespace

FitResult fitSchwartzSmith(const std::vector<double>& times, const std::vector<double>& prices,
                           const FitOptions& options) {
    const double rho = options.schwartzSmithRho;
    KP_REQUIRE(std::isfinite(rho) && rho > -1.0 && rho < 1.0, "schwartz-smith: rho is ", rho,
               ", but must be in (-1, 1)");
    const detail::LogPath path = detail::makeLogPath(times, prices, "schwartz-smith",
                                                     minimumObservations(ModelKind::SchwartzSmith));
    const std::size_t n = path.transitions();

    // Starting points: GBM moments for the total variance, split between the factors, for a few
    // kappas.
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
    const double s = std::sqrt(s2 / static_cast<double>(n));

    detail::MleProblem problem;
    problem.parameters = {{"kappa", detail::Bound::Positive, 1.0},
                          {"sigma_chi", detail::Bound::Positive, 0.1},
                          {"mu_xi", detail::Bound::None, 0.1},
                          {"sigma_xi", detail::Bound::Positive, 0.1}};
    problem.logLikelihood = [&](const std::vector<double>& th) {
        return filter(th, rho, path, nullptr);
    };
    for (double kappa : {0.5, 2.0, 8.0})
        for (double share : {0.3, 0.7})
            problem.starts.push_back({kappa, s * std::sqrt(share), m, s * std::sqrt(1.0 - share)});
    const detail::MleSolution sol = detail::maximiseLikelihood(problem);

    FilterOutput fo;
    filter(sol.theta, rho, path, &fo);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    FitResult r = detail::assemble(
        "schwartz-smith", {"kappa", "sigma_chi", "mu_xi", "sigma_xi", "rho"}, problem, sol,
        {{"rho", rho, nan, true}}, n, std::move(fo.z), options.ljungBoxLags);
    r.state = {{"chi", fo.chi, fo.sdChi, false}, {"xi", fo.xi, fo.sdXi, false}};
    r.lastPrice = prices.back();
    r.years = times.back() - times.front();
    return r;
}

}  // namespace kp::calibration

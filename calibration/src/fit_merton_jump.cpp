// Merton jump-diffusion: exact transition density as a Poisson mixture of normals, own dt per step.
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "kp/calibration/detail/fit_common.hpp"
#include "kp/calibration/estimators.hpp"

namespace kp::calibration {

namespace {

constexpr std::size_t kMaxJumps =
    400;  // hard cap on mixture terms (lambda dt < ~300 before it binds)

/// Poisson log-weights log P(N = j), j < count, for mean lam; count = terms until the tail < 1e-16.
std::size_t poissonLogWeights(double lam, std::vector<double>& logw) {
    std::size_t count = 0;
    double logp = -lam;
    for (std::size_t j = 0; j < kMaxJumps; ++j) {
        if (j > 0) logp += std::log(lam) - std::log(static_cast<double>(j));
        logw[j] = logp;
        count = j + 1;
        // For j + 1 > lam the tail P(N > j) is below p_j lam / (j + 1 - lam) (geometric bound).
        const double jd = static_cast<double>(j);
        if (jd + 1.0 > lam && std::exp(logp) * lam / (jd + 1.0 - lam) < 1e-16) break;
    }
    return count;
}

}  // namespace

FitResult fitMertonJump(const std::vector<double>& times, const std::vector<double>& prices,
                        const FitOptions& options) {
    const detail::LogPath path =
        detail::makeLogPath(times, prices, "jump", minimumObservations(ModelKind::MertonJump));
    const std::size_t n = path.transitions();
    const double log2pi = std::log(2.0 * std::numbers::pi);

    // th = (mu, sigma, lambda, jump_mean, jump_vol). Mixture terms depend on the step only: for
    // each distinct step, term j has log weight + normalising constant, mean and variance.
    struct Mixture {
        std::vector<std::size_t> first,
            count;  // terms of distinct step s: [first[s], first[s] + count[s])
        std::vector<double> logC, mean, var;
    };
    auto mixture = [&](const std::vector<double>& th, Mixture& mx) {
        const double mu = th[0], sigma = th[1], lambda = th[2], jm = th[3], jv = th[4];
        const double drift = mu - 0.5 * sigma * sigma - lambda * std::expm1(jm + 0.5 * jv * jv);
        std::vector<double> logw(kMaxJumps);
        mx = {};
        for (double dt : path.uniqueDt) {
            const std::size_t count = poissonLogWeights(lambda * dt, logw);
            mx.first.push_back(mx.logC.size());
            mx.count.push_back(count);
            for (std::size_t j = 0; j < count; ++j) {
                const double jd = static_cast<double>(j);
                const double var = sigma * sigma * dt + jd * jv * jv;
                mx.logC.push_back(logw[j] - 0.5 * (log2pi + std::log(var)));
                mx.mean.push_back(drift * dt + jd * jm);
                mx.var.push_back(var);
            }
        }
    };
    auto logLik = [&](const std::vector<double>& th) -> double {
        if (!(th[1] > 0 && th[2] > 0 && th[4] > 0)) return -std::numeric_limits<double>::infinity();
        Mixture mx;
        mixture(th, mx);
        std::vector<double> terms(kMaxJumps);
        double ll = 0.0;
        for (std::size_t i = 1; i <= n; ++i) {
            const std::size_t s = path.step[i], f = mx.first[s], count = mx.count[s];
            const double r = path.x[i] - path.x[i - 1];
            for (std::size_t j = 0; j < count; ++j) {
                const double e = r - mx.mean[f + j];
                terms[j] = mx.logC[f + j] - 0.5 * e * e / mx.var[f + j];
            }
            ll += detail::logSumExp(terms, count);
        }
        return ll;
    };

    // Starts: GBM moments, with jumps of a few daily standard deviations at several intensities.
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
    const double dtMean = st / static_cast<double>(n);
    const double stepSd = s * std::sqrt(dtMean);

    detail::MleProblem problem;
    problem.parameters = {{"mu", detail::Bound::None, 0.1},
                          {"sigma", detail::Bound::Positive, 0.1},
                          {"lambda", detail::Bound::Positive, 1.0},
                          {"jump_mean", detail::Bound::None, 0.05},
                          {"jump_vol", detail::Bound::Positive, 0.05}};
    problem.logLikelihood = logLik;
    const double mu0 = m + 0.5 * s * s;
    // Intensities per year such that about 1, 3 or 10 % of steps carry a jump.
    for (double share : {0.01, 0.03, 0.1})
        problem.starts.push_back({mu0, 0.8 * s, share / dtMean, 0.0, 3.0 * stepSd});
    const detail::MleSolution sol = detail::maximiseLikelihood(problem);

    // Probability-integral-transform residuals: z = Phi^{-1}(F(r)), F the mixture cdf (the smaller
    // tail is summed, so z stays accurate far out).
    const boost::math::normal stdNormal;
    std::vector<double> z(n);
    Mixture mx;
    mixture(sol.theta, mx);
    for (std::size_t i = 1; i <= n; ++i) {
        const std::size_t k = path.step[i], f = mx.first[k], count = mx.count[k];
        const double r = path.x[i] - path.x[i - 1];
        double lower = 0.0, upper = 0.0, total = 0.0;
        for (std::size_t j = 0; j < count; ++j) {
            const double u = (r - mx.mean[f + j]) / std::sqrt(mx.var[f + j]);
            const double w = std::exp(mx.logC[f + j] + 0.5 * (log2pi + std::log(mx.var[f + j])));
            lower += w * boost::math::cdf(stdNormal, u);
            upper += w * boost::math::cdf(boost::math::complement(stdNormal, u));
            total += w;
        }
        lower /= total;
        upper /= total;
        constexpr double tiny = 1e-300;
        z[i - 1] = lower < upper ? boost::math::quantile(stdNormal, std::max(lower, tiny))
                                 : -boost::math::quantile(stdNormal, std::max(upper, tiny));
    }
    FitResult r = detail::assemble("jump", {"mu", "sigma", "lambda", "jump_mean", "jump_vol"},
                                   problem, sol, {}, n, std::move(z), options.ljungBoxLags);
    r.lastPrice = prices.back();
    r.years = times.back() - times.front();
    return r;
}

}  // namespace kp::calibration

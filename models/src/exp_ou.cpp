#include "kp/models/exp_ou.hpp"

#include <algorithm>
#include <cmath>

#include "kp/core/errors.hpp"
#include "kp/core/vmath.hpp"

namespace kp {

namespace {

void checkCommon(const char* where, double spot, double kappa, double sigma) {
    KP_REQUIRE(std::isfinite(spot) && spot > 0, where, ": spot is ", spot,
               ", but must be positive");
    KP_REQUIRE(std::isfinite(kappa) && kappa > 0, where, ": kappa is ", kappa,
               ", but must be positive");
    KP_REQUIRE(std::isfinite(sigma) && sigma >= 0, where, ": sigma is ", sigma,
               ", but must be non-negative");
}

/// (1 - e^{-2 kappa dt}) / (2 kappa), accurate for small kappa dt.
double ouVarianceFactor(double kappa, double dt) {
    return -std::expm1(-2.0 * kappa * dt) / (2.0 * kappa);
}

}  // namespace

ExpOu::ExpOu(ExpOuParams p) : p_(std::move(p)) {
    checkCommon("ExpOu", p_.spot, p_.kappa, p_.sigma);
    KP_REQUIRE(!p_.meanTimes.empty(), "ExpOu: number of mean times is 0, but must be at least 1");
    KP_REQUIRE(p_.meanLevels.size() == p_.meanTimes.size(), "ExpOu: number of mean levels is ",
               p_.meanLevels.size(), ", but must equal the number of mean times (",
               p_.meanTimes.size(), ")");
    KP_REQUIRE(p_.meanTimes[0] == 0.0, "ExpOu: meanTimes[0] is ", p_.meanTimes[0],
               ", but must be 0");
    for (std::size_t i = 1; i < p_.meanTimes.size(); ++i)
        KP_REQUIRE(std::isfinite(p_.meanTimes[i]) && p_.meanTimes[i] > p_.meanTimes[i - 1],
                   "ExpOu: meanTimes[", i, "] is ", p_.meanTimes[i],
                   ", but must be finite and greater than meanTimes[", i - 1, "] (",
                   p_.meanTimes[i - 1], ")");
    for (std::size_t i = 0; i < p_.meanLevels.size(); ++i)
        KP_REQUIRE(std::isfinite(p_.meanLevels[i]), "ExpOu: meanLevels[", i, "] is ",
                   p_.meanLevels[i], ", but must be finite");
    logSpot_ = std::log(p_.spot);
}

double ExpOu::meanIntegral(double t0, double t1) const {
    const auto& tm = p_.meanTimes;
    // piece containing t0: the last i with tm[i] <= t0
    std::size_t i =
        static_cast<std::size_t>(std::upper_bound(tm.begin(), tm.end(), t0) - tm.begin());
    i = i == 0 ? 0 : i - 1;
    double sum = 0.0;
    double a = t0;
    for (; a < t1; ++i) {
        const double b = i + 1 < tm.size() ? std::min(tm[i + 1], t1) : t1;
        // e^{-kappa (t1 - b)} - e^{-kappa (t1 - a)} = -e^{-kappa (t1 - b)} expm1(-kappa (b - a))
        sum += p_.meanLevels[i] * -std::exp(-p_.kappa * (t1 - b)) * std::expm1(-p_.kappa * (b - a));
        a = b;
    }
    return sum;
}

double ExpOu::logMean(double t) const {
    return std::exp(-p_.kappa * t) * logSpot_ + meanIntegral(0.0, t);
}

double ExpOu::logVariance(double t) const {
    return p_.sigma * p_.sigma * ouVarianceFactor(p_.kappa, t);
}

double ExpOu::expectedPrice(double t) const { return std::exp(logMean(t) + 0.5 * logVariance(t)); }

void ExpOu::scaleInitialPrice(double* state, std::size_t stride, std::size_t n, const double* factor) const {
    for (std::size_t i = 0; i < n; ++i) {
        state[i] *= factor[i];
        state[stride + i] += std::log(factor[i]);
    }
}

void ExpOu::initialState(double* state, std::size_t stride, std::size_t n) const {
    double* __restrict s = state;
    double* __restrict x = state + stride;
    for (std::size_t i = 0; i < n; ++i) {
        s[i] = p_.spot;
        x[i] = logSpot_;
    }
}

void ExpOu::evolve(double t0, double t1, const double* normals, std::size_t, double* state,
                   std::size_t stride, std::size_t n) const {
    const double dt = t1 - t0;
    const double a = std::exp(-p_.kappa * dt);
    const double c = meanIntegral(t0, t1);
    const double sd = p_.sigma * std::sqrt(ouVarianceFactor(p_.kappa, dt));
    const double* __restrict z = normals;
    double* __restrict s = state;
    double* __restrict x = state + stride;
    for (std::size_t i = 0; i < n; ++i) {
        const double xn = a * x[i] + c + sd * z[i];
        x[i] = xn;
        s[i] = vmath::exp(xn);
    }
}

ExpOuParams expOuMatchingForwards(double spot, double kappa, double sigma,
                                  const std::vector<double>& times,
                                  const std::vector<double>& forwards) {
    constexpr const char* where = "expOuMatchingForwards";
    checkCommon(where, spot, kappa, sigma);
    KP_REQUIRE(!times.empty(), where, ": number of times is 0, but must be at least 1");
    KP_REQUIRE(forwards.size() == times.size(), where, ": number of forwards is ", forwards.size(),
               ", but must equal the number of times (", times.size(), ")");
    for (std::size_t i = 0; i < times.size(); ++i) {
        const double prev = i == 0 ? 0.0 : times[i - 1];
        KP_REQUIRE(std::isfinite(times[i]) && times[i] > prev, where, ": times[", i, "] is ",
                   times[i], ", but must be finite and greater than ", prev);
        KP_REQUIRE(std::isfinite(forwards[i]) && forwards[i] > 0, where, ": forwards[", i, "] is ",
                   forwards[i], ", but must be positive");
    }
    ExpOuParams p{spot, kappa, sigma, {}, {}};
    p.meanTimes.reserve(times.size());
    p.meanLevels.reserve(times.size());
    double m = std::log(spot);  // E[x(t_{i-1})]
    for (std::size_t i = 0; i < times.size(); ++i) {
        const double t0 = i == 0 ? 0.0 : times[i - 1];
        const double d = times[i] - t0;
        const double target =
            std::log(forwards[i]) - 0.5 * sigma * sigma * ouVarianceFactor(kappa, times[i]);
        // target = e^{-kappa d} m + theta (1 - e^{-kappa d})
        const double decay = std::exp(-kappa * d);
        const double theta = (target - decay * m) / -std::expm1(-kappa * d);
        p.meanTimes.push_back(t0);
        p.meanLevels.push_back(theta);
        m = target;
    }
    return p;
}

}  // namespace kp

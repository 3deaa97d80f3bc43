#include "kp/models/merton_jump.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "kp/core/errors.hpp"
#include "kp/core/vmath.hpp"

namespace kp {

namespace {

/// Inverse CDF of Poisson(mean) on a table of k in [lo, lo + size): cdf[j] = P(N <= lo + j) and
/// sf[j] = P(N > lo + j). The range covers all but ~1e-30 of the mass in each tail, far below the
/// smallest tail probability a double normal from Box-Muller can reach (~1e-18).
class PoissonTable {
public:
    void build(double mean) {
        const double sd = std::sqrt(mean);
        lo_ = static_cast<std::size_t>(std::max(0.0, std::floor(mean - 12.0 * sd)));
        const auto hi = static_cast<std::size_t>(std::ceil(mean + 12.0 * sd + 60.0));
        const std::size_t size = hi - lo_ + 1;
        pmf_.resize(size);
        cdf_.resize(size);
        sf_.resize(size);
        const double k0 = static_cast<double>(lo_);
        double p = std::exp(-mean + k0 * std::log(mean) - std::lgamma(k0 + 1.0));
        for (std::size_t j = 0; j < size; ++j) {
            pmf_[j] = p;
            p *= mean / (k0 + static_cast<double>(j) + 1.0);
        }
        double acc = 0.0;
        for (std::size_t j = 0; j < size; ++j) cdf_[j] = acc += pmf_[j];
        acc = 0.0;
        for (std::size_t j = size; j-- > 0;) {
            sf_[j] = acc;
            acc += pmf_[j];
        }
    }

    /// The smallest k with P(N <= k) >= Phi(z); the upper tail is searched on 1 - Phi(z) directly.
    double quantileOfNormal(double z) const {
        std::size_t j;
        if (z <= 0) {
            const double u = 0.5 * std::erfc(-z * M_SQRT1_2);
            j = static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) -
                                         cdf_.begin());
            j = std::min(j, cdf_.size() - 1);
        } else {
            // P(N > k) <= q  <=>  P(N <= k) >= 1 - q
            const double q = 0.5 * std::erfc(z * M_SQRT1_2);
            j = static_cast<std::size_t>(
                std::partition_point(sf_.begin(), sf_.end(), [q](double s) { return s > q; }) -
                sf_.begin());
        }
        return static_cast<double>(lo_ + j);
    }

private:
    std::size_t lo_ = 0;
    std::vector<double> pmf_, cdf_, sf_;
};

}  // namespace

MertonJump::MertonJump(const MertonJumpParams& p, PricePath path)
    : PriceStateModel(p.spot), p_(p), path_(std::move(path)) {
    KP_REQUIRE(std::isfinite(p.spot) && p.spot > 0, "MertonJump: spot is ", p.spot,
               ", but must be positive");
    KP_REQUIRE(std::isfinite(p.drift), "MertonJump: drift is ", p.drift, ", but must be finite");
    KP_REQUIRE(std::isfinite(p.yield), "MertonJump: yield is ", p.yield, ", but must be finite");
    KP_REQUIRE(std::isfinite(p.vol) && p.vol >= 0, "MertonJump: volatility is ", p.vol,
               ", but must be non-negative");
    KP_REQUIRE(std::isfinite(p.intensity) && p.intensity >= 0, "MertonJump: intensity is ",
               p.intensity, ", but must be non-negative");
    KP_REQUIRE(std::isfinite(p.jumpMean), "MertonJump: jumpMean is ", p.jumpMean,
               ", but must be finite");
    KP_REQUIRE(std::isfinite(p.jumpVol) && p.jumpVol >= 0, "MertonJump: jumpVol is ", p.jumpVol,
               ", but must be non-negative");
    if (!path_.empty()) {
        PricePath::validate("MertonJump", path_.times, path_.levels);
        KP_REQUIRE(path_.mean, "MertonJump: the path is a median path, but must be a mean path (a jump-diffusion's "
                               "median has no closed form)");
        KP_REQUIRE(p.drift == 0 && p.yield == 0, "MertonJump: drift is ", p.drift, " and yield ", p.yield,
                   ", but must be 0 with a path (the path sets the trend)");
    }
    compensator_ = std::expm1(p.jumpMean + 0.5 * p.jumpVol * p.jumpVol);
}

void MertonJump::evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                        double* state, std::size_t, std::size_t n) const {
    const double dt = t1 - t0;
    const double lambdaDt = p_.intensity * dt;
    const double mu =
        path_.empty()
            ? (p_.drift - p_.yield - 0.5 * p_.vol * p_.vol - p_.intensity * compensator_) * dt
            : logAnchor(t1) - logAnchor(t0) - (0.5 * p_.vol * p_.vol + p_.intensity * compensator_) * dt;
    const double sd = p_.vol * std::sqrt(dt);
    const double* z0 = normals;
    if (!(lambdaDt > 0)) {
        for (std::size_t i = 0; i < n; ++i) state[i] *= vmath::exp(mu + sd * z0[i]);
        return;
    }
    // one table per thread, rebuilt per call: no allocation once it has reached its size
    thread_local PoissonTable table;
    table.build(lambdaDt);
    const double* z1 = normals + normalStride;
    const double* z2 = normals + 2 * normalStride;
    const double m = p_.jumpMean;
    const double s = p_.jumpVol;
    for (std::size_t i = 0; i < n; ++i) {
        const double jumps = table.quantileOfNormal(z1[i]);
        const double jump = jumps * m + std::sqrt(jumps) * s * z2[i];
        state[i] *= vmath::exp(mu + sd * z0[i] + jump);
    }
}

double MertonJump::expectedPrice(double t) const {
    if (!path_.empty()) return std::exp(logAnchor(t));
    return p_.spot * std::exp((p_.drift - p_.yield) * t);
}

double MertonJump::logVariance(double t) const {
    return (p_.vol * p_.vol + p_.intensity * (p_.jumpMean * p_.jumpMean + p_.jumpVol * p_.jumpVol)) * t;
}

double MertonJump::logAnchor(double t) const { return path_.logAt(t, std::log(p_.spot)); }

}  // namespace kp

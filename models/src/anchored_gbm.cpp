#include "kp/models/anchored_gbm.hpp"

#include <cmath>

#include "kp/core/errors.hpp"
#include "kp/core/vmath.hpp"

namespace kp {

AnchoredGbm::AnchoredGbm(const AnchoredGbmParams& p) : PriceStateModel(p.spot), p_(p) {
    KP_REQUIRE(std::isfinite(p.spot) && p.spot > 0, "AnchoredGbm: spot is ", p.spot, ", but must be positive");
    KP_REQUIRE(std::isfinite(p.vol) && p.vol >= 0, "AnchoredGbm: volatility is ", p.vol, ", but must be non-negative");
    KP_REQUIRE(std::isfinite(p.kappa) && p.kappa >= 0, "AnchoredGbm: kappa is ", p.kappa, ", but must be non-negative");
    PricePath::validate("AnchoredGbm", p.times, p.levels);
}

double AnchoredGbm::logAnchor(double t) const {
    return PricePath::logAnchor(p_.times, p_.levels, std::log(p_.spot), t);
}

double AnchoredGbm::logVariance(double t) const {
    const double s2 = p_.vol * p_.vol;
    if (p_.kappa == 0) return s2 * t;
    return s2 * -std::expm1(-2 * p_.kappa * t) / (2 * p_.kappa);
}

void AnchoredGbm::evolve(double t0, double t1, const double* z, std::size_t, double* state, std::size_t,
                         std::size_t n) const {
    const double dt = t1 - t0;
    if (p_.kappa > 0) {
        // Y from the price, then its exact OU step, then the price again
        const double c = p_.mean ? 0.5 : 0.0;
        const double off0 = logAnchor(t0) - c * logVariance(t0), off1 = logAnchor(t1) - c * logVariance(t1);
        const double decay = std::exp(-p_.kappa * dt);
        const double sd = p_.vol * std::sqrt(-std::expm1(-2 * p_.kappa * dt) / (2 * p_.kappa));
        for (std::size_t i = 0; i < n; ++i) {
            const double y0 = vmath::log(state[i]) - off0;
            state[i] = vmath::exp(off1 + decay * y0 + sd * z[i]);
        }
        return;
    }
    const double mu = logAnchor(t1) - logAnchor(t0) - (p_.mean ? 0.5 * p_.vol * p_.vol * dt : 0.0);
    const double sd = p_.vol * std::sqrt(dt);
    for (std::size_t i = 0; i < n; ++i) state[i] *= vmath::exp(mu + sd * z[i]);
}

double AnchoredGbm::expectedPrice(double t) const {
    return std::exp(logAnchor(t) + (p_.mean ? 0.0 : 0.5 * logVariance(t)));
}

double AnchoredGbm::medianPrice(double t) const {
    return std::exp(logAnchor(t) - (p_.mean ? 0.5 * logVariance(t) : 0.0));
}

}  // namespace kp

#include "kp/models/gbm.hpp"

#include <cmath>

#include "kp/core/errors.hpp"
#include "kp/core/vmath.hpp"

namespace kp {

Gbm::Gbm(const GbmParams& p) : PriceStateModel(p.spot), p_(p) {
    KP_REQUIRE(std::isfinite(p.spot) && p.spot > 0, "Gbm: spot is ", p.spot, ", but must be positive");
    KP_REQUIRE(std::isfinite(p.drift), "Gbm: drift is ", p.drift, ", but must be finite");
    KP_REQUIRE(std::isfinite(p.yield), "Gbm: yield is ", p.yield, ", but must be finite");
    KP_REQUIRE(std::isfinite(p.vol) && p.vol >= 0, "Gbm: volatility is ", p.vol,
               ", but must be non-negative");
}

void Gbm::evolve(double t0, double t1, const double* z, std::size_t, double* state, std::size_t,
                 std::size_t n) const {
    const double dt = t1 - t0;
    const double mu = (p_.drift - p_.yield - 0.5 * p_.vol * p_.vol) * dt;
    const double sd = p_.vol * std::sqrt(dt);
    for (std::size_t i = 0; i < n; ++i) state[i] *= vmath::exp(mu + sd * z[i]);
}

double Gbm::expectedPrice(double t) const { return p_.spot * std::exp((p_.drift - p_.yield) * t); }

}  // namespace kp

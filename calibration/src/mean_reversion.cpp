#include "kp/calibration/mean_reversion.hpp"

#include <cmath>
#include <limits>

#include "kp/core/errors.hpp"

namespace kp::calibration {

namespace {
/// MacKinnon (2010) tau_c, N = 1: rows 1%, 5%, 10%; columns c0, c1, c2, c3.
constexpr double kTauC[3][4] = {{-3.43035, -6.5393, -16.786, -79.433},
                                {-2.86154, -2.8903, -4.234, -40.040},
                                {-2.56677, -1.5384, -2.809, 0.0}};
double critical(int row, double t) {
    const double* c = kTauC[row];
    return c[0] + c[1] / t + c[2] / (t * t) + c[3] / (t * t * t);
}
}  // namespace

MeanReversionTest meanReversionTest(const FitResult& fit) {
    KP_REQUIRE(fit.model == "ou", "mean-reversion test: model is '", fit.model,
               "', but must be 'ou'");
    KP_REQUIRE(fit.observations > 0 && fit.years > 0, "mean-reversion test: span of the fit is ",
               fit.years, " years, but must be positive");
    MeanReversionTest m;
    m.kappa = fit.value("kappa");
    const double se = fit.stdError("kappa");
    m.meanStep = fit.years / static_cast<double>(fit.observations);
    m.halfLife = m.kappa > 0 ? std::log(2.0) / m.kappa : std::numeric_limits<double>::infinity();
    const double d = m.meanStep;
    const double b = std::exp(-m.kappa * d);
    m.tau = -(1.0 - b) / (d * b * se);
    const double t = static_cast<double>(fit.observations);
    m.critical1 = critical(0, t);
    m.critical5 = critical(1, t);
    m.critical10 = critical(2, t);
    m.rejectsUnitRoot5 = m.tau < m.critical5;
    return m;
}

}  // namespace kp::calibration

#pragma once
/// \file mean_reversion.hpp
/// Is there mean reversion? A Dickey-Fuller-type check on an exponential OU fit.
///
/// On an equally spaced grid with step d the OU model is the AR(1) x_i = a + b x_{i-1} + e with
/// b = e^{-kappa d}; the Gaussian MLE is the least-squares fit, and the Dickey-Fuller statistic
/// (with constant) is tau = (b - 1) / se(b). Here b and se(b) come from kappa and its standard
/// error by the delta method at the mean step d of the series: tau = -(1 - e^{-kappa d}) / (d
/// e^{-kappa d} se(kappa)). Under "no mean reversion" (kappa = 0, a unit root) tau does NOT have a
/// normal law, so kappa / se(kappa) > 2 is not evidence of mean reversion; tau is compared with
/// MacKinnon's critical values instead (MacKinnon 2010, "Critical values for cointegration tests",
/// Queen's Economics Department Working Paper 1227, response surface for N = 1 with constant, cv(T)
/// = c0 + c1/T + c2/T^2 + c3/T^3; coefficients as transcribed in statsmodels
/// `statsmodels/tsa/adfvalues.py`, `tau_c_2010`). Limitations: irregular steps (weekends) and
/// heteroskedastic returns make the comparison approximate (the critical values assume i.i.d.
/// errors on a regular grid).

#include <cstddef>

#include "kp/calibration/fit_result.hpp"

namespace kp::calibration {

struct MeanReversionTest {
    double kappa = 0.0;
    double halfLife = 0.0;   ///< ln 2 / kappa in years (infinite if kappa <= 0)
    double meanStep = 0.0;   ///< d, years
    double tau = 0.0;        ///< Dickey-Fuller-type statistic
    double critical1 = 0.0;  ///< MacKinnon critical values for T = observations
    double critical5 = 0.0;
    double critical10 = 0.0;
    bool rejectsUnitRoot5 = false;  ///< tau < critical5: evidence of mean reversion at 5%
};

/// For an "ou" fit with standard errors; throws InvalidInput for another model.
MeanReversionTest meanReversionTest(const FitResult& ouFit);

}  // namespace kp::calibration

#pragma once
/// \file schwartz_smith_futures.hpp
/// Schwartz-Smith two-factor model fitted to a panel of futures prices of several maturities by
/// the Kalman filter (Schwartz & Smith, "Short-term variations and long-term dynamics in commodity
/// prices", Management Science 46(7), 2000, section 4).
///
/// State (real-world dynamics, their eq. 1-2): dchi = -kappa chi dt + sigma_chi dW_chi,
/// dxi = mu_xi dt + sigma_xi dW_xi, dW_chi dW_xi = rho dt; exact Gaussian transition over each
/// row's own step dt_i (irregular dates), as in the single-series fit.
/// Measurement (their section 4, from the risk-neutral dynamics
/// dchi = (-kappa chi - lambda_chi) dt + ..., dxi = mu*_xi dt + ..., mu*_xi = mu_xi - lambda_xi),
/// for each maturity tau_j present on date i:
///   ln F(t_i, tau_j) = e^{-kappa tau_j} chi(t_i) + xi(t_i) + A(tau_j) + e_ij,  e_ij ~ N(0, s_j^2),
///   A(tau) = mu*_xi tau - (1 - e^{-kappa tau}) lambda_chi / kappa
///            + 1/2 [ (1 - e^{-2 kappa tau}) sigma_chi^2 / (2 kappa) + sigma_xi^2 tau
///                    + 2 (1 - e^{-kappa tau}) rho sigma_chi sigma_xi / kappa ],
/// errors independent across maturities and dates. Measurements of one date are processed one at a
/// time (the univariate treatment of a diagonal measurement covariance, Durbin & Koopman, "Time
/// Series Analysis by State Space Methods", 2nd ed. 2012, section 6.4), so missing cells are simply
/// skipped.
///
/// Likelihood: exact, of all measurements after the first date conditional on the first date's
/// measurements, with chi(t_0) from its stationary law N(0, sigma_chi^2 / (2 kappa)) and a flat
/// (diffuse) prior on xi(t_0): the filter starts from the posterior of the state given the first
/// row (which is proper: every row has at least one price). This is the conditioning of the
/// single-series fit, so `observations` is the number of dates after the first.
///
/// Parameters (order of FitResult::parameters): kappa, sigma_chi, mu_xi, sigma_xi, rho,
/// lambda_chi, mu_xi_star, then the measurement-error standard deviations: one per maturity,
/// named "s_e_<tau>" with tau in years as written by formatMaturity ("s_e_0.25", "s_e_1"), or one
/// common "s_e" with FuturesFitOptions::commonMeasurementError. Per maturity is the default, as
/// in Schwartz & Smith (2000, Table 3: their five contracts' errors differ by a factor of ten and
/// more): the nearest contracts carry roll and delivery effects the model does not have, and one
/// common s_e would let those inflate the others' weights. rho and the risk premia are identified
/// by the cross-section of maturities (unlike the single-series fit, where rho is fixed); mu_xi
/// only by the drift of the long-term factor over time, so its standard error is about
/// sigma_xi / sqrt(years) however many maturities there are.
///
/// Residuals: `fit.residuals` are the standardised one-at-a-time innovations in processing order
/// (date by date, columns in file order), i.i.d. N(0,1) under the model; `fit.diagnostics` is on
/// them. Per maturity, FuturesFit::byMaturity holds the innovations of that column standardised by
/// their own prediction variance given the previous dates only (serially independent N(0,1) under
/// the model), with their own diagnostics: read Ljung-Box per tenor there.
/// Current limitations: constant maturity per column (no fixed-delivery panels); measurement errors
/// uncorrelated across maturities and dates.
/// Tested in tests/calibration/futures_test.cpp (recovery of every parameter on panels simulated by
/// kp::SchwartzSmith with measurement noise, SEs against the spread over 100 panels, the filter
/// against the dense likelihood, bad input).

#include <cstddef>
#include <string>
#include <vector>

#include "kp/calibration/fit_result.hpp"
#include "kp/calibration/futures_panel.hpp"
#include "kp/calibration/time_series.hpp"

namespace kp::calibration {

struct FuturesFitOptions {
    TimeBasis timeBasis = TimeBasis::Calendar;  ///< clock for the steps between dates
    bool commonMeasurementError = false;        ///< one s_e for all maturities
    std::size_t ljungBoxLags = 0;               ///< 0: min(10, n/5)
};

/// Per-maturity residual diagnostics.
struct MaturityResiduals {
    std::string column;
    double maturity = 0.0;  ///< years
    std::vector<double> residuals;
    Diagnostics diagnostics;
};

/// The fit and what is specific to the panel.
struct FuturesFit {
    FitResult fit;                     ///< model "schwartz-smith"; parameters as above
    std::vector<std::string> columns;  ///< in file order
    std::vector<double> maturities;    ///< years, per column
    std::size_t measurements = 0;      ///< prices used after the first date
    std::vector<MaturityResiduals> byMaturity;
};

/// Fits the panel. Throws InvalidInput for fewer than 2 maturities, fewer than 10 dates, or fewer
/// than 10 measurements per free parameter.
FuturesFit fitSchwartzSmithFutures(const FuturesPanel& panel,
                                   const FuturesFitOptions& options = {});

/// The same on raw data: times in years (strictly increasing), maturities in years (> 0,
/// distinct), prices[i][j] > 0 or NaN (missing). `columns` may be empty (named by maturity).
FuturesFit fitSchwartzSmithFutures(const std::vector<double>& times,
                                   const std::vector<double>& maturities,
                                   const std::vector<std::vector<double>>& prices,
                                   const FuturesFitOptions& options = {},
                                   const std::vector<std::string>& columns = {});

/// "0.25", "1", "2.5": the shortest text of a maturity rounded to 6 decimals, as used in the
/// parameter names.
std::string formatMaturity(double tau);

}  // namespace kp::calibration

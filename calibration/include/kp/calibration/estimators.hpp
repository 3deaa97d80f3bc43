#pragma once
/// \file estimators.hpp
/// Exact maximum-likelihood estimators of the factor models on one price series.
///
/// Every estimator works on log prices x_i = ln S(t_i) at irregular times t_i (years, ACT/365) and
/// uses each step's own dt_i = t_i - t_{i-1} in the exact transition law; the likelihood is that of
/// the n = (prices - 1) transitions conditional on the first price, so fits of different models to
/// the same series are comparable by log-likelihood, AIC and BIC. The optimiser is QuantLib's
/// Simplex (detail/mle.hpp); standard errors come from the observed information.
///
/// Models and parameters (all annualised):
/// - "gbm": dS/S = mu dt + sigma dW. x_i - x_{i-1} ~ N((mu - sigma^2/2) dt, sigma^2 dt).
///   Parameters mu, sigma.
/// - "ou" (exponential Ornstein-Uhlenbeck on the log price): dx = kappa (theta - x) dt + sigma dW.
///   x_i | x_{i-1} ~ N(theta + (x_{i-1} - theta) e^{-kappa dt}, sigma^2 (1 - e^{-2 kappa dt}) / (2
///   kappa)). Parameters kappa, theta (log scale: the price level is e^theta), sigma. kappa is not
///   forced positive: a negative estimate means the series moves away from theta (no mean
///   reversion).
/// - "schwartz-smith" (Schwartz & Smith, Management Science 46(7), 2000, eqs. 1-3):
///   x = chi + xi, dchi = -kappa chi dt + sigma_chi dW_chi, dxi = mu_xi dt + sigma_xi dW_xi,
///   dW_chi dW_xi = rho dt. Likelihood by the Kalman filter with the exact discrete transition
///   (their eqs. 4-7, with dt_i per step) and no measurement error; chi(t_0) starts from its
///   stationary law N(0, sigma_chi^2 / (2 kappa)) and xi(t_0) = x_0 - chi(t_0).
///   Limitation: one price series identifies only kappa, mu_xi, sigma_xi^2 and
///   sigma_chi^2 + 2 rho sigma_chi sigma_xi (the spectral density of dx is
///   sigma_xi^2 + (sigma_chi^2 + 2 rho sigma_chi sigma_xi) w^2 / (w^2 + kappa^2)), so rho is held
///   fixed at FitOptions::schwartzSmithRho (default 0) and reported as fixed.
///   On futures of several maturities rho and the risk premia are identified: see
///   schwartz_smith_futures.hpp (fitSchwartzSmithFutures).
///   Parameters kappa, sigma_chi, mu_xi, sigma_xi, rho; `state` holds the filtered chi and xi at
///   the last date (value = filtered mean, stdError = filtered standard deviation).
/// - "jump" (Merton, J. Financial Economics 3, 1976): dS/S = (mu - lambda k) dt + sigma dW + (J -
/// 1) dN,
///   N Poisson with intensity lambda, ln J ~ N(jump_mean, jump_vol^2), k = E[J - 1], so E[S(t)] =
///   S(0) e^{mu t}. The transition density is the Poisson mixture of normals, summed until the
///   remaining Poisson mass is below 1e-16. Parameters mu, sigma, lambda, jump_mean, jump_vol.
///
/// Tested in tests/calibration/calibration_test.cpp: parameter recovery on series simulated by the
/// kp::Model implementations on trading-day grids, standard errors against the spread of estimates.

#include <cstddef>
#include <string>
#include <vector>

#include "kp/calibration/fit_result.hpp"
#include "kp/calibration/time_series.hpp"

namespace kp::calibration {

enum class ModelKind { Gbm, ExpOu, SchwartzSmith, MertonJump };

/// "gbm", "ou", "schwartz-smith", "jump" -> ModelKind; throws InvalidInput otherwise.
ModelKind parseModelKind(const std::string& name);
std::string toString(ModelKind kind);
/// Number of free parameters (Schwartz-Smith: 4, rho being fixed).
std::size_t freeParameterCount(ModelKind kind);
/// Fewest prices an estimator accepts: 10 per free parameter, plus the first price.
std::size_t minimumObservations(ModelKind kind);

struct FitOptions {
    TimeBasis timeBasis = TimeBasis::Calendar;  ///< clock for the steps (fitModel on a TimeSeries)
    double schwartzSmithRho = 0.0;  ///< fixed rho for Schwartz-Smith on one series, in (-1, 1)
    std::size_t ljungBoxLags = 0;   ///< 0: min(10, n/5)
};

/// Fits `kind` to a series read by readSeries. Checks positivity (with file and line) and size.
FitResult fitModel(ModelKind kind, const TimeSeries& series, const FitOptions& options = {});

/// The same on raw vectors: times in years (strictly increasing), prices > 0. `source` names the
/// data in error messages. Use these to fit with times other than the calendar (tests do).
FitResult fitGbm(const std::vector<double>& times, const std::vector<double>& prices,
                 const FitOptions& options = {});
FitResult fitExpOu(const std::vector<double>& times, const std::vector<double>& prices,
                   const FitOptions& options = {});
FitResult fitSchwartzSmith(const std::vector<double>& times, const std::vector<double>& prices,
                           const FitOptions& options = {});
FitResult fitMertonJump(const std::vector<double>& times, const std::vector<double>& prices,
                        const FitOptions& options = {});

}  // namespace kp::calibration

#pragma once
/// \file exp_ou.hpp
/// Exponential Ornstein-Uhlenbeck (Schwartz 1997 one-factor) model on the log price x = log S:
///   dx = kappa (theta(t) - x) dt + sigma dW,   theta piecewise constant.
///
/// Exact law over [t0, t1], dt = t1 - t0 (Schwartz 1997, "The stochastic behavior of commodity prices",
/// J. Finance 52(3), eq. 2-3, with a time-dependent mean):
///   x(t1) = e^{-kappa dt} x(t0) + sum_pieces theta_i (e^{-kappa (t1 - b_i)} - e^{-kappa (t1 - a_i)})
///           + sigma sqrt((1 - e^{-2 kappa dt}) / (2 kappa)) Z,
/// where [a_i, b_i] are the parts of [t0, t1] on which theta = theta_i; a step may cross several pieces.
/// Hence E[x(t)] = logMean(t), Var[x(t)] = logVariance(t) and E[S(t)] = exp(logMean + logVariance / 2).
///
/// State: {"price", "log_price"}; x is kept in variable 1 so a step needs one exp and no log.
/// Tested in tests/models/models_test.cpp (moments and autocovariance of x, coarse vs fine grid,
/// forward matching, chi-squared on the law of x, bad input).

#include <vector>

#include "kp/models/model.hpp"

namespace kp {

struct ExpOuParams {
    double spot;   ///< S(0) > 0, in the price's units
    double kappa;  ///< mean-reversion speed > 0, per year
    double sigma;  ///< volatility of log S >= 0, per sqrt(year)
    /// piece starts in years: meanTimes[0] == 0, strictly increasing
    std::vector<double> meanTimes;
    /// theta on [meanTimes[i], meanTimes[i+1]) on the log scale; the last level holds for ever;
    /// a single level is a constant mean
    std::vector<double> meanLevels;
};

class ExpOu final : public Model {
public:
    explicit ExpOu(ExpOuParams p);
    const ExpOuParams& params() const { return p_; }

    std::size_t stateSize() const override { return 2; }
    std::size_t brownianDimensions() const override { return 1; }
    std::vector<std::string> stateNames() const override { return {"price", "log_price"}; }
    void initialState(double* state, std::size_t stride, std::size_t n) const override;
    void scaleInitialPrice(double* state, std::size_t stride, std::size_t n, const double* factor) const override;
    void evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                double* state, std::size_t stride, std::size_t n) const override;
    double expectedPrice(double t) const override;

    /// E[log S(t)] in closed form.
    double logMean(double t) const;
    /// Var[log S(t)] = sigma^2 (1 - e^{-2 kappa t}) / (2 kappa).
    double logVariance(double t) const;

private:
    /// The deterministic part of x(t1) given x(t0) = 0: the integral of kappa e^{-kappa (t1 - s)} theta(s).
    double meanIntegral(double t0, double t1) const;

    ExpOuParams p_;
    double logSpot_;
};

/// Exp-OU parameters whose expected prices hit given forwards exactly: E[S(times[i])] = forwards[i].
///
/// One mean level per interval (0, t1], (t1, t2], ...: meanTimes = {0, t1, ..., t_{n-1}}. Each level
/// solves logMean(t_i) = log F_i - logVariance(t_i) / 2 given the previous intervals (closed form, no
/// iteration). The last level also holds after t_n. times must be positive and strictly increasing,
/// forwards positive, as many forwards as times.
ExpOuParams expOuMatchingForwards(double spot, double kappa, double sigma,
                                  const std::vector<double>& times,
                                  const std::vector<double>& forwards);

}  // namespace kp

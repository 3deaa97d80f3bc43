#pragma once
/// \file anchored_gbm.hpp
/// A lognormal price that follows a given path as its median (or its mean): the EUA futures curve,
/// a scenario's carbon price path, an analyst's forecast, with GBM-like deviations around it.
///
///   X(t) = A(t) exp(sigma W(t) - c sigma^2 t / 2),   c = 0: A is the median; c = 1: A is the mean,
///
/// with A(t) log-linear between the anchor points (t_i, A_i), A(0) = spot, and flat after the last
/// point. Exact law over a step: X(t1) = X(t0) A(t1) / A(t0) exp(sigma sqrt(dt) Z - c sigma^2 dt / 2).
/// It is a GBM whose drift is the path's log slope (plus sigma^2 / 2 for a median anchor), piecewise
/// constant between the anchors.
///
/// With kappa > 0 the deviations revert to the path (an exp-OU around it, `model: ou` with a `path`
/// in the case file): log X(t) = log A(t) + Y(t) - c v(t) / 2, Y an Ornstein-Uhlenbeck process with
/// Y(0) = 0 (or the log of a scenario's scaling of the spot), dY = -kappa Y dt + sigma dW, and
/// v(t) = Var Y(t) = sigma^2 (1 - exp(-2 kappa t)) / (2 kappa); exact law over a step:
/// Y(t1) = Y(t0) e^{-kappa dt} + sigma sqrt((1 - e^{-2 kappa dt}) / (2 kappa)) Z. The spread of the
/// price around its path then stays bounded (log-sd sigma / sqrt(2 kappa) in the long run) instead of
/// growing as sigma sqrt(t). kappa = 0 is the GBM above, computed as before.
/// Tested in tests/models/models_test.cpp (the simulated median and mean at the anchors and between
/// them, 100,000 paths, within 4 SE, for kappa 0 and kappa > 0).

#include <vector>

#include "kp/models/model.hpp"
#include "kp/models/price_path.hpp"

namespace kp {

struct AnchoredGbmParams {
    double spot = 0;            ///< X(0) = A(0) > 0
    std::vector<double> times;  ///< anchor times in years after t = 0, increasing, > 0
    std::vector<double> levels; ///< A at those times, > 0 (same length)
    double vol = 0;             ///< sigma >= 0 per sqrt(year)
    bool mean = false;          ///< the path is the mean (true) or the median (false)
    double kappa = 0;           ///< reversion of the deviations to the path, >= 0 per year (0: GBM)
};

class AnchoredGbm final : public PriceStateModel {
public:
    explicit AnchoredGbm(const AnchoredGbmParams& p);
    const AnchoredGbmParams& params() const { return p_; }

    std::size_t brownianDimensions() const override { return 1; }
    void evolve(double t0, double t1, const double* normals, std::size_t normalStride, double* state,
                std::size_t stride, std::size_t n) const override;
    double expectedPrice(double t) const override;
    /// The median of X(t).
    double medianPrice(double t) const;
    /// log A(t): the path, log-linear between the anchors, flat after the last.
    double logAnchor(double t) const;
    /// Var log X(t): sigma^2 t (kappa 0) or sigma^2 (1 - exp(-2 kappa t)) / (2 kappa).
    double logVariance(double t) const;

private:
    AnchoredGbmParams p_;
};

}  // namespace kp

#pragma once
/// \file gbm.hpp
/// Geometric Brownian motion: dS = (mu - q) S dt + sigma S dW, with q a dividend or convenience yield.
///
/// Exact law: S(t1) = S(t0) exp((mu - q - sigma^2/2) dt + sigma sqrt(dt) Z). Under a risk-neutral
/// measure mu is the interest rate r. Tested in tests/models/models_test.cpp (moments, autocorrelation).

#include "kp/models/model.hpp"

namespace kp {

struct GbmParams {
    double spot;   ///< S(0) > 0, in the price's units
    double drift;  ///< mu, per year (continuously compounded)
    double yield;  ///< q: dividend or convenience yield, per year
    double vol;    ///< sigma >= 0, per sqrt(year)
};

class Gbm final : public PriceStateModel {
public:
    explicit Gbm(const GbmParams& p);
    const GbmParams& params() const { return p_; }

    std::size_t brownianDimensions() const override { return 1; }
    void evolve(double t0, double t1, const double* normals, std::size_t normalStride, double* state,
                std::size_t stride, std::size_t n) const override;
    double expectedPrice(double t) const override;

private:
    GbmParams p_;
};

}  // namespace kp

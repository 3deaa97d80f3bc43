#pragma once
/// \file schwartz_smith.hpp
/// Schwartz-Smith (2000) two-factor model: log S = chi + xi with a mean-reverting short-term factor
/// and a Brownian long-term factor,
///   dchi = -kappa chi dt + sigmaChi dW1,   dxi = muXi dt + sigmaXi dW2,   dW1 dW2 = rho dt.
///
/// Exact law over dt (Schwartz & Smith, "Short-term variations and long-term dynamics in commodity
/// prices", Management Science 46(7), 2000, eq. 2-3 and the covariance of their eq. 4): the increments
///   chi(t1) - e^{-kappa dt} chi(t0),   xi(t1) - xi(t0) - muXi dt
/// are jointly Gaussian with mean 0 and covariance
///   Vchi = sigmaChi^2 (1 - e^{-2 kappa dt}) / (2 kappa),   Vxi = sigmaXi^2 dt,
///   C    = rho sigmaChi sigmaXi (1 - e^{-kappa dt}) / kappa.
/// The model turns its two independent input normals (z0, z1) into these increments by the 2x2
/// Cholesky factor: dchi = L11 z0, dxi = L21 z0 + L22 z1. So z0 drives chi, and z1 is the part of the
/// xi increment independent of it. When a ModelSet correlates z0 or z1 with another model's normals,
/// the correlation holds for the step increments; because chi's increment is an exponentially
/// weighted integral of dW1, it is not the continuous-time correlation of dW1 (limitation).
///
/// State: {"price", "chi", "xi"}, price = exp(chi + xi). Parameters are of one measure: pass
/// risk-neutral values (muXi* = muXi - lambdaXi, chi drift -lambdaChi ignored) to price.
/// Tested in tests/models/models_test.cpp (moments and autocovariance, coarse vs fine, chi-squared).

#include "kp/models/model.hpp"

namespace kp {

struct SchwartzSmithParams {
    double chi0;      ///< chi(0), short-term deviation of log S (log scale)
    double xi0;       ///< xi(0), long-term level of log S (log scale)
    double kappa;     ///< mean-reversion speed of chi > 0, per year
    double sigmaChi;  ///< volatility of chi >= 0, per sqrt(year)
    double muXi;      ///< drift of xi, per year
    double sigmaXi;   ///< volatility of xi >= 0, per sqrt(year)
    double rho;       ///< correlation of dW1 and dW2, in [-1, 1]
};

class SchwartzSmith final : public Model {
public:
    explicit SchwartzSmith(const SchwartzSmithParams& p);
    const SchwartzSmithParams& params() const { return p_; }

    std::size_t stateSize() const override { return 3; }
    std::size_t brownianDimensions() const override { return 2; }
    std::vector<std::string> stateNames() const override { return {"price", "chi", "xi"}; }
    void initialState(double* state, std::size_t stride, std::size_t n) const override;
    void scaleInitialPrice(double* state, std::size_t stride, std::size_t n, const double* factor) const override;
    void evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                double* state, std::size_t stride, std::size_t n) const override;
    double expectedPrice(double t) const override;

    /// E[log S(t)] = e^{-kappa t} chi0 + xi0 + muXi t.
    double logMean(double t) const;
    /// Var[log S(t)] = Vchi(t) + Vxi(t) + 2 C(t) (see the file comment with dt = t).
    double logVariance(double t) const;

private:
    SchwartzSmithParams p_;
};

}  // namespace kp

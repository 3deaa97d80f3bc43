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
/// Around a given price path (a kp::PricePath, `model: schwartz-smith` with a `path` in the case file):
/// the long-term factor follows the path instead of the drift muXi (which must then be 0),
///   log S(t) = chi(t) + xi(t),   xi(t) = log A(t) + w(t) - c v(t) / 2,
/// A(t) the path (log-linear between its anchors, flat after the last, A(0) = exp(xi0)), chi the OU
/// above from chi0, w(t) = xi-Brownian motion from 0 (volatility sigmaXi, correlation rho with chi),
/// v(t) = Var[chi(t) + w(t)] = logVariance(t), c = 0 for a median path and 1 for a mean path. With
/// chi0 = 0 the path is then exactly the median (c = 0) or the mean (c = 1) of S(t); otherwise the
/// median is A(t) exp(chi0 e^{-kappa t}) (the short-term deviation decays). The exact law over a step
/// is the one above with muXi dt replaced by
///   log A(t1) - log A(t0) - c (v(t1) - v(t0)) / 2
/// (piecewise the path's log slope between anchors). Without a path the model is computed as before,
/// bit for bit.
///
/// State: {"price", "chi", "xi"}, price = exp(chi + xi); with a path xi is the long-term level that
/// carries the path. Parameters are of one measure: pass risk-neutral values (muXi* = muXi - lambdaXi,
/// chi drift -lambdaChi ignored) to price.
/// Tested in tests/models/models_test.cpp (moments and autocovariance, coarse vs fine, chi-squared;
/// with a path: the simulated median and mean at the anchors and between them, and the log-variance,
/// 100,000 paths, within 4 SE).

#include "kp/models/model.hpp"
#include "kp/models/price_path.hpp"

namespace kp {

struct SchwartzSmithParams {
    double chi0;      ///< chi(0), short-term deviation of log S (log scale)
    double xi0;       ///< xi(0), long-term level of log S (log scale)
    double kappa;     ///< mean-reversion speed of chi > 0, per year
    double sigmaChi;  ///< volatility of chi >= 0, per sqrt(year)
    double muXi;      ///< drift of xi, per year (0 with a path: the path sets the trend)
    double sigmaXi;   ///< volatility of xi >= 0, per sqrt(year)
    double rho;       ///< correlation of dW1 and dW2, in [-1, 1]
};

class SchwartzSmith final : public Model {
public:
    /// `path` empty: the model of Schwartz-Smith (2000); else the long-term factor follows the path
    /// (file comment), which starts at exp(xi0), and muXi must be 0.
    explicit SchwartzSmith(const SchwartzSmithParams& p, PricePath path = {});
    const SchwartzSmithParams& params() const { return p_; }
    const PricePath& path() const { return path_; }

    std::size_t stateSize() const override { return 3; }
    std::size_t brownianDimensions() const override { return 2; }
    std::vector<std::string> stateNames() const override { return {"price", "chi", "xi"}; }
    void initialState(double* state, std::size_t stride, std::size_t n) const override;
    void scaleInitialPrice(double* state, std::size_t stride, std::size_t n, const double* factor) const override;
    void evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                double* state, std::size_t stride, std::size_t n) const override;
    double expectedPrice(double t) const override;

    /// E[log S(t)] = e^{-kappa t} chi0 + xi0 + muXi t; with a path e^{-kappa t} chi0 + log A(t) - c v(t) / 2.
    double logMean(double t) const;
    /// Var[log S(t)] = Vchi(t) + Vxi(t) + 2 C(t) (see the file comment with dt = t); the same with a path.
    double logVariance(double t) const;
    /// log A(t) of the path (file comment); requires a path.
    double logAnchor(double t) const { return path_.logAt(t, p_.xi0); }

private:
    /// The drift of xi over [t0, t1]: muXi dt, or the path's log rise less c (v(t1) - v(t0)) / 2.
    double xiDrift(double t0, double t1) const;

    SchwartzSmithParams p_;
    PricePath path_;
};

}  // namespace kp

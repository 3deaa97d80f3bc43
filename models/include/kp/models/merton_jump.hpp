#pragma once
/// \file merton_jump.hpp
/// Merton (1976) jump-diffusion: GBM plus a compound Poisson process of lognormal jumps,
///   dS / S- = (mu - q - lambda k) dt + sigma dW + (e^Y - 1) dN,   Y ~ N(m, s^2),  k = e^{m + s^2/2} - 1,
/// compensated so that E[S(t)] = S(0) e^{(mu - q) t}.
///
/// Exact law over dt (Merton, "Option pricing when underlying stock returns are discontinuous",
/// J. Financial Economics 3, 1976, eq. 2-5):
///   log S(t1) = log S(t0) + (mu - q - sigma^2/2 - lambda k) dt + sigma sqrt(dt) Z0 + N m + sqrt(N) s Z2,
/// with N ~ Poisson(lambda dt) = F^{-1}(Phi(Z1)) and the sum of the N log jumps ~ N(N m, N s^2).
/// Normals per step: 1 Brownian (Z0) and 2 auxiliary (Z1: jump count, Z2: jump sizes).
/// Hence Var[log S(t)] = (sigma^2 + lambda (m^2 + s^2)) t.
///
/// The Poisson inverse CDF uses a table of the CDF and of the survival function built once per
/// evolve() call (both tails accurate: the upper tail is searched on the survival function with
/// 1 - Phi(Z1) computed by erfc). The per-path loop is scalar (binary search, erfc); it does not vectorise.
///
/// Around a given price path (a kp::PricePath with mean = true, `model: jump` with a `path {anchor:
/// mean}` in the case file): the path A(t) (log-linear between its anchors, flat after the last,
/// A(0) = spot) is the mean, E[S(t)] = A(t), because the compensated drift over a step is the path's
/// log rise:
///   log S(t1) = log S(t0) + log A(t1) - log A(t0) - (sigma^2/2 + lambda k) dt + sigma sqrt(dt) Z0
///               + N m + sqrt(N) s Z2,
/// and mu and q must be 0. Only a mean path: a jump-diffusion's median has no closed form (the log
/// price is a Poisson mixture of normals), so a median path is refused rather than approximated.
/// Var[log S(t)] is as above.
///
/// State: {"price"}. Tested in tests/models/models_test.cpp (mean of S, moments and autocovariance
/// of log S, coarse vs fine grid, chi-squared against the Poisson mixture CDF, bad input; with a
/// path: the simulated mean at the anchors and between them, and the log-variance, 100,000 paths,
/// within 4 SE).

#include "kp/models/model.hpp"
#include "kp/models/price_path.hpp"

namespace kp {

struct MertonJumpParams {
    double spot;       ///< S(0) > 0, in the price's units
    double drift;      ///< mu, per year (continuously compounded); 0 with a path
    double yield;      ///< q: dividend or convenience yield, per year; 0 with a path
    double vol;        ///< sigma >= 0 of the diffusion, per sqrt(year)
    double intensity;  ///< lambda >= 0, expected jumps per year
    double jumpMean;   ///< m, mean of the log jump size
    double jumpVol;    ///< s >= 0, standard deviation of the log jump size
};

class MertonJump final : public PriceStateModel {
public:
    /// `path` empty: Merton's model; else a mean path (path.mean must be true) that E[S(t)]
    /// follows from the spot (file comment), and drift and yield must be 0.
    explicit MertonJump(const MertonJumpParams& p, PricePath path = {});
    const MertonJumpParams& params() const { return p_; }
    const PricePath& path() const { return path_; }

    std::size_t brownianDimensions() const override { return 1; }
    std::size_t auxiliaryDimensions() const override { return 2; }
    void evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                double* state, std::size_t stride, std::size_t n) const override;
    double expectedPrice(double t) const override;
    /// Var[log S(t)] = (sigma^2 + lambda (m^2 + s^2)) t, with or without a path.
    double logVariance(double t) const;
    /// log A(t) of the path (file comment); requires a path.
    double logAnchor(double t) const;

private:
    MertonJumpParams p_;
    PricePath path_;
    double compensator_;  ///< k = E[e^Y] - 1
};

}  // namespace kp

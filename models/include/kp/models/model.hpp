#pragma once
/// \file model.hpp
/// The interface every stochastic factor model implements.
///
/// A model advances a block of paths over one time step with its exact transition law, so annual or
/// quarterly steps carry no discretisation bias. It works on structure-of-arrays storage: `state` is
/// [variable][path] with a stride between variables, `normals` is [dimension][path] likewise. One
/// virtual call advances a whole block (never one call per path per step).
///
/// Conventions:
/// - State variable 0 is always the observable price level in the model's units (EUR/t, EUR/MWh ...);
///   further variables are latent (e.g. the two Schwartz-Smith factors).
/// - The first brownianDimensions() normals of a step are the model's Brownian drivers and may be
///   correlated with other models' drivers by a ModelSet; the next auxiliaryDimensions() are
///   independent standard normals the model uses for anything else (jump counts and sizes).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace kp {

class Model {
public:
    virtual ~Model() = default;

    /// Number of state variables per path (variable 0 is the price).
    virtual std::size_t stateSize() const = 0;
    /// Standard normals per step that drive the model's Brownian motions (correlatable).
    virtual std::size_t brownianDimensions() const = 0;
    /// Independent standard normals per step used for other randomness (e.g. jumps).
    virtual std::size_t auxiliaryDimensions() const { return 0; }
    /// Names of the state variables, e.g. {"price"} or {"price", "chi", "xi"}.
    virtual std::vector<std::string> stateNames() const = 0;

    /// Writes the state at time 0 for n paths: state[v * stride + p].
    virtual void initialState(double* state, std::size_t stride, std::size_t n) const = 0;

    /// Multiplies the initial price of path p by factor[p] > 0, keeping the latent variables
    /// consistent with it (the paths then start from spot x factor): what a valuation uses to read a
    /// decision rule at prices other than today's (the first date's trigger). Call after
    /// initialState. Models that cannot shift their start throw kp::InvalidInput.
    virtual void scaleInitialPrice(double* state, std::size_t stride, std::size_t n, const double* factor) const;

    /// Advances n paths in place from time t0 to t1 > t0 by the exact transition law.
    /// normals[d * normalStride + p] for d < brownianDimensions() + auxiliaryDimensions().
    virtual void evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                        double* state, std::size_t stride, std::size_t n) const = 0;

    /// E[price(t)] in closed form (used by tests and by forward-curve matching).
    virtual double expectedPrice(double t) const = 0;
};

/// A model whose only state is its price (Gbm, MertonJump, AnchoredGbm): every path starts at the
/// spot, and a scaled start scales that price in place.
class PriceStateModel : public Model {
public:
    explicit PriceStateModel(double spot) : spot_(spot) {}
    std::size_t stateSize() const final { return 1; }
    std::vector<std::string> stateNames() const final { return {"price"}; }
    void initialState(double* state, std::size_t stride, std::size_t n) const final;
    void scaleInitialPrice(double* state, std::size_t stride, std::size_t n, const double* factor) const final;

private:
    double spot_;
};

using ModelPtr = std::shared_ptr<const Model>;

}  // namespace kp

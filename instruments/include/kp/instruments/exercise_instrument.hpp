#pragma once
/// \file exercise_instrument.hpp
/// What an exercisable instrument tells the engine: its exercise dates, its discounting, the value of
/// exercising as a function of state, and the regression features the continuation value is fitted on.
///
/// Everything works on a block of paths at once: `state` is [variable][path] with `stride` between
/// variables (the layout models write). One virtual call per block per date, never per path.

#include <cstddef>
#include <string>
#include <vector>

namespace kp {

class ExerciseInstrument {
public:
    virtual ~ExerciseInstrument() = default;

    /// Exercise dates in years, strictly increasing, all > 0. The last one is the final date.
    virtual const std::vector<double>& exerciseTimes() const = 0;
    /// Deterministic discount factor from 0 to t.
    virtual double discount(double t) const = 0;
    /// Number of regression features per path.
    virtual std::size_t featureCount() const = 0;

    /// out[p] = value of exercising at exercise date k (0-based) for n paths; >= 0 where exercise is
    /// worth considering. Paths with out[p] <= 0 are never exercised and not regressed.
    virtual void exerciseValue(std::size_t k, const double* state, std::size_t stride, std::size_t n,
                               double* out) const = 0;
    /// Regression features at date k: features[f * fstride + p], f < featureCount().
    virtual void features(std::size_t k, const double* state, std::size_t stride, std::size_t n,
                          double* features, std::size_t fstride) const = 0;
    /// Where the features at date k are state variables as they stand (feature f at
    /// result[f * stride + p]), a pointer into `state` that saves the copy; otherwise nullptr.
    virtual const double* featuresInState(std::size_t /*k*/, const double* /*state*/,
                                          std::size_t /*stride*/) const {
        return nullptr;
    }
};

}  // namespace kp

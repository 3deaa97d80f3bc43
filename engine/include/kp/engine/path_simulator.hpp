#pragma once
/// \file path_simulator.hpp
/// Advances blocks of paths of a model over a time grid, drawing the normals of path p at step k from
/// the counter-based generator (slot CounterLayout::factorStep) or a randomised Sobol set, so that any block can be simulated by any
/// thread and a seed gives the same paths on any number of threads.

#include <cstdint>
#include <memory>
#include <vector>

#include "kp/core/random.hpp"
#include "kp/models/model.hpp"

namespace kp {

class SobolNormals;

/// Per-thread scratch of a PathSimulator (allocate once, reuse across blocks and valuations).
struct SimScratch {
    NormalScratch normal;
    std::vector<double> z;  ///< normals of the current step [dim][path] (or all steps with QMC)
};

class PathSimulator {
public:
    /// times[0] >= 0 is the start (0 for the valuation date, later for inner simulations) < times[1] < ...; `stream` separates training, pricing and upper-bound draws.
    /// `stepOffset` is added to the step counter (distinct inner simulations use distinct offsets).
    PathSimulator(const Model& model, std::vector<double> times, std::uint64_t seed, Stream stream,
                  bool antithetic, std::uint32_t stepOffset = 0);
    ~PathSimulator();
    PathSimulator(PathSimulator&&) noexcept;

    /// Use randomised quasi-random numbers (replication r of a digitally shifted Sobol set).
    void useSobol(std::uint64_t seed, std::uint32_t replication);

    const Model& model() const { return model_; }
    std::size_t steps() const { return times_.size() - 1; }
    const std::vector<double>& times() const { return times_; }
    std::size_t dimensions() const { return dims_; }

    /// Prepares a block of n paths starting at firstPath (a multiple of 4). Must precede step().
    void beginBlock(std::uint64_t firstPath, std::size_t n, SimScratch& s) const;
    /// Advances the block's state [var][path] (stride between variables) from times[k-1] to times[k].
    void step(std::size_t k, std::uint64_t firstPath, std::size_t n, double* state, std::size_t stride,
              SimScratch& s) const;

private:
    const Model& model_;
    std::vector<double> times_;
    std::uint64_t seed_;
    Stream stream_;
    bool antithetic_;
    std::uint32_t stepOffset_;
    std::size_t dims_;
    std::unique_ptr<SobolNormals> sobol_;
};

}  // namespace kp

#include "kp/engine/path_simulator.hpp"

#include "kp/core/errors.hpp"
#include "kp/engine/sobol_normals.hpp"

namespace kp {

PathSimulator::PathSimulator(const Model& model, std::vector<double> times, std::uint64_t seed,
                             Stream stream, bool antithetic, std::uint32_t stepOffset)
    : model_(model),
      times_(std::move(times)),
      seed_(seed),
      stream_(stream),
      antithetic_(antithetic),
      stepOffset_(stepOffset),
      dims_(model.brownianDimensions() + model.auxiliaryDimensions()) {
    KP_REQUIRE(times_.size() >= 2 && times_[0] >= 0.0, "PathSimulator: the time grid has ",
               times_.size(), " times starting at ", times_.empty() ? 0.0 : times_[0],
               ", but must have at least two, starting at a time >= 0");
}

PathSimulator::~PathSimulator() = default;
PathSimulator::PathSimulator(PathSimulator&&) noexcept = default;

void PathSimulator::useSobol(std::uint64_t seed, std::uint32_t replication) {
    sobol_ = std::make_unique<SobolNormals>(times_, dims_, seed, replication);
}

void PathSimulator::beginBlock(std::uint64_t firstPath, std::size_t n, SimScratch& s) const {
    if (sobol_) {
        const std::size_t need = steps() * dims_ * n;
        if (s.z.size() < need) s.z.resize(need);
        sobol_->fill(firstPath, n, s.z.data());
    } else if (s.z.size() < dims_ * n) {
        s.z.resize(dims_ * n);
    }
}

void PathSimulator::step(std::size_t k, std::uint64_t firstPath, std::size_t n, double* state,
                         std::size_t stride, SimScratch& s) const {
    const double* z;
    if (sobol_) {
        z = s.z.data() + (k - 1) * dims_ * n;
    } else {
        for (std::size_t d = 0; d < dims_; ++d)
            fillNormals(seed_, CounterLayout::factorStep(stream_, k, d, stepOffset_), firstPath, n,
                        s.z.data() + d * n, antithetic_, s.normal);
        z = s.z.data();
    }
    model_.evolve(times_[k - 1], times_[k], z, n, state, stride, n);
}

}  // namespace kp

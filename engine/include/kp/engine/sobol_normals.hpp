#pragma once
/// \file sobol_normals.hpp
/// Randomised quasi-Monte Carlo (RQMC) standard normals: digitally shifted Sobol points with a
/// Brownian bridge, an alternative to the pseudo-random normals of kp/core/random.hpp.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace kp {

/// Randomised quasi-random standard normals for `steps` time steps x `dims` normals per step.
///
/// Output convention: the same as kp::fillNormals. out[(step * dims + dim) * n + i] is the
/// standard normal increment of path firstPath + i at (step, dim), per unit variance:
/// sqrt(t[step+1] - t[step]) * z is the Brownian increment of factor `dim` over that step.
/// Factors are independent; the caller correlates them as it does pseudo-random normals.
///
/// Construction of path p (0 <= p < 2^32) for replication r:
///   1. x = Sobol point p of dimension steps * dims (QuantLib SobolRsg, Joe-Kuo "D6" direction
///      integers, Gray-code order). Point 0 is the origin, which QuantLib never returns: we use it
///      so that paths [0, 2^m) are a complete (t, m, s)-net (Owen, "On dropping the first Sobol'
///      point", 2022); path p >= 1 is QuantLib's draw p - 1, reached with SobolRsg::skipTo(p - 1).
///      The result does not depend on the block.
///   2. Digital shift: the 32-bit integer of coordinate c is XORed with a random 32-bit word
///      shift[c] drawn by Philox4x32-10 from (seed, r). Each shifted point is uniform on the grid,
///      so any average over paths is unbiased, and distinct replications are independent.
///   3. u = (k + 1/2) 2^-32, never 0 or 1; x = Phi^-1(u) by QuantLib's InverseCumulativeNormal
///      (Acklam, relative error below 1.15e-9).
///   4. For each dim, a Brownian bridge across the steps (QuantLib BrownianBridge on the times
///      t - t0; its transform already returns unit-variance increments).
///
/// Dimension ordering ("level-major"): Sobol coordinate c = level * dims + dim feeds bridge input
/// `level` of factor `dim`. Level 0 is W(t_steps) (the terminal value), level 1 the first midpoint,
/// and so on to the finest points, so the first (best distributed) coordinates drive the coarse
/// shape of every factor before any factor's fine detail.
///
/// Standard errors: one replication is a deterministic-quality point set; run R independent
/// replications (same paths, r = 0..R-1), average each replication's estimate, and take the
/// spread of the R estimates, SE = sd / sqrt(R) (Glasserman, "Monte Carlo Methods in Financial
/// Engineering", 2004, section 5.4). Use n = 2^m paths per replication: Sobol nets are balanced
/// only at powers of two.
///
/// Thread safety: fill is const and may be called concurrently on one object. It copies a
/// never-drawn SobolRsg (QuantLib's generator is stateful) and allocates its work buffers once
/// per call, never per path. QuantLib stays out of this header (the state is behind a pointer);
/// the class is move-only, and a moved-from object may only be assigned to or destroyed.
///
/// Limitations: at most kMaxDimension = 21200 coordinates (the tabulated Joe-Kuo D6 numbers;
/// beyond them QuantLib would draw random direction integers) and 2^32 paths per replication.
/// Not vectorised: about 15 ns per normal, 3-4x kp::fillNormals (16-252 steps x 2 dims, blocks of
/// 1024 paths).
///
/// \test tests/engine/sobol_test.cpp: block independence bit for bit, moments of every output
/// coordinate, Brownian covariance min(s, t), European and geometric Asian calls against closed
/// forms with the replication standard error, QMC vs pseudo-random standard error, determinism,
/// concurrency and bad input.
class SobolNormals {
public:
    /// Largest steps * dims accepted.
    static constexpr std::size_t kMaxDimension = 21200;

    /// `times`: t0 < t1 < ... < t_steps in years (t0 is usually 0; only the differences matter).
    /// Throws InvalidInput unless times has at least 2 finite, strictly increasing entries,
    /// dims >= 1, steps * dims <= kMaxDimension and seed != 0.
    SobolNormals(const std::vector<double>& times, std::size_t dims, std::uint64_t seed,
                 std::uint32_t replication);
    SobolNormals(SobolNormals&&) noexcept;
    SobolNormals& operator=(SobolNormals&&) noexcept;
    ~SobolNormals();

    /// Fills out[(step * dims + dim) * n + i], i < n, for paths firstPath + i (see the class
    /// comment). Bit-identical for a given (seed, replication, path) whatever the block.
    /// Throws InvalidInput if firstPath + n > 2^32.
    void fill(std::uint64_t firstPath, std::size_t n, double* out) const;

    std::size_t dimension() const { return steps_ * dims_; }  ///< steps * dims
    std::size_t steps() const { return steps_; }
    std::size_t dims() const { return dims_; }
    std::uint32_t replication() const { return replication_; }

private:
    struct Impl;  ///< digital shift, QuantLib BrownianBridge and the never-drawn SobolRsg
    std::size_t steps_;
    std::size_t dims_;
    std::uint32_t replication_;
    std::unique_ptr<const Impl> impl_;
};

}  // namespace kp

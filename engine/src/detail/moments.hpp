#pragma once
/// \file moments.hpp
/// Streaming mean and variance shared by the engines, and the default size of the regression set.

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "kp/engine/lsm.hpp"

namespace kp::detail {

/// Count, mean and sum of squared deviations; merge() combines two by Chan et al.'s formula, so
/// per-block moments combined in block order give the same result on any number of threads.
struct Moments {
    double n = 0, mean = 0, m2 = 0;
    void add(double x) {
        n += 1;
        const double d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
    }
    void merge(const Moments& b) {
        if (b.n == 0) return;
        if (n == 0) {
            *this = b;
            return;
        }
        const double tot = n + b.n, d = b.mean - mean;
        mean += d * b.n / tot;
        m2 += b.m2 + d * d * n * b.n / tot;
        n = tot;
    }
    double variance() const { return n > 1 ? m2 / (n - 1) : 0.0; }
    /// The mean with its standard error.
    Estimate estimate() const { return {mean, n > 1 ? std::sqrt(variance() / n) : 0.0}; }
};

/// Regression paths when the user gives none: a quarter of the pricing paths, at least 20,000 (or
/// all of them, if fewer), at most 2^18 (so memory stays bounded however many paths are priced).
inline std::size_t defaultTrainingPaths(std::size_t paths) {
    return std::clamp(paths / 4, std::min<std::size_t>(paths, 20'000), std::size_t{1} << 18);
}

}  // namespace kp::detail

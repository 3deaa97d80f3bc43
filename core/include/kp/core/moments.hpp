#pragma once
/// \file moments.hpp
/// Streaming mean and variance, and the one rule by which every engine turns per-path values into
/// an estimate: with antithetic sampling the pairs (2i, 2i+1) are averaged first, so that the
/// standard error is that of the antithetic estimator (QuantLib's montecarlomodel.hpp does the same).
///
/// Determinism: Moments::merge combines two partial results by Chan et al.'s formula, so per-block
/// moments merged in block order give the same result on any number of threads.
/// Tested through the engines (tests/engine/*: 1 vs 2 threads bit for bit; SE against the spread
/// of estimates over seeds).

#include <cmath>
#include <cstddef>

#include "kp/core/estimate.hpp"

namespace kp {

/// Count, mean and sum of squared deviations (Welford's update).
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

/// Moments of f(p) over the paths p = first .. first + n - 1, in path order; with `antithetic` the
/// pairs (p, p + 1) from `first` on are averaged first (first and n even).
template <class F>
Moments pathMoments(std::size_t first, std::size_t n, bool antithetic, F&& f) {
    Moments m;
    if (antithetic) {
        for (std::size_t p = first; p + 1 < first + n; p += 2) m.add(0.5 * (f(p) + f(p + 1)));
    } else {
        for (std::size_t p = first; p < first + n; ++p) m.add(f(p));
    }
    return m;
}

/// The merge of per-block moments, in block order.
template <class Range>
Moments mergeInOrder(const Range& blocks) {
    Moments m;
    for (const Moments& b : blocks) m.merge(b);
    return m;
}

}  // namespace kp

#pragma once
/// \file price_path.hpp
/// A given year-by-year price path that a factor model follows as its median or its mean (the EUA
/// futures curve, an NGFS scenario's carbon price, an analyst's forecast): anchor points (t_i, A_i),
/// log-linear between them, A(0) the model's start, flat after the last point.
///
/// Which models take one and what the anchor means there: kp::AnchoredGbm (gbm and exp-OU deviations
/// around the path; median or mean), kp::SchwartzSmith (the long-term factor follows the path; median
/// or mean), kp::MertonJump (mean only: E[S(t)] = A(t)). docs/case-file.md, "A price path".
/// Tested through those models in tests/models/models_test.cpp.

#include <vector>

namespace kp {

struct PricePath {
    std::vector<double> times;   ///< anchor times in years after t = 0, increasing, > 0
    std::vector<double> levels;  ///< A at those times, > 0 (same length), in the price's units
    bool mean = false;           ///< the path is the mean (true) or the median (false)

    bool empty() const { return times.empty(); }
    /// log A(t) for A(0) = exp(logStart): log-linear between the anchors, flat after the last.
    double logAt(double t, double logStart) const { return logAnchor(times, levels, logStart, t); }

    /// The same for anchor vectors held elsewhere (kp::AnchoredGbmParams).
    static double logAnchor(const std::vector<double>& times, const std::vector<double>& levels,
                            double logStart, double t);
    /// Throws kp::InvalidInput naming `who` unless there is at least one anchor, as many levels as
    /// times, the times positive and increasing and the levels positive.
    static void validate(const char* who, const std::vector<double>& times, const std::vector<double>& levels);
};

}  // namespace kp

#pragma once
/// \file time_grid.hpp
/// The simulation dates of a valuation, in years from the valuation date.

#include <cmath>
#include <cstddef>
#include <vector>

#include "kp/core/errors.hpp"

namespace kp {

/// Strictly increasing times in years, starting at 0 (the valuation date).
///
/// Invariant (checked at construction): times()[0] == 0, each later time is finite and larger than the
/// one before. Tested in tests/core/core_test.cpp.
class TimeGrid {
public:
    explicit TimeGrid(std::vector<double> times) : times_(std::move(times)) {
        KP_REQUIRE(!times_.empty() && times_[0] == 0.0, "TimeGrid: the first time is ",
                   times_.empty() ? std::nan("") : times_[0], ", but must be 0");
        for (std::size_t i = 1; i < times_.size(); ++i)
            KP_REQUIRE(std::isfinite(times_[i]) && times_[i] > times_[i - 1], "TimeGrid: time ", i,
                       " is ", times_[i], ", but must be finite and greater than time ", i - 1, " (",
                       times_[i - 1], ")");
    }

    /// `steps` equal steps from 0 to `horizon` years.
    static TimeGrid uniform(double horizon, std::size_t steps) {
        KP_REQUIRE(std::isfinite(horizon) && horizon > 0, "TimeGrid: horizon is ", horizon,
                   ", but must be positive");
        KP_REQUIRE(steps >= 1, "TimeGrid: number of steps is 0, but must be at least 1");
        std::vector<double> t(steps + 1);
        for (std::size_t i = 0; i <= steps; ++i)
            t[i] = horizon * static_cast<double>(i) / static_cast<double>(steps);
        return TimeGrid(std::move(t));
    }

    std::size_t size() const { return times_.size(); }
    std::size_t steps() const { return times_.size() - 1; }
    double operator[](std::size_t i) const { return times_[i]; }
    double back() const { return times_.back(); }
    double dt(std::size_t step) const { return times_[step + 1] - times_[step]; }
    const std::vector<double>& times() const { return times_; }

private:
    std::vector<double> times_;
};

}  // namespace kp

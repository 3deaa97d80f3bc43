#pragma once
/// \file state_block.hpp
/// Date-major storage of simulated state: [date][variable][path], the path index contiguous, so that
/// the cross-section that LSM regresses at one date is one contiguous column.
///
/// Memory: dates x variables x paths x 8 bytes (1,000,000 paths x 50 dates x 1 variable = 400 MB).
/// Buffers are meant to be reused across valuations: resize() keeps capacity, so a second valuation of
/// the same size touches no new pages; the first touches its pages in the passes that write them, two
/// MiB at a time (kp::HugeVector).

#include <cstddef>
#include <vector>

#include "kp/core/huge_pages.hpp"

namespace kp {

class StateBlock {
public:
    StateBlock() = default;
    StateBlock(std::size_t dates, std::size_t variables, std::size_t paths) {
        resize(dates, variables, paths);
    }

    /// Reshape, keeping the allocation when it is large enough (contents are unspecified after).
    void resize(std::size_t dates, std::size_t variables, std::size_t paths) {
        dates_ = dates;
        vars_ = variables;
        paths_ = paths;
        if (data_.size() < dates * variables * paths) data_.resize(dates * variables * paths);
    }

    std::size_t dates() const { return dates_; }
    std::size_t variables() const { return vars_; }
    std::size_t paths() const { return paths_; }

    /// The column of variable `var` at date `date`, `paths()` contiguous values.
    double* column(std::size_t date, std::size_t var) {
        return data_.data() + (date * vars_ + var) * paths_;
    }
    const double* column(std::size_t date, std::size_t var) const {
        return data_.data() + (date * vars_ + var) * paths_;
    }
    double& operator()(std::size_t date, std::size_t var, std::size_t path) {
        return column(date, var)[path];
    }
    double operator()(std::size_t date, std::size_t var, std::size_t path) const {
        return column(date, var)[path];
    }

private:
    std::size_t dates_ = 0, vars_ = 0, paths_ = 0;
    HugeVector<double> data_;  // huge pages, no zero fill (kp/core/huge_pages.hpp)
};

}  // namespace kp

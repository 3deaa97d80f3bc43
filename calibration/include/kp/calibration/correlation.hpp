#pragma once
/// \file correlation.hpp
/// Correlation matrix of log returns of several price series on their overlapping dates, for the
/// correlation between factor models' Brownian drivers.
///
/// Dates common to all series are taken first (so a return spans the same interval for every
/// series), then resampled (last common date of each week or month), then log returns. The matrix
/// is the Pearson correlation of those returns; the 95% interval of each entry is Fisher's z,
/// tanh(atanh(r) +- 1.96 / sqrt(n - 3)). Because every entry uses the same dates, the matrix is
/// positive semi-definite. Tested in tests/calibration/calibration_test.cpp (synthetic correlated
/// series).

#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <vector>

#include "kp/calibration/time_series.hpp"

namespace kp::calibration {

struct CorrelationResult {
    std::vector<std::string> names;  ///< "<file>:<column>" per series
    Eigen::MatrixXd correlation;     ///< Pearson correlation of log returns
    Eigen::MatrixXd lower95;         ///< Fisher-z 95% interval, lower end
    Eigen::MatrixXd upper95;         ///< upper end
    std::size_t observations = 0;    ///< number of common log returns used
    int firstDay = 0;                ///< first common date used (days since 1970-01-01)
    int lastDay = 0;                 ///< last common date used
    Frequency frequency = Frequency::Daily;
};

/// Throws InvalidInput for fewer than 2 series, a non-positive price among the observations used
/// (file and line), or fewer than 10 common returns.
CorrelationResult correlateLogReturns(const std::vector<TimeSeries>& series, Frequency frequency);

}  // namespace kp::calibration

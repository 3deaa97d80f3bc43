#pragma once
/// \file learning_curve.hpp
/// Experience (learning) curve: unit cost against cumulative installed capacity,
///   log(cost) = a + b log(capacity) + e,   learning rate LR = 1 - 2^b,
/// the fractional cost reduction per doubling of cumulative capacity (Wright's law; e.g. Rubin et
/// al., Energy Policy 86, 2015). Fitted by ordinary least squares on the logs; the confidence
/// interval of b is b +- t_{n-2} se(b) (Student t from Boost.Math), mapped to LR (1 - 2^b is
/// decreasing in b). Tested on synthetic data in tests/calibration/calibration_test.cpp.

#include <cstddef>
#include <string>
#include <vector>

namespace kp::calibration {

/// Two numeric columns of a CSV file: cumulative capacity and unit cost (any units; only ratios
/// matter).
struct LearningCurveData {
    std::string file;
    std::string capacityColumn, costColumn;
    std::vector<double> capacity;    ///< cumulative capacity, > 0
    std::vector<double> cost;        ///< unit cost, > 0
    std::vector<std::size_t> lines;  ///< 1-based line of each row
};

/// Reads `path` (a header row, then rows). Columns by name, or else the first two numeric columns
/// (capacity first). Throws InvalidInput "<file>:<line>: ..." for a missing column, a missing,
/// non-numeric or non-positive value, or fewer than 4 rows.
LearningCurveData readLearningCurve(const std::string& path, const std::string& capacityColumn = "",
                                    const std::string& costColumn = "");

struct LearningCurveFit {
    double intercept = 0.0;  ///< a (log cost at capacity 1)
    double exponent = 0.0;   ///< b (elasticity of cost to cumulative capacity)
    double interceptStdError = 0.0;
    double exponentStdError = 0.0;
    double learningRate = 0.0;       ///< 1 - 2^b
    double learningRateLower = 0.0;  ///< lower end of the confidence interval of LR
    double learningRateUpper = 0.0;  ///< upper end
    double confidence = 0.95;
    double rSquared = 0.0;
    double residualStdDev = 0.0;  ///< of log cost, sqrt(SSR / (n - 2))
    std::size_t observations = 0;
};

/// OLS fit; capacity and cost > 0, at least 3 points and two distinct capacities. confidence in (0,
/// 1).
LearningCurveFit fitLearningCurve(const std::vector<double>& capacity,
                                  const std::vector<double>& cost, double confidence = 0.95);

}  // namespace kp::calibration

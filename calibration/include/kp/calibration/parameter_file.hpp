#pragma once
/// \file parameter_file.hpp
/// The YAML parameter file written by `kruispunt calibrate --out` and read back by a case file.
///
/// Layout (keys are stable; comments are for people):
///
///     kind: kruispunt-calibration
///     version: 1
///     model: ou                       # gbm | ou | schwartz-smith | jump
///     measure: historical             # fitted to price history (real-world drift)
///     spot: 70.11                     # last price of the series (the model's S(0))
///     as_of: 2025-03-17               # date of that price
///     parameters: {kappa: ..., theta: ..., sigma: ...}
///     std_errors: {kappa: ..., theta: ..., sigma: ...}   # .nan where unavailable
///     fixed: [rho]                    # parameters held, not estimated (may be absent)
///     state: {chi: ..., xi: ...}      # schwartz-smith only: filtered factors at as_of
/// A Schwartz-Smith fit to futures adds parameters lambda_chi, mu_xi_star and s_e_<tau> (or s_e)
/// after the five of the model; readers that do not know them ignore them (the case loader does).
///     data: {file, column, from, to, frequency, time_basis, prices}
///                                     # futures: column = "f_0.25,f_1,...", maturities: [...]
///     fit: {log_likelihood, aic, bic, observations, status}
///
/// Files are written to a temporary name beside the target and renamed, so a failed run never
/// leaves a half-written file. Tested (write, read back, convert) in tests/calibration.

#include <string>
#include <vector>

#include "kp/calibration/correlation.hpp"
#include "kp/calibration/fit_result.hpp"
#include "kp/calibration/learning_curve.hpp"
#include "kp/calibration/time_series.hpp"

namespace kp::calibration {

/// Where a fit's data came from.
struct DataInfo {
    std::string file;
    std::string column;
    int firstDay = 0;  ///< days since 1970-01-01
    int lastDay = 0;
    Frequency frequency = Frequency::Daily;
    TimeBasis timeBasis = TimeBasis::Calendar;
    std::size_t prices = 0;           ///< number of dates (rows) used
    std::vector<double> maturities;   ///< futures panel only: years per column (else empty)
};

DataInfo describe(const TimeSeries& s, Frequency f, TimeBasis basis = TimeBasis::Calendar);

/// A parameter file read back: the fit (model, parameters with errors, state, last price) and its
/// data.
struct ParameterFile {
    FitResult fit;
    DataInfo data;
};

void writeParameterFile(const std::string& path, const FitResult& fit, const DataInfo& data);
/// Throws InvalidInput "<file>: <key> is ..., but must be ..." for a missing or malformed entry.
ParameterFile readParameterFile(const std::string& path);

/// Correlation matrix file: names, matrix, 95% bounds, observations, dates, frequency.
void writeCorrelationFile(const std::string& path, const CorrelationResult& c);
/// Learning-curve file: exponent, learning rate with its interval, data columns.
void writeLearningCurveFile(const std::string& path, const LearningCurveFit& f,
                            const LearningCurveData& d);

/// Writes `text` to `path` through a temporary file in the same directory and a rename.
void writeFileAtomically(const std::string& path, const std::string& text);

}  // namespace kp::calibration

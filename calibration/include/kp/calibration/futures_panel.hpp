#pragma once
/// \file futures_panel.hpp
/// A panel of futures prices at constant times to maturity (the usual rolling-tenor panel: one
/// column per tenor, one row per date), read from a CSV file, for the Schwartz-Smith fit on futures
/// (schwartz_smith_futures.hpp).
///
/// File layout: a header row, then one row per date. The date column is found as in readSeries
/// (the column named "date", else the first column whose first row is an ISO date). Every other
/// column (or those named in FuturesRequest::columns) holds futures prices of one constant time to
/// maturity tau, in years:
/// - from the header: the text after the last '_' (or the whole name if there is none) is a
///   positive number of years, optionally followed by 'y' (years) or 'm' (months):
///   `f_0.25`, `f_1`, `F_2y`, `ttf_6m` (= 0.5 years), `0.5`;
/// - or given in FuturesRequest::maturities (CLI `--maturities 0.25,0.5,1,2`), one per column in
///   file order, which overrides the header.
/// Maturities must be distinct, and there must be at least two.
///
/// Missing cells (empty, NA, NaN, N/A, null, -) are allowed: they are stored as NaN and the Kalman
/// filter skips that measurement on that date. A row with every price missing is dropped (it
/// carries no information; the filter's step to the next date is then the longer one, which is the
/// same law). Prices must be positive (the model is on log prices).
///
/// Throws InvalidInput "<file>:<line>: <what> is <value>, but must be <constraint>" for: a column
/// that is not a maturity, a wrong number of --maturities, fewer than 2 maturities, repeated
/// maturities, a non-numeric or non-positive price, bad, duplicate or unsorted dates, a wrong field
/// count, and no rows left after from/to. Tested in tests/calibration/futures_test.cpp.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "kp/calibration/time_series.hpp"

namespace kp::calibration {

/// Futures price panel; prices[i][j] is the price on date i of the column with maturity
/// maturities[j] (NaN when missing). Columns are in file order.
struct FuturesPanel {
    std::string file;                         ///< path as given (used in messages)
    std::vector<std::string> columns;         ///< futures columns
    std::vector<double> maturities;           ///< time to maturity of each column, years, > 0
    std::vector<int> days;                    ///< dates, days since 1970-01-01, increasing
    std::vector<std::vector<double>> prices;  ///< [date][column], > 0 or NaN (missing)
    std::vector<std::size_t> lines;           ///< 1-based line of each row in `file`

    std::size_t size() const { return days.size(); }
    /// Number of prices present (not missing).
    std::size_t measurements() const;
    /// Years from the first date on `basis` (as TimeSeries::times).
    std::vector<double> times(TimeBasis basis = TimeBasis::Calendar) const;
    /// "<file>:<line>" of row i.
    std::string where(std::size_t i) const;
};

/// What to read from a futures CSV file and which part of it to keep.
struct FuturesRequest {
    std::vector<std::string> columns;        ///< futures columns; empty = every column but the date
    std::vector<double> maturities;          ///< years per column; empty = from the header names
    std::optional<int> from;                 ///< first date kept, inclusive
    std::optional<int> to;                   ///< last date kept, inclusive
    Frequency frequency = Frequency::Daily;  ///< Weekly/Monthly keep the last row of each period
};

FuturesPanel readFuturesPanel(const std::string& path, const FuturesRequest& request = {});

/// The maturity in years encoded in a column name (see the file comment), or nullopt.
std::optional<double> maturityFromHeader(const std::string& name);

}  // namespace kp::calibration

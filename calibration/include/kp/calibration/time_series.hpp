#pragma once
/// \file time_series.hpp
/// A dated price series read from a CSV file, and its resampling to weekly or monthly observations.
///
/// Dates are whole days since 1970-01-01 (proleptic Gregorian). Time between observations is
/// measured in years of 365 days (ACT/365), from the actual calendar dates, so weekends, holidays
/// and gaps in the data give longer steps: estimators use each observation's own step, never an
/// assumed equal one.
///
/// Every observation keeps the line of the file it came from, so later checks (a non-positive price
/// for a log-price model) can name file and line. Tested in tests/calibration/calibration_test.cpp.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kp::calibration {

/// Days per year for year fractions (ACT/365 fixed).
inline constexpr double kDaysPerYear = 365.0;
/// Weekdays (Monday to Friday) per year on average, 365.25 * 5 / 7, for the business-day clock.
inline constexpr double kWeekdaysPerYear = 365.25 * 5.0 / 7.0;

/// The clock that turns dates into years.
enum class TimeBasis {
    Calendar,  ///< ACT/365: every calendar day counts (a weekend step is 3 days)
    Business,  ///< weekdays / (365.25 * 5/7): Saturdays and Sundays carry no time, holidays do
};

/// Parses "calendar" or "business"; throws InvalidInput otherwise.
TimeBasis parseTimeBasis(const std::string& text);
std::string toString(TimeBasis b);

/// One numeric column of a CSV file against its dates, sorted by date, dates unique.
struct TimeSeries {
    std::string file;                ///< path as given (used in messages)
    std::string column;              ///< name of the value column
    std::vector<int> days;           ///< dates, days since 1970-01-01, strictly increasing
    std::vector<double> values;      ///< values in the file's units (EUR/t, EUR/MWh ...)
    std::vector<std::size_t> lines;  ///< 1-based line of each observation in `file`

    std::size_t size() const { return values.size(); }
    /// Years from the first observation on `basis`: times()[0] == 0. With Business, throws
    /// InvalidInput "<file>:<line>: date ... is a Saturday, but must be a weekday ..." for an
    /// observation dated on a weekend (it would get a zero time step).
    std::vector<double> times(TimeBasis basis = TimeBasis::Calendar) const;
    /// "<file>:<line>" of observation i.
    std::string where(std::size_t i) const;
};

/// Sampling of the series passed to an estimator.
enum class Frequency {
    Daily,    ///< every row of the file, as it is
    Weekly,   ///< last observation of each ISO week (Monday to Sunday)
    Monthly,  ///< last observation of each calendar month
};

/// Parses "daily", "weekly" or "monthly"; throws InvalidInput otherwise.
Frequency parseFrequency(const std::string& text);
std::string toString(Frequency f);

/// What to read from a CSV file and which part of it to keep.
struct SeriesRequest {
    std::string column;       ///< value column; empty = the first numeric column
    std::optional<int> from;  ///< first date kept (days since 1970-01-01), inclusive
    std::optional<int> to;    ///< last date kept, inclusive
    Frequency frequency = Frequency::Daily;
};

/// Reads `path`: a header row, then one row per date. The date column is the column named "date"
/// (any case) or else the first column whose first data row holds an ISO date (YYYY-MM-DD). The
/// value column is `request.column`, or else the first other column whose non-empty cells all parse
/// as numbers. Quoted fields ("a, b") are understood.
///
/// Throws InvalidInput "<file>:<line>: <what> is <value>, but must be <constraint>" for: a file
/// that cannot be opened, a column that does not exist, a row with the wrong number of fields, a
/// date that is not ISO, a missing or non-numeric value, a duplicate date, dates out of order, and
/// no observations left after `from`/`to`.
TimeSeries readSeries(const std::string& path, const SeriesRequest& request = {});

/// Keeps the last observation of each week or month (Daily returns the series unchanged).
TimeSeries resample(const TimeSeries& s, Frequency f);

/// Keeps the observations with from <= date <= to.
TimeSeries restrictDates(const TimeSeries& s, std::optional<int> from, std::optional<int> to);

/// Days since 1970-01-01 of an ISO date "YYYY-MM-DD"; nullopt when `text` is not a valid date.
std::optional<int> parseIsoDate(const std::string& text);
/// "YYYY-MM-DD" of a day number.
std::string formatIsoDate(int days);

/// Throws InvalidInput "<file>:<line>: <column> is <v>, but must be positive for ..." at the first
/// value <= 0 (log-price models need positive prices).
void requirePositive(const TimeSeries& s, const std::string& forWhat);

/// Throws InvalidInput when the series has fewer than `minimum` observations.
void requireMinimumSize(const TimeSeries& s, std::size_t minimum, const std::string& forWhat);

}  // namespace kp::calibration

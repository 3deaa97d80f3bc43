#include "kp/calibration/time_series.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include "kp/calibration/detail/csv.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/input_file.hpp"

namespace kp::calibration {

namespace {
/// Day of the week, Monday = 0 (1970-01-01 was a Thursday).
int weekday(int day) { return ((day + 3) % 7 + 7) % 7; }
/// Number of weekdays in (a, b], a <= b.
long weekdaysAfter(int a, int b) {
    long count = 0;
    int d = a;
    for (; d < b && (b - d) % 7 != 0; ++d)
        if (weekday(d + 1) < 5) ++count;
    return count + 5L * ((b - d) / 7);
}
}  // namespace

std::vector<double> TimeSeries::times(TimeBasis basis) const {
    std::vector<double> t(days.size());
    if (basis == TimeBasis::Calendar) {
        for (std::size_t i = 0; i < days.size(); ++i)
            t[i] = static_cast<double>(days[i] - days.front()) / kDaysPerYear;
        return t;
    }
    static constexpr const char* kNames[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sunday"};
    long cumulative = 0;
    for (std::size_t i = 0; i < days.size(); ++i) {
        KP_REQUIRE(weekday(days[i]) < 5, where(i), ": date ", formatIsoDate(days[i]), " is a ",
                   kNames[weekday(days[i])],
                   ", but must be a weekday with the business-day clock "
                   "(use the calendar clock for series with weekend prices)");
        if (i > 0) cumulative += weekdaysAfter(days[i - 1], days[i]);
        t[i] = static_cast<double>(cumulative) / kWeekdaysPerYear;
    }
    return t;
}

TimeBasis parseTimeBasis(const std::string& text) {
    if (text == "calendar") return TimeBasis::Calendar;
    if (text == "business") return TimeBasis::Business;
    ::kp::detail::throwInvalid("time basis is '", text, "', but must be calendar or business");
}

std::string toString(TimeBasis b) { return b == TimeBasis::Calendar ? "calendar" : "business"; }

std::string TimeSeries::where(std::size_t i) const {
    return file + ":" + std::to_string(i < lines.size() ? lines[i] : 0);
}

Frequency parseFrequency(const std::string& text) {
    if (text == "daily") return Frequency::Daily;
    if (text == "weekly") return Frequency::Weekly;
    if (text == "monthly") return Frequency::Monthly;
    ::kp::detail::throwInvalid("frequency is '", text, "', but must be daily, weekly or monthly");
}

std::string toString(Frequency f) {
    switch (f) {
        case Frequency::Daily:
            return "daily";
        case Frequency::Weekly:
            return "weekly";
        case Frequency::Monthly:
            return "monthly";
    }
    return "?";
}

std::optional<int> parseIsoDate(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    const int y = std::stoi(text.substr(0, 4));
    const unsigned m = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
    const unsigned d = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                          std::chrono::day{d}};
    if (!ymd.ok()) return std::nullopt;
    return static_cast<int>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

std::string formatIsoDate(int days) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

using detail::isMissing;
using detail::joinNames;
using detail::lower;

TimeSeries readSeries(const std::string& path, const SeriesRequest& request) {
    std::istringstream in(io::readInputFile(path, "CSV file", io::kMaxCsvBytes));
    const detail::CsvTable table = detail::readCsv(in, path);
    KP_REQUIRE(!table.header.empty(), path, ":1: header row is empty, but must name the columns");
    KP_REQUIRE(!table.rows.empty(), path,
               ":2: data rows are absent, but the file must hold at least one");
    const std::size_t nCols = table.header.size();
    for (const auto& row : table.rows)
        KP_REQUIRE(row.cells.size() == nCols, path, ":", row.line, ": number of fields is ",
                   row.cells.size(), ", but must be ", nCols, " (as in the header)");

    // Date column: named "date", else the first column holding an ISO date in the first row.
    std::size_t dateCol = nCols;
    for (std::size_t c = 0; c < nCols && dateCol == nCols; ++c)
        if (lower(table.header[c]) == "date") dateCol = c;
    for (std::size_t c = 0; c < nCols && dateCol == nCols; ++c)
        if (parseIsoDate(table.rows.front().cells[c])) dateCol = c;
    KP_REQUIRE(dateCol < nCols, path, ":", table.rows.front().line,
               ": no column holds an ISO date (YYYY-MM-DD), but one must (columns: ",
               joinNames(table.header), ")");

    // Value column: requested by name, else the first all-numeric column.
    std::size_t valueCol = nCols;
    if (!request.column.empty()) {
        for (std::size_t c = 0; c < nCols; ++c)
            if (table.header[c] == request.column) valueCol = c;
        KP_REQUIRE(valueCol < nCols, path, ":", table.headerLine, ": column '", request.column,
                   "' is not in the header, but must be one of: ", joinNames(table.header));
        KP_REQUIRE(valueCol != dateCol, path, ":", table.headerLine, ": column '", request.column,
                   "' is the date column, but must be a numeric column");
    } else {
        for (std::size_t c = 0; c < nCols && valueCol == nCols; ++c) {
            if (c == dateCol) continue;
            bool any = false, all = true;
            for (const auto& row : table.rows) {
                if (isMissing(row.cells[c])) continue;
                any = true;
                if (!detail::parseNumber(row.cells[c])) {
                    all = false;
                    break;
                }
            }
            if (any && all) valueCol = c;
        }
        KP_REQUIRE(valueCol < nCols, path, ":", table.headerLine,
                   ": no column other than the date is numeric, but one must be (columns: ",
                   joinNames(table.header), ")");
    }

    TimeSeries s;
    s.file = path;
    s.column = table.header[valueCol];
    s.days.reserve(table.rows.size());
    s.values.reserve(table.rows.size());
    s.lines.reserve(table.rows.size());
    for (const auto& row : table.rows) {
        const std::string& dateText = row.cells[dateCol];
        const auto day = parseIsoDate(dateText);
        KP_REQUIRE(day.has_value(), path, ":", row.line, ": date is '", dateText,
                   "', but must be an ISO date YYYY-MM-DD");
        const std::string& cell = row.cells[valueCol];
        KP_REQUIRE(!isMissing(cell), path, ":", row.line, ": ", s.column, " is missing ('", cell,
                   "'), but must be a number");
        const auto value = detail::parseNumber(cell);
        KP_REQUIRE(value.has_value(), path, ":", row.line, ": ", s.column, " is '", cell,
                   "', but must be a finite number");
        if (!s.days.empty()) {
            KP_REQUIRE(*day != s.days.back(), path, ":", row.line, ": date ", dateText,
                       " is a duplicate of line ", s.lines.back(), ", but dates must be unique");
            KP_REQUIRE(*day > s.days.back(), path, ":", row.line, ": date ", dateText,
                       " is earlier than ", formatIsoDate(s.days.back()), " on line ",
                       s.lines.back(), ", but dates must be in increasing order");
        }
        s.days.push_back(*day);
        s.values.push_back(*value);
        s.lines.push_back(row.line);
    }

    TimeSeries kept = restrictDates(s, request.from, request.to);
    KP_REQUIRE(kept.size() > 0, path, ": number of observations between ",
               request.from ? formatIsoDate(*request.from) : std::string("the start"), " and ",
               request.to ? formatIsoDate(*request.to) : std::string("the end"),
               " is 0, but must be positive (the file covers ", formatIsoDate(s.days.front()),
               " to ", formatIsoDate(s.days.back()), ")");
    return resample(kept, request.frequency);
}

TimeSeries restrictDates(const TimeSeries& s, std::optional<int> from, std::optional<int> to) {
    TimeSeries out;
    out.file = s.file;
    out.column = s.column;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (from && s.days[i] < *from) continue;
        if (to && s.days[i] > *to) continue;
        out.days.push_back(s.days[i]);
        out.values.push_back(s.values[i]);
        out.lines.push_back(s.lines[i]);
    }
    return out;
}

namespace {
/// Period index of a day: ISO week (Monday start; 1970-01-01 was a Thursday) or calendar month.
long periodOf(int day, Frequency f) {
    if (f == Frequency::Weekly) {
        const long shifted =
            static_cast<long>(day) + 3;  // day 0 is Thursday, +3 -> Monday = 0 mod 7
        return shifted >= 0 ? shifted / 7 : -((-shifted + 6) / 7);
    }
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    return static_cast<long>(static_cast<int>(ymd.year())) * 12 +
           static_cast<long>(static_cast<unsigned>(ymd.month()));
}
}  // namespace

TimeSeries resample(const TimeSeries& s, Frequency f) {
    if (f == Frequency::Daily) return s;
    TimeSeries out;
    out.file = s.file;
    out.column = s.column;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool lastOfPeriod =
            i + 1 == s.size() || periodOf(s.days[i + 1], f) != periodOf(s.days[i], f);
        if (!lastOfPeriod) continue;
        out.days.push_back(s.days[i]);
        out.values.push_back(s.values[i]);
        out.lines.push_back(s.lines[i]);
    }
    return out;
}

void requirePositive(const TimeSeries& s, const std::string& forWhat) {
    for (std::size_t i = 0; i < s.size(); ++i)
        KP_REQUIRE(s.values[i] > 0, s.where(i), ": ", s.column, " is ",
                   detail::shortest(s.values[i]), ", but must be positive for ", forWhat);
}

void requireMinimumSize(const TimeSeries& s, std::size_t minimum, const std::string& forWhat) {
    if (s.size() >= minimum) return;
    std::ostringstream where;
    where << s.file;
    if (!s.lines.empty()) where << ":" << s.lines.front() << "-" << s.lines.back();
    ::kp::detail::throwInvalid(where.str(), ": number of observations is ", s.size(),
                               ", but must be at least ", minimum, " for ", forWhat);
}

}  // namespace kp::calibration

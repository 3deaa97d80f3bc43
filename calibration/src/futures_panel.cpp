#include "kp/calibration/futures_panel.hpp"

#include <sstream>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>

#include "kp/calibration/detail/csv.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/input_file.hpp"

namespace kp::calibration {

using detail::isMissing;
using detail::joinNames;
using detail::lower;

std::optional<double> maturityFromHeader(const std::string &name) {
    const std::size_t us = name.rfind('_');
    std::string text = us == std::string::npos ? name : name.substr(us + 1);
    double factor = 1.0;
    if (!text.empty() && (text.back() == 'y' || text.back() == 'Y')) {
        text.pop_back();
    } else if (!text.empty() && (text.back() == 'm' || text.back() == 'M')) {
        text.pop_back();
        factor = 1.0 / 12.0;
    }
    const auto v = detail::parseNumber(text);
    if (!v || !(*v > 0)) return std::nullopt;
    return *v * factor;
}

std::size_t FuturesPanel::measurements() const {
    std::size_t n = 0;
    for (const auto &row : prices)
        for (double p : row) n += std::isnan(p) ? 0 : 1;
    return n;
}

std::vector<double> FuturesPanel::times(TimeBasis basis) const {
    TimeSeries s;
    s.file = file;
    s.days = days;
    s.lines = lines;
    s.values.assign(days.size(), 1.0);
    return s.times(basis);
}

std::string FuturesPanel::where(std::size_t i) const {
    return file + ":" + std::to_string(i < lines.size() ? lines[i] : 0);
}

FuturesPanel readFuturesPanel(const std::string &path, const FuturesRequest &request) {
    std::istringstream in(io::readInputFile(path, "CSV file", io::kMaxCsvBytes));
    const detail::CsvTable table = detail::readCsv(in, path);
    KP_REQUIRE(!table.header.empty(), path, ":1: header row is empty, but must name the columns");
    KP_REQUIRE(!table.rows.empty(), path,
               ":2: data rows are absent, but the file must hold at least one");
    const std::size_t nCols = table.header.size();
    const std::size_t hl = table.headerLine;
    for (const auto &row : table.rows)
        KP_REQUIRE(row.cells.size() == nCols, path, ":", row.line, ": number of fields is ",
                   row.cells.size(), ", but must be ", nCols, " (as in the header)");

    std::size_t dateCol = nCols;
    for (std::size_t c = 0; c < nCols && dateCol == nCols; ++c)
        if (lower(table.header[c]) == "date") dateCol = c;
    for (std::size_t c = 0; c < nCols && dateCol == nCols; ++c)
        if (parseIsoDate(table.rows.front().cells[c])) dateCol = c;
    KP_REQUIRE(dateCol < nCols, path, ":", table.rows.front().line,
               ": no column holds an ISO date (YYYY-MM-DD), but one must (columns: ",
               joinNames(table.header), ")");

    // Futures columns: named, or every column but the date.
    std::vector<std::size_t> cols;
    if (!request.columns.empty()) {
        for (const auto &name : request.columns) {
            std::size_t c = nCols;
            for (std::size_t k = 0; k < nCols; ++k)
                if (table.header[k] == name) c = k;
            KP_REQUIRE(c < nCols, path, ":", hl, ": column '", name,
                       "' is not in the header, but must be one of: ", joinNames(table.header));
            KP_REQUIRE(c != dateCol, path, ":", hl, ": column '", name,
                       "' is the date column, but must be a futures price column");
            cols.push_back(c);
        }
    } else {
        for (std::size_t c = 0; c < nCols; ++c)
            if (c != dateCol) cols.push_back(c);
    }

    FuturesPanel p;
    p.file = path;
    for (std::size_t c : cols) p.columns.push_back(table.header[c]);
    if (!request.maturities.empty()) {
        KP_REQUIRE(request.maturities.size() == cols.size(), path, ":", hl,
                   ": number of maturities given is ", request.maturities.size(),
                   ", but must equal the number of futures columns (", cols.size(), ": ",
                   joinNames(p.columns), ")");
        for (double tau : request.maturities)
            KP_REQUIRE(std::isfinite(tau) && tau > 0, path, ":", hl, ": maturity ",
                       detail::shortest(tau), " is not positive, but must be > 0 years");
        p.maturities = request.maturities;
    } else {
        for (const auto &name : p.columns) {
            const auto tau = maturityFromHeader(name);
            KP_REQUIRE(tau.has_value(), path, ":", hl, ": column '", name,
                       "' is not a maturity, but every column other than the date "
                       "must name its "
                       "time to maturity in years (e.g. f_0.25, f_1, f_6m) unless "
                       "--maturities "
                       "(or --column) is given");
            p.maturities.push_back(*tau);
        }
    }
    KP_REQUIRE(
        p.maturities.size() >= 2, path, ":", hl, ": number of maturities is ", p.maturities.size(),
        ", but must be at least 2 for the futures fit (columns: ", joinNames(p.columns), ")");
    for (std::size_t a = 0; a < p.maturities.size(); ++a)
        for (std::size_t b = a + 1; b < p.maturities.size(); ++b)
            KP_REQUIRE(std::abs(p.maturities[a] - p.maturities[b]) > 1e-12, path, ":", hl,
                       ": maturity of column '", p.columns[b], "' is ",
                       detail::shortest(p.maturities[b]), " years as that of '", p.columns[a],
                       "', but maturities must be distinct");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<int> days;
    std::vector<std::size_t> lines;
    std::vector<std::vector<double>> prices;
    for (const auto &row : table.rows) {
        const std::string &dateText = row.cells[dateCol];
        const auto day = parseIsoDate(dateText);
        KP_REQUIRE(day.has_value(), path, ":", row.line, ": date is '", dateText,
                   "', but must be an ISO date YYYY-MM-DD");
        if (!days.empty()) {
            KP_REQUIRE(*day != days.back(), path, ":", row.line, ": date ", dateText,
                       " is a duplicate of line ", lines.back(), ", but dates must be unique");
            KP_REQUIRE(*day > days.back(), path, ":", row.line, ": date ", dateText,
                       " is earlier than ", formatIsoDate(days.back()), " on line ", lines.back(),
                       ", but dates must be in increasing order");
        }
        std::vector<double> v(cols.size(), nan);
        bool any = false;
        for (std::size_t j = 0; j < cols.size(); ++j) {
            const std::string &cell = row.cells[cols[j]];
            if (isMissing(cell)) continue;
            const auto x = detail::parseNumber(cell);
            KP_REQUIRE(x.has_value(), path, ":", row.line, ": ", p.columns[j], " is '", cell,
                       "', but must be a finite number (or empty when missing)");
            KP_REQUIRE(*x > 0, path, ":", row.line, ": ", p.columns[j], " is ",
                       detail::shortest(*x),
                       ", but must be positive for the Schwartz-Smith futures fit "
                       "(log prices)");
            v[j] = *x;
            any = true;
        }
        days.push_back(*day);
        lines.push_back(row.line);
        prices.push_back(any ? std::move(v) : std::vector<double>{});
    }

    // Dates from/to, then the last row of each period (through
    // TimeSeries::resample on indices).
    TimeSeries index;
    index.file = path;
    for (std::size_t i = 0; i < days.size(); ++i) {
        if (request.from && days[i] < *request.from) continue;
        if (request.to && days[i] > *request.to) continue;
        if (prices[i].empty()) continue;  // every price missing: no information
        index.days.push_back(days[i]);
        index.values.push_back(static_cast<double>(i));
        index.lines.push_back(lines[i]);
    }
    KP_REQUIRE(index.size() > 0, path, ": number of rows with a price between ",
               request.from ? formatIsoDate(*request.from) : std::string("the start"), " and ",
               request.to ? formatIsoDate(*request.to) : std::string("the end"),
               " is 0, but must be positive (the file covers ", formatIsoDate(days.front()), " to ",
               formatIsoDate(days.back()), ")");
    const TimeSeries kept = resample(index, request.frequency);
    for (double v : kept.values) {
        const auto i = static_cast<std::size_t>(v);
        p.days.push_back(days[i]);
        p.lines.push_back(lines[i]);
        p.prices.push_back(std::move(prices[i]));
    }
    return p;
}

}  // namespace kp::calibration

#include "kp/calibration/learning_curve.hpp"

#include <sstream>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <fstream>

#include "kp/calibration/detail/csv.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/input_file.hpp"

namespace kp::calibration {

LearningCurveData readLearningCurve(const std::string& path, const std::string& capacityColumn,
                                    const std::string& costColumn) {
    std::istringstream in(io::readInputFile(path, "CSV file", io::kMaxCsvBytes));
    const detail::CsvTable t = detail::readCsv(in, path);
    KP_REQUIRE(!t.header.empty(), path, ":1: header row is empty, but must name the columns");
    const std::size_t nCols = t.header.size();
    for (const auto& row : t.rows)
        KP_REQUIRE(row.cells.size() == nCols, path, ":", row.line, ": number of fields is ",
                   row.cells.size(), ", but must be ", nCols, " (as in the header)");
    std::string names;
    for (std::size_t c = 0; c < nCols; ++c) names += (c ? ", " : "") + t.header[c];
    auto byName = [&](const std::string& name) {
        for (std::size_t c = 0; c < nCols; ++c)
            if (t.header[c] == name) return c;
        ::kp::detail::throwInvalid(path, ":", t.headerLine, ": column '", name,
                                   "' is not in the header, but must be one of: ", names);
    };
    std::vector<std::size_t> numeric;
    for (std::size_t c = 0; c < nCols; ++c) {
        bool all = !t.rows.empty();
        for (const auto& row : t.rows)
            if (!detail::parseNumber(row.cells[c])) all = false;
        if (all) numeric.push_back(c);
    }
    std::size_t capCol = 0, costCol = 0;
    if (!capacityColumn.empty()) capCol = byName(capacityColumn);
    if (!costColumn.empty()) costCol = byName(costColumn);
    if (capacityColumn.empty() || costColumn.empty()) {
        std::vector<std::size_t> free;
        for (std::size_t c : numeric)
            if ((capacityColumn.empty() || c != capCol) && (costColumn.empty() || c != costCol))
                free.push_back(c);
        const std::size_t needed =
            (capacityColumn.empty() ? 1u : 0u) + (costColumn.empty() ? 1u : 0u);
        KP_REQUIRE(free.size() >= needed, path, ":", t.headerLine,
                   ": number of all-numeric columns is ", numeric.size(),
                   ", but must be at least 2 (capacity, cost); columns: ", names);
        std::size_t next = 0;
        if (capacityColumn.empty()) capCol = free[next++];
        if (costColumn.empty()) costCol = free[next++];
    }
    KP_REQUIRE(capCol != costCol, path, ":", t.headerLine, ": capacity and cost column are both '",
               t.header[capCol], "', but must differ");

    LearningCurveData d;
    d.file = path;
    d.capacityColumn = t.header[capCol];
    d.costColumn = t.header[costCol];
    for (const auto& row : t.rows) {
        for (std::size_t c : {capCol, costCol}) {
            const auto v = detail::parseNumber(row.cells[c]);
            KP_REQUIRE(v.has_value(), path, ":", row.line, ": ", t.header[c], " is '", row.cells[c],
                       "', but must be a finite number");
            KP_REQUIRE(*v > 0, path, ":", row.line, ": ", t.header[c], " is ", *v,
                       ", but must be positive (the fit is on logs)");
        }
        d.capacity.push_back(*detail::parseNumber(row.cells[capCol]));
        d.cost.push_back(*detail::parseNumber(row.cells[costCol]));
        d.lines.push_back(row.line);
    }
    KP_REQUIRE(d.capacity.size() >= 4, path, ": number of data rows is ", d.capacity.size(),
               ", but must be at least 4 for a learning-curve fit");
    return d;
}

LearningCurveFit fitLearningCurve(const std::vector<double>& capacity,
                                  const std::vector<double>& cost, double confidence) {
    const std::size_t n = capacity.size();
    KP_REQUIRE(cost.size() == n, "learning curve: number of costs is ", cost.size(),
               ", but must equal the number of capacities (", n, ")");
    KP_REQUIRE(n >= 3, "learning curve: number of points is ", n, ", but must be at least 3");
    KP_REQUIRE(confidence > 0 && confidence < 1, "learning curve: confidence is ", confidence,
               ", but must be in (0, 1)");
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
        KP_REQUIRE(capacity[i] > 0 && std::isfinite(capacity[i]), "learning curve: capacity ", i,
                   " is ", capacity[i], ", but must be positive");
        KP_REQUIRE(cost[i] > 0 && std::isfinite(cost[i]), "learning curve: cost ", i, " is ",
                   cost[i], ", but must be positive");
        x[i] = std::log(capacity[i]);
        y[i] = std::log(cost[i]);
    }
    const double nd = static_cast<double>(n);
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= nd;
    my /= nd;
    double sxx = 0, sxy = 0, syy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
        syy += (y[i] - my) * (y[i] - my);
    }
    KP_REQUIRE(sxx > 0,
               "learning curve: spread of log capacity is 0, but must be positive (the "
               "capacities must not all be equal)");
    KP_REQUIRE(syy > 0,
               "learning curve: spread of log cost is 0, but must be positive (the costs are all "
               "equal: no learning rate can be fitted)");
    LearningCurveFit f;
    f.exponent = sxy / sxx;
    f.intercept = my - f.exponent * mx;
    double ssr = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double e = y[i] - f.intercept - f.exponent * x[i];
        ssr += e * e;
    }
    const double s2 = ssr / (nd - 2.0);
    f.residualStdDev = std::sqrt(s2);
    f.exponentStdError = std::sqrt(s2 / sxx);
    f.interceptStdError = std::sqrt(s2 * (1.0 / nd + mx * mx / sxx));
    f.rSquared = syy > 0 ? 1.0 - ssr / syy : 1.0;
    f.confidence = confidence;
    f.observations = n;
    const double tq =
        boost::math::quantile(boost::math::students_t(nd - 2.0), 0.5 + 0.5 * confidence);
    f.learningRate = 1.0 - std::exp2(f.exponent);
    f.learningRateLower = 1.0 - std::exp2(f.exponent + tq * f.exponentStdError);
    f.learningRateUpper = 1.0 - std::exp2(f.exponent - tq * f.exponentStdError);
    return f;
}

}  // namespace kp::calibration

#pragma once
/// \file path_fields.hpp
/// Internal: the pieces of a price path that a case file (factors.<f>.path, case_file.cpp) and a
/// scenario (anchors.co2_path, scenario.cpp) read alike, with the same messages.

#include <map>
#include <string>

#include "kp/cases/ngfs.hpp"
#include "yaml_reader.hpp"

namespace kp::cases::detail {

/// `points: {year: price}` (`pts` the map): years in `years`, each once, prices > 0 in `unit`; at
/// least one.
inline std::map<int, double> readYearPrices(const Field& pts, const Range& years, const std::string& unit) {
    std::map<int, double> points;
    for (const auto& kv : pts.node()) {
        const Field yf(pts.source(), kv.first, pts.path() + "." + kv.first.Scalar(), pts.line());
        const int y = yf.integer(years, "");
        if (points.count(y)) yf.fail("the year", std::to_string(y), "given once in the path");
        points[y] = Field(pts.source(), kv.second, yf.path(), yf.line()).number(Range::positive(), unit);
    }
    if (points.empty()) pts.fail("the path", "empty", "at least one {year: price}");
    return points;
}

/// The NGFS path `name` ("<scenario>/<model>"); an unknown name fails at `at` listing the names.
inline NgfsPath ngfsPathAt(const Field& at, const std::string& name) {
    NgfsPath ng = ngfsPath(name);
    if (ng.points.empty())
        at.fail("the NGFS path", "'" + name + "'",
                "<scenario>/<model> with scenario one of " + joinNames(ngfsScenarioNames()) + " and model one of " +
                    joinNames(ngfsModelNames()));
    return ng;
}

}  // namespace kp::cases::detail

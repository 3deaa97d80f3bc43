#include "kp/calibration/correlation.hpp"

#include <algorithm>
#include <cmath>

#include "kp/calibration/detail/csv.hpp"
#include "kp/core/errors.hpp"

namespace kp::calibration {

CorrelationResult correlateLogReturns(const std::vector<TimeSeries>& series, Frequency frequency) {
    const std::size_t m = series.size();
    KP_REQUIRE(m >= 2, "correlation: number of series is ", m, ", but must be at least 2");

    // Dates present in every series: walk all series in step.
    std::vector<std::size_t> pos(m, 0);
    std::vector<int> common;
    std::vector<std::vector<std::size_t>> at(m);  // index of each common date in each series
    while (true) {
        if (pos[0] >= series[0].size()) break;  // (reading days[pos[0]] first overran the vector: ASan)
        bool done = false;
        int day = series[0].days[pos[0]];
        for (std::size_t k = 1; k < m && !done; ++k) {
            if (pos[k] >= series[k].size())
                done = true;
            else
                day = std::max(day, series[k].days[pos[k]]);
        }
        if (done) break;
        bool all = true;
        for (std::size_t k = 0; k < m && !done; ++k) {
            while (pos[k] < series[k].size() && series[k].days[pos[k]] < day) ++pos[k];
            if (pos[k] >= series[k].size())
                done = true;
            else if (series[k].days[pos[k]] != day)
                all = false;
        }
        if (done) break;
        if (all) {
            common.push_back(day);
            for (std::size_t k = 0; k < m; ++k) at[k].push_back(pos[k]++);
        }
    }

    // Resample the common dates: keep the last of each period, using a series restricted to them.
    std::vector<std::size_t> keep;
    {
        TimeSeries dates;
        dates.file = "common dates";
        for (std::size_t i = 0; i < common.size(); ++i) {
            dates.days.push_back(common[i]);
            dates.values.push_back(static_cast<double>(i));
            dates.lines.push_back(i);
        }
        const TimeSeries kept = resample(dates, frequency);
        for (double v : kept.values) keep.push_back(static_cast<std::size_t>(v));
    }
    KP_REQUIRE(keep.size() >= 11, "correlation: number of common ", toString(frequency),
               " observations of the ", m, " series is ", keep.size(),
               ", but must be at least 11 (10 returns)");

    for (std::size_t k = 0; k < m; ++k)
        for (std::size_t idx : keep) {
            const std::size_t i = at[k][idx];
            KP_REQUIRE(series[k].values[i] > 0, series[k].where(i), ": ", series[k].column, " is ",
                       detail::shortest(series[k].values[i]),
                       ", but must be positive for log returns");
        }
    const std::size_t n = keep.size() - 1;
    Eigen::MatrixXd r(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
    for (std::size_t k = 0; k < m; ++k)
        for (std::size_t i = 0; i < n; ++i)
            r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) =
                std::log(series[k].values[at[k][keep[i + 1]]] / series[k].values[at[k][keep[i]]]);

    for (std::size_t k = 0; k < m; ++k) {
        bool varies = false;
        for (std::size_t i = 1; i < n && !varies; ++i)
            varies = r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) != r(0, static_cast<Eigen::Index>(k));
        KP_REQUIRE(varies, series[k].file, ": ", series[k].column, ": the ", n, " ", toString(frequency),
                   " log returns on the common dates are all equal (a constant series), but must vary: "
                   "its correlation is undefined");
    }
    CorrelationResult out;
    for (const auto& s : series) out.names.push_back(s.file + ":" + s.column);
    const Eigen::MatrixXd centred = r.rowwise() - r.colwise().mean();
    const Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(n - 1);
    const Eigen::VectorXd sd = cov.diagonal().cwiseSqrt();
    const auto mi = static_cast<Eigen::Index>(m);
    out.correlation.resize(mi, mi);
    out.lower95.resize(mi, mi);
    out.upper95.resize(mi, mi);
    const double half = 1.959963984540054 / std::sqrt(static_cast<double>(n) - 3.0);
    for (Eigen::Index a = 0; a < mi; ++a)
        for (Eigen::Index b = 0; b < mi; ++b) {
            const double c = a == b ? 1.0 : cov(a, b) / (sd(a) * sd(b));
            out.correlation(a, b) = c;
            if (a == b) {
                out.lower95(a, b) = out.upper95(a, b) = 1.0;
            } else {
                const double zc = std::atanh(std::clamp(c, -0.999999999, 0.999999999));
                out.lower95(a, b) = std::tanh(zc - half);
                out.upper95(a, b) = std::tanh(zc + half);
            }
        }
    out.observations = n;
    out.firstDay = common[keep.front()];
    out.lastDay = common[keep.back()];
    out.frequency = frequency;
    return out;
}

}  // namespace kp::calibration

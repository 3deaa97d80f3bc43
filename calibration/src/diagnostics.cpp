#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <vector>

#include "kp/calibration/fit_result.hpp"

namespace kp::calibration {

namespace {

/// Ljung-Box Q over lags 1..h of the series y (demeaned inside).
double ljungBoxQ(const std::vector<double>& y, std::size_t h) {
    const std::size_t n = y.size();
    double mean = 0.0;
    for (double v : y) mean += v;
    mean /= static_cast<double>(n);
    double c0 = 0.0;
    for (double v : y) c0 += (v - mean) * (v - mean);
    if (!(c0 > 0)) return 0.0;
    double q = 0.0;
    for (std::size_t k = 1; k <= h; ++k) {
        double ck = 0.0;
        for (std::size_t i = k; i < n; ++i) ck += (y[i] - mean) * (y[i - k] - mean);
        const double r = ck / c0;
        q += r * r / static_cast<double>(n - k);
    }
    const double nd = static_cast<double>(n);
    return nd * (nd + 2.0) * q;
}

double chiSquaredUpper(double x, double df) {
    if (!(x > 0)) return 1.0;
    return boost::math::cdf(boost::math::complement(boost::math::chi_squared(df), x));
}

}  // namespace

Diagnostics residualDiagnostics(const std::vector<double>& z, std::size_t lags) {
    Diagnostics d;
    const std::size_t n = z.size();
    if (n < 4) return d;
    d.lags = lags > 0 ? lags : std::max<std::size_t>(1, std::min<std::size_t>(10, n / 5));
    if (d.lags >= n) d.lags = n - 1;
    d.ljungBox = ljungBoxQ(z, d.lags);
    d.ljungBoxP = chiSquaredUpper(d.ljungBox, static_cast<double>(d.lags));
    std::vector<double> sq(n);
    for (std::size_t i = 0; i < n; ++i) sq[i] = z[i] * z[i];
    d.ljungBoxSquared = ljungBoxQ(sq, d.lags);
    d.ljungBoxSquaredP = chiSquaredUpper(d.ljungBoxSquared, static_cast<double>(d.lags));

    double mean = 0.0;
    for (double v : z) mean += v;
    mean /= static_cast<double>(n);
    double m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (double v : z) {
        const double e = v - mean;
        m2 += e * e;
        m3 += e * e * e;
        m4 += e * e * e * e;
    }
    m2 /= static_cast<double>(n);
    m3 /= static_cast<double>(n);
    m4 /= static_cast<double>(n);
    if (m2 > 0) {
        d.skewness = m3 / std::pow(m2, 1.5);
        d.excessKurtosis = m4 / (m2 * m2) - 3.0;
    }
    d.jarqueBera = static_cast<double>(n) / 6.0 *
                   (d.skewness * d.skewness + 0.25 * d.excessKurtosis * d.excessKurtosis);
    d.jarqueBeraP = chiSquaredUpper(d.jarqueBera, 2.0);
    return d;
}

}  // namespace kp::calibration

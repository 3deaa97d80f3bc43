// Schwartz-Smith two-factor model on a futures panel by the Kalman filter
// (exact transitions, measurement errors per maturity, missing cells skipped).
// See schwartz_smith_futures.hpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "kp/calibration/detail/csv.hpp"
#include "kp/calibration/detail/fit_common.hpp"
#include "kp/calibration/detail/mle.hpp"
#include "kp/calibration/schwartz_smith_futures.hpp"
#include "kp/core/errors.hpp"

namespace kp::calibration {

namespace {

constexpr std::size_t kFixedParameters = 7;  // kappa .. mu_xi_star, then the s_e

/// The panel as the filter reads it: per date, the (column, log price) pairs present.
struct Panel {
    std::vector<double> tau;        // per column
    std::vector<double> dt;         // dt[0] = 0
    std::vector<std::size_t> step;  // index of dt[i] in uniqueDt
    std::vector<double> uniqueDt;
    std::vector<std::size_t> begin;  // obs of date i: [begin[i], begin[i+1])
    std::vector<std::size_t> col;    // column of each observation
    std::vector<double> y;           // log price of each observation
    std::size_t dates() const { return begin.size() - 1; }
};

struct FuturesFilterOutput {
    std::vector<double> z;                       // sequential standardised innovations, i >= 1
    std::vector<std::vector<double>> zByColumn;  // marginal standardised innovations per column
    double chi = 0, xi = 0, sdChi = 0, sdXi = 0;
};

/// Kalman log-likelihood of dates 1..n given date 0. th = (kappa, sigma_chi,
/// mu_xi, sigma_xi, rho, lambda_chi, mu_xi_star, s_e...) with one s_e per
/// column or a single common one.
double filter(const std::vector<double> &th, const Panel &d, FuturesFilterOutput *out) {
    const double inf = -std::numeric_limits<double>::infinity();
    const double kappa = th[0], sc = th[1], mu = th[2], sx = th[3], rho = th[4], lc = th[5],
                 muStar = th[6];
    if (!(kappa > 0 && sc > 0 && sx > 0 && rho > -1 && rho < 1)) return inf;
    const std::size_t m = d.tau.size();
    const bool common = th.size() == kFixedParameters + 1;
    std::vector<double> c(m), a(m), s2(m);
    for (std::size_t j = 0; j < m; ++j) {
        const double tau = d.tau[j];
        const double s = th[kFixedParameters + (common ? 0 : j)];
        if (!(s > 0)) return inf;
        s2[j] = s * s;
        c[j] = std::exp(-kappa * tau);
        const double e1 = -std::expm1(-kappa * tau), e2 = -std::expm1(-2.0 * kappa * tau);
        a[j] =
            muStar * tau - e1 * lc / kappa +
            0.5 * (e2 * sc * sc / (2.0 * kappa) + sx * sx * tau + 2.0 * e1 * rho * sc * sx / kappa);
    }
    const std::size_t u = d.uniqueDt.size();
    std::vector<double> decay(u), q00(u), q01(u), q11(u);
    for (std::size_t k = 0; k < u; ++k) {
        const double dt = d.uniqueDt[k];
        decay[k] = std::exp(-kappa * dt);
        q00[k] = sc * sc * (-std::expm1(-2.0 * kappa * dt)) / (2.0 * kappa);
        q01[k] = rho * sc * sx * (-std::expm1(-kappa * dt)) / kappa;
        q11[k] = sx * sx * dt;
    }
    // Date 0: posterior of (chi, xi) given its prices, prior chi ~ N(0, v0), xi flat.
    const double v0 = sc * sc / (2.0 * kappa);
    double l00 = 1.0 / v0, l01 = 0.0, l11 = 0.0, e0 = 0.0, e1 = 0.0;
    for (std::size_t o = d.begin[0]; o < d.begin[1]; ++o) {
        const std::size_t j = d.col[o];
        const double r = d.y[o] - a[j];
        l00 += c[j] * c[j] / s2[j];
        l01 += c[j] / s2[j];
        l11 += 1.0 / s2[j];
        e0 += c[j] * r / s2[j];
        e1 += r / s2[j];
    }
    const double det = l00 * l11 - l01 * l01;
    if (!(det > 0) || !std::isfinite(det)) return inf;
    double p00 = l11 / det, p01 = -l01 / det, p11 = l00 / det;
    double x0 = p00 * e0 + p01 * e1, x1 = p01 * e0 + p11 * e1;

    const double log2pi = std::log(2.0 * std::numbers::pi);
    const std::size_t n = d.dates() - 1;
    if (out) {
        out->z.clear();
        out->zByColumn.assign(m, {});
    }
    double ll = 0.0;
    for (std::size_t i = 1; i <= n; ++i) {
        const std::size_t k = d.step[i];
        const double e = decay[k];
        x0 *= e;
        x1 += mu * d.dt[i];
        p00 = e * e * p00 + q00[k];
        p01 = e * p01 + q01[k];
        p11 = p11 + q11[k];
        if (out)
            for (std::size_t o = d.begin[i]; o < d.begin[i + 1]; ++o) {
                const std::size_t j = d.col[o];
                const double f = c[j] * c[j] * p00 + 2.0 * c[j] * p01 + p11 + s2[j];
                out->zByColumn[j].push_back((d.y[o] - c[j] * x0 - x1 - a[j]) / std::sqrt(f));
            }
        for (std::size_t o = d.begin[i]; o < d.begin[i + 1]; ++o) {
            const std::size_t j = d.col[o];
            const double cj = c[j];
            const double f = cj * cj * p00 + 2.0 * cj * p01 + p11 + s2[j];
            if (!(f > 0) || !std::isfinite(f)) return inf;
            const double v = d.y[o] - cj * x0 - x1 - a[j];
            ll += -0.5 * (log2pi + std::log(f) + v * v / f);
            if (out) out->z.push_back(v / std::sqrt(f));
            const double k0 = (cj * p00 + p01) / f, k1 = (cj * p01 + p11) / f;
            x0 += k0 * v;
            x1 += k1 * v;
            p00 = std::max(p00 - k0 * k0 * f, 0.0);
            p01 = p01 - k0 * k1 * f;
            p11 = std::max(p11 - k1 * k1 * f, 0.0);
        }
    }
    if (!std::isfinite(ll)) return inf;
    if (out) {
        out->chi = x0;
        out->xi = x1;
        out->sdChi = std::sqrt(p00);
        out->sdXi = std::sqrt(p11);
    }
    return ll;
}

}  // namespace

std::string formatMaturity(double tau) { return detail::shortest(std::round(tau * 1e6) / 1e6); }

FuturesFit fitSchwartzSmithFutures(const std::vector<double> &times,
                                   const std::vector<double> &maturities,
                                   const std::vector<std::vector<double>> &prices,
                                   const FuturesFitOptions &options,
                                   const std::vector<std::string> &columns) {
    const char *model = "schwartz-smith (futures)";
    const std::size_t m = maturities.size();
    KP_REQUIRE(m >= 2, model, ": number of maturities is ", m, ", but must be at least 2");
    KP_REQUIRE(columns.empty() || columns.size() == m, model, ": number of column names is ",
               columns.size(), ", but must be 0 or the number of maturities (", m, ")");
    for (std::size_t j = 0; j < m; ++j) {
        KP_REQUIRE(std::isfinite(maturities[j]) && maturities[j] > 0, model, ": maturity ", j,
                   " is ", maturities[j], ", but must be positive (years)");
        for (std::size_t k = 0; k < j; ++k)
            KP_REQUIRE(std::abs(maturities[j] - maturities[k]) > 1e-12, model, ": maturity ", j,
                       " is ", maturities[j], " as maturity ", k, ", but must be distinct");
    }
    KP_REQUIRE(times.size() == prices.size(), model, ": number of times is ", times.size(),
               ", but must equal the number of price rows (", prices.size(), ")");
    KP_REQUIRE(times.size() >= 10, model, ": number of dates is ", times.size(),
               ", but must be at least 10");

    Panel d;
    d.tau = maturities;
    d.dt.assign(times.size(), 0.0);
    for (std::size_t i = 0; i < times.size(); ++i) {
        KP_REQUIRE(std::isfinite(times[i]), model, ": time ", i, " is ", times[i],
                   ", but must be finite");
        if (i > 0) {
            d.dt[i] = times[i] - times[i - 1];
            KP_REQUIRE(d.dt[i] > 0, model, ": time ", i, " is ", times[i],
                       ", but must be later than time ", i - 1, " (", times[i - 1], ")");
        }
        KP_REQUIRE(prices[i].size() == m, model, ": row ", i, " has ", prices[i].size(),
                   " prices, but must have one per maturity (", m, ", NaN when missing)");
        d.begin.push_back(d.y.size());
        for (std::size_t j = 0; j < m; ++j) {
            const double p = prices[i][j];
            if (std::isnan(p)) continue;
            KP_REQUIRE(std::isfinite(p) && p > 0, model, ": price (row ", i, ", maturity ",
                       formatMaturity(maturities[j]), ") is ", p,
                       ", but must be positive (the model is on log prices) or NaN "
                       "(missing)");
            d.col.push_back(j);
            d.y.push_back(std::log(p));
        }
        KP_REQUIRE(d.y.size() > d.begin.back(), model, ": row ", i,
                   " has no price, but must have at least one");
    }
    d.begin.push_back(d.y.size());
    d.uniqueDt.assign(d.dt.begin() + 1, d.dt.end());
    std::sort(d.uniqueDt.begin(), d.uniqueDt.end());
    d.uniqueDt.erase(std::unique(d.uniqueDt.begin(), d.uniqueDt.end()), d.uniqueDt.end());
    d.step.assign(times.size(), 0);
    for (std::size_t i = 1; i < times.size(); ++i)
        d.step[i] = static_cast<std::size_t>(
            std::lower_bound(d.uniqueDt.begin(), d.uniqueDt.end(), d.dt[i]) - d.uniqueDt.begin());

    const std::size_t nErr = options.commonMeasurementError ? 1 : m;
    const std::size_t k = kFixedParameters + nErr;
    const std::size_t measurements = d.y.size() - d.begin[1];
    KP_REQUIRE(measurements >= 10 * k, model, ": number of prices after the first date is ",
               measurements, ", but must be at least ", 10 * k, " (10 per free parameter)");

    // Starting points from simple moments: the longest maturity for the long-term
    // factor, the spread shortest - longest for the short-term one, the long-end
    // slope of the curve for mu*.
    std::size_t jS = 0, jL = 0;
    for (std::size_t j = 1; j < m; ++j) {
        if (maturities[j] < maturities[jS]) jS = j;
        if (maturities[j] > maturities[jL]) jL = j;
    }
    std::size_t jL2 = jS;  // second longest
    for (std::size_t j = 0; j < m; ++j)
        if (j != jL && maturities[j] > maturities[jL2]) jL2 = j;
    auto value = [&](std::size_t i, std::size_t j) { return prices[i][j]; };
    double sumInc = 0, sumDt = 0, sumSq = 0, sumSpreadSq = 0, slope = 0;
    std::size_t nInc = 0, nSpread = 0, nSlope = 0;
    for (std::size_t i = 0; i < times.size(); ++i) {
        if (!std::isnan(value(i, jL)) && !std::isnan(value(i, jL2))) {
            slope += std::log(value(i, jL) / value(i, jL2)) / (maturities[jL] - maturities[jL2]);
            ++nSlope;
        }
        if (i == 0) continue;
        const double dt = times[i] - times[i - 1];
        if (!std::isnan(value(i, jL)) && !std::isnan(value(i - 1, jL))) {
            const double r = std::log(value(i, jL) / value(i - 1, jL));
            sumInc += r;
            sumDt += dt;
            sumSq += r * r / dt;
            ++nInc;
        }
        if (!std::isnan(value(i, jL)) && !std::isnan(value(i - 1, jL)) &&
            !std::isnan(value(i, jS)) && !std::isnan(value(i - 1, jS))) {
            const double r = std::log(value(i, jS) / value(i, jL)) -
                             std::log(value(i - 1, jS) / value(i - 1, jL));
            sumSpreadSq += r * r / dt;
            ++nSpread;
        }
    }
    const double mu0 = sumDt > 0 ? sumInc / sumDt : 0.0;
    const double sx0 =
        nInc > 0 ? std::max(std::sqrt(sumSq / static_cast<double>(nInc)), 0.05) : 0.2;
    const double spreadVol =
        nSpread > 0 ? std::max(std::sqrt(sumSpreadSq / static_cast<double>(nSpread)), 0.05) : 0.2;
    const double muStar0 = nSlope > 0 ? slope / static_cast<double>(nSlope) : 0.0;

    detail::MleProblem problem;
    problem.parameters = {
        {"kappa", detail::Bound::Positive, 1.0},  {"sigma_chi", detail::Bound::Positive, 0.1},
        {"mu_xi", detail::Bound::None, 0.1},      {"sigma_xi", detail::Bound::Positive, 0.1},
        {"rho", detail::Bound::Correlation, 0.3}, {"lambda_chi", detail::Bound::None, 0.1},
        {"mu_xi_star", detail::Bound::None, 0.1}};
    std::vector<std::string> order = {"kappa", "sigma_chi",  "mu_xi",     "sigma_xi",
                                      "rho",   "lambda_chi", "mu_xi_star"};
    if (options.commonMeasurementError) {
        problem.parameters.push_back({"s_e", detail::Bound::Positive, 0.01});
        order.push_back("s_e");
    } else {
        for (std::size_t j = 0; j < m; ++j) {
            const std::string name = "s_e_" + formatMaturity(maturities[j]);
            problem.parameters.push_back({name, detail::Bound::Positive, 0.01});
            order.push_back(name);
        }
    }
    problem.logLikelihood = [&](const std::vector<double> &th) { return filter(th, d, nullptr); };
    const double tauS = maturities[jS], tauL = maturities[jL];
    for (double kappa : {0.5, 2.0, 6.0}) {
        const double gap = std::max(std::exp(-kappa * tauS) - std::exp(-kappa * tauL), 0.1);
        std::vector<double> start = {kappa, spreadVol / gap,          mu0, sx0, 0.0,
                                     0.0,   muStar0 - 0.5 * sx0 * sx0};
        start.resize(k, 0.01);
        problem.starts.push_back(start);
    }
    const detail::MleSolution sol = detail::maximiseLikelihood(problem);

    FuturesFilterOutput fo;
    filter(sol.theta, d, &fo);
    FuturesFit r;
    r.fit = detail::assemble("schwartz-smith", order, problem, sol, {}, d.dates() - 1,
                             std::move(fo.z), options.ljungBoxLags);
    r.fit.state = {{"chi", fo.chi, fo.sdChi, false}, {"xi", fo.xi, fo.sdXi, false}};
    r.fit.lastPrice = std::exp(fo.chi + fo.xi);
    r.fit.years = times.back() - times.front();
    r.maturities = maturities;
    r.columns = columns;
    if (r.columns.empty())
        for (double tau : maturities) r.columns.push_back("f_" + formatMaturity(tau));
    r.measurements = measurements;
    for (std::size_t j = 0; j < m; ++j) {
        MaturityResiduals mr;
        mr.column = r.columns[j];
        mr.maturity = maturities[j];
        mr.diagnostics = residualDiagnostics(fo.zByColumn[j], options.ljungBoxLags);
        mr.residuals = std::move(fo.zByColumn[j]);
        r.byMaturity.push_back(std::move(mr));
    }
    return r;
}

FuturesFit fitSchwartzSmithFutures(const FuturesPanel &panel, const FuturesFitOptions &options) {
    KP_REQUIRE(panel.maturities.size() >= 2, panel.file, ": number of maturities is ",
               panel.maturities.size(), ", but must be at least 2 for the futures fit");
    if (panel.size() < 10) {
        ::kp::detail::throwInvalid(panel.file, ":", panel.lines.empty() ? 0 : panel.lines.front(),
                                   "-", panel.lines.empty() ? 0 : panel.lines.back(),
                                   ": number of dates is ", panel.size(),
                                   ", but must be at least 10 for the Schwartz-Smith futures fit");
    }
    const std::size_t k =
        kFixedParameters + (options.commonMeasurementError ? 1 : panel.maturities.size());
    std::size_t after = 0;
    for (std::size_t i = 1; i < panel.size(); ++i)
        for (double p : panel.prices[i]) after += std::isnan(p) ? 0 : 1;
    KP_REQUIRE(after >= 10 * k, panel.file, ":", panel.lines.front(), "-", panel.lines.back(),
               ": number of prices after the first date is ", after, ", but must be at least ",
               10 * k, " for the Schwartz-Smith futures fit (", k, " free parameters)");
    return fitSchwartzSmithFutures(panel.times(options.timeBasis), panel.maturities, panel.prices,
                                   options, panel.columns);
}

}  // namespace kp::calibration

//! \brief Tests of the Schwartz-Smith fit on a futures panel (kp_calibration,
//! schwartz_smith_futures.hpp, futures_panel.hpp): parameter recovery, every parameter within
//! k = 4 SE over several seeds, on panels simulated by kp::SchwartzSmith (exact law) on an
//! irregular trading calendar with log futures prices from Schwartz & Smith's (2000) formula plus
//! Gaussian measurement noise; rho estimated (it is fixed in the single-series fit); SEs against
//! the spread over 100 panels; the Kalman likelihood against the dense Gaussian likelihood of the
//! whole panel; the CSV reader (header maturities, --maturities, missing cells), its errors with
//! file and line, and the parameter file with the extra parameters.

#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "kp/calibration/futures_panel.hpp"
#include "kp/calibration/parameter_file.hpp"
#include "kp/calibration/schwartz_smith_futures.hpp"
#include "kp/calibration/time_series.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"
#include "kp/models/schwartz_smith.hpp"

namespace cal = kp::calibration;

namespace {

const std::string kData = std::string(KP_TEST_DATA_DIR) + "/calibration_test/";
constexpr double kK = 4.0;  // standard errors allowed (STYLE.md section 6)

std::string messageOf(const std::function<void()> &f) {
    try {
        f();
    } catch (const kp::InvalidInput &e) {
        return e.what();
    }
    return "";
}

/// Monday-Friday from 2010-01-04 without 1 Jan, 1 May, 25 and 26 Dec (steps of 1, 3, 4 days).
std::vector<double> tradingTimes(int years) {
    const int start = *cal::parseIsoDate("2010-01-04");
    std::vector<double> t;
    for (int d = start; d < start + 365 * years; ++d) {
        const int wd = ((d + 3) % 7 + 7) % 7;
        const std::string md = cal::formatIsoDate(d).substr(5);
        if (wd >= 5 || md == "01-01" || md == "05-01" || md == "12-25" || md == "12-26") continue;
        t.push_back((d - start) / 365.0);
    }
    return t;
}

/// The true parameters of a simulated panel.
struct Truth {
    kp::SchwartzSmithParams ss;  // real-world dynamics (chi0, xi0, kappa, sigmaChi, muXi, ...)
    double lambdaChi, muXiStar;
    std::vector<double> tau, sE;
};

/// A(tau) of Schwartz & Smith (2000), written out here independently of the library.
double bigA(const Truth &p, double tau) {
    const double k = p.ss.kappa, sc = p.ss.sigmaChi, sx = p.ss.sigmaXi, r = p.ss.rho;
    return p.muXiStar * tau - (1 - std::exp(-k * tau)) * p.lambdaChi / k +
           0.5 * ((1 - std::exp(-2 * k * tau)) * sc * sc / (2 * k) + sx * sx * tau +
                  2 * (1 - std::exp(-k * tau)) * r * sc * sx / k);
}

/// Futures prices [date][maturity] on `times`: state by
/// kp::SchwartzSmith::evolve (normals from fillNormals(seed, User, step,
/// 0..1)), ln F = e^{-kappa tau} chi + xi + A(tau) + s_e z (z from dimensions 2..).
std::vector<std::vector<double>> simulatePanel(const Truth &p, const std::vector<double> &times,
                                               std::uint64_t seed) {
    const kp::SchwartzSmith model(p.ss);
    double state[3], z[2], e[1];
    kp::NormalScratch scratch;
    model.initialState(state, 1, 1);
    const auto user = static_cast<std::uint32_t>(kp::Stream::User);
    std::vector<std::vector<double>> prices(times.size(), std::vector<double>(p.tau.size()));
    for (std::size_t s = 0; s < times.size(); ++s) {
        if (s > 0) {
            for (std::uint32_t d = 0; d < 2; ++d)
                kp::fillNormals(seed, user, static_cast<std::uint32_t>(s), d, 0, 1, z + d, false,
                                scratch);
            model.evolve(times[s - 1], times[s], z, 1, state, 1, 1);
        }
        for (std::size_t j = 0; j < p.tau.size(); ++j) {
            kp::fillNormals(seed, user, static_cast<std::uint32_t>(s),
                            static_cast<std::uint32_t>(2 + j), 0, 1, e, false, scratch);
            prices[s][j] = std::exp(std::exp(-p.ss.kappa * p.tau[j]) * state[1] + state[2] +
                                    bigA(p, p.tau[j]) + p.sE[j] * e[0]);
        }
    }
    return prices;
}

/// Parameters in the spirit of Schwartz & Smith (2000, Table 3, crude oil 1990-95).
Truth oilLike() {
    Truth p;
    p.ss = {0.05, std::log(60.0), 1.5, 0.3, -0.01, 0.15, 0.3};
    p.lambdaChi = 0.15;
    p.muXiStar = 0.01;
    p.tau = {1.0 / 12, 0.25, 0.5, 1.0, 2.0};
    p.sE = {0.02, 0.01, 0.005, 0.004, 0.008};
    return p;
}

void checkRecovery(const cal::FuturesFit &f, const Truth &p, std::uint64_t seed) {
    CAPTURE(seed);
    CAPTURE(f.fit.status);
    CHECK(f.fit.converged);
    CHECK(f.fit.standardErrorsAvailable);
    std::vector<std::pair<std::string, double>> truth = {
        {"kappa", p.ss.kappa},     {"sigma_chi", p.ss.sigmaChi},
        {"mu_xi", p.ss.muXi},      {"sigma_xi", p.ss.sigmaXi},
        {"rho", p.ss.rho},         {"lambda_chi", p.lambdaChi},
        {"mu_xi_star", p.muXiStar}};
    for (std::size_t j = 0; j < p.tau.size(); ++j)
        truth.push_back({"s_e_" + cal::formatMaturity(p.tau[j]), p.sE[j]});
    REQUIRE(f.fit.parameters.size() == truth.size());
    for (const auto &[name, ref] : truth) {
        const double est = f.fit.value(name), se = f.fit.stdError(name);
        CAPTURE(name);
        CAPTURE(est);
        CAPTURE(ref);
        CAPTURE(se);
        CAPTURE(kK);
        CHECK(std::isfinite(se));
        CHECK(std::abs(est - ref) <= kK * se);
        MESSAGE(name, " seed ", seed, ": ", est, " (", se, ") truth ", ref);
    }
}

/// Spread of estimates over many panels against the mean reported SE, as
/// checkStandardErrors in calibration_test.cpp: |s - e| <= k sqrt(se(s)^2 +
/// se(e)^2), se(s)^2 = (m4 - s^4) / (4 s^2 R), se(e) = sd(SE_i) / sqrt(R).
void checkStandardErrors(const std::vector<cal::FuturesFit> &fits,
                         const std::vector<std::string> &names, std::uint64_t seed) {
    const double r = static_cast<double>(fits.size());
    for (const auto &name : names) {
        double mean = 0, meanSe = 0;
        for (const auto &f : fits) {
            mean += f.fit.value(name);
            meanSe += f.fit.stdError(name);
        }
        mean /= r;
        meanSe /= r;
        double m2 = 0, m4 = 0, varSe = 0;
        for (const auto &f : fits) {
            const double e = f.fit.value(name) - mean;
            m2 += e * e;
            m4 += e * e * e * e;
            varSe += (f.fit.stdError(name) - meanSe) * (f.fit.stdError(name) - meanSe);
        }
        const double s2 = m2 / (r - 1);
        m4 /= r;
        const double sd = std::sqrt(s2);
        const double seS = std::sqrt(std::max(m4 - s2 * s2, 0.0) / (4 * s2 * r));
        const double seE = std::sqrt(varSe / (r - 1) / r);
        CAPTURE(name);
        CAPTURE(seed);
        CAPTURE(r);
        CAPTURE(sd);      // spread of the estimates (reference)
        CAPTURE(meanSe);  // mean reported SE (estimate)
        CAPTURE(seS);
        CAPTURE(seE);
        CAPTURE(kK);
        CHECK(std::abs(sd - meanSe) <= kK * std::sqrt(seS * seS + seE * seE));
        MESSAGE(name, ": spread ", sd, ", mean SE ", meanSe);
    }
}

}  // namespace

TEST_SUITE("slow") {
    TEST_CASE(
        "futures: every parameter recovered within 4 SE across seeds; rho "
        "is estimated") {
        // Five years of trading days (about 1,260 dates) x 5 maturities (1 month to
        // 2 years).
        const Truth p = oilLike();
        const auto t = tradingTimes(5);
        for (std::uint64_t seed : {401u, 402u, 403u}) {
            const auto prices = simulatePanel(p, t, seed);
            const cal::FuturesFit f = cal::fitSchwartzSmithFutures(t, p.tau, prices);
            checkRecovery(f, p, seed);
            // rho is free now (not fixed as in the single-series fit) and
            // informative: its SE is far below the distance to 0 (0.3 / 4).
            CHECK_FALSE(f.fit.parameter("rho").fixed);
            CHECK(f.fit.stdError("rho") < 0.3 / kK);
            CHECK(f.fit.freeParameters == 12);
            CHECK(f.fit.observations == t.size() - 1);
            CHECK(f.measurements == (t.size() - 1) * p.tau.size());
            CHECK(f.fit.aic == doctest::Approx(24 - 2 * f.fit.logLikelihood));
            // Standardised innovations: one per measurement, about N(0,1); filtered
            // state matches the spot implied by the fit.
            CHECK(f.fit.residuals.size() == f.measurements);
            REQUIRE(f.byMaturity.size() == p.tau.size());
            for (const auto &r : f.byMaturity) CHECK(r.residuals.size() == t.size() - 1);
            double ss = 0;
            for (double z : f.fit.residuals) ss += z * z;
            const double var = ss / static_cast<double>(f.fit.residuals.size());
            CAPTURE(var);
            CHECK(std::abs(var - 1.0) <=
                  kK * std::sqrt(2.0 / static_cast<double>(f.fit.residuals.size())));
            CHECK(std::exp(f.fit.state[0].value + f.fit.state[1].value) ==
                  doctest::Approx(f.fit.lastPrice));
        }
    }

    TEST_CASE("futures: SE against the spread over 100 weekly panels") {
        // Weekly dates over 6 years (313 dates) x 4 maturities, the design of the
        // CLI test file.
        Truth p = oilLike();
        p.tau = {0.25, 0.5, 1.0, 2.0};
        p.sE = {0.02, 0.01, 0.005, 0.01};
        std::vector<double> t;
        for (int d = 0; d <= 6 * 365; d += 7) t.push_back(d / 365.0);
        std::vector<cal::FuturesFit> fits;
        std::size_t unavailable = 0;
        for (std::uint64_t rep = 0; rep < 100; ++rep) {
            fits.push_back(cal::fitSchwartzSmithFutures(t, p.tau, simulatePanel(p, t, 500 + rep)));
            unavailable += fits.back().fit.standardErrorsAvailable ? 0 : 1;
        }
        CHECK(unavailable == 0);
        checkStandardErrors(fits,
                            {"kappa", "sigma_chi", "mu_xi", "sigma_xi", "rho", "lambda_chi",
                             "mu_xi_star", "s_e_0.25", "s_e_1"},
                            500);
    }

    TEST_CASE("futures: missing cells and a common measurement error") {
        // Every 7th date lacks the 1-month price and every 11th the 2-year one; one
        // s_e for all maturities (equal true errors). Recovery within 4 SE still
        // holds.
        Truth p = oilLike();
        p.sE.assign(p.tau.size(), 0.01);
        const auto t = tradingTimes(4);
        auto prices = simulatePanel(p, t, 411);
        std::size_t missing = 0;
        for (std::size_t i = 1; i < t.size(); ++i) {
            if (i % 7 == 3) prices[i][0] = std::numeric_limits<double>::quiet_NaN(), ++missing;
            if (i % 11 == 5) prices[i][4] = std::numeric_limits<double>::quiet_NaN(), ++missing;
        }
        const cal::FuturesFit f =
            cal::fitSchwartzSmithFutures(t, p.tau, prices, {.commonMeasurementError = true});
        CHECK(f.measurements == (t.size() - 1) * p.tau.size() - missing);
        CHECK(f.fit.residuals.size() == f.measurements);
        CHECK(f.fit.freeParameters == 8);
        CAPTURE(f.fit.status);
        CHECK(f.fit.standardErrorsAvailable);
        for (const auto &[name, ref] :
             std::vector<std::pair<std::string, double>>{{"kappa", 1.5},
                                                         {"sigma_chi", 0.3},
                                                         {"mu_xi", -0.01},
                                                         {"sigma_xi", 0.15},
                                                         {"rho", 0.3},
                                                         {"lambda_chi", 0.15},
                                                         {"mu_xi_star", 0.01},
                                                         {"s_e", 0.01}}) {
            const double est = f.fit.value(name), se = f.fit.stdError(name);
            CAPTURE(name);
            CAPTURE(est);
            CAPTURE(ref);
            CAPTURE(se);
            CAPTURE(kK);
            CHECK(std::abs(est - ref) <= kK * se);
            MESSAGE(name, " (missing cells, common s_e): ", est, " (", se, ") truth ", ref);
        }
    }

    TEST_CASE(
        "futures: Kalman likelihood equals the dense Gaussian likelihood "
        "of the panel") {
        // With a flat prior on xi(t0) and chi(t0) stationary, every log price is 1 * xi0 + z with
        // z Gaussian: mean A_j + mu_xi t_i, covariance
        //   c_a c_b v0 e^{-k |t_a - t_b|} + rho sc sx (c_a e^{-k t_a} + c_b e^{-k t_b})
        //   (e^{k min} - 1) / k + sx^2 min(t_a, t_b) + s^2 [a = b],   c = e^{-k tau}.
        // Integrating xi0 out over the line, ln p(Y) = -(N-1)/2 ln 2pi - ln|S|/2 - ln(1'S^-1 1)/2
        // - (r'S^-1 r - (1'S^-1 r)^2 / 1'S^-1 1) / 2; the fit's ln L must be ln p(Y) - ln p(Y_0)
        // (Y_0 = the first date's prices) at the fitted parameters, to rounding.
        Truth p = oilLike();
        p.tau = {0.25, 1.0, 2.0};
        p.sE = {0.01, 0.01, 0.01};
        const auto all = tradingTimes(1);
        const std::vector<double> t(all.begin(), all.begin() + 60);
        auto prices = simulatePanel(p, t, 421);
        prices[4][1] = std::numeric_limits<double>::quiet_NaN();
        prices[0][2] = std::numeric_limits<double>::quiet_NaN();
        const cal::FuturesFit f = cal::fitSchwartzSmithFutures(t, p.tau, prices);
        const double k = f.fit.value("kappa"), sc = f.fit.value("sigma_chi"),
                     mu = f.fit.value("mu_xi"), sx = f.fit.value("sigma_xi"),
                     rho = f.fit.value("rho");
        Truth q = p;
        q.ss.kappa = k;
        q.ss.sigmaChi = sc;
        q.ss.sigmaXi = sx;
        q.ss.rho = rho;
        q.lambdaChi = f.fit.value("lambda_chi");
        q.muXiStar = f.fit.value("mu_xi_star");
        struct Obs {
            double t, c, y, mean, s2;
        };
        std::vector<Obs> obs;
        std::size_t first = 0;
        for (std::size_t i = 0; i < t.size(); ++i)
            for (std::size_t j = 0; j < p.tau.size(); ++j) {
                if (std::isnan(prices[i][j])) continue;
                const double s = f.fit.value("s_e_" + cal::formatMaturity(p.tau[j]));
                obs.push_back({t[i], std::exp(-k * p.tau[j]), std::log(prices[i][j]),
                               bigA(q, p.tau[j]) + mu * t[i], s * s});
                if (i == 0) ++first;
            }
        auto logMarginal = [&](std::size_t n) {
            const auto ni = static_cast<Eigen::Index>(n);
            Eigen::MatrixXd cov(ni, ni);
            Eigen::VectorXd r(ni), one = Eigen::VectorXd::Ones(ni);
            const double v0 = sc * sc / (2 * k);
            for (std::size_t a = 0; a < n; ++a) {
                r(static_cast<Eigen::Index>(a)) = obs[a].y - obs[a].mean;
                for (std::size_t b = 0; b < n; ++b) {
                    const Obs &x = obs[a], &y = obs[b];
                    const double lo = std::min(x.t, y.t);
                    cov(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) =
                        x.c * y.c * v0 * std::exp(-k * std::abs(x.t - y.t)) +
                        rho * sc * sx * (x.c * std::exp(-k * x.t) + y.c * std::exp(-k * y.t)) *
                            std::expm1(k * lo) / k +
                        sx * sx * lo + (a == b ? x.s2 : 0.0);
                }
            }
            const Eigen::LLT<Eigen::MatrixXd> llt(cov);
            REQUIRE(llt.info() == Eigen::Success);
            double logDet = 0;
            for (Eigen::Index i = 0; i < ni; ++i) logDet += 2 * std::log(llt.matrixL()(i, i));
            const Eigen::VectorXd sr = llt.solve(r), s1 = llt.solve(one);
            const double a11 = one.dot(s1), a1r = one.dot(sr), arr = r.dot(sr);
            return -0.5 * ((static_cast<double>(n) - 1) * std::log(2 * std::numbers::pi) + logDet +
                           std::log(a11) + arr - a1r * a1r / a11);
        };
        const double dense = logMarginal(obs.size()) - logMarginal(first);
        CAPTURE(dense);
        CHECK(f.fit.logLikelihood == doctest::Approx(dense).epsilon(1e-9));
    }

    TEST_CASE(
        "futures reader: header maturities, --maturities, missing cells, "
        "resampling") {
        CHECK(cal::maturityFromHeader("f_0.25") == doctest::Approx(0.25));
        CHECK(cal::maturityFromHeader("F_2y") == doctest::Approx(2.0));
        CHECK(cal::maturityFromHeader("ttf_6m") == doctest::Approx(0.5));
        CHECK(cal::maturityFromHeader("1") == doctest::Approx(1.0));
        CHECK_FALSE(cal::maturityFromHeader("volume").has_value());
        CHECK_FALSE(cal::maturityFromHeader("f_0").has_value());
        CHECK_FALSE(cal::maturityFromHeader("f_-1").has_value());

        const cal::FuturesPanel p = cal::readFuturesPanel(kData + "futures_panel.csv");
        CHECK(p.columns == std::vector<std::string>{"f_3m", "f_0.5", "f_1", "f_2y"});
        REQUIRE(p.maturities.size() == 4);
        CHECK(p.maturities[0] == doctest::Approx(0.25));
        CHECK(p.maturities[3] == doctest::Approx(2.0));
        CHECK(p.size() == 300);
        CHECK(p.lines.front() == 2);
        CHECK(p.measurements() < 4 * 300);  // the file has missing cells
        CHECK(std::isnan(p.prices[5][0]));  // 2015-02-06: f_3m empty

        cal::FuturesRequest req;
        req.maturities = {0.3, 0.6, 1.1, 2.1};
        CHECK(cal::readFuturesPanel(kData + "futures_panel.csv", req).maturities[2] ==
              doctest::Approx(1.1));
        req.maturities = {0.3, 0.6};
        CHECK(messageOf([&] { cal::readFuturesPanel(kData + "futures_panel.csv", req); })
                  .find("futures_panel.csv:1: number of maturities given is 2, but "
                        "must equal the "
                        "number of futures columns (4") != std::string::npos);
        cal::FuturesRequest two;
        two.columns = {"f_1", "f_2y"};
        two.frequency = cal::Frequency::Monthly;
        two.from = cal::parseIsoDate("2016-01-01");
        const cal::FuturesPanel m = cal::readFuturesPanel(kData + "futures_panel.csv", two);
        CHECK(m.maturities == std::vector<double>{1.0, 2.0});
        CHECK(cal::formatIsoDate(m.days.front()) == "2016-01-29");

        // The CLI data file fits (weekly, 5.9 years, 4 maturities; generated with
        // kappa 1.5, sigma_chi 0.3, mu_xi -0.01, sigma_xi 0.15, rho 0.3, lambda_chi
        // 0.15, mu_xi_star 0.01).
        const cal::FuturesFit f = cal::fitSchwartzSmithFutures(p);
        CAPTURE(f.fit.status);
        CHECK(f.fit.converged);
        CHECK(f.columns == p.columns);
        CHECK(f.fit.parameters[7].name == "s_e_0.25");

        // Parameter file: the five model parameters plus lambda_chi, mu_xi_star,
        // s_e_<tau> and the maturities are written and read back.
        cal::DataInfo info;
        info.file = p.file;
        info.firstDay = p.days.front();
        info.lastDay = p.days.back();
        info.prices = p.size();
        info.maturities = p.maturities;
        const std::string path =
            (std::filesystem::temp_directory_path() / "kp_futures_test.yaml").string();
        cal::writeParameterFile(path, f.fit, info);
        const cal::ParameterFile back = cal::readParameterFile(path);
        std::filesystem::remove(path);
        REQUIRE(back.fit.parameters.size() == f.fit.parameters.size());
        for (std::size_t i = 0; i < f.fit.parameters.size(); ++i) {
            CHECK(back.fit.parameters[i].name == f.fit.parameters[i].name);
            CHECK(back.fit.parameters[i].value ==
                  doctest::Approx(f.fit.parameters[i].value).epsilon(1e-9));
        }
        CHECK(back.data.maturities == p.maturities);
        CHECK(back.fit.state.size() == 2);
    }

    TEST_CASE("futures reader: bad input names file and line") {
        CHECK_THROWS_AS(cal::readFuturesPanel(kData + "futures_not_maturity.csv"),
                        kp::InvalidInput);
        CHECK(messageOf([] { cal::readFuturesPanel(kData + "futures_not_maturity.csv"); })
                  .find("futures_not_maturity.csv:1: column 'volume' is not a "
                        "maturity") != std::string::npos);
        // ... and naming the futures columns (or giving --maturities) reads it.
        cal::FuturesRequest cols;
        cols.columns = {"f_0.25", "f_1"};
        CHECK(cal::readFuturesPanel(kData + "futures_not_maturity.csv", cols).size() == 2);

        CHECK_THROWS_AS(cal::readFuturesPanel(kData + "futures_nonpositive.csv"), kp::InvalidInput);
        CHECK(messageOf([] { cal::readFuturesPanel(kData + "futures_nonpositive.csv"); })
                  .find("futures_nonpositive.csv:4: f_0.5 is 0, but must be "
                        "positive") != std::string::npos);

        CHECK_THROWS_AS(cal::readFuturesPanel(kData + "futures_one_maturity.csv"),
                        kp::InvalidInput);
        CHECK(messageOf([] { cal::readFuturesPanel(kData + "futures_one_maturity.csv"); })
                  .find("futures_one_maturity.csv:1: number of maturities is 1, "
                        "but must be at "
                        "least 2") != std::string::npos);

        cal::FuturesRequest same;
        same.maturities = {1.0, 1.0, 2.0};
        CHECK_THROWS_AS(cal::readFuturesPanel(kData + "futures_not_maturity.csv", same),
                        kp::InvalidInput);
        CHECK_THROWS_AS(cal::readFuturesPanel(kData + "unsorted.csv"), kp::InvalidInput);
        const cal::FuturesPanel small =
            cal::readFuturesPanel(kData + "futures_nonpositive.csv", [] {
                cal::FuturesRequest r;
                r.columns = {"f_0.25", "f_1"};
                return r;
            }());
        CHECK(messageOf([&] { cal::fitSchwartzSmithFutures(small); })
                  .find("futures_nonpositive.csv:2-4: number of dates is 3, but "
                        "must be at least "
                        "10") != std::string::npos);
        CHECK_THROWS_AS(cal::fitSchwartzSmithFutures(std::vector<double>(20, 0.0), {1.0},
                                                     std::vector<std::vector<double>>(20, {50.0})),
                        kp::InvalidInput);
    }
}

//! \brief Tests of kp_calibration: the CSV series reader and its error messages; exact maximum
//! likelihood for gbm, ou, schwartz-smith and jump against series simulated by our own kp::Model
//! implementations on trading-day grids (parameter recovery within k standard errors across seeds,
//! and the reported standard errors against the spread of estimates over many series); the true
//! irregular time step against an assumed equal one; the Dickey-Fuller check's size; correlation of
//! log returns; learning-curve regression (exact power law, recovery, interval coverage); the
//! parameter file round trip.
//!
//! Statistical checks use fixed seeds and k = 4 (STYLE.md section 6) unless a comment says
//! otherwise.

#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "kp/calibration/correlation.hpp"
#include "kp/calibration/estimators.hpp"
#include "kp/calibration/learning_curve.hpp"
#include "kp/calibration/mean_reversion.hpp"
#include "kp/calibration/model_params.hpp"
#include "kp/calibration/parameter_file.hpp"
#include "kp/calibration/time_series.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"
#include "kp/models/exp_ou.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/merton_jump.hpp"
#include "kp/models/schwartz_smith.hpp"

namespace cal = kp::calibration;

namespace {

const std::string kData = std::string(KP_TEST_DATA_DIR) + "/calibration_test/";
constexpr double kK = 4.0;  // standard errors allowed (STYLE.md section 6)

/// A request for one named column (all dates, daily).
cal::SeriesRequest column(const std::string& name) {
    cal::SeriesRequest r;
    r.column = name;
    return r;
}

/// The message of the kp::InvalidInput thrown by f, or "" if none is thrown.
std::string messageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const kp::InvalidInput& e) {
        return e.what();
    }
    return "";
}

/// Days (since 1970-01-01) of an exchange-like trading calendar: Monday to Friday, without
/// 1 January, 1 May, 25 and 26 December. Starts on 2010-01-04.
std::vector<int> tradingDays(int years) {
    const int start = *cal::parseIsoDate("2010-01-04");
    std::vector<int> days;
    for (int d = start; d < start + 365 * years; ++d) {
        const int wd = ((d + 3) % 7 + 7) % 7;
        const std::string iso = cal::formatIsoDate(d);
        const std::string md = iso.substr(5);
        if (wd >= 5 || md == "01-01" || md == "05-01" || md == "12-25" || md == "12-26") continue;
        days.push_back(d);
    }
    return days;
}

/// ACT/365 times of a list of days.
std::vector<double> yearsOf(const std::vector<int>& days) {
    std::vector<double> t(days.size());
    for (std::size_t i = 0; i < days.size(); ++i) t[i] = (days[i] - days[0]) / 365.0;
    return t;
}

/// `paths` independent price series of `model` on `times` (one path = one series), by the model's
/// exact evolve() and kp::fillNormals(seed, Stream::User, step, dimension, ...).
std::vector<std::vector<double>> simulate(const kp::Model& model, const std::vector<double>& times,
                                          std::size_t paths, std::uint64_t seed) {
    const std::size_t dims = model.brownianDimensions() + model.auxiliaryDimensions();
    std::vector<double> state(model.stateSize() * paths), z(dims * paths);
    kp::NormalScratch scratch;
    model.initialState(state.data(), paths, paths);
    std::vector<std::vector<double>> out(paths, std::vector<double>(times.size()));
    for (std::size_t p = 0; p < paths; ++p) out[p][0] = state[p];
    for (std::size_t s = 1; s < times.size(); ++s) {
        for (std::size_t d = 0; d < dims; ++d)
            kp::fillNormals(seed, static_cast<std::uint32_t>(kp::Stream::User),
                            static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(d), 0, paths,
                            z.data() + d * paths, false, scratch);
        model.evolve(times[s - 1], times[s], z.data(), paths, state.data(), paths, paths);
        for (std::size_t p = 0; p < paths; ++p) out[p][s] = state[p];
    }
    return out;
}

using Fitter = cal::FitResult (*)(const std::vector<double>&, const std::vector<double>&,
                                  const cal::FitOptions&);

/// |estimate - truth| <= k SE for every named parameter of one fit.
void checkRecovery(const cal::FitResult& fit,
                   const std::vector<std::pair<std::string, double>>& truth, std::uint64_t seed) {
    CAPTURE(fit.model);
    CAPTURE(fit.status);
    CAPTURE(seed);
    CHECK(fit.converged);
    CHECK(fit.standardErrorsAvailable);
    for (const auto& [name, ref] : truth) {
        const double est = fit.value(name);
        const double se = fit.stdError(name);
        CAPTURE(name);
        CAPTURE(est);
        CAPTURE(ref);
        CAPTURE(se);
        CAPTURE(kK);
        CHECK(std::isfinite(se));
        CHECK(std::abs(est - ref) <= kK * se);
    }
}

/// Spread of estimates over many simulated series against the mean reported standard error.
///
/// For each parameter: s = sample standard deviation of the R estimates, e = mean of the R reported
/// SEs. The sampling error of s is taken from the data, se(s)^2 = (m4 - s^4) / (4 s^2 R) (delta
/// method on the sample variance, m4 the fourth central moment), and that of e is sd(SE_i) /
/// sqrt(R). The check is |s - e| <= k sqrt(se(s)^2 + se(e)^2) with k = 4. With R = 100..200 this
/// allows about 20-30% relative disagreement: it catches wrong units, a factor-of-two error or a
/// wrong time step in the information, not a few per cent of finite-sample bias in the asymptotic
/// SE.
void checkStandardErrors(const std::vector<cal::FitResult>& fits,
                         const std::vector<std::string>& names, std::uint64_t seed) {
    const double r = static_cast<double>(fits.size());
    for (const auto& name : names) {
        double mean = 0, meanSe = 0;
        for (const auto& f : fits) {
            mean += f.value(name);
            meanSe += f.stdError(name);
        }
        mean /= r;
        meanSe /= r;
        double m2 = 0, m4 = 0, varSe = 0;
        for (const auto& f : fits) {
            const double e = f.value(name) - mean;
            m2 += e * e;
            m4 += e * e * e * e;
            varSe += (f.stdError(name) - meanSe) * (f.stdError(name) - meanSe);
        }
        const double s2 = m2 / (r - 1);
        m4 /= r;
        const double s = std::sqrt(s2);
        const double seS = std::sqrt(std::max(m4 - s2 * s2, 0.0) / (4 * s2 * r));
        const double seE = std::sqrt(varSe / (r - 1) / r);
        const double tol = kK * std::sqrt(seS * seS + seE * seE);
        CAPTURE(name);
        CAPTURE(seed);
        CAPTURE(r);
        CAPTURE(s);       // spread of the estimates (reference)
        CAPTURE(meanSe);  // mean reported SE (estimate)
        CAPTURE(seS);
        CAPTURE(seE);
        CAPTURE(kK);
        CHECK(std::abs(s - meanSe) <= tol);
    }
}

std::vector<cal::FitResult> fitAll(Fitter fit, const std::vector<double>& t,
                                   const std::vector<std::vector<double>>& series) {
    std::vector<cal::FitResult> fits;
    for (const auto& s : series) fits.push_back(fit(t, s, {}));
    return fits;
}

}  // namespace

TEST_SUITE("calibration") {
    // ---------------------------------------------------------------------------------------------
    // CSV reader

    TEST_CASE("reader: date column by content, first numeric column, quoted fields, blank lines") {
        const cal::TimeSeries s = cal::readSeries(kData + "good.csv");
        CHECK(s.column == "price_eur_t");
        REQUIRE(s.size() == 8);
        CHECK(s.values.front() == doctest::Approx(80.50));
        CHECK(s.values.back() == doctest::Approx(58.00));
        CHECK(cal::formatIsoDate(s.days[3]) == "2024-01-08");
        CHECK(s.lines[3] == 6);  // the blank line 5 is skipped but counted
        const auto t = s.times();
        CHECK(t[0] == 0.0);
        CHECK(t[2] == doctest::Approx(3.0 / 365.0));  // 2 Jan -> 5 Jan: the true gap, not one step
        CHECK(t[3] == doctest::Approx(6.0 / 365.0));
    }

    TEST_CASE("reader: named column, date range and resampling") {
        cal::SeriesRequest req;
        req.column = "volume";
        CHECK(messageOf([&] {
                  cal::readSeries(kData + "good.csv", req);
              }).find("good.csv:4: volume is missing") != std::string::npos);

        req.column = "price_eur_t";
        req.from = cal::parseIsoDate("2024-01-03");
        req.to = cal::parseIsoDate("2024-02-29");
        const cal::TimeSeries r = cal::readSeries(kData + "good.csv", req);
        REQUIRE(r.size() == 6);
        CHECK(cal::formatIsoDate(r.days.front()) == "2024-01-03");
        CHECK(cal::formatIsoDate(r.days.back()) == "2024-02-29");

        const cal::TimeSeries all = cal::readSeries(kData + "good.csv");
        const cal::TimeSeries w = cal::resample(all, cal::Frequency::Weekly);
        std::vector<std::string> weekly;
        for (int d : w.days) weekly.push_back(cal::formatIsoDate(d));
        CHECK(weekly == std::vector<std::string>{"2024-01-05", "2024-01-08", "2024-02-01",
                                                 "2024-02-29", "2024-03-04"});
        const cal::TimeSeries m = cal::resample(all, cal::Frequency::Monthly);
        std::vector<std::string> monthly;
        for (int d : m.days) monthly.push_back(cal::formatIsoDate(d));
        CHECK(monthly == std::vector<std::string>{"2024-01-31", "2024-02-29", "2024-03-04"});
        CHECK(m.lines == std::vector<std::size_t>{7, 9, 10});
    }

    TEST_CASE("reader: business-day clock counts weekdays only") {
        const cal::TimeSeries s = cal::readSeries(kData + "good.csv");
        const auto t = s.times(cal::TimeBasis::Business);
        // 2 Jan (Tue) -> 3 Jan: 1 weekday; -> 5 Jan (Fri): 3; -> 8 Jan (Mon): 4; -> 31 Jan
        // (Wed): 21.
        CHECK(t[1] * cal::kWeekdaysPerYear == doctest::Approx(1.0));
        CHECK(t[2] * cal::kWeekdaysPerYear == doctest::Approx(3.0));
        CHECK(t[3] * cal::kWeekdaysPerYear == doctest::Approx(4.0));
        CHECK(t[4] * cal::kWeekdaysPerYear == doctest::Approx(21.0));
        // Against a day-by-day count over a long span (weekday arithmetic with whole weeks).
        const auto days = tradingDays(3);
        cal::TimeSeries long_;
        long_.file = "synthetic";
        for (std::size_t i = 0; i < days.size(); ++i) {
            long_.days.push_back(days[i]);
            long_.values.push_back(1.0);
            long_.lines.push_back(i + 2);
        }
        const auto tl = long_.times(cal::TimeBasis::Business);
        long weekdays = 0;
        for (int d = days.front() + 1; d <= days.back(); ++d)
            if (((d + 3) % 7 + 7) % 7 < 5) ++weekdays;
        CHECK(tl.back() * cal::kWeekdaysPerYear == doctest::Approx(static_cast<double>(weekdays)));
    }

    // ---------------------------------------------------------------------------------------------
    // Bad data: one CHECK_THROWS_AS per invariant, and the message names file and line.

    TEST_CASE("bad data: clear messages with file and line") {
        CHECK_THROWS_AS(cal::readSeries(kData + "missing_value.csv"), kp::InvalidInput);
        CHECK(messageOf([] {
                  cal::readSeries(kData + "missing_value.csv");
              }).find("missing_value.csv:4: price is missing") != std::string::npos);

        CHECK_THROWS_AS(cal::readSeries(kData + "non_numeric.csv", column("price")),
                        kp::InvalidInput);
        CHECK(messageOf([] {
                  cal::readSeries(kData + "non_numeric.csv", column("price"));
              }).find("non_numeric.csv:5: price is 'n.a.', but must be a finite number") !=
              std::string::npos);

        CHECK_THROWS_AS(cal::readSeries(kData + "duplicate_date.csv"), kp::InvalidInput);
        CHECK(messageOf([] {
                  cal::readSeries(kData + "duplicate_date.csv");
              }).find("duplicate_date.csv:4: date 2024-01-03 is a duplicate of line 3") !=
              std::string::npos);

        CHECK_THROWS_AS(cal::readSeries(kData + "unsorted.csv"), kp::InvalidInput);
        CHECK(messageOf([] {
                  cal::readSeries(kData + "unsorted.csv");
              }).find("unsorted.csv:4: date 2024-01-03 is earlier than 2024-01-04 on line 3") !=
              std::string::npos);

        CHECK_THROWS_AS(cal::readSeries(kData + "good.csv", column("settle")), kp::InvalidInput);
        CHECK(messageOf([] { cal::readSeries(kData + "good.csv", column("settle")); })
                  .find("good.csv:1: column 'settle' is not in the header, but must be one of: "
                        "trade_date, "
                        "contract, price_eur_t, volume") != std::string::npos);

        CHECK_THROWS_AS(cal::readSeries(kData + "bad_date.csv"), kp::InvalidInput);
        CHECK(messageOf([] {
                  cal::readSeries(kData + "bad_date.csv");
              }).find("bad_date.csv:3: date is '02/01/2024', but must be an ISO date") !=
              std::string::npos);

        CHECK_THROWS_AS(cal::readSeries(kData + "field_count.csv"), kp::InvalidInput);
        CHECK(messageOf([] {
                  cal::readSeries(kData + "field_count.csv");
              }).find("field_count.csv:3: number of fields is 3, but must be 2") !=
              std::string::npos);

        CHECK_THROWS_AS(cal::readSeries(kData + "no_such_file.csv"), kp::InvalidInput);

        cal::SeriesRequest late;
        late.from = cal::parseIsoDate("2030-01-01");
        CHECK_THROWS_AS(cal::readSeries(kData + "good.csv", late), kp::InvalidInput);
    }

    TEST_CASE("bad data: non-positive price, too few observations, weekend on the business clock") {
        const cal::TimeSeries neg = cal::readSeries(kData + "nonpositive.csv");
        CHECK_THROWS_AS(cal::fitModel(cal::ModelKind::Gbm, neg), kp::InvalidInput);
        CHECK(messageOf([&] {
                  cal::fitModel(cal::ModelKind::ExpOu, neg);
              }).find("nonpositive.csv:24: price is -2.5, but must be positive") !=
              std::string::npos);

        const cal::TimeSeries few = cal::readSeries(kData + "too_few.csv");
        CHECK_THROWS_AS(cal::fitModel(cal::ModelKind::Gbm, few), kp::InvalidInput);
        CHECK(messageOf([&] {
                  cal::fitModel(cal::ModelKind::MertonJump, few);
              }).find("too_few.csv:2-6: number of observations is 5, but must be at least 51") !=
              std::string::npos);

        const cal::TimeSeries weekend = cal::readSeries(kData + "weekend.csv");
        CHECK_THROWS_AS(weekend.times(cal::TimeBasis::Business), kp::InvalidInput);
        CHECK(messageOf([&] {
                  weekend.times(cal::TimeBasis::Business);
              }).find("weekend.csv:3: date 2024-01-06 is a Saturday, but must be a weekday") !=
              std::string::npos);

        CHECK_THROWS_AS(cal::parseModelKind("heston"), kp::InvalidInput);
        CHECK_THROWS_AS(cal::parseFrequency("hourly"), kp::InvalidInput);
        CHECK_THROWS_AS(cal::fitSchwartzSmith(yearsOf(tradingDays(1)),
                                              std::vector<double>(tradingDays(1).size(), 1.0),
                                              {.schwartzSmithRho = 1.0}),
                        kp::InvalidInput);
    }

    // ---------------------------------------------------------------------------------------------
    // Maximum likelihood

    TEST_CASE(
        "gbm: optimiser reaches the closed-form MLE; observed-information SE equals the analytic "
        "one") {
        // Closed form with irregular steps: m = sum r / sum dt, sigma^2 = mean((r - m dt)^2 / dt),
        // mu = m + sigma^2 / 2; Var(m) = sigma^2 / T, Var(sigma) = sigma^2 / (2n), Cov = 0 at the
        // MLE, so Var(mu) = sigma^2 / T + sigma^4 / (2n). Deterministic: tolerances are relative.
        const auto t = yearsOf(tradingDays(8));
        const kp::Gbm gbm({40.0, 0.1, 0.0, 0.35});
        const auto s = simulate(gbm, t, 1, 101).front();
        const cal::FitResult f = cal::fitGbm(t, s);
        const std::size_t n = s.size() - 1;
        double sr = 0, T = t.back();
        for (std::size_t i = 1; i <= n; ++i) sr += std::log(s[i] / s[i - 1]);
        const double m = sr / T;
        double v = 0;
        for (std::size_t i = 1; i <= n; ++i) {
            const double e = std::log(s[i] / s[i - 1]) - m * (t[i] - t[i - 1]);
            v += e * e / (t[i] - t[i - 1]);
        }
        v /= static_cast<double>(n);
        const double sigma = std::sqrt(v), mu = m + v / 2;
        CHECK(f.value("mu") == doctest::Approx(mu).epsilon(1e-6));
        CHECK(f.value("sigma") == doctest::Approx(sigma).epsilon(1e-7));
        const double nd = static_cast<double>(n);
        CHECK(f.stdError("sigma") == doctest::Approx(sigma / std::sqrt(2.0 * nd)).epsilon(1e-4));
        CHECK(f.stdError("mu") ==
              doctest::Approx(std::sqrt(v / T + v * v / (2.0 * nd))).epsilon(1e-4));
        CHECK(f.observations == n);
        CHECK(f.aic == doctest::Approx(4 - 2 * f.logLikelihood));
        CHECK(f.bic == doctest::Approx(2 * std::log(static_cast<double>(n)) - 2 * f.logLikelihood));
    }

    TEST_CASE("gbm: parameter recovery across seeds and SE against the spread over 200 series") {
        const auto t = yearsOf(tradingDays(10));
        const kp::Gbm gbm({25.0, 0.08, 0.0, 0.45});
        for (std::uint64_t seed : {11u, 12u, 13u, 14u, 15u})
            checkRecovery(cal::fitGbm(t, simulate(gbm, t, 1, seed).front()),
                          {{"mu", 0.08}, {"sigma", 0.45}}, seed);
        const auto fits = fitAll(&cal::fitGbm, t, simulate(gbm, t, 200, 16));
        checkStandardErrors(fits, {"mu", "sigma"}, 16);
    }

    TEST_CASE("ou: parameter recovery across seeds and SE against the spread over 200 series") {
        const auto t = yearsOf(tradingDays(10));
        const double theta = std::log(60.0);
        const kp::ExpOu ou({60.0, 3.0, 0.4, {0.0}, {theta}});
        for (std::uint64_t seed : {21u, 22u, 23u, 24u, 25u})
            checkRecovery(cal::fitExpOu(t, simulate(ou, t, 1, seed).front()),
                          {{"kappa", 3.0}, {"theta", theta}, {"sigma", 0.4}}, seed);
        const auto fits = fitAll(&cal::fitExpOu, t, simulate(ou, t, 200, 26));
        checkStandardErrors(fits, {"kappa", "theta", "sigma"}, 26);
    }

    /// Weekly observations (every 7th calendar day) over `years`, as ACT/365 times.
    std::vector<double> weeklyTimes(int years) {
        std::vector<double> t;
        for (int d = 0; d <= 365 * years; d += 7) t.push_back(d / 365.0);
        return t;
    }

    // Schwartz-Smith on one spot series is only weakly identified unless the short-term factor is
    // clearly faster and larger than the long-term one and the series spans many of its reversions:
    // with kappa = 2, sigma_chi = 0.35, sigma_xi = 0.3 and 20 years of daily prices, sigma_xi's MLE
    // "piles up" at 0 in most simulated series (the deterministic drift mu_xi plus a slowly
    // reverting chi explain one path; cf. the pile-up of random-walk variances in local-level
    // models). The tests use a regime where the asymptotics apply: kappa = 10, sigma_chi = 0.8,
    // sigma_xi = 0.3, weekly prices over 40 years (2,086 observations).
    TEST_CASE("schwartz-smith: parameter recovery across seeds (rho fixed at its true value)") {
        // One price series identifies kappa, mu_xi, sigma_xi and sigma_chi given rho
        // (estimators.hpp), so rho is held at the simulated value.
        const auto t = weeklyTimes(40);
        for (double rho : {0.0, 0.4}) {
            const kp::SchwartzSmith ss({0.1, std::log(50.0), 10.0, 0.8, 0.03, 0.3, rho});
            for (std::uint64_t seed : {31u, 32u, 33u}) {
                CAPTURE(rho);
                const auto f = cal::fitSchwartzSmith(t, simulate(ss, t, 1, seed).front(),
                                                     {.schwartzSmithRho = rho});
                checkRecovery(
                    f, {{"kappa", 10.0}, {"sigma_chi", 0.8}, {"mu_xi", 0.03}, {"sigma_xi", 0.3}},
                    seed);
                CHECK(f.parameter("rho").fixed);
                CHECK(f.value("rho") == rho);
                CHECK(std::isnan(f.stdError("rho")));
                CHECK(f.freeParameters == 4);
                REQUIRE(f.state.size() == 2);
                CHECK(std::exp(f.state[0].value + f.state[1].value) ==
                      doctest::Approx(f.lastPrice));
            }
        }
    }

    TEST_CASE(
        "schwartz-smith: Kalman likelihood equals the dense Gaussian likelihood of the path") {
        // Independent check of the filter: log prices x_1..x_n given x_0 are jointly Gaussian with
        // E = x_0 + mu_xi t_i and Cov(x_i, x_j) = (e^{-k t_i} - 1)(e^{-k t_j} - 1) v0
        //   + sigma_chi^2 / (2k) (e^{-k |t_i - t_j|} - e^{-k (t_i + t_j)}) + sigma_xi^2 min(t_i,
        //   t_j)
        //   + rho-terms, v0 = sigma_chi^2 / (2k) (rho = 0 here). At the MLE the fit's
        //   log-likelihood must
        // equal the dense one (Cholesky of the n x n covariance) to rounding.
        const auto days = tradingDays(2);
        const auto t = yearsOf(std::vector<int>(days.begin(), days.begin() + 200));
        const kp::SchwartzSmith ss({0.05, std::log(50.0), 3.0, 0.6, 0.02, 0.25, 0.0});
        const auto s = simulate(ss, t, 1, 35).front();
        const auto f = cal::fitSchwartzSmith(t, s);
        const double k = f.value("kappa"), sc = f.value("sigma_chi"), mu = f.value("mu_xi"),
                     sx = f.value("sigma_xi");
        const std::size_t n = s.size() - 1;
        const auto ni = static_cast<Eigen::Index>(n);
        Eigen::MatrixXd c(ni, ni);
        Eigen::VectorXd y(ni);
        const double v0 = sc * sc / (2 * k);
        for (std::size_t i = 0; i < n; ++i) {
            const double ti = t[i + 1];
            y(static_cast<Eigen::Index>(i)) = std::log(s[i + 1] / s[0]) - mu * ti;
            for (std::size_t j = 0; j < n; ++j) {
                const double tj = t[j + 1];
                c(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                    std::expm1(-k * ti) * std::expm1(-k * tj) * v0 +
                    v0 * (std::exp(-k * std::abs(ti - tj)) - std::exp(-k * (ti + tj))) +
                    sx * sx * std::min(ti, tj);
            }
        }
        const Eigen::LLT<Eigen::MatrixXd> llt(c);
        REQUIRE(llt.info() == Eigen::Success);
        const Eigen::VectorXd a = llt.matrixL().solve(y);
        double logDet = 0;
        for (Eigen::Index i = 0; i < ni; ++i) logDet += 2 * std::log(llt.matrixL()(i, i));
        const double dense = -0.5 * (static_cast<double>(n) * std::log(2 * std::numbers::pi) +
                                     logDet + a.squaredNorm());
        CHECK(f.logLikelihood == doctest::Approx(dense).epsilon(1e-9));
    }

    TEST_CASE("schwartz-smith: SE against the spread over 100 series") {
        // At this size the spread is about 10-15% above the mean reported SE for every parameter (a
        // finite-sample effect, e.g. se(kappa) grows with kappa-hat); the k = 4 tolerance of
        // checkStandardErrors (about 30% here) allows that, not a wrong information matrix.
        const auto t = weeklyTimes(40);
        const kp::SchwartzSmith ss({0.0, std::log(50.0), 10.0, 0.8, 0.03, 0.3, 0.0});
        const auto series = simulate(ss, t, 100, 36);
        std::vector<cal::FitResult> fits;
        for (const auto& s : series) fits.push_back(cal::fitSchwartzSmith(t, s));
        std::size_t edge = 0;
        for (const auto& f : fits) edge += f.standardErrorsAvailable ? 0 : 1;
        CHECK(edge == 0);
        checkStandardErrors(fits, {"kappa", "sigma_chi", "mu_xi", "sigma_xi"}, 36);
    }

    TEST_CASE("jump: parameter recovery across seeds") {
        const auto t = yearsOf(tradingDays(10));
        const kp::MertonJump mj({30.0, 0.05, 0.0, 0.3, 6.0, -0.05, 0.12});
        for (std::uint64_t seed : {41u, 42u, 43u, 44u, 45u})
            checkRecovery(cal::fitMertonJump(t, simulate(mj, t, 1, seed).front()),
                          {{"mu", 0.05},
                           {"sigma", 0.3},
                           {"lambda", 6.0},
                           {"jump_mean", -0.05},
                           {"jump_vol", 0.12}},
                          seed);
    }

    TEST_CASE("jump: SE against the spread over 100 series") {
        const auto t = yearsOf(tradingDays(5));
        const kp::MertonJump mj({30.0, 0.05, 0.0, 0.3, 10.0, -0.05, 0.12});
        const auto fits = fitAll(&cal::fitMertonJump, t, simulate(mj, t, 100, 46));
        checkStandardErrors(fits, {"mu", "sigma", "lambda", "jump_mean", "jump_vol"}, 46);
    }

    TEST_CASE(
        "irregular steps: the true dt recovers the parameters, an assumed equal dt does not") {
        // Ten years of trading days of which two weeks in every five are missing (about 100 outages
        // of 14 days, 40% of the time: a thinly reported series). Fitted with the true times gbm
        // and ou parameters come back within k SE. With the steps assumed equal to one trading day
        // (t_i = i / 252, the usual annualisation of daily returns) each outage's move is taken for
        // one day's move and 40% of the time is lost: sigma comes out about sqrt(1 / 0.6) times too
        // high, far more than k SE. (An equal step of T / n would keep gbm's sigma unbiased on
        // average but not its distribution: the likelihood is still far lower.)
        std::vector<int> days;
        for (int d : tradingDays(10)) {
            const int rel = d - *cal::parseIsoDate("2010-01-04");
            if ((rel / 7) % 5 < 3) days.push_back(d);
        }
        const auto t = yearsOf(days);
        std::vector<double> equal(t.size());
        for (std::size_t i = 0; i < t.size(); ++i) equal[i] = static_cast<double>(i) / 252.0;
        const double theta = std::log(60.0);
        const kp::ExpOu ou({60.0, 3.0, 0.4, {0.0}, {theta}});
        const kp::Gbm gbm({25.0, 0.08, 0.0, 0.45});
        for (std::uint64_t seed : {51u, 52u, 53u}) {
            CAPTURE(seed);
            checkRecovery(cal::fitExpOu(t, simulate(ou, t, 1, seed).front()),
                          {{"kappa", 3.0}, {"theta", theta}, {"sigma", 0.4}}, seed);
            const auto s = simulate(gbm, t, 1, seed).front();
            const auto trueDt = cal::fitGbm(t, s);
            checkRecovery(trueDt, {{"mu", 0.08}, {"sigma", 0.45}}, seed);
            const auto equalDt = cal::fitGbm(equal, s);
            const double est = equalDt.value("sigma"), se = equalDt.stdError("sigma");
            CAPTURE(est);
            CAPTURE(se);
            CAPTURE(kK);
            CHECK(est - 0.45 > kK * se);
            CHECK(trueDt.logLikelihood > equalDt.logLikelihood);
        }
    }

    TEST_CASE(
        "mean reversion: the Dickey-Fuller check has about its nominal 5% size, and detects kappa "
        "= 3") {
        // Under a random walk (gbm) the share of series where tau < the 5% critical value estimates
        // the test's size; its binomial SE is sqrt(0.05 * 0.95 / R). The trading-day grid makes the
        // steps irregular, so the size is only approximately 5% (mean_reversion.hpp).
        const auto t = yearsOf(tradingDays(4));
        const kp::Gbm gbm({50.0, 0.0, 0.0, 0.4});
        const auto series = simulate(gbm, t, 400, 61);
        std::size_t rejections = 0;
        for (const auto& s : series)
            rejections += cal::meanReversionTest(cal::fitExpOu(t, s)).rejectsUnitRoot5 ? 1 : 0;
        const double r = static_cast<double>(series.size());
        const double size = static_cast<double>(rejections) / r;
        const double se = std::sqrt(0.05 * 0.95 / r);
        CAPTURE(size);
        CAPTURE(se);
        CAPTURE(kK);
        CHECK(std::abs(size - 0.05) <= kK * se);

        const auto t10 = yearsOf(tradingDays(10));
        const kp::ExpOu ou({60.0, 3.0, 0.4, {0.0}, {std::log(60.0)}});
        const auto fit = cal::fitExpOu(t10, simulate(ou, t10, 1, 62).front());
        const auto m = cal::meanReversionTest(fit);
        CAPTURE(m.tau);
        CHECK(m.rejectsUnitRoot5);
        CHECK(m.halfLife == doctest::Approx(std::log(2.0) / m.kappa));
        const double n =
            static_cast<double>(fit.observations);  // MacKinnon (2010) tau_c, N = 1, 5%
        CHECK(m.critical5 ==
              doctest::Approx(-2.86154 - 2.8903 / n - 4.234 / (n * n) - 40.040 / (n * n * n)));
    }

    // ---------------------------------------------------------------------------------------------
    // Correlation

    TEST_CASE("correlation: recovers the correlation of log returns on the common dates") {
        // Three GBM series with driver correlations 0.6, -0.3, 0.2 (Cholesky of the target matrix),
        // on trading days; series b misses every 7th date and c the first 100, so only common dates
        // count.
        const auto days = tradingDays(10);
        const auto t = yearsOf(days);
        const std::size_t n = days.size();
        Eigen::Matrix3d target;
        target << 1.0, 0.6, -0.3, 0.6, 1.0, 0.2, -0.3, 0.2, 1.0;
        const Eigen::Matrix3d l = target.llt().matrixL();
        std::vector<double> z(3 * n);
        kp::NormalScratch scratch;
        for (std::uint32_t d = 0; d < 3; ++d)
            kp::fillNormals(71, static_cast<std::uint32_t>(kp::Stream::User), 0, d, 0, n,
                            z.data() + d * n, false, scratch);
        std::vector<cal::TimeSeries> s(3);
        std::vector<double> logp(3, std::log(50.0));
        for (std::size_t i = 0; i < n; ++i) {
            for (int a = 0; a < 3; ++a) {
                if (i > 0) {
                    double w = 0;
                    for (int b = 0; b <= a; ++b)
                        w += l(a, b) * z[static_cast<std::size_t>(b) * n + i];
                    logp[a] += 0.3 * std::sqrt(t[i] - t[i - 1]) * w;
                }
                const bool present = (a == 0) || (a == 1 && i % 7 != 3) || (a == 2 && i >= 100);
                if (!present) continue;
                s[a].days.push_back(days[i]);
                s[a].values.push_back(std::exp(logp[a]));
                s[a].lines.push_back(i + 2);
            }
        }
        for (int a = 0; a < 3; ++a) {
            s[a].file = "synthetic" + std::to_string(a);
            s[a].column = "price";
        }
        const cal::CorrelationResult c = cal::correlateLogReturns(s, cal::Frequency::Daily);
        std::size_t common = 0;
        for (std::size_t i = 100; i < n; ++i) common += (i % 7 != 3) ? 1 : 0;
        CHECK(c.observations == common - 1);
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) {
                const double est = c.correlation(a, b), ref = target(a, b);
                const double se = (1 - ref * ref) / std::sqrt(static_cast<double>(c.observations));
                CAPTURE(a);
                CAPTURE(b);
                CAPTURE(est);
                CAPTURE(ref);
                CAPTURE(se);
                CAPTURE(kK);
                CHECK(std::abs(est - ref) <= kK * se + 1e-12);
                CHECK(c.lower95(a, b) <= est);
                CHECK(c.upper95(a, b) >= est);
            }
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(c.correlation);
        CHECK(eig.eigenvalues().minCoeff() > 0);

        const cal::CorrelationResult w = cal::correlateLogReturns(s, cal::Frequency::Weekly);
        CHECK(w.observations < c.observations / 4);
        CHECK_THROWS_AS(cal::correlateLogReturns({s[0]}, cal::Frequency::Daily), kp::InvalidInput);
    }

    // ---------------------------------------------------------------------------------------------
    // Learning curves

    TEST_CASE("learning curve: exact power law from a file") {
        // cost = 1000 capacity^-0.2 exactly: b = -0.2, LR = 1 - 2^-0.2 = 12.945%, R^2 = 1.
        const cal::LearningCurveData d =
            cal::readLearningCurve(kData + "power_law.csv", "cumulative_gw", "cost_eur_kw");
        const cal::LearningCurveFit f = cal::fitLearningCurve(d.capacity, d.cost);
        CHECK(f.exponent == doctest::Approx(-0.2).epsilon(1e-12));
        CHECK(f.intercept == doctest::Approx(std::log(1000.0)).epsilon(1e-12));
        CHECK(f.learningRate == doctest::Approx(1 - std::exp2(-0.2)).epsilon(1e-12));
        CHECK(f.rSquared == doctest::Approx(1.0));
        CHECK(f.exponentStdError < 1e-9);
        // Default columns: the first two numeric ones are year and capacity, so name them.
        const cal::LearningCurveData byDefault = cal::readLearningCurve(kData + "power_law.csv");
        CHECK(byDefault.capacityColumn == "year");
        CHECK(byDefault.costColumn == "cumulative_gw");
        CHECK_THROWS_AS(cal::readLearningCurve(kData + "power_law.csv", "gw"), kp::InvalidInput);
        CHECK_THROWS_AS(cal::fitLearningCurve({1, 1, 1}, {3, 2, 1}), kp::InvalidInput);
        CHECK_THROWS_AS(cal::fitLearningCurve({1, 2, 4}, {3, -2, 1}), kp::InvalidInput);
    }

    TEST_CASE("learning curve: recovery and coverage of the 95% interval on synthetic data") {
        // 12 points, capacity doubling each step, log-cost noise sd 0.08, true LR 18%. One fit: |b
        // - b0|
        // <= k SE. Over R = 400 data sets the interval should cover LR0 95% of the time; binomial
        // SE sqrt(0.95 * 0.05 / R) = 1.1%.
        const double lr0 = 0.18, b0 = std::log2(1 - lr0);
        const std::size_t m = 12, reps = 400;
        std::vector<double> z(m * reps);
        kp::NormalScratch scratch;
        for (std::uint32_t i = 0; i < m; ++i)
            kp::fillNormals(81, static_cast<std::uint32_t>(kp::Stream::User), i, 0, 0, reps,
                            z.data() + i * reps, false, scratch);
        std::size_t covered = 0;
        for (std::size_t r = 0; r < reps; ++r) {
            std::vector<double> cap(m), cost(m);
            for (std::size_t i = 0; i < m; ++i) {
                cap[i] = 0.5 * std::exp2(static_cast<double>(i));
                cost[i] = 1500 * std::pow(cap[i], b0) * std::exp(0.08 * z[i * reps + r]);
            }
            const auto f = cal::fitLearningCurve(cap, cost, 0.95);
            if (r == 0) {
                CAPTURE(f.exponent);
                CAPTURE(b0);
                CAPTURE(f.exponentStdError);
                CHECK(std::abs(f.exponent - b0) <= kK * f.exponentStdError);
            }
            covered += (f.learningRateLower <= lr0 && lr0 <= f.learningRateUpper) ? 1 : 0;
        }
        const double coverage = static_cast<double>(covered) / static_cast<double>(reps);
        const double se = std::sqrt(0.95 * 0.05 / static_cast<double>(reps));
        CAPTURE(coverage);
        CAPTURE(se);
        CHECK(std::abs(coverage - 0.95) <= kK * se);
    }

    // ---------------------------------------------------------------------------------------------
    // Parameter file and model conversion

    TEST_CASE("parameter file: write, read back, build the model; failed writes leave no file") {
        const auto days = tradingDays(3);
        const auto t = yearsOf(days);
        const kp::ExpOu ou({60.0, 3.0, 0.4, {0.0}, {std::log(60.0)}});
        const auto prices = simulate(ou, t, 1, 91).front();
        cal::TimeSeries s;
        s.file = "synthetic.csv";
        s.column = "price";
        s.days = days;
        s.values = prices;
        for (std::size_t i = 0; i < days.size(); ++i) s.lines.push_back(i + 2);

        const auto dir = std::filesystem::temp_directory_path() / "kp_calibration_test";
        std::filesystem::create_directories(dir);
        for (auto kind : {cal::ModelKind::Gbm, cal::ModelKind::ExpOu, cal::ModelKind::SchwartzSmith,
                          cal::ModelKind::MertonJump}) {
            const cal::FitResult f = cal::fitModel(kind, s);
            const std::string path = (dir / (cal::toString(kind) + ".yaml")).string();
            cal::writeParameterFile(path, f, cal::describe(s, cal::Frequency::Daily));
            const cal::ParameterFile back = cal::readParameterFile(path);
            CAPTURE(f.model);
            CHECK(back.fit.model == f.model);
            CHECK(back.fit.lastPrice == doctest::Approx(prices.back()).epsilon(1e-9));
            REQUIRE(back.fit.parameters.size() == f.parameters.size());
            for (std::size_t i = 0; i < f.parameters.size(); ++i) {
                CHECK(back.fit.parameters[i].name == f.parameters[i].name);
                CHECK(back.fit.parameters[i].value ==
                      doctest::Approx(f.parameters[i].value).epsilon(1e-9));
                CHECK(back.fit.parameters[i].fixed == f.parameters[i].fixed);
            }
            CHECK(back.data.lastDay == days.back());
            CHECK(back.data.prices == days.size());
            const kp::ModelPtr model = cal::makeModel(back.fit);
            REQUIRE(model);
            CHECK(model->expectedPrice(0.0) == doctest::Approx(prices.back()).epsilon(1e-9));
        }
        const auto ouFit = cal::fitModel(cal::ModelKind::ExpOu, s);
        const kp::ExpOuParams p = cal::toExpOuParams(ouFit);
        CHECK(p.kappa == ouFit.value("kappa"));
        CHECK(p.meanLevels == std::vector<double>{ouFit.value("theta")});
        CHECK_THROWS_AS(cal::toGbmParams(ouFit), kp::InvalidInput);

        const std::string bad = (dir / "no_such_dir" / "out.yaml").string();
        CHECK_THROWS_AS(
            cal::writeParameterFile(bad, ouFit, cal::describe(s, cal::Frequency::Daily)),
            kp::InvalidInput);
        CHECK(!std::filesystem::exists(bad));
        for (const auto& entry : std::filesystem::directory_iterator(dir))
            CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
        std::filesystem::remove_all(dir);
    }

}  // TEST_SUITE

//! \brief Tests the factor models (models/): Gbm, AnchoredGbm, ExpOu, SchwartzSmith, MertonJump (the last
//! two also around a given price path) and ModelSet, by
//! simulating 200,000 paths with a fixed seed and comparing the simulated mean, variance and
//! inter-date covariance of the log price (and the mean of the price) with their closed forms within
//! k = 4 standard errors; a one-step grid against a 12-step grid (exact laws); the law of log S(T)
//! against its exact CDF by a chi-squared test (p > 1e-6); ExpOu forward matching against the given
//! forwards; ModelSet increment correlations against the target matrix; plus bad input (one
//! CHECK_THROWS_AS per invariant) and determinism (same seed and any block size give identical bits).

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"
#include "kp/core/state_block.hpp"
#include "kp/core/time_grid.hpp"
#include "kp/models/anchored_gbm.hpp"
#include "kp/models/exp_ou.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/merton_jump.hpp"
#include "kp/models/model_set.hpp"
#include "kp/models/price_path.hpp"
#include "kp/models/schwartz_smith.hpp"

namespace {

constexpr double kK = 4.0;             // tolerance in standard errors (STYLE.md section 6)
constexpr std::size_t kPaths = 200'000;
constexpr auto kStream = static_cast<std::uint32_t>(kp::Stream::User);

/// Simulates `paths` paths of `model` on `grid`, block by block with state and normal stride `block`
/// (the last block is partial, so n < stride is exercised). Returns [date][variable][path].
kp::StateBlock simulate(const kp::Model& model, const kp::TimeGrid& grid, std::uint64_t seed,
                        std::size_t paths = kPaths, std::size_t block = 4096) {
    const std::size_t vars = model.stateSize();
    const std::size_t dims = model.brownianDimensions() + model.auxiliaryDimensions();
    kp::StateBlock out(grid.size(), vars, paths);
    std::vector<double> state(vars * block), z(std::max<std::size_t>(dims, 1) * block);
    auto scr = std::make_unique<kp::NormalScratch>();
    for (std::size_t first = 0; first < paths; first += block) {
        const std::size_t n = std::min(block, paths - first);
        model.initialState(state.data(), block, n);
        for (std::size_t v = 0; v < vars; ++v)
            std::copy_n(state.data() + v * block, n, out.column(0, v) + first);
        for (std::size_t step = 0; step < grid.steps(); ++step) {
            for (std::size_t d = 0; d < dims; ++d)
                kp::fillNormals(seed, kStream, static_cast<std::uint32_t>(step),
                                static_cast<std::uint32_t>(d), first, n, z.data() + d * block, false,
                                *scr);
            model.evolve(grid[step], grid[step + 1], z.data(), block, state.data(), block, n);
            for (std::size_t v = 0; v < vars; ++v)
                std::copy_n(state.data() + v * block, n, out.column(step + 1, v) + first);
        }
    }
    return out;
}

std::vector<double> column(const kp::StateBlock& s, std::size_t date, std::size_t var) {
    return {s.column(date, var), s.column(date, var) + s.paths()};
}

std::vector<double> logColumn(const kp::StateBlock& s, std::size_t date, std::size_t var = 0) {
    std::vector<double> x = column(s, date, var);
    for (double& v : x) v = std::log(v);
    return x;
}

std::vector<double> difference(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
    return d;
}

/// Sample mean and variance with the standard errors of the estimators:
/// SE(mean) = s / sqrt(n), SE(variance) = sqrt((m4 - s^4) / n).
struct Moments {
    double mean, var, seMean, seVar;
};

Moments moments(const std::vector<double>& x) {
    const double n = static_cast<double>(x.size());
    double mean = 0;
    for (double v : x) mean += v;
    mean /= n;
    double m2 = 0, m4 = 0;
    for (double v : x) {
        const double d2 = (v - mean) * (v - mean);
        m2 += d2;
        m4 += d2 * d2;
    }
    m2 /= n;
    m4 /= n;
    const double var = m2 * n / (n - 1);
    return {mean, var, std::sqrt(var / n), std::sqrt(std::max(0.0, m4 - m2 * m2) / n)};
}

/// Sample covariance and its standard error sd((x - mx)(y - my)) / sqrt(n).
struct Estimate {
    double value, se;
};

Estimate covariance(const std::vector<double>& x, const std::vector<double>& y) {
    const Moments mx = moments(x), my = moments(y);
    std::vector<double> prod(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) prod[i] = (x[i] - mx.mean) * (y[i] - my.mean);
    const Moments mp = moments(prod);
    return {mp.mean, mp.seMean};
}

/// Sample correlation; SE (1 - rho^2) / sqrt(n) (normal theory, exact for Gaussian pairs).
Estimate correlation(const std::vector<double>& x, const std::vector<double>& y) {
    const Estimate c = covariance(x, y);
    const double r = c.value / std::sqrt(moments(x).var * moments(y).var);
    return {r, (1 - r * r) / std::sqrt(static_cast<double>(x.size()))};
}

void checkWithin(const std::string& what, double est, double ref, double se, std::uint64_t seed) {
    INFO(what);
    CAPTURE(est);
    CAPTURE(ref);
    CAPTURE(se);
    CAPTURE(kK);
    CAPTURE(seed);
    CHECK(std::abs(est - ref) <= kK * se);
}

void checkMeanVar(const std::string& what, const std::vector<double>& x, double refMean,
                  double refVar, std::uint64_t seed) {
    const Moments m = moments(x);
    checkWithin(what + ": mean", m.mean, refMean, m.seMean, seed);
    checkWithin(what + ": variance", m.var, refVar, m.seVar, seed);
}

/// Two independent samples (different seeds) of the same law: equal mean and variance within k SE.
void checkSameLaw(const std::string& what, const std::vector<double>& a, const std::vector<double>& b,
                  std::uint64_t seedA, std::uint64_t seedB) {
    const Moments ma = moments(a), mb = moments(b);
    INFO(what);
    CAPTURE(seedA);
    CAPTURE(seedB);
    checkWithin("coarse vs fine: mean", ma.mean, mb.mean, std::hypot(ma.seMean, mb.seMean), seedA);
    checkWithin("coarse vs fine: variance", ma.var, mb.var, std::hypot(ma.seVar, mb.seVar), seedA);
}

/// P(X > chi2) for X chi-squared with `dof` degrees of freedom.
double chiSquaredSurvival(double chi2, double dof) {
    return cdf(complement(boost::math::chi_squared(dof), chi2));
}

/// Chi-squared test of `x` against the continuous CDF `cdf` on `bins` bins whose edges are the
/// equiprobable quantiles of N(mean, sd^2) (an approximation of the law; the expected counts use
/// the exact cdf). Passes when p > 1e-6 (STYLE.md section 6).
void checkChiSquared(const std::string& what, const std::vector<double>& x,
                     const std::function<double(double)>& cdf, double mean, double sd,
                     std::uint64_t seed, std::size_t bins = 100) {
    boost::math::normal nd(mean, sd);
    std::vector<double> edges(bins - 1);
    for (std::size_t b = 0; b + 1 < bins; ++b)
        edges[b] = quantile(nd, static_cast<double>(b + 1) / static_cast<double>(bins));
    std::vector<double> count(bins, 0.0);
    for (double v : x) ++count[std::upper_bound(edges.begin(), edges.end(), v) - edges.begin()];
    const double n = static_cast<double>(x.size());
    double chi2 = 0, prev = 0, minExpected = n;
    for (std::size_t b = 0; b < bins; ++b) {
        const double c = b + 1 < bins ? cdf(edges[b]) : 1.0;
        const double expected = n * (c - prev);
        minExpected = std::min(minExpected, expected);
        chi2 += (count[b] - expected) * (count[b] - expected) / expected;
        prev = c;
    }
    const double p = chiSquaredSurvival(chi2, static_cast<double>(bins - 1));
    INFO(what);
    CAPTURE(chi2);
    CAPTURE(p);
    CAPTURE(minExpected);
    CAPTURE(seed);
    CHECK(minExpected > 5.0);
    CHECK(p > 1e-6);
}

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

bool bitIdentical(const kp::StateBlock& a, const kp::StateBlock& b) {
    if (a.dates() != b.dates() || a.variables() != b.variables() || a.paths() != b.paths())
        return false;
    for (std::size_t d = 0; d < a.dates(); ++d)
        for (std::size_t v = 0; v < a.variables(); ++v)
            if (std::memcmp(a.column(d, v), b.column(d, v), a.paths() * sizeof(double)) != 0)
                return false;
    return true;
}

}  // namespace

TEST_SUITE("models") {

// ------------------------------------------------------------------------------------------- GBM

TEST_CASE("Gbm: moments and autocovariance of log S match the lognormal closed form") {
    const std::uint64_t seed = 1001;
    const kp::GbmParams p{100.0, 0.05, 0.02, 0.3};
    const kp::Gbm model(p);
    const auto grid = kp::TimeGrid::uniform(3.0, 12);
    const auto s = simulate(model, grid, seed);
    const double a = p.drift - p.yield - 0.5 * p.vol * p.vol;
    for (std::size_t date : {1u, 4u, 12u}) {
        const double t = grid[date];
        CAPTURE(t);
        checkMeanVar("Gbm log S(t)", logColumn(s, date), std::log(p.spot) + a * t,
                     p.vol * p.vol * t, seed);
        const Moments ms = moments(column(s, date, 0));
        checkWithin("Gbm E[S(t)]", ms.mean, model.expectedPrice(t), ms.seMean, seed);
        CHECK(model.expectedPrice(t) == doctest::Approx(p.spot * std::exp((p.drift - p.yield) * t)).epsilon(1e-14));
    }
    const Estimate c = covariance(logColumn(s, 4), logColumn(s, 12));
    checkWithin("Gbm Cov(log S(1), log S(3))", c.value, p.vol * p.vol * 1.0, c.se, seed);
}

TEST_CASE("Gbm: one step and 12 steps to T give the same law of S(T)") {
    const std::uint64_t seedA = 1002, seedB = 1003;
    const kp::GbmParams p{100.0, 0.05, 0.02, 0.3};
    const kp::Gbm model(p);
    const auto coarse = simulate(model, kp::TimeGrid({0.0, 2.0}), seedA);
    const auto fine = simulate(model, kp::TimeGrid::uniform(2.0, 12), seedB);
    checkSameLaw("Gbm log S(2)", logColumn(coarse, 1), logColumn(fine, 12), seedA, seedB);
    checkSameLaw("Gbm S(2)", column(coarse, 1, 0), column(fine, 12, 0), seedA, seedB);
}

TEST_CASE("Gbm: 4x the paths halves the standard error") {
    const std::uint64_t seed = 1004;
    const kp::Gbm model({100.0, 0.05, 0.02, 0.3});
    const kp::TimeGrid grid({0.0, 1.0});
    const double se1 = moments(column(simulate(model, grid, seed, 50'000), 1, 0)).seMean;
    const double se4 = moments(column(simulate(model, grid, seed, 200'000), 1, 0)).seMean;
    CAPTURE(se1);
    CAPTURE(se4);
    CHECK(se4 / se1 == doctest::Approx(0.5).epsilon(0.05));
}

// ------------------------------------------------------------------------------------ AnchoredGbm

TEST_CASE("AnchoredGbm: the simulated median (or mean) is the path at every anchor and between them, kappa 0 and > 0") {
    // An EUA-like path: 70 today, 130 in 2030 (t = 4), 200 in 2040, 250 in 2050, sigma 0.415; annual
    // steps. Median anchor: the sample median within 4 SE of the path (SE of a lognormal median:
    // m s sqrt(pi / 2) / sqrt(n), s = sigma sqrt(t)); log S has variance sigma^2 t. Mean anchor:
    // the sample mean within 4 SE of the path.
    // With kappa 0.53 (the EUA's 2018-2025 monthly AR(1), FACTS.md 12b) the deviations revert to the
    // path: the same checks with Var log S(t) = sigma^2 (1 - exp(-2 kappa t)) / (2 kappa).
    for (const double kappa : {0.0, 0.53})
    for (const bool mean : {false, true}) {
        const std::uint64_t seed = (mean ? 1011 : 1010) + (kappa > 0 ? 10 : 0);
        kp::AnchoredGbmParams p;
        p.spot = 70, p.times = {4, 14, 24}, p.levels = {130, 200, 250}, p.vol = 0.415, p.mean = mean;
        p.kappa = kappa;
        const kp::AnchoredGbm model(p);
        const auto grid = kp::TimeGrid::uniform(30.0, 30);
        const auto s = simulate(model, grid, seed, 100'000);
        CAPTURE(mean);
        CAPTURE(kappa);
        for (std::size_t date : {2u, 4u, 9u, 14u, 24u, 30u}) {
            const double t = grid[date];
            CAPTURE(t);
            const double path = std::exp(model.logAnchor(t));
            if (date == 4) CHECK(path == doctest::Approx(130).epsilon(1e-12));
            if (date >= 24) CHECK(path == doctest::Approx(250).epsilon(1e-12));  // flat after the last point
            std::vector<double> x = column(s, date, 0);
            const std::size_t n = x.size();
            if (mean) {
                const Moments m = moments(x);
                checkWithin("AnchoredGbm mean", m.mean, path, m.seMean, seed);
                CHECK(model.expectedPrice(t) == doctest::Approx(path).epsilon(1e-12));
            } else {
                std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n / 2), x.end());
                const double se = path * std::sqrt(model.logVariance(t)) * std::sqrt(std::acos(-1.0) / 2) /
                                  std::sqrt(static_cast<double>(n));
                checkWithin("AnchoredGbm median", x[n / 2], path, se, seed);
                CHECK(model.medianPrice(t) == doctest::Approx(path).epsilon(1e-12));
            }
            const double var = kappa > 0 ? p.vol * p.vol * -std::expm1(-2 * kappa * t) / (2 * kappa) : p.vol * p.vol * t;
            CHECK(model.logVariance(t) == doctest::Approx(var).epsilon(1e-14));
            checkMeanVar("AnchoredGbm log S(t)", logColumn(s, date), std::log(model.medianPrice(t)), var, seed);
        }
    }
}

TEST_CASE("AnchoredGbm: a path growing at mu - sigma^2/2 gives the Gbm's paths (same normals), to rounding") {
    // median path spot x exp((mu - sigma^2/2) t) at every year: the two models' log S agree in law
    const kp::GbmParams g{70.0, 0.05, 0.0, 0.3};
    kp::AnchoredGbmParams p;
    p.spot = 70, p.vol = 0.3;
    for (int y = 1; y <= 10; ++y) {
        p.times.push_back(y);
        p.levels.push_back(70.0 * std::exp((0.05 - 0.045) * y));
    }
    const auto grid = kp::TimeGrid::uniform(10.0, 10);
    const auto a = simulate(kp::AnchoredGbm(p), grid, 1012), b = simulate(kp::Gbm(g), grid, 1012);
    for (std::size_t date : {1u, 5u, 10u})
        CHECK(column(a, date, 0)[7] == doctest::Approx(column(b, date, 0)[7]).epsilon(1e-12));
}

TEST_CASE("AnchoredGbm: bad anchors throw InvalidInput") {
    kp::AnchoredGbmParams p;
    p.spot = 70, p.vol = 0.3, p.times = {5, 3}, p.levels = {100, 120};
    CHECK_THROWS_AS(kp::AnchoredGbm{p}, kp::InvalidInput);  // not increasing
    p.times = {3, 5}, p.levels = {100, 0};
    CHECK_THROWS_AS(kp::AnchoredGbm{p}, kp::InvalidInput);  // level not positive
    p.levels = {100};
    CHECK_THROWS_AS(kp::AnchoredGbm{p}, kp::InvalidInput);  // lengths differ
    kp::AnchoredGbmParams k;
    k.spot = 70, k.times = {1}, k.levels = {80}, k.kappa = -0.5;
    CHECK_THROWS_AS(kp::AnchoredGbm{k}, kp::InvalidInput);  // negative reversion
    p.times = {0, 5}, p.levels = {100, 120};
    CHECK_THROWS_AS(kp::AnchoredGbm{p}, kp::InvalidInput);  // a time not after t = 0
}

// ---------------------------------------------------------------------------------------- Exp-OU

TEST_CASE("ExpOu: constant mean, moments and autocovariance of log S match the OU closed form") {
    const std::uint64_t seed = 2001;
    const double spot = 50.0, kappa = 1.5, sigma = 0.5, theta = std::log(60.0);
    const kp::ExpOu model({spot, kappa, sigma, {0.0}, {theta}});
    REQUIRE(model.stateNames() == std::vector<std::string>{"price", "log_price"});
    const auto grid = kp::TimeGrid::uniform(3.0, 12);
    const auto s = simulate(model, grid, seed);
    auto mean = [&](double t) { return theta + (std::log(spot) - theta) * std::exp(-kappa * t); };
    auto var = [&](double t) { return sigma * sigma * (1 - std::exp(-2 * kappa * t)) / (2 * kappa); };
    for (std::size_t date : {1u, 4u, 12u}) {
        const double t = grid[date];
        CAPTURE(t);
        checkMeanVar("ExpOu log S(t)", column(s, date, 1), mean(t), var(t), seed);
        const Moments ms = moments(column(s, date, 0));
        const double ref = std::exp(mean(t) + 0.5 * var(t));
        checkWithin("ExpOu E[S(t)]", ms.mean, ref, ms.seMean, seed);
        CHECK(model.expectedPrice(t) == doctest::Approx(ref).epsilon(1e-13));
    }
    // Cov(x(1), x(3)) = e^{-2 kappa} Var(x(1))
    const Estimate c = covariance(column(s, 4, 1), column(s, 12, 1));
    checkWithin("ExpOu Cov(x(1), x(3))", c.value, std::exp(-2 * kappa) * var(1.0), c.se, seed);
    // the two state variables agree: price = exp(log_price)
    double worst = 0;
    for (std::size_t i = 0; i < s.paths(); ++i)
        worst = std::max(worst, std::abs(std::log(s(12, 0, i)) - s(12, 1, i)));
    CHECK(worst < 1e-13);
}

TEST_CASE("ExpOu: one step and 12 steps to T give the same law") {
    const std::uint64_t seedA = 2002, seedB = 2003;
    const kp::ExpOu model({50.0, 0.8, 0.4, {0.0, 0.3, 1.1}, {std::log(40.0), std::log(70.0), std::log(55.0)}});
    const auto coarse = simulate(model, kp::TimeGrid({0.0, 2.0}), seedA);
    const auto fine = simulate(model, kp::TimeGrid::uniform(2.0, 12), seedB);
    checkSameLaw("ExpOu x(2)", column(coarse, 1, 1), column(fine, 12, 1), seedA, seedB);
    checkSameLaw("ExpOu S(2)", column(coarse, 1, 0), column(fine, 12, 0), seedA, seedB);
    const double var = 0.4 * 0.4 * (1 - std::exp(-2 * 0.8 * 2.0)) / (2 * 0.8);
    checkMeanVar("ExpOu x(2), one step", column(coarse, 1, 1), model.logMean(2.0), var, seedA);
}

TEST_CASE("ExpOu: expOuMatchingForwards reproduces the forwards, on grids aligned with and across the pieces") {
    const double spot = 50.0, kappa = 1.2, sigma = 0.6;
    const std::vector<double> times{0.5, 1.0, 2.0, 3.0};
    const std::vector<double> forwards{55.0, 45.0, 60.0, 52.0};
    const kp::ExpOuParams p = kp::expOuMatchingForwards(spot, kappa, sigma, times, forwards);
    REQUIRE(p.meanTimes == std::vector<double>{0.0, 0.5, 1.0, 2.0});
    REQUIRE(p.meanLevels.size() == 4);
    const kp::ExpOu model(p);
    for (std::size_t i = 0; i < times.size(); ++i) {
        CAPTURE(i);
        CHECK(model.expectedPrice(times[i]) == doctest::Approx(forwards[i]).epsilon(1e-12));
    }
    auto var = [&](double t) { return sigma * sigma * (1 - std::exp(-2 * kappa * t)) / (2 * kappa); };

    const std::uint64_t seedA = 2004;
    const kp::TimeGrid aligned({0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0});
    const auto sa = simulate(model, aligned, seedA);
    const std::size_t alignedDates[] = {2, 4, 6, 8};
    for (std::size_t i = 0; i < times.size(); ++i) {
        CAPTURE(times[i]);
        const Moments m = moments(column(sa, alignedDates[i], 0));
        checkWithin("ExpOu E[S(t_i)] (aligned grid)", m.mean, forwards[i], m.seMean, seedA);
        checkWithin("ExpOu Var[x(t_i)] (aligned grid)", moments(column(sa, alignedDates[i], 1)).var,
                    var(times[i]), moments(column(sa, alignedDates[i], 1)).seVar, seedA);
    }
    // steps 0 -> 1 and 1 -> 3 each cross a change of the mean level
    const std::uint64_t seedB = 2005;
    const auto sb = simulate(model, kp::TimeGrid({0.0, 1.0, 3.0}), seedB);
    for (std::size_t date : {1u, 2u}) {
        const double t = date == 1 ? 1.0 : 3.0;
        const double f = date == 1 ? forwards[1] : forwards[3];
        CAPTURE(t);
        const Moments m = moments(column(sb, date, 0));
        checkWithin("ExpOu E[S(t_i)] (steps across pieces)", m.mean, f, m.seMean, seedB);
    }
    // exact law of x(3) after two steps across pieces: Gaussian, checked by chi-squared
    const double mu3 = std::log(forwards[3]) - 0.5 * var(3.0), sd3 = std::sqrt(var(3.0));
    checkChiSquared("ExpOu x(3) against N(log F - v/2, v)", column(sb, 2, 1),
                    [&](double x) { return normalCdf((x - mu3) / sd3); }, mu3, sd3, seedB);
}

// ------------------------------------------------------------------------------- Schwartz-Smith

namespace {
const kp::SchwartzSmithParams kSs{-0.2, std::log(40.0), 1.5, 0.3, -0.0125, 0.15, 0.3};

double ssVarChi(const kp::SchwartzSmithParams& p, double t) {
    return p.sigmaChi * p.sigmaChi * (1 - std::exp(-2 * p.kappa * t)) / (2 * p.kappa);
}
double ssCov(const kp::SchwartzSmithParams& p, double t) {
    return p.rho * p.sigmaChi * p.sigmaXi * (1 - std::exp(-p.kappa * t)) / p.kappa;
}
double ssLogMean(const kp::SchwartzSmithParams& p, double t) {
    return std::exp(-p.kappa * t) * p.chi0 + p.xi0 + p.muXi * t;
}
double ssLogVar(const kp::SchwartzSmithParams& p, double t) {
    return ssVarChi(p, t) + p.sigmaXi * p.sigmaXi * t + 2 * ssCov(p, t);
}
}  // namespace

TEST_CASE("SchwartzSmith: moments, cross-covariance and autocovariance match Schwartz-Smith (2000)") {
    const std::uint64_t seed = 3001;
    const kp::SchwartzSmith model(kSs);
    REQUIRE(model.stateNames() == std::vector<std::string>{"price", "chi", "xi"});
    const auto grid = kp::TimeGrid::uniform(3.0, 12);
    const auto s = simulate(model, grid, seed);
    const auto& p = kSs;
    for (std::size_t date : {1u, 4u, 12u}) {
        const double t = grid[date];
        CAPTURE(t);
        checkMeanVar("SS log S(t)", logColumn(s, date), ssLogMean(p, t), ssLogVar(p, t), seed);
        checkMeanVar("SS chi(t)", column(s, date, 1), std::exp(-p.kappa * t) * p.chi0,
                     ssVarChi(p, t), seed);
        checkMeanVar("SS xi(t)", column(s, date, 2), p.xi0 + p.muXi * t,
                     p.sigmaXi * p.sigmaXi * t, seed);
        const Estimate cx = covariance(column(s, date, 1), column(s, date, 2));
        checkWithin("SS Cov(chi(t), xi(t))", cx.value, ssCov(p, t), cx.se, seed);
        const Moments ms = moments(column(s, date, 0));
        const double ref = std::exp(ssLogMean(p, t) + 0.5 * ssLogVar(p, t));
        checkWithin("SS E[S(t)]", ms.mean, ref, ms.seMean, seed);
        CHECK(model.expectedPrice(t) == doctest::Approx(ref).epsilon(1e-13));
    }
    // Cov(log S(s), log S(t)), s < t: chi(t) = e^{-kappa (t-s)} chi(s) + indep., xi(t) = xi(s) + indep.
    const double t1 = 1.0, t2 = 3.0;
    const double ref = std::exp(-p.kappa * (t2 - t1)) * (ssVarChi(p, t1) + ssCov(p, t1)) +
                       ssCov(p, t1) + p.sigmaXi * p.sigmaXi * t1;
    const Estimate c = covariance(logColumn(s, 4), logColumn(s, 12));
    checkWithin("SS Cov(log S(1), log S(3))", c.value, ref, c.se, seed);
}

TEST_CASE("SchwartzSmith: one step and 12 steps to T give the same law, Gaussian by chi-squared") {
    const std::uint64_t seedA = 3002, seedB = 3003;
    const kp::SchwartzSmith model(kSs);
    const auto coarse = simulate(model, kp::TimeGrid({0.0, 2.0}), seedA);
    const auto fine = simulate(model, kp::TimeGrid::uniform(2.0, 12), seedB);
    checkSameLaw("SS log S(2)", logColumn(coarse, 1), logColumn(fine, 12), seedA, seedB);
    checkSameLaw("SS chi(2)", column(coarse, 1, 1), column(fine, 12, 1), seedA, seedB);
    const Estimate ca = covariance(column(coarse, 1, 1), column(coarse, 1, 2));
    const Estimate cb = covariance(column(fine, 12, 1), column(fine, 12, 2));
    checkWithin("SS Cov(chi(2), xi(2)) coarse vs fine", ca.value, cb.value, std::hypot(ca.se, cb.se), seedA);
    const double mu = ssLogMean(kSs, 2.0), sd = std::sqrt(ssLogVar(kSs, 2.0));
    checkChiSquared("SS log S(2) one step", logColumn(coarse, 1),
                    [&](double x) { return normalCdf((x - mu) / sd); }, mu, sd, seedA);
    checkChiSquared("SS log S(2) 12 steps", logColumn(fine, 12),
                    [&](double x) { return normalCdf((x - mu) / sd); }, mu, sd, seedB);
}

TEST_CASE("SchwartzSmith: degenerate parameters (rho = +-1, zero volatilities) stay finite") {
    for (const kp::SchwartzSmithParams& p :
         {kp::SchwartzSmithParams{0.1, 3.0, 2.0, 0.3, 0.0, 0.2, 1.0},
          kp::SchwartzSmithParams{0.1, 3.0, 2.0, 0.3, 0.0, 0.2, -1.0},
          kp::SchwartzSmithParams{0.1, 3.0, 2.0, 0.0, 0.0, 0.2, 0.5},
          kp::SchwartzSmithParams{0.1, 3.0, 2.0, 0.3, 0.0, 0.0, 0.5}}) {
        const kp::SchwartzSmith model(p);
        const auto s = simulate(model, kp::TimeGrid::uniform(1.0, 4), 3004, 4000);
        bool finite = true;
        for (std::size_t v = 0; v < 3; ++v)
            for (double x : column(s, 4, v)) finite = finite && std::isfinite(x);
        CAPTURE(p.rho);
        CHECK(finite);
        const Moments m = moments(logColumn(s, 4));
        checkWithin("SS degenerate Var[log S(1)]", m.var, ssLogVar(p, 1.0), m.seVar + 1e-14, 3004);
    }
}

// An EUA-like path for the path tests below: 70 today, 130 in 2030 (t = 4), 200 in 2040, 250 in 2050,
// log-linear between, flat after; written out here, independently of kp::PricePath.
namespace {
const std::vector<double> kPathTimes{4, 14, 24}, kPathLevels{130, 200, 250};
double pathLevel(double t) {
    const double ts[] = {0, 4, 14, 24}, ls[] = {70, 130, 200, 250};
    if (t >= 24) return 250;
    int i = 0;
    while (ts[i + 1] <= t) ++i;
    const double w = (t - ts[i]) / (ts[i + 1] - ts[i]);
    return std::exp((1 - w) * std::log(ls[i]) + w * std::log(ls[i + 1]));
}
/// Sample median of `x` (copied) and its SE for a lognormal with log-sd `logSd`: m logSd sqrt(pi / 2) / sqrt(n).
Estimate lognormalMedian(std::vector<double> x, double m, double logSd) {
    const std::size_t n = x.size();
    std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n / 2), x.end());
    return {x[n / 2], m * logSd * std::sqrt(std::acos(-1.0) / 2) / std::sqrt(static_cast<double>(n))};
}
}  // namespace

TEST_CASE("SchwartzSmith with a path: the simulated median (or mean) is the path at every anchor and between them") {
    // kSs's kappa, vols and rho (kappa 1.5, sigma_chi 0.3, sigma_xi 0.15, rho 0.3), chi0 = 0, xi0 = log 70,
    // around the EUA-like path; annual steps to 30 years, 100,000 paths. Median anchor: the sample
    // median within 4 SE (log S is Gaussian with variance v(t) = ssLogVar). Mean anchor: the sample
    // mean within 4 SE. Both: log S has mean log A(t) - c v(t)/2 and variance v(t); chi mean 0 and
    // variance Vchi(t); xi variance sigma_xi^2 t.
    for (const bool mean : {false, true}) {
        const std::uint64_t seed = mean ? 3011 : 3010;
        kp::SchwartzSmithParams p = kSs;
        p.chi0 = 0, p.xi0 = std::log(70.0), p.muXi = 0;
        kp::PricePath path;
        path.times = kPathTimes, path.levels = kPathLevels, path.mean = mean;
        const kp::SchwartzSmith model(p, path);
        const auto grid = kp::TimeGrid::uniform(30.0, 30);
        const auto s = simulate(model, grid, seed, 100'000);
        CAPTURE(mean);
        for (std::size_t date : {2u, 4u, 9u, 14u, 24u, 30u}) {
            const double t = grid[date], a = pathLevel(t), v = ssLogVar(p, t);
            CAPTURE(t);
            CHECK(std::exp(model.logAnchor(t)) == doctest::Approx(a).epsilon(1e-12));
            const std::vector<double> x = column(s, date, 0);
            if (mean) {
                const Moments m = moments(x);
                checkWithin("SS path: mean", m.mean, a, m.seMean, seed);
                CHECK(model.expectedPrice(t) == doctest::Approx(a).epsilon(1e-12));
            } else {
                const Estimate med = lognormalMedian(x, a, std::sqrt(v));
                checkWithin("SS path: median", med.value, a, med.se, seed);
                CHECK(std::exp(model.logMean(t)) == doctest::Approx(a).epsilon(1e-12));
            }
            CHECK(model.logVariance(t) == doctest::Approx(v).epsilon(1e-13));
            const double c = mean ? 1.0 : 0.0;
            checkMeanVar("SS path: log S(t)", logColumn(s, date), std::log(a) - c * v / 2, v, seed);
            checkMeanVar("SS path: chi(t)", column(s, date, 1), 0.0, ssVarChi(p, t), seed);
            checkMeanVar("SS path: xi(t)", column(s, date, 2), std::log(a) - c * v / 2, p.sigmaXi * p.sigmaXi * t, seed);
        }
    }
}

TEST_CASE("SchwartzSmith with a path: chi0 decays onto it; a path rising at muXi gives the model with muXi, to rounding") {
    // chi0 = -0.2 (median anchor): E[log S(t)] = e^{-kappa t} chi0 + log A(t), within 4 SE
    const std::uint64_t seed = 3012;
    kp::SchwartzSmithParams p = kSs;
    p.xi0 = std::log(70.0), p.muXi = 0;
    kp::PricePath path;
    path.times = kPathTimes, path.levels = kPathLevels;
    const auto grid = kp::TimeGrid::uniform(10.0, 10);
    const auto s = simulate(kp::SchwartzSmith(p, path), grid, seed, 100'000);
    for (std::size_t date : {1u, 4u, 10u}) {
        const double t = grid[date];
        CAPTURE(t);
        checkMeanVar("SS path, chi0 -0.2: log S(t)", logColumn(s, date),
                     std::exp(-p.kappa * t) * p.chi0 + std::log(pathLevel(t)), ssLogVar(p, t), seed);
    }
    // a median path exp(xi0 + muXi t) at every year: the same normals give the same paths as muXi
    kp::PricePath rising;
    for (int y = 1; y <= 10; ++y) {
        rising.times.push_back(y);
        rising.levels.push_back(std::exp(kSs.xi0 + kSs.muXi * y));
    }
    kp::SchwartzSmithParams q = kSs;
    q.muXi = 0;
    const auto a = simulate(kp::SchwartzSmith(q, rising), grid, 3013, 5000), b = simulate(kp::SchwartzSmith(kSs), grid, 3013, 5000);
    for (std::size_t date : {1u, 5u, 10u})
        for (std::size_t v = 0; v < 3; ++v) CHECK(column(a, date, v)[7] == doctest::Approx(column(b, date, v)[7]).epsilon(1e-12));
}

TEST_CASE("SchwartzSmith with a path: bad input throws InvalidInput") {
    kp::SchwartzSmithParams p = kSs;  // muXi -0.0125
    kp::PricePath path;
    path.times = kPathTimes, path.levels = kPathLevels;
    CHECK_THROWS_AS(kp::SchwartzSmith(p, path), kp::InvalidInput);  // muXi beside a path
    p.muXi = 0;
    CHECK_NOTHROW(kp::SchwartzSmith(p, path));
    path.times = {14, 4, 24};
    CHECK_THROWS_AS(kp::SchwartzSmith(p, path), kp::InvalidInput);  // not increasing
    path.times = kPathTimes, path.levels = {130, -1, 250};
    CHECK_THROWS_AS(kp::SchwartzSmith(p, path), kp::InvalidInput);  // level not positive
    path.levels = {130, 200};
    CHECK_THROWS_AS(kp::SchwartzSmith(p, path), kp::InvalidInput);  // lengths differ
}

// ---------------------------------------------------------------------------------------- Merton

namespace {
const kp::MertonJumpParams kMj{100.0, 0.05, 0.01, 0.2, 1.5, -0.08, 0.15};

double mjLogMean(const kp::MertonJumpParams& p, double t) {
    const double k = std::exp(p.jumpMean + 0.5 * p.jumpVol * p.jumpVol) - 1;
    return std::log(p.spot) +
           (p.drift - p.yield - 0.5 * p.vol * p.vol - p.intensity * k + p.intensity * p.jumpMean) * t;
}
double mjLogVar(const kp::MertonJumpParams& p, double t) {
    return (p.vol * p.vol + p.intensity * (p.jumpMean * p.jumpMean + p.jumpVol * p.jumpVol)) * t;
}
/// P(log S(t) <= y): a Poisson mixture of normals.
double mjLogCdf(const kp::MertonJumpParams& p, double t, double y) {
    const double k = std::exp(p.jumpMean + 0.5 * p.jumpVol * p.jumpVol) - 1;
    const double a =
        std::log(p.spot) + (p.drift - p.yield - 0.5 * p.vol * p.vol - p.intensity * k) * t;
    const double lt = p.intensity * t;
    const int top = static_cast<int>(lt + 20 * std::sqrt(lt) + 50);
    double sum = 0;
    for (int j = 0; j <= top; ++j) {
        const double w = std::exp(-lt + j * std::log(lt) - std::lgamma(j + 1.0));
        sum += w * normalCdf((y - a - j * p.jumpMean) /
                             std::sqrt(p.vol * p.vol * t + j * p.jumpVol * p.jumpVol));
    }
    return sum;
}
}  // namespace

TEST_CASE("MertonJump: E[S(t)] is the compensated forward, log S moments and autocovariance match") {
    const std::uint64_t seed = 4001;
    const kp::MertonJump model(kMj);
    REQUIRE(model.brownianDimensions() == 1);
    REQUIRE(model.auxiliaryDimensions() == 2);
    const auto grid = kp::TimeGrid::uniform(3.0, 12);
    const auto s = simulate(model, grid, seed);
    const auto& p = kMj;
    for (std::size_t date : {1u, 4u, 12u}) {
        const double t = grid[date];
        CAPTURE(t);
        const Moments ms = moments(column(s, date, 0));
        checkWithin("Merton E[S(t)]", ms.mean, p.spot * std::exp((p.drift - p.yield) * t), ms.seMean,
                    seed);
        CHECK(model.expectedPrice(t) == doctest::Approx(p.spot * std::exp((p.drift - p.yield) * t)).epsilon(1e-14));
        checkMeanVar("Merton log S(t)", logColumn(s, date), mjLogMean(p, t), mjLogVar(p, t), seed);
    }
    const Estimate c = covariance(logColumn(s, 4), logColumn(s, 12));
    checkWithin("Merton Cov(log S(1), log S(3))", c.value, mjLogVar(p, 1.0), c.se, seed);
}

TEST_CASE("MertonJump: one step and 12 steps to T give the same law; chi-squared against the Poisson mixture") {
    const std::uint64_t seedA = 4002, seedB = 4003;
    const kp::MertonJump model(kMj);
    const auto coarse = simulate(model, kp::TimeGrid({0.0, 2.0}), seedA);
    const auto fine = simulate(model, kp::TimeGrid::uniform(2.0, 12), seedB);
    checkSameLaw("Merton log S(2)", logColumn(coarse, 1), logColumn(fine, 12), seedA, seedB);
    checkSameLaw("Merton S(2)", column(coarse, 1, 0), column(fine, 12, 0), seedA, seedB);
    const double mu = mjLogMean(kMj, 2.0), sd = std::sqrt(mjLogVar(kMj, 2.0));
    auto cdf = [&](double y) { return mjLogCdf(kMj, 2.0, y); };
    checkChiSquared("Merton log S(2) one step", logColumn(coarse, 1), cdf, mu, sd, seedA);
    checkChiSquared("Merton log S(2) 12 steps", logColumn(fine, 12), cdf, mu, sd, seedB);
}

TEST_CASE("MertonJump: many jumps per step (lambda dt = 400, table away from 0)") {
    const std::uint64_t seed = 4004;
    const kp::MertonJumpParams p{50.0, 0.03, 0.0, 0.1, 400.0, 0.001, 0.02};
    const kp::MertonJump model(p);
    const auto s = simulate(model, kp::TimeGrid({0.0, 1.0}), seed);
    const Moments ms = moments(column(s, 1, 0));
    checkWithin("Merton many jumps E[S(1)]", ms.mean, model.expectedPrice(1.0), ms.seMean, seed);
    checkMeanVar("Merton many jumps log S(1)", logColumn(s, 1), mjLogMean(p, 1.0), mjLogVar(p, 1.0), seed);
    checkChiSquared("Merton many jumps log S(1)", logColumn(s, 1),
                    [&](double y) { return mjLogCdf(p, 1.0, y); }, mjLogMean(p, 1.0),
                    std::sqrt(mjLogVar(p, 1.0)), seed);
}

TEST_CASE("MertonJump with a mean path: the simulated mean is the path at every anchor and between them") {
    // spot 70, sigma 0.2, lambda 1.5 jumps a year of mean log size -0.08 and sd 0.15, mu = q = 0, around
    // the EUA-like path; annual steps to 30 years, 100,000 paths. The sample mean within 4 SE of A(t);
    // log S has mean log A(t) - (sigma^2/2 + lambda k - lambda m) t and variance (sigma^2 + lambda (m^2 + s^2)) t.
    const std::uint64_t seed = 4011;
    const kp::MertonJumpParams p{70.0, 0.0, 0.0, 0.2, 1.5, -0.08, 0.15};
    kp::PricePath path;
    path.times = kPathTimes, path.levels = kPathLevels, path.mean = true;
    const kp::MertonJump model(p, path);
    const auto grid = kp::TimeGrid::uniform(30.0, 30);
    const auto s = simulate(model, grid, seed, 100'000);
    const double k = std::exp(p.jumpMean + 0.5 * p.jumpVol * p.jumpVol) - 1;
    for (std::size_t date : {2u, 4u, 9u, 14u, 24u, 30u}) {
        const double t = grid[date], a = pathLevel(t);
        CAPTURE(t);
        CHECK(model.expectedPrice(t) == doctest::Approx(a).epsilon(1e-12));
        const Moments m = moments(column(s, date, 0));
        checkWithin("Merton path: mean", m.mean, a, m.seMean, seed);
        CHECK(model.logVariance(t) == doctest::Approx(mjLogVar(p, t)).epsilon(1e-14));
        checkMeanVar("Merton path: log S(t)", logColumn(s, date),
                     std::log(a) - (0.5 * p.vol * p.vol + p.intensity * (k - p.jumpMean)) * t, mjLogVar(p, t), seed);
    }
}

TEST_CASE("MertonJump with a path: a mean path rising at mu - q gives Merton's paths, to rounding; bad input throws") {
    kp::PricePath rising;
    rising.mean = true;
    for (int y = 1; y <= 10; ++y) {
        rising.times.push_back(y);
        rising.levels.push_back(kMj.spot * std::exp((kMj.drift - kMj.yield) * y));
    }
    kp::MertonJumpParams q = kMj;
    q.drift = 0, q.yield = 0;
    const auto grid = kp::TimeGrid::uniform(10.0, 10);
    const auto a = simulate(kp::MertonJump(q, rising), grid, 4012, 5000), b = simulate(kp::MertonJump(kMj), grid, 4012, 5000);
    for (std::size_t date : {1u, 5u, 10u}) CHECK(column(a, date, 0)[7] == doctest::Approx(column(b, date, 0)[7]).epsilon(1e-12));
    CHECK_THROWS_AS(kp::MertonJump(kMj, rising), kp::InvalidInput);  // mu and q beside a path
    rising.mean = false;
    CHECK_THROWS_AS(kp::MertonJump(q, rising), kp::InvalidInput);  // a median path
    rising.mean = true, rising.levels.pop_back();
    CHECK_THROWS_AS(kp::MertonJump(q, rising), kp::InvalidInput);  // lengths differ
}

TEST_CASE("MertonJump: with intensity 0 it is Gbm bit for bit") {
    const std::uint64_t seed = 4005;
    const kp::MertonJump mj({100.0, 0.05, 0.01, 0.2, 0.0, -0.08, 0.15});
    const kp::Gbm gbm({100.0, 0.05, 0.01, 0.2});
    const auto grid = kp::TimeGrid::uniform(1.0, 4);
    CHECK(bitIdentical(simulate(mj, grid, seed, 10'000), simulate(gbm, grid, seed, 10'000)));
}

// -------------------------------------------------------------------------------------- ModelSet

TEST_CASE("ModelSet: two GBMs' log-return increments have the target correlation") {
    for (const double rho : {0.6, -0.8}) {
        const std::uint64_t seed = 5001;
        CAPTURE(rho);
        const kp::GbmParams p1{100.0, 0.05, 0.0, 0.3}, p2{20.0, 0.02, 0.01, 0.5};
        Eigen::MatrixXd c(2, 2);
        c << 1.0, rho, rho, 1.0;
        const kp::ModelSet set({std::make_shared<kp::Gbm>(p1), std::make_shared<kp::Gbm>(p2)}, c);
        REQUIRE(set.stateSize() == 2);
        REQUIRE(set.stateOffset(1) == 1);
        CHECK(set.stateNames() == std::vector<std::string>{"0.price", "1.price"});
        CHECK(set.expectedPrice(2.0) == set.model(0).expectedPrice(2.0));
        const auto grid = kp::TimeGrid::uniform(1.0, 4);
        const auto s = simulate(set, grid, seed);
        for (std::size_t step : {0u, 3u}) {
            CAPTURE(step);
            const auto r1 = difference(logColumn(s, step + 1, 0), logColumn(s, step, 0));
            const auto r2 = difference(logColumn(s, step + 1, 1), logColumn(s, step, 1));
            const Estimate e = correlation(r1, r2);
            checkWithin("ModelSet corr of GBM increments", e.value, rho, e.se, seed);
        }
        checkMeanVar("ModelSet GBM 2 marginal log S(1)", logColumn(s, 4, 1),
                     std::log(p2.spot) + (p2.drift - p2.yield - 0.5 * p2.vol * p2.vol),
                     p2.vol * p2.vol, seed);
    }
}

TEST_CASE("ModelSet: mixed models (Gbm, SchwartzSmith, MertonJump) keep marginals and correlate as documented") {
    const std::uint64_t seed = 5002;
    const kp::GbmParams pg{30.0, 0.04, 0.0, 0.25};
    // Brownian normals: 0 = Gbm, 1 = SS chi driver, 2 = SS independent xi part, 3 = Merton diffusion
    Eigen::MatrixXd c(4, 4);
    c << 1.0, 0.5, 0.0, 0.3,  //
        0.5, 1.0, 0.0, 0.0,   //
        0.0, 0.0, 1.0, -0.2,  //
        0.3, 0.0, -0.2, 1.0;
    const kp::ModelSet set({std::make_shared<kp::Gbm>(pg), std::make_shared<kp::SchwartzSmith>(kSs),
                            std::make_shared<kp::MertonJump>(kMj)},
                           c);
    REQUIRE(set.stateSize() == 5);
    REQUIRE(set.brownianDimensions() == 4);
    REQUIRE(set.auxiliaryDimensions() == 2);
    CHECK(set.stateOffset(0) == 0);
    CHECK(set.stateOffset(1) == 1);
    CHECK(set.stateOffset(2) == 4);
    CHECK(set.brownianOffset(2) == 3);
    CHECK(set.stateNames() ==
          std::vector<std::string>{"0.price", "1.price", "1.chi", "1.xi", "2.price"});
    const double dt = 0.5;
    const auto grid = kp::TimeGrid::uniform(2.0, 4);
    const auto s = simulate(set, grid, seed);

    // marginals at T = 2
    const double T = 2.0;
    checkMeanVar("ModelSet Gbm log S(2)", logColumn(s, 4, 0),
                 std::log(pg.spot) + (pg.drift - 0.5 * pg.vol * pg.vol) * T, pg.vol * pg.vol * T, seed);
    checkMeanVar("ModelSet SS log S(2)", logColumn(s, 4, 1), ssLogMean(kSs, T), ssLogVar(kSs, T), seed);
    checkMeanVar("ModelSet SS chi(2)", column(s, 4, 2), std::exp(-kSs.kappa * T) * kSs.chi0,
                 ssVarChi(kSs, T), seed);
    checkMeanVar("ModelSet Merton log S(2)", logColumn(s, 4, 4), mjLogMean(kMj, T), mjLogVar(kMj, T), seed);
    const Moments mm = moments(column(s, 4, 4));
    checkWithin("ModelSet Merton E[S(2)]", mm.mean, set.model(2).expectedPrice(T), mm.seMean, seed);
    const Estimate cx = covariance(column(s, 4, 2), column(s, 4, 3));
    checkWithin("ModelSet SS Cov(chi(2), xi(2))", cx.value, ssCov(kSs, T), cx.se, seed);

    // increments over the last step
    const std::size_t d0 = 3, d1 = 4;
    const auto rg = difference(logColumn(s, d1, 0), logColumn(s, d0, 0));
    std::vector<double> dchi(s.paths()), dxi(s.paths());
    const double a = std::exp(-kSs.kappa * dt);
    for (std::size_t i = 0; i < s.paths(); ++i) {
        dchi[i] = s(d1, 2, i) - a * s(d0, 2, i);
        dxi[i] = s(d1, 3, i) - s(d0, 3, i);
    }
    const auto rm = difference(logColumn(s, d1, 4), logColumn(s, d0, 4));
    // Gbm vs chi increment: chi's increment is proportional to its normal 1
    Estimate e = correlation(rg, dchi);
    checkWithin("ModelSet corr(Gbm, chi) increments", e.value, 0.5, e.se, seed);
    // chi vs xi increments inside SS: C / sqrt(Vchi Vxi) over dt
    const double vChi = ssVarChi(kSs, dt), vXi = kSs.sigmaXi * kSs.sigmaXi * dt;
    const double l21 = ssCov(kSs, dt) / std::sqrt(vChi), l22 = std::sqrt(vXi - l21 * l21);
    e = correlation(dchi, dxi);
    checkWithin("ModelSet corr(chi, xi) increments", e.value, ssCov(kSs, dt) / std::sqrt(vChi * vXi), e.se, seed);
    // Gbm vs xi increment: (l21 * 0.5 + l22 * 0) / sqrt(vXi)
    e = correlation(rg, dxi);
    checkWithin("ModelSet corr(Gbm, xi) increments", e.value, 0.5 * l21 / std::sqrt(vXi), e.se, seed);
    // Gbm vs Merton log increment: 0.3 sigma sqrt(dt) / sd(Merton increment), jumps dilute it
    const double mjSd = std::sqrt(mjLogVar(kMj, dt));
    e = correlation(rg, rm);
    checkWithin("ModelSet corr(Gbm, Merton) increments", e.value, 0.3 * kMj.vol * std::sqrt(dt) / mjSd, e.se, seed);
    // xi vs Merton: (l22 * -0.2) / sqrt(vXi) * sigma sqrt(dt) / sd(Merton)
    e = correlation(dxi, rm);
    checkWithin("ModelSet corr(xi, Merton) increments", e.value,
                -0.2 * l22 / std::sqrt(vXi) * kMj.vol * std::sqrt(dt) / mjSd, e.se, seed);
}

TEST_CASE("ModelSet: each model gets its own auxiliary normals (independent jumps)") {
    const std::uint64_t seed = 5005;
    // jump-dominated models: with shared jump normals their increments would be strongly correlated
    const kp::MertonJumpParams p{100.0, 0.0, 0.0, 0.05, 2.0, -0.1, 0.3};
    const kp::ModelSet set({std::make_shared<kp::MertonJump>(p), std::make_shared<kp::Gbm>(kp::GbmParams{1.0, 0.0, 0.0, 0.2}),
                            std::make_shared<kp::MertonJump>(p)},
                           Eigen::MatrixXd::Identity(3, 3));
    REQUIRE(set.auxiliaryDimensions() == 4);
    const auto s = simulate(set, kp::TimeGrid({0.0, 1.0}), seed);
    const auto r0 = difference(logColumn(s, 1, 0), logColumn(s, 0, 0));
    const auto r2 = difference(logColumn(s, 1, 2), logColumn(s, 0, 2));
    const Estimate e = correlation(r0, r2);
    checkWithin("ModelSet corr of two independent Mertons", e.value, 0.0, e.se, seed);
    checkMeanVar("ModelSet second Merton log S(1)", logColumn(s, 1, 2), mjLogMean(p, 1.0), mjLogVar(p, 1.0), seed);
}

TEST_CASE("ModelSet: a singular (semi-definite) correlation gives identical or opposite drivers") {
    const std::uint64_t seed = 5003;
    const kp::GbmParams p{100.0, 0.05, 0.0, 0.3};
    for (const double rho : {1.0, -1.0}) {
        CAPTURE(rho);
        Eigen::MatrixXd c(2, 2);
        c << 1.0, rho, rho, 1.0;
        const kp::ModelSet set({std::make_shared<kp::Gbm>(p), std::make_shared<kp::Gbm>(p)}, c);
        const auto s = simulate(set, kp::TimeGrid::uniform(1.0, 4), seed, 20'000);
        const double mu = p.drift - 0.5 * p.vol * p.vol;
        double worst = 0;
        for (std::size_t i = 0; i < s.paths(); ++i) {
            const double x1 = std::log(s(4, 0, i) / p.spot) - mu, x2 = std::log(s(4, 1, i) / p.spot) - mu;
            worst = std::max(worst, std::abs(x1 - rho * x2));
        }
        CAPTURE(worst);
        CHECK(worst < 1e-12);
        checkMeanVar("ModelSet singular: marginal log S(1)", logColumn(s, 4, 1), std::log(p.spot) + mu,
                     p.vol * p.vol, seed);
    }
}

TEST_CASE("ModelSet: nested sets give the same bits as the flat set") {
    const std::uint64_t seed = 5004;
    const kp::GbmParams p1{100.0, 0.05, 0.0, 0.3}, p2{20.0, 0.02, 0.01, 0.5}, p3{7.0, 0.0, 0.0, 0.1};
    Eigen::MatrixXd c2(2, 2);
    c2 << 1.0, 0.6, 0.6, 1.0;
    auto inner = std::make_shared<kp::ModelSet>(
        std::vector<kp::ModelPtr>{std::make_shared<kp::Gbm>(p1), std::make_shared<kp::Gbm>(p2)}, c2);
    const kp::ModelSet nested({inner, std::make_shared<kp::Gbm>(p3)}, Eigen::MatrixXd::Identity(3, 3));
    Eigen::MatrixXd c3 = Eigen::MatrixXd::Identity(3, 3);
    c3(0, 1) = c3(1, 0) = 0.6;
    const kp::ModelSet flat({std::make_shared<kp::Gbm>(p1), std::make_shared<kp::Gbm>(p2),
                             std::make_shared<kp::Gbm>(p3)},
                            c3);
    const auto grid = kp::TimeGrid::uniform(1.0, 4);
    CHECK(bitIdentical(simulate(nested, grid, seed, 5000, 2000), simulate(flat, grid, seed, 5000, 2000)));
}

TEST_CASE("ModelSet: an indefinite correlation matrix is rejected") {
    Eigen::MatrixXd c(3, 3);
    c << 1.0, -0.9, -0.9, -0.9, 1.0, -0.9, -0.9, -0.9, 1.0;  // eigenvalues -0.8, 1.9, 1.9
    const kp::GbmParams p{100.0, 0.05, 0.0, 0.3};
    std::vector<kp::ModelPtr> models{std::make_shared<kp::Gbm>(p), std::make_shared<kp::Gbm>(p),
                                     std::make_shared<kp::Gbm>(p)};
    CHECK_THROWS_WITH_AS(kp::ModelSet(models, c), doctest::Contains("positive semi-definite"),
                         kp::InvalidInput);
    CHECK_THROWS_WITH_AS(kp::ModelSet(models, c), doctest::Contains("-0.8"), kp::InvalidInput);
}

// ------------------------------------------------------------------------------------ bad input

TEST_CASE("bad input: each violated invariant throws InvalidInput") {
    const double nan = std::nan("");
    SUBCASE("Gbm") {
        CHECK_THROWS_AS(kp::Gbm({0.0, 0.05, 0.0, 0.3}), kp::InvalidInput);     // spot <= 0
        CHECK_THROWS_AS(kp::Gbm({100.0, 0.05, 0.0, -0.1}), kp::InvalidInput);  // vol < 0
        CHECK_THROWS_AS(kp::Gbm({100.0, nan, 0.0, 0.3}), kp::InvalidInput);    // drift NaN
    }
    SUBCASE("ExpOu") {
        const double l = std::log(50.0);
        CHECK_NOTHROW(kp::ExpOu({50.0, 1.0, 0.3, {0.0}, {l}}));
        CHECK_THROWS_AS(kp::ExpOu({-1.0, 1.0, 0.3, {0.0}, {l}}), kp::InvalidInput);  // spot <= 0
        CHECK_THROWS_AS(kp::ExpOu({50.0, 0.0, 0.3, {0.0}, {l}}), kp::InvalidInput);  // kappa == 0
        CHECK_THROWS_AS(kp::ExpOu({50.0, -1.0, 0.3, {0.0}, {l}}), kp::InvalidInput);  // kappa < 0
        CHECK_THROWS_AS(kp::ExpOu({50.0, 1.0, -0.3, {0.0}, {l}}), kp::InvalidInput);  // sigma < 0
        CHECK_THROWS_AS(kp::ExpOu({50.0, 1.0, 0.3, {}, {}}), kp::InvalidInput);       // no levels
        CHECK_THROWS_AS(kp::ExpOu({50.0, 1.0, 0.3, {0.5}, {l}}), kp::InvalidInput);   // meanTimes[0] != 0
        CHECK_THROWS_AS(kp::ExpOu({50.0, 1.0, 0.3, {0.0, 1.0, 1.0}, {l, l, l}}), kp::InvalidInput);  // not increasing
        CHECK_THROWS_AS(kp::ExpOu({50.0, 1.0, 0.3, {0.0, 1.0}, {l}}), kp::InvalidInput);  // size mismatch
        CHECK_THROWS_AS(kp::ExpOu({50.0, 1.0, 0.3, {0.0}, {nan}}), kp::InvalidInput);     // level NaN
    }
    SUBCASE("expOuMatchingForwards") {
        CHECK_THROWS_AS(kp::expOuMatchingForwards(50.0, 1.0, 0.3, {1.0, 0.5}, {50.0, 50.0}), kp::InvalidInput);
        CHECK_THROWS_AS(kp::expOuMatchingForwards(50.0, 1.0, 0.3, {0.0}, {50.0}), kp::InvalidInput);
        CHECK_THROWS_AS(kp::expOuMatchingForwards(50.0, 1.0, 0.3, {1.0}, {-5.0}), kp::InvalidInput);
        CHECK_THROWS_AS(kp::expOuMatchingForwards(50.0, 1.0, 0.3, {1.0, 2.0}, {50.0}), kp::InvalidInput);
        CHECK_THROWS_AS(kp::expOuMatchingForwards(50.0, 0.0, 0.3, {1.0}, {50.0}), kp::InvalidInput);
    }
    SUBCASE("SchwartzSmith") {
        CHECK_NOTHROW(kp::SchwartzSmith({0.0, 3.0, 1.0, 0.3, 0.0, 0.2, 0.3}));
        CHECK_THROWS_AS(kp::SchwartzSmith({0.0, 3.0, 0.0, 0.3, 0.0, 0.2, 0.3}), kp::InvalidInput);   // kappa == 0
        CHECK_THROWS_AS(kp::SchwartzSmith({0.0, 3.0, -1.0, 0.3, 0.0, 0.2, 0.3}), kp::InvalidInput);  // kappa < 0
        CHECK_THROWS_AS(kp::SchwartzSmith({0.0, 3.0, 1.0, -0.3, 0.0, 0.2, 0.3}), kp::InvalidInput);  // sigmaChi < 0
        CHECK_THROWS_AS(kp::SchwartzSmith({0.0, 3.0, 1.0, 0.3, 0.0, -0.2, 0.3}), kp::InvalidInput);  // sigmaXi < 0
        CHECK_THROWS_AS(kp::SchwartzSmith({0.0, 3.0, 1.0, 0.3, 0.0, 0.2, 1.5}), kp::InvalidInput);   // rho > 1
        CHECK_THROWS_AS(kp::SchwartzSmith({0.0, 3.0, 1.0, 0.3, 0.0, 0.2, -1.01}), kp::InvalidInput); // rho < -1
        CHECK_THROWS_AS(kp::SchwartzSmith({0.0, 3.0, 1.0, 0.3, 0.0, 0.2, nan}), kp::InvalidInput);   // rho NaN
        CHECK_THROWS_AS(kp::SchwartzSmith({nan, 3.0, 1.0, 0.3, 0.0, 0.2, 0.3}), kp::InvalidInput);   // chi0 NaN
    }
    SUBCASE("MertonJump") {
        CHECK_NOTHROW(kp::MertonJump{kMj});
        CHECK_THROWS_AS(kp::MertonJump({0.0, 0.05, 0.0, 0.2, 1.0, 0.0, 0.1}), kp::InvalidInput);    // spot <= 0
        CHECK_THROWS_AS(kp::MertonJump({100.0, 0.05, 0.0, -0.2, 1.0, 0.0, 0.1}), kp::InvalidInput); // vol < 0
        CHECK_THROWS_AS(kp::MertonJump({100.0, 0.05, 0.0, 0.2, -1.0, 0.0, 0.1}), kp::InvalidInput); // intensity < 0
        CHECK_THROWS_AS(kp::MertonJump({100.0, 0.05, 0.0, 0.2, 1.0, 0.0, -0.1}), kp::InvalidInput); // jumpVol < 0
        CHECK_THROWS_AS(kp::MertonJump({100.0, 0.05, 0.0, 0.2, 1.0, nan, 0.1}), kp::InvalidInput);  // jumpMean NaN
    }
    SUBCASE("ModelSet") {
        const kp::GbmParams p{100.0, 0.05, 0.0, 0.3};
        std::vector<kp::ModelPtr> two{std::make_shared<kp::Gbm>(p), std::make_shared<kp::Gbm>(p)};
        Eigen::MatrixXd ok(2, 2);
        ok << 1.0, 0.5, 0.5, 1.0;
        CHECK_NOTHROW(kp::ModelSet(two, ok));
        CHECK_THROWS_AS(kp::ModelSet({}, Eigen::MatrixXd(0, 0)), kp::InvalidInput);               // no models
        CHECK_THROWS_AS(kp::ModelSet({nullptr}, Eigen::MatrixXd(0, 0)), kp::InvalidInput);        // null model
        CHECK_THROWS_AS(kp::ModelSet(two, Eigen::MatrixXd::Identity(3, 3)), kp::InvalidInput);    // wrong size
        Eigen::MatrixXd asym = ok;
        asym(0, 1) = 0.4;
        CHECK_THROWS_AS(kp::ModelSet(two, asym), kp::InvalidInput);                               // not symmetric
        Eigen::MatrixXd diag = ok;
        diag(1, 1) = 0.9;
        CHECK_THROWS_AS(kp::ModelSet(two, diag), kp::InvalidInput);                               // diagonal != 1
        Eigen::MatrixXd big = ok;
        big(0, 1) = big(1, 0) = 1.2;
        CHECK_THROWS_AS(kp::ModelSet(two, big), kp::InvalidInput);                                // entry > 1
    }
}

// ---------------------------------------------------------------------------------- determinism

TEST_CASE("determinism: the same seed twice, and any block size, give bit-identical states") {
    const std::uint64_t seed = 6001;
    Eigen::MatrixXd c = Eigen::MatrixXd::Identity(4, 4);
    c(0, 1) = c(1, 0) = 0.4;
    c(2, 3) = c(3, 2) = -0.3;
    const std::vector<std::pair<std::string, kp::ModelPtr>> models{
        {"Gbm", std::make_shared<kp::Gbm>(kp::GbmParams{100.0, 0.05, 0.02, 0.3})},
        {"ExpOu", std::make_shared<kp::ExpOu>(kp::expOuMatchingForwards(50.0, 1.2, 0.6, {0.5, 1.0}, {55.0, 45.0}))},
        {"SchwartzSmith", std::make_shared<kp::SchwartzSmith>(kSs)},
        {"MertonJump", std::make_shared<kp::MertonJump>(kMj)},
        {"ModelSet",
         std::make_shared<kp::ModelSet>(
             std::vector<kp::ModelPtr>{std::make_shared<kp::SchwartzSmith>(kSs),
                                       std::make_shared<kp::MertonJump>(kMj),
                                       std::make_shared<kp::ExpOu>(kp::ExpOuParams{50.0, 1.0, 0.3, {0.0}, {4.0}})},
             c)},
    };
    const auto grid = kp::TimeGrid::uniform(1.0, 4);
    for (const auto& entry : models) {
        const auto& name = entry.first;  // not a structured binding: clang 14 cannot capture one (CAPTURE)
        const auto& model = entry.second;
        CAPTURE(name);
        const auto a = simulate(*model, grid, seed, 10'000, 4096);
        const auto b = simulate(*model, grid, seed, 10'000, 4096);
        const auto blocks = simulate(*model, grid, seed, 10'000, 1000);  // other stride and block start
        const auto other = simulate(*model, grid, seed + 1, 10'000, 4096);
        CHECK(bitIdentical(a, b));
        CHECK(bitIdentical(a, blocks));
        CHECK_FALSE(bitIdentical(a, other));
    }
}

}  // TEST_SUITE

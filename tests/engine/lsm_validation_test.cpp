//! \brief Validation of the LSM engine against published and independent references (label `slow`):
//! - Longstaff & Schwartz (2001) Table 1, all 20 American put cases, against QuantLib's finite-
//!   difference Bermudan with the same 50 exercise dates a year (the paper's "finite difference"
//!   column prices 50 dates a year too, so it is a Bermudan value); lower bound within k SE above
//!   and k SE plus a stated low-bias budget below; the Andersen-Broadie upper bound above it.
//! - Bermudan max-call on 2 and 5 assets against the values of Glasserman (2004) p. 462 /
//!   Andersen & Broadie (2004): the LSM lower bound below and the dual upper bound above.
//! - McDonald-Siegel: LSM on a long-horizon Bermudan call on the project value against the FD value
//!   of the same Bermudan (by put-call symmetry), the FD value against the perpetual closed form,
//!   and the engine's trigger against the closed-form trigger.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "kp/engine/lsm.hpp"
#include "kp/instruments/bermudan_options.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/model_set.hpp"
#include "kp/oracles/closed_forms.hpp"
#include "kp/oracles/published.hpp"
#include "kp/oracles/quantlib_references.hpp"

TEST_SUITE("slow") {
TEST_CASE("Longstaff-Schwartz (2001) Table 1: 20 Bermudan puts against QuantLib FD") {
    const double k = 4.0;
    const std::uint64_t seed = 2001;
    // Low-bias budget of LSM with the default basis (standardised monomials to degree 4),
    // 0.01: the out-of-sample policy is sub-optimal by up to about this much. Measured shortfalls at
    // 200,000 paths are printed by this test: the largest was 0.0093 (S=38, sigma=0.4, T=1, 1.7 SE).
    kp::LsmEngine engine;
    for (const auto& c : kp::kLongstaffSchwartzTable1) {
        const int n = static_cast<int>(std::lround(c.maturity * kp::kLsExercisesPerYear));
        const kp::Gbm model({c.spot, kp::kLsRate, 0.0, c.vol});
        const kp::BermudanVanilla put(kp::BermudanVanilla::Type::Put, kp::kLsStrike, kp::kLsRate,
                                      kp::equallySpacedTimes(c.maturity, static_cast<std::size_t>(n)));
        kp::LsmSettings s;
        s.paths = 200'000;
        s.seed = seed;
        const auto r = engine.price(model, put, s);
        const double ref = kp::bermudanPutFd(c.spot, kp::kLsStrike, kp::kLsRate, 0.0, c.vol, c.maturity, n);
        const double budget = 0.01;
        CAPTURE(c.spot);
        CAPTURE(c.vol);
        CAPTURE(c.maturity);
        CAPTURE(r.value);
        CAPTURE(ref);
        CAPTURE(r.stdError);
        CAPTURE(k);
        CAPTURE(seed);
        CAPTURE(budget);
        MESSAGE("S=" << c.spot << " sigma=" << c.vol << " T=" << c.maturity << ": LSM " << r.value
                     << " (SE " << r.stdError << "), FD Bermudan " << ref << ", paper FD " << c.americanFd
                     << ", paper LSM " << c.simulatedAmerican << "; shortfall " << ref - r.value);
        CHECK(r.value <= ref + k * r.stdError);
        CHECK(r.value >= ref - k * r.stdError - budget);
    }
}

TEST_CASE("Andersen-Broadie upper bound brackets the FD Bermudan put") {
    const double k = 4.0;
    const std::uint64_t seed = 2004;
    kp::LsmEngine engine;
    for (double spot : {36.0, 44.0}) {
        const kp::Gbm model({spot, 0.06, 0.0, 0.2});
        const kp::BermudanVanilla put(kp::BermudanVanilla::Type::Put, 40.0, 0.06, kp::equallySpacedTimes(1.0, 50));
        kp::LsmSettings s;
        s.paths = 100'000;
        s.seed = seed;
        s.upperBound = true;
        s.upperOuterPaths = 500;
        s.upperInnerPaths = 200;
        const auto r = engine.price(model, put, s);
        const double ref = kp::bermudanPutFd(spot, 40.0, 0.06, 0.0, 0.2, 1.0, 50);
        REQUIRE(r.upperBound.has_value());
        CAPTURE(spot);
        CAPTURE(r.value);
        CAPTURE(r.upperBound->value);
        CAPTURE(r.upperBound->stdError);
        CAPTURE(ref);
        CAPTURE(seed);
        MESSAGE("put S=" << spot << ": [" << r.value << ", " << r.upperBound->value << "] around FD " << ref);
        CHECK(r.upperBound->value >= ref - k * r.upperBound->stdError);
        CHECK(r.upperBound->value >= r.value);
    }
}

TEST_CASE("Bermudan max-call on 2 and 5 assets: lower bound below, upper bound above the published value") {
    const double k = 4.0;
    const std::uint64_t seed = 1997;
    // Low-bias budget of the lower bound with features (largest, second largest, payoff) and
    // monomials to degree 3: 1% of the value (measured shortfalls are printed).
    kp::LsmEngine engine;
    for (const auto& c : kp::kBermudanMaxCall) {
        std::vector<kp::ModelPtr> models;
        for (int i = 0; i < c.assets; ++i)
            models.push_back(std::make_shared<kp::Gbm>(
                kp::GbmParams{c.spot, kp::kMaxCallRate, kp::kMaxCallDividend, kp::kMaxCallVol}));
        Eigen::MatrixXd corr = Eigen::MatrixXd::Identity(c.assets, c.assets);
        const kp::ModelSet set(models, corr);
        std::vector<std::size_t> vars;
        for (int i = 0; i < c.assets; ++i) vars.push_back(set.stateOffset(static_cast<std::size_t>(i)));
        const kp::BermudanMaxCall call(kp::kMaxCallStrike, kp::kMaxCallRate,
                                       kp::equallySpacedTimes(kp::kMaxCallMaturity, kp::kMaxCallExercises), vars);
        kp::LsmSettings s;
        s.paths = 200'000;
        s.seed = seed;
        s.degree = 3;
        s.upperBound = true;
        s.upperOuterPaths = 500;
        s.upperInnerPaths = 300;
        const auto r = engine.price(set, call, s);
        REQUIRE(r.upperBound.has_value());
        const double budget = 0.01 * c.value;
        CAPTURE(c.assets);
        CAPTURE(c.spot);
        CAPTURE(c.value);
        CAPTURE(r.value);
        CAPTURE(r.stdError);
        CAPTURE(r.upperBound->value);
        CAPTURE(r.upperBound->stdError);
        CAPTURE(k);
        CAPTURE(seed);
        MESSAGE("max-call d=" << c.assets << " S=" << c.spot << ": [" << r.value << " (SE " << r.stdError
                              << "), " << r.upperBound->value << " (SE " << r.upperBound->stdError
                              << ")] published " << c.value);
        CHECK(r.value <= c.value + c.rounding + k * r.stdError);
        CHECK(r.value >= c.value - c.rounding - k * r.stdError - budget);
        CHECK(r.upperBound->value >= c.value - c.rounding - k * r.upperBound->stdError);
    }
}

TEST_CASE("McDonald-Siegel: LSM over a long horizon against FD and the perpetual closed form") {
    const double k = 4.0;
    const std::uint64_t seed = 1986;
    // V = 100, I = 100, r = delta = 0.04, sigma = 0.2: beta = 2, trigger V* = 200, F = 25
    // (Dixit & Pindyck 1994, ch. 5). Quarterly decisions over 40 years.
    const double V = 100, I = 100, r = 0.04, d = 0.04, vol = 0.2, T = 40;
    const int n = 160;
    const auto cf = kp::perpetualInvestment(V, I, r, d, vol);
    // the same Bermudan by FD: a call (S=V, K=I, r, q=d) equals a put (S=I, K=V, r'=d, q'=r)
    const double fd = kp::bermudanPutFd(I, V, d, r, vol, T, n, 4000, 2000);
    kp::LsmEngine engine;
    const kp::Gbm model({V, r, d, vol});
    const kp::BermudanVanilla invest(kp::BermudanVanilla::Type::Call, I, r,
                                     kp::equallySpacedTimes(T, static_cast<std::size_t>(n)));
    kp::LsmSettings s;
    s.paths = 200'000;
    s.seed = seed;
    s.boundary = true;
    // Weighted Laguerre polynomials of V / mean (LS2001): the in-the-money project values spread over
    // an order of magnitude in 40 years, where standardised monomials fit the continuation poorly
    // (measured: 23.43 against FD 24.41 with monomials of degree 4; 24.42 with Laguerre).
    s.basis = kp::BasisType::Laguerre;
    s.degree = 3;
    const auto res = engine.price(model, invest, s);
    // low-bias budget: 1% of the value (the same relative size as the max-call's)
    const double budget = 0.01 * fd;
    // the trigger: the boundary at the decision dates of the first ten years where the sampled
    // decisions determine one (NaN at the first dates: no sampled path is near V* yet)
    std::vector<double> early;
    for (std::size_t i = 0; i < 40; ++i)
        if (std::isfinite(res.boundary[i])) early.push_back(res.boundary[i]);
    REQUIRE(early.size() >= 10);
    std::sort(early.begin(), early.end());
    const double trigger = early[early.size() / 2];
    CAPTURE(res.value);
    CAPTURE(res.stdError);
    CAPTURE(fd);
    CAPTURE(cf.value);
    CAPTURE(cf.trigger);
    CAPTURE(trigger);
    CAPTURE(k);
    CAPTURE(seed);
    MESSAGE("invest: LSM " << res.value << " (SE " << res.stdError << "), FD Bermudan " << fd
                           << ", perpetual " << cf.value << "; trigger LSM (median, first 10 years) "
                           << trigger << ", closed form " << cf.trigger);
    CHECK(res.value <= fd + k * res.stdError);
    CHECK(res.value >= fd - k * res.stdError - budget);
    // a finite horizon and quarterly decisions can only lower the value; after 40 years the gap to the
    // perpetual option is measured at 2.4% (FD 24.405 against 25)
    CHECK(fd <= cf.value);
    CHECK(fd >= 0.97 * cf.value);
    // The engine's trigger against V*. This band is not statistical: the Bermudan's trigger sits
    // below the perpetual one (its horizon is finite: 30-40 years left here), and the boundary
    // located from a regression on 50,000 training paths moves by several percent from date to date
    // (printed). Measured median: within 10% of V*; the band is [0.8, 1.05] V*.
    CHECK(trigger >= 0.8 * cf.trigger);
    CHECK(trigger <= 1.05 * cf.trigger);
}
}

//! \brief The dual upper bound of the investment engine (kp::investmentUpperBound,
//! engine/include/kp/engine/investment_upper_bound.hpp):
//! - the deterministic limit (no volatility, fixed arrival dates, with a closure and a stage): the
//!   rule is optimal and every conditional expectation exact, so the bound equals the option value
//!   (to rounding);
//! - on a stochastic problem: upper >= lower (the gap is a mean of maxima that include the rule's
//!   own stopping date, >= 0 up to the inner noise), and determinism: 1 and 2 threads, one or two
//!   calls, bit for bit;
//! - bad input, one check per invariant.
//! The oracle comparison (lower <= exact <= upper on the one-factor problems) is the slow
//! tests/engine/upper_bound_oracle_test.cpp.

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "kp/core/errors.hpp"
#include "kp/engine/investment_upper_bound.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/model_set.hpp"
#include "synthetic_problem.hpp"

namespace {

/// The suites' synthetic problem (synthetic_problem.hpp) over `horizon` years: decisions to 2040,
/// closing to 2045, optionally the hydrogen stage on a.
kp::InvestmentProblem synthetic(double vol, bool stage, int horizon = 20) {
    kp::testing::Synthetic syn;
    syn.vol = vol, syn.horizon = horizon, syn.withStage = stage;
    syn.latestDecisionYear = 2040, syn.closeLatestYear = 2045;
    kp::InvestmentProblem p = syn.make();
    p.project.hydrogen = kp::PriceSource::fixed(60);  // also without the stage, as before
    return p;
}

kp::InvestmentSettings settings(std::size_t paths, std::size_t threads, std::size_t rules = 2) {
    kp::InvestmentSettings s;
    s.paths = paths;
    s.seed = 99;
    s.threads = threads;
    s.rules = rules;
    return s;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("upper bound, deterministic limit: equal to the option value (closure, stage)") {
    for (const double co2Scale : {1.0, 1.5}) {
        for (const bool stage : {false, true}) {
            auto p = synthetic(0.0, stage);
            p.factors = std::make_shared<kp::ModelSet>(
                std::vector<kp::ModelPtr>{std::make_shared<kp::Gbm>(kp::GbmParams{60 * co2Scale, 0.06, 0.0, 0.0})},
                Eigen::MatrixXd::Identity(1, 1));
            const auto s = settings(2048, 2);
            kp::InvestmentLsm engine;
            const auto rules = engine.trainRules(p, s);
            const auto r = engine.price(p, rules, s);
            const auto u = kp::investmentUpperBound(p, rules, s, r, {.outerPaths = 8, .innerPaths = 4});
            CAPTURE(co2Scale);
            CAPTURE(stage);
            CAPTURE(r.optionValue.value);
            CAPTURE(u.value.value);
            CAPTURE(u.gap.value);
            CHECK(u.lower.value == r.optionValue.value);
            CHECK(std::abs(u.gap.value) <= 1e-9 * std::abs(r.optionValue.value));
            CHECK(u.gap.stdError <= 1e-9 * std::abs(r.optionValue.value));
        }
    }
}

TEST_CASE("upper bound, stochastic: at least the option value; 1 and 2 threads bit for bit") {
    const auto p = synthetic(0.4, true);
    const auto s1 = settings(4096, 1), s2 = settings(4096, 2);
    kp::InvestmentLsm engine;
    const auto rules = engine.trainRules(p, s1);
    const auto r = engine.price(p, rules, s1);
    const kp::UpperBoundSettings ub{.outerPaths = 64, .innerPaths = 32};
    const auto a = kp::investmentUpperBound(p, rules, s1, r, ub);
    const auto b = kp::investmentUpperBound(p, rules, s2, r, ub);
    const auto c = kp::investmentUpperBound(p, rules, s2, r, ub);
    CAPTURE(r.optionValue.value);
    CAPTURE(a.value.value);
    CAPTURE(a.gap.value);
    CAPTURE(a.gap.stdError);
    CHECK(a.value.value == b.value.value);
    CHECK(a.value.stdError == b.value.stdError);
    CHECK(a.gap.value == b.gap.value);
    CHECK(c.gap.value == b.gap.value);
    CHECK(a.gap.value > 0);
    CHECK(a.value.value > r.optionValue.value);
    CHECK(a.outerPaths == 64);
    CHECK(a.innerPaths == 32);
    CHECK(a.rules == 2);
}

TEST_CASE("upper bound: bad input") {
    const auto p = synthetic(0.4, false, 10);
    const auto s = settings(2048, 2);
    kp::InvestmentLsm engine;
    const auto rules = engine.trainRules(p, s);
    const auto r = engine.price(p, rules, s);
    // at least 2 outer paths per rule
    CHECK_THROWS_AS(kp::investmentUpperBound(p, rules, s, r, {.outerPaths = 3, .innerPaths = 4}), kp::InvalidInput);
    // inner paths even with antithetic sampling, at least 2
    CHECK_THROWS_AS(kp::investmentUpperBound(p, rules, s, r, {.outerPaths = 8, .innerPaths = 5}), kp::InvalidInput);
    CHECK_THROWS_AS(kp::investmentUpperBound(p, rules, s, r, {.outerPaths = 8, .innerPaths = 0}), kp::InvalidInput);
    // the bound is the rules': no fixed policy
    auto fixed = s;
    fixed.fixedPolicy = kp::FixedPolicy{0, 2026};
    CHECK_THROWS_AS(kp::investmentUpperBound(p, rules, fixed, r, {.outerPaths = 8, .innerPaths = 4}), kp::InvalidInput);
    // rules of another shape
    const auto other = synthetic(0.4, false, 12);
    CHECK_THROWS_AS(kp::investmentUpperBound(other, rules, s, r, {.outerPaths = 8, .innerPaths = 4}), kp::InvalidInput);
    // no rules
    CHECK_THROWS_AS(kp::investmentUpperBound(p, {}, s, r, {.outerPaths = 8, .innerPaths = 4}), kp::InvalidInput);
}

}  // TEST_SUITE

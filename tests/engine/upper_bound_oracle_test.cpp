//! \brief The dual upper bound (kp::investmentUpperBound) beside the engine's option value, with the
//! settings a case file gets by default (kp::cases::Simulation: 100,000 pricing paths, eight rules)
//! and the bound's defaults (kp::UpperBoundSettings), against the exact grid oracle of the same
//! discretised problem (kp::investmentOracle) on the seven one-factor problems of
//! tests/engine/oracle_pairs.hpp. Criteria: lower <= exact + 3 SE and exact <= upper + 3 SE (both
//! SEs the estimates' own: the lower bound's includes the rules' spread, the upper's also the outer
//! paths' spread of the gap); and the gap upper - lower within 1% of the exact value (measured on
//! seed 42: at most 0.09%, three_tech, docs/valuation.md "Upper bound"). Seed 42.
//! KP_UB_OUTER / KP_UB_INNER override the bound's paths for exploration (the checks then still run).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "kp/cases/case_file.hpp"
#include "kp/engine/investment_upper_bound.hpp"
#include "oracle_pairs.hpp"

TEST_SUITE("slow") {

TEST_CASE("upper bound with case-file defaults: lower <= exact <= upper on the oracle problems") {
    const double k = 3.0, gapBudget = 0.01;
    kp::UpperBoundSettings ub;
    if (const char* o = std::getenv("KP_UB_OUTER")) ub.outerPaths = static_cast<std::size_t>(std::atol(o));
    if (const char* i = std::getenv("KP_UB_INNER")) ub.innerPaths = static_cast<std::size_t>(std::atol(i));
    std::printf("%-14s %14s %14s %14s %10s %9s %8s %8s\n", "problem", "lower", "exact", "upper", "gap %", "gap SE %",
                "value s", "upper s");
    for (const auto& c : kp::test::oracleFamily()) {
        CAPTURE(c.name);
        const kp::InvestmentOracleResult o = kp::investmentOracle(c.oracle());
        const kp::InvestmentProblem pr = c.engine();
        kp::InvestmentSettings s;
        static_cast<kp::McSettings&>(s) = kp::cases::Simulation{};
        s.seed = 42;
        kp::InvestmentLsm engine;
        const auto t0 = std::chrono::steady_clock::now();
        const auto rules = engine.trainRules(pr, s);
        const kp::InvestmentResult r = engine.price(pr, rules, s);
        const double valueSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const kp::InvestmentUpperBound u = kp::investmentUpperBound(pr, rules, s, r, ub);
        const double lo = r.optionValue.value, loSe = r.optionValue.stdError, up = u.value.value,
                     upSe = u.value.stdError, ex = o.optionValue;
        CAPTURE(lo);
        CAPTURE(loSe);
        CAPTURE(ex);
        CAPTURE(up);
        CAPTURE(upSe);
        CAPTURE(u.gap.value);
        CAPTURE(u.gap.stdError);
        CHECK(lo <= ex + k * loSe);
        CHECK(ex <= up + k * upSe);
        CHECK(up - lo <= gapBudget * std::abs(ex));
        std::printf("%-14s %14.6e %14.6e %14.6e %10.4f %9.4f %8.2f %8.2f\n", c.name.c_str(), lo, ex, up,
                    100 * u.gap.value / std::abs(ex), 100 * u.gap.stdError / std::abs(ex), valueSeconds, u.seconds);
        std::printf("%-14s SE lower %.3e, SE upper %.3e, (lower - exact)/SE %+.2f, (upper - exact)/SE %+.2f\n", "",
                    loSe, upSe, (lo - ex) / loSe, (up - ex) / upSe);
    }
}

}  // TEST_SUITE

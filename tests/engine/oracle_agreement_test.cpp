//! \brief The investment engine with the settings a case file gets by default (kp::cases::Simulation:
//! the hybrid basis, degree 5, the default training paths), against the exact grid oracle of the same
//! discretised problem (kp::investmentOracle, tests/engine/oracle_pairs.hpp), on a family of
//! one-factor problems: a value linear in the CO2 price (a CCS retrofit: McDonald-Siegel in CO2), a
//! construction lag of 3 years, infrastructure arriving in 2032, a CO2 drift, an exponential-OU CO2
//! price, three technologies with a closure, and a subsidy that makes the value non-linear.
//! Criteria (issue "Decisions you can trust"): option value within 3 SE, less a low-bias budget of
//! 0.2% (the rule is fitted on other paths: a lower bound); value of waiting within 3 SE + 1%;
//! P(ever invest) within 3 SE; the standard errors are the engine's (eight independently trained
//! rules: their spread included); two seeds. The CO2 trigger: the mean of six independently trained
//! rules within 3 SE + 1% of the exact boundary at each date from the first (today's trigger) to five years before
//! the horizon truncates an investment (see that test for why those dates).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kp/cases/case_file.hpp"
#include "oracle_pairs.hpp"

namespace {

using kp::test::OneFactorCase;

kp::InvestmentSettings defaults(std::size_t paths, std::uint64_t seed) {
    kp::InvestmentSettings s;
    static_cast<kp::McSettings&>(s) = kp::cases::Simulation{};  // what a case file gets
    s.paths = paths;
    s.seed = seed;
    if (const char* b = std::getenv("KP_BASIS")) s.basis = kp::parseBasisType(b);
    if (const char* d = std::getenv("KP_DEGREE")) s.degree = std::atoi(d);
    if (const char* t = std::getenv("KP_TRAINING")) s.trainingPaths = static_cast<std::size_t>(std::atol(t));
    return s;
}

struct Compared {
    double option, optionSe, oracleOption;
    double wait, waitSe, oracleWait;
    double ever, oracleEver;
    double worstBoundary;  // largest relative boundary error over dates with a found oracle boundary
    int worstDate;
};

Compared compare(const OneFactorCase& c, std::size_t paths, std::uint64_t seed, bool print) {
    const kp::InvestmentOracleResult o = kp::investmentOracle(c.oracle());
    kp::InvestmentLsm engine;
    const kp::InvestmentResult r = engine.value(c.engine(), defaults(paths, seed));
    Compared x{};
    x.option = r.optionValue.value, x.optionSe = r.optionValue.stdError, x.oracleOption = o.optionValue;
    x.wait = r.valueOfWaiting.value, x.waitSe = r.valueOfWaiting.stdError, x.oracleWait = o.valueOfWaiting;
    x.ever = 1 - r.neverProbability - [&] {
        double s = 0;
        for (double p : r.closeProbability) s += p;
        return s;
    }();
    double closeO = 0;
    for (double p : o.closeProbability) closeO += p;
    x.oracleEver = 1 - o.neverProbability - closeO;
    x.worstBoundary = 0;
    x.worstDate = -1;
    const int P = c.periodsPerYear;
    for (std::size_t y = 0; y < r.trigger.size(); ++y) {
        const auto& b = o.boundary[y * static_cast<std::size_t>(P)];
        if (b.status != kp::BoundaryStatus::Found) continue;
        const double e = std::isfinite(r.trigger[y]) ? std::abs(r.trigger[y] - b.x) / b.x : 9.99;
        if (print)
            std::printf("    %d: engine %8.2f oracle %8.2f (%s)\n", c.startYear + static_cast<int>(y), r.trigger[y], b.x,
                        kp::toString(b.status).c_str());
        if (e > x.worstBoundary) x.worstBoundary = e, x.worstDate = c.startYear + static_cast<int>(y);
    }
    std::printf("%-14s option %.6g +- %.3g vs %.6g (%+.2f SE, %+.3f%%)  wait %.5g +- %.3g vs %.5g (%+.2f SE, %+.2f%%)  "
                "P(ever) %.4f vs %.4f  worst boundary %.1f%% (%d)\n",
                c.name.c_str(), x.option, x.optionSe, x.oracleOption, (x.option - x.oracleOption) / x.optionSe,
                100 * (x.option - x.oracleOption) / std::abs(x.oracleOption), x.wait, x.waitSe, x.oracleWait,
                (x.wait - x.oracleWait) / x.waitSe, 100 * (x.wait - x.oracleWait) / std::abs(x.oracleWait), x.ever,
                x.oracleEver, 100 * x.worstBoundary, x.worstDate);
    return x;
}

std::vector<OneFactorCase> family() { return kp::test::oracleFamily(); }

}  // namespace

TEST_SUITE("slow") {

TEST_CASE("engine with case-file defaults against the exact oracle: option value, value of waiting, P(ever invest)") {
    const double k = 3.0, optionBudget = 0.002, waitBudget = 0.01;
    for (const std::uint64_t seed : {42u, 7u})
        for (const auto& c : family()) {
            CAPTURE(c.name);
            CAPTURE(seed);
            const kp::InvestmentOracleResult o = kp::investmentOracle(c.oracle());
            const kp::InvestmentProblem pr = c.engine();
            const kp::InvestmentSettings s = defaults(100'000, seed);
            kp::InvestmentLsm engine;
            const kp::InvestmentResult r = engine.value(pr, s);
            REQUIRE(r.rules == 8);
            const double opt = r.optionValue.value, optSe = r.optionValue.stdError;
            CAPTURE(opt);
            CAPTURE(optSe);
            CAPTURE(o.optionValue);
            CHECK(opt <= o.optionValue + k * optSe);
            CHECK(opt >= o.optionValue - k * optSe - optionBudget * std::abs(o.optionValue));
            const double wait = r.valueOfWaiting.value, waitSe = r.valueOfWaiting.stdError;
            CAPTURE(wait);
            CAPTURE(waitSe);
            CAPTURE(o.valueOfWaiting);
            CHECK(std::abs(wait - o.valueOfWaiting) <= k * waitSe + waitBudget * std::abs(o.valueOfWaiting));
            // P(ever invest): 1 - P(never) - P(close)
            double closeE = 0, closeO = 0;
            for (double p : r.closeProbability) closeE += p;
            for (double p : o.closeProbability) closeO += p;
            const double everE = 1 - r.neverProbability - closeE, everO = 1 - o.neverProbability - closeO;
            // the engine's standard error of P(invested by the last year) (rules' spread included),
            // floored at the binomial error of the antithetic pairs
            const double everSe = std::max(r.investedBy.back().stdError,
                                           std::sqrt(std::max(everO * (1 - everO), 1e-12) / (0.5 * static_cast<double>(s.paths))));
            CAPTURE(everE);
            CAPTURE(everO);
            CAPTURE(everSe);
            CHECK(std::abs(everE - everO) <= k * everSe);
            MESSAGE(c.name << " seed " << seed << ": option " << (opt - o.optionValue) / optSe << " SE, waiting "
                           << (wait - o.valueOfWaiting) / waitSe << " SE, P(ever) " << (everE - everO) / everSe
                           << " SE");
        }
}

TEST_CASE("engine with case-file defaults against the exact oracle: the CO2 trigger of six independently trained rules") {
    // The trigger a rule reports at a date is a Monte Carlo estimate of the exact boundary: its noise
    // is the rule's (measured over seeds: 0.2-1.5% of the boundary a rule at 25,000 training paths).
    // Six rules trained on independent paths (seeds 1-6); at each date the mean of their triggers
    // must be within 3 SE of the exact boundary plus a bias budget of 1%. Dates compared: from the
    // first (today's trigger: the training paths start from CO2 prices spread around today's) to five years before the
    // horizon truncates an investment (a technology decided later runs past the horizon, where
    // nothing is valued; the exact boundary then bends towards the truncated investments and the
    // regression follows it with a bias of up to 6%, docs/valuation.md), where every rule locates a
    // trigger in its search range.
    const double k = 3.0, budget = 0.01;
    const int rules = 6;
    for (const auto& c : family()) {
        CAPTURE(c.name);
        const kp::InvestmentOracleResult o = kp::investmentOracle(c.oracle());
        const kp::InvestmentProblem pr = c.engine();
        std::vector<std::vector<double>> trig;
        for (int seed = 1; seed <= rules; ++seed) {
            kp::InvestmentLsm engine;
            auto s = defaults(100'000, static_cast<std::uint64_t>(seed));
            s.rules = 1;  // the rules are the six seeds here
            trig.push_back(engine.value(pr, s).trigger);
        }
        const int P = c.periodsPerYear;
        int truncation = c.periods();
        for (const auto& t : c.technologies)
            truncation = std::min(truncation, c.periods() - (t.constructionYears + t.lifetimeYears) * P);
        int compared = 0;
        double worst = 0;
        bool first = false;
        for (int d = 0; d < truncation - 5 * P; d += P) {
            const auto& b = o.boundary[static_cast<std::size_t>(d)];
            const auto y = static_cast<std::size_t>(d / P);
            bool all = b.status == kp::BoundaryStatus::Found;
            for (const auto& t : trig) all &= std::isfinite(t[y]);
            if (!all) continue;
            double m = 0, q = 0;
            for (const auto& t : trig) m += t[y];
            m /= rules;
            for (const auto& t : trig) q += (t[y] - m) * (t[y] - m);
            const double se = std::sqrt(q / (rules - 1) / rules);
            CAPTURE(d);
            CAPTURE(m);
            CAPTURE(se);
            CAPTURE(b.x);
            CHECK(std::abs(m - b.x) <= k * se + budget * b.x);
            worst = std::max(worst, std::abs(m - b.x) / b.x);
            ++compared;
            if (d == 0) {
                first = true;
                MESSAGE(c.name << ": today's trigger " << m << " +- " << se << ", exact " << b.x);
            }
        }
        MESSAGE(c.name << ": " << compared << " dates, largest |mean trigger - exact| " << 100 * worst << "%");
        CHECK(compared >= 3);
        if (c.name != "ccs_late_infra") CHECK(first);  // today's trigger (late infrastructure: none before 2032)
    }
}

TEST_CASE("print: engine (case-file defaults) against the oracle (KP_PRINT=1: every boundary)" * doctest::skip(std::getenv("KP_EXPLORE") == nullptr)) {
    const std::size_t paths = std::getenv("KP_PATHS") ? static_cast<std::size_t>(std::atol(std::getenv("KP_PATHS"))) : 100000;
    const bool print = std::getenv("KP_PRINT") != nullptr;
    for (const auto& c : family()) {
        if (const char* only = std::getenv("KP_ONLY"); only && c.name != only) continue;
        compare(c, paths, 42, print);
    }
}

}  // TEST_SUITE

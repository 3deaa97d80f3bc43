//! \brief Operating modes with one-off switching costs (issue 15 item 2's remainder;
//! OperatingFlexibility::suspendCost, restartCost, switchCost, abandonNet; kp::SwitchingRule): the
//! choice of mode depends on the last period's (hysteresis), decided by a regression per mode. Against
//! - exact answers of the same discretised problem: in the deterministic limit (the regressions are
//!   then exact conditional expectations) the option value and the investment year equal a dynamic
//!   programme over (period, previous mode) by hand, to 1e-9, for costs that make idling, abandoning
//!   or neither optimal; with a GBM price the value of investing now (the switching rule alone) and
//!   the option value (investment rule and switching rule) against the exact grid oracle with modes
//!   (kp::investmentOracle, OracleTechnology::modeCashFlow), LSMRealOptions' example 4.2 (vignette,
//!   LSM_real_option_OF: suspend at 10% of capex, mothballed at 5% a year, restart 10%, abandon
//!   20%) on quarterly dates, within 3 SE plus a bias budget of 2% of the modes' exact value over
//!   always running (the rules are suboptimal: low bias);
//! - properties with the trained rule: costs never raise the value (dearer switching never pays);
//!   two seeds agree within their errors; 1 and 2 threads bit for bit;
//! - refusals: switching costs with a subsidy, without suspend, with a stage.
//! - the example examples/lsm_real_options_of.yaml as `kruispunt value` runs it, against the same oracle.
//! Run time: about 20 s (Release); the GBM cases are left to the Release pass.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "synthetic_problem.hpp"
#include "kp/cases/case_problem.hpp"
#include "kp/core/errors.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/models/gbm.hpp"
#include "kp/oracles/investment_oracle.hpp"

namespace {

using kp::testing::Synthetic;

kp::InvestmentSettings settings(std::size_t paths, std::uint64_t seed = 42) {
    kp::InvestmentSettings s;
    s.paths = paths;
    s.seed = seed;
    s.threads = 2;
    return s;
}

/// The synthetic problem with technology a only (no b, no closing), product at `product`, and a's
/// operating flexibility f.
kp::InvestmentProblem synthetic(const Synthetic& sy, double product, const kp::OperatingFlexibility& f) {
    kp::InvestmentProblem p = sy.make();
    p.project.product = kp::PriceSource::fixed(product);
    p.project.technologies.pop_back();
    p.project.exits.clear();
    p.project.technologies[0].tech.operating = f;
    return p;
}

kp::YearPrices prices(double co2, double reference, double product) {
    kp::YearPrices y;
    y.co2 = co2, y.co2Reference = reference, y.gas = 30, y.power = 70, y.product = product;
    return y;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("deterministic limit: suspending, restarting and abandoning with one-off costs, by hand") {
    // a's margin falls as CO2 rises (60 e^{0.06 t}); idling (2e7 a year) and abandoning then compete
    // with running at a loss, each change paying its one-off cost: the best plan is a dynamic
    // programme over (period, previous mode), which the engine's trained rules must reproduce exactly
    struct Costs {
        double suspend, restart, abandon;
        int idle, abandoned;  // periods idle and abandoned on the best plan of a plant built at once (by hand below)
    };
    for (const Costs c : {Costs{1e7, 1e7, 1e8, 0, 10}, Costs{5e7, 0, 3e8, 6, 0}, Costs{1e6, 1e6, -2e7, 0, 13},
                          Costs{4e8, 4e8, 4e8, 0, 0}}) {
        Synthetic sy;  // vol 0
        const double product = 430, idle = 2e7;
        kp::OperatingFlexibility f;
        f.suspend = true;
        f.idleCostPerYear = idle;
        f.suspendCost = c.suspend, f.restartCost = c.restart;
        f.abandonNet = c.abandon;
        kp::InvestmentProblem p = synthetic(sy, product, f);
        p.project.plant.jobs = 100;  // the technology's too (jobs < 0: the plant's)
        const kp::Technology& a = p.project.technologies[0].tech;
        const int H = sy.horizon;
        const std::vector<double>& D = p.project.discount;
        std::vector<double> base(H), run(H);
        for (int k = 0; k < H; ++k) {
            const kp::YearPrices y = prices(60 * std::exp(0.06 * k), 60 * std::exp(0.06 * std::max(k - 1, 0)), product);
            base[k] = kp::yearCashFlow(p.project.plant, nullptr, p.project.policy, 2026 + k, 0, y).net;
            kp::Technology plain = a;
            plain.operating = {};
            run[k] = kp::yearCashFlow(p.project.plant, &plain, p.project.policy, 2026 + k, 1 << 30, y).net;
        }
        // modes 0 run, 1 idle, 2 abandoned; V[k][m]: best value from k on after mode m
        const double cost[3][3] = {{0, c.suspend, c.abandon}, {c.restart, 0, c.abandon}, {kInf, kInf, 0}};
        std::vector<std::vector<double>> V(H + 1, std::vector<double>(3, 0.0));
        int idled = 0, abandoned = 0;  // periods idle / abandoned on the best plan from the own mode at 2 (s0 of d = 0)
        for (int k = H - 1; k >= 0; --k)
            for (int m = 0; m < 3; ++m) {
                double best = -kInf;
                for (int m2 = 0; m2 < 3; ++m2) {
                    if (std::isinf(cost[m][m2])) continue;
                    const double flow = m2 == 0 ? run[k] : (m2 == 1 ? -idle : 0.0);
                    best = std::max(best, D[k] * (flow - cost[m][m2]) + V[k + 1][m2]);
                }
                V[k][m] = best;
            }
        for (int k = a.constructionYears, m = 0; k < H; ++k) {  // the plan of a plant built at once
            int pick = m;
            double best = -kInf;
            for (int m2 = 0; m2 < 3; ++m2) {
                if (std::isinf(cost[m][m2])) continue;
                const double flow = m2 == 0 ? run[k] : (m2 == 1 ? -idle : 0.0);
                const double v = D[k] * (flow - cost[m][m2]) + V[k + 1][m2];
                if (v > best) best = v, pick = m2;
            }
            idled += pick == 1, abandoned += pick == 2, m = pick;
        }
        double never = 0;
        for (int k = 0; k < H; ++k) never += D[k] * base[k];
        double best = never;
        int bestD = -1;
        for (int d = 0; d < H; ++d) {
            const int s0 = std::min(d + a.constructionYears, H);
            double v = -D[d] * a.capex + V[s0][0];
            for (int k = 0; k < s0; ++k) v += D[k] * base[k];
            if (v > best) best = v, bestD = d;
        }
        kp::InvestmentLsm e;
        const kp::InvestmentResult r = e.value(p, settings(2000));
        CAPTURE(c.suspend);
        CAPTURE(c.restart);
        CAPTURE(c.abandon);
        MESSAGE("by hand ", best / 1e6, " m, invest at ", bestD, "; built at once: ", idled, " periods idle, ", abandoned,
                " abandoned");
        CHECK(r.optionValue.value == doctest::Approx(best).epsilon(1e-9));
        // the last year: abandoned (nothing made, no jobs), idle (nothing made, crew kept) or running
        const kp::ProductionYear& last = r.production.back();
        CHECK(last.operating == (c.idle + c.abandoned > 0 ? 0.0 : 1.0));
        CHECK(last.jobs == (c.abandoned > 0 ? 0.0 : 100.0));
        CHECK(idled == c.idle);  // the cases cover abandoning, idling and neither
        CHECK(abandoned == c.abandoned);
        REQUIRE(bestD >= 0);
        CHECK(r.timing[0][static_cast<std::size_t>(bestD)] == 1.0);
    }
}

namespace {

/// LSMRealOptions' vignette example 4.2 on quarterly dates: a price X (GBM, 36, drift 6%, 20%), a
/// project paying 1e4 X - 3.6e5 a year once built (capex 1e5, one year to build), discounted at 5%
/// (continuous), 10 years; suspended at 10% of capex, mothballed at 5% of it a year, restarted at
/// 10%, abandoned at 20%. The engine's form: a greenfield plant (remaining life 0) of 1e4 t a year
/// whose technology has fixed opex 3.6e5 and the product price X.
struct Vignette {
    double capex = 1e5;
    bool modes = true, abandoning = true;
    double suspend = 1e4, idle = 5e3, restart = 1e4, abandon = 2e4;

    kp::InvestmentProblem engine() const {
        kp::InvestmentProblem p;
        p.factors = std::make_shared<kp::ModelSet>(
            std::vector<kp::ModelPtr>{std::make_shared<kp::Gbm>(kp::GbmParams{36, 0.06, 0.0, 0.2})},
            Eigen::MatrixXd::Identity(1, 1));
        p.project.product = kp::PriceSource::state(0);
        p.project.co2 = kp::PriceSource::fixed(0);
        p.project.gas = kp::PriceSource::fixed(0);
        p.project.power = kp::PriceSource::fixed(0);
        p.project.startYear = 2026;
        p.project.horizonYears = 10;
        p.project.periodsPerYear = 4;
        for (int k = 0; k < 40; ++k) p.project.discount.push_back(std::exp(-0.05 * k / 4.0));
        p.project.plant.outputTPerYear = 1e4;
        p.project.plant.remainingLifeYears = 0;
        kp::TechnologyOption a;
        a.tech.name = "project";
        a.tech.capex = capex;
        a.tech.fixedOpex = 3.6e5;
        a.tech.constructionYears = 1;
        a.tech.lifetimeYears = 40;
        a.tech.earliestDecisionYear = 2026;
        a.tech.latestDecisionYear = 2035;
        if (modes) {
            a.tech.operating.suspend = true;
            a.tech.operating.idleCostPerYear = idle;
            a.tech.operating.suspendCost = suspend, a.tech.operating.restartCost = restart;
            if (abandoning) a.tech.operating.abandonNet = abandon;
        }
        p.project.technologies = {a};
        return p;
    }

    kp::InvestmentOracleProblem oracle() const {
        kp::InvestmentOracleProblem o;
        o.periods = 40;
        o.periodsPerYear = 4;
        o.factor = kp::OracleFactor::gbm(36, 0.06, 0.0, 0.2);
        for (int k = 0; k < 40; ++k) o.discount.push_back(std::exp(-0.05 * k / 4.0));
        o.carryOn = [](int, double) { return 0.0; };
        kp::OracleTechnology t;
        t.name = "project";
        t.capex = {capex};
        t.constructionPeriods = 4;
        t.lifetimePeriods = 40;
        t.firstDecision = 0;
        t.lastDecision = 39;
        const auto runFlow = [](int, double x) { return (1e4 * x - 3.6e5) / 4; };
        if (modes) {
            const double i = idle;
            t.modeCashFlow = {runFlow, [i](int, double) { return -i / 4; }, [](int, double) { return 0.0; }};
            t.switchCost = {{0, suspend, abandon}, {restart, 0, abandon}, {kInf, kInf, 0}};
        } else {
            t.cashFlow = [runFlow](int k, int, double x) { return runFlow(k, x); };
        }
        o.technologies = {t};
        return o;
    }
};

}  // namespace

TEST_CASE("LSMRealOptions' example 4.2 (quarterly): the engine's rules against the exact grid oracle with modes"
         ) {
    Vignette with, without;
    without.modes = false;
    const kp::InvestmentOracleResult exact = kp::investmentOracle(with.oracle());
    const kp::InvestmentOracleResult exactRun = kp::investmentOracle(without.oracle());
    const double budget = 0.02 * (exact.investNow[0] - exactRun.investNow[0]);
    kp::InvestmentLsm e;
    const kp::InvestmentResult r = e.value(with.engine(), settings(100000));
    const kp::Estimate now = r.npvNow[0];  // investing now, then the switching rule
    MESSAGE("investing now: engine ", now.value, " +- ", now.stdError, " against the oracle's ", exact.investNow[0],
            " (always running: ", exactRun.investNow[0], "); option value: engine ", r.optionValue.value, " +- ",
            r.optionValue.stdError, " against ", exact.optionValue, " (always running: ", exactRun.optionValue,
            ", waiting worth ", exactRun.valueOfWaiting, "; with modes waiting worth ", exact.valueOfWaiting,
            "; budget ", budget, "); engine's decision ", static_cast<int>(r.decision));
    CHECK(exact.investNow[0] - exactRun.investNow[0] > 20 * now.stdError);  // modes the test can see
    CHECK(now.value <= exact.investNow[0] + 3 * now.stdError);
    CHECK(now.value >= exact.investNow[0] - 3 * now.stdError - budget);
    // as the vignette finds: the modes turn waiting into investing now (the oracle's answer, the engine's)
    CHECK((exactRun.decision == kp::OracleAction::Wait));
    CHECK((exact.decision == kp::OracleAction::Invest));
    CHECK((r.decision == kp::Decision::InvestNow));
    CHECK(r.optionValue.value <= exact.optionValue + 3 * r.optionValue.stdError);
    CHECK(r.optionValue.value >= exact.optionValue - 3 * r.optionValue.stdError - budget);
}

TEST_CASE("examples/lsm_real_options_of.yaml as a user runs it: the exact answer of its problem") {
    // the case file, its own paths and seed (what `kruispunt value` does), against the oracle of the
    // problem it describes (Vignette: the same discount, cash flows, costs and dates)
    const kp::cases::CaseFile c = kp::cases::loadCaseFile(KP_SOURCE_DIR "/examples/lsm_real_options_of.yaml");
    kp::InvestmentLsm e;
    const kp::InvestmentResult r = e.value(kp::cases::toInvestmentProblem(c), kp::cases::settingsFor(c, {}));
    Vignette with, without;
    without.modes = false;
    const kp::InvestmentOracleResult exact = kp::investmentOracle(with.oracle());
    const double budget = 0.02 * (exact.investNow[0] - kp::investmentOracle(without.oracle()).investNow[0]);
    MESSAGE("the example: ", r.optionValue.value, " +- ", r.optionValue.stdError, " against ", exact.optionValue);
    CHECK((r.decision == kp::Decision::InvestNow));
    CHECK(r.optionValue.value <= exact.optionValue + 3 * r.optionValue.stdError);
    CHECK(r.optionValue.value >= exact.optionValue - 3 * r.optionValue.stdError - budget);
}

TEST_CASE("switching costs never raise the value; seeds agree; threads bit for bit") {
    // without switching costs each period's best mode is the optimal policy, exact per path (no
    // regression); costs can only take value away, more of them more (beyond 3 SE: the rules differ)
    kp::InvestmentLsm e;
    Vignette free, cheap, dear;
    free.abandoning = cheap.abandoning = dear.abandoning = false;  // abandoning is a mode only with costs
    free.suspend = free.restart = 0;
    cheap.suspend = cheap.restart = 2e3;
    dear.suspend = dear.restart = 5e4;
    const kp::Estimate vFree = e.value(free.engine(), settings(50000)).npvNow[0];
    const kp::Estimate vCheap = e.value(cheap.engine(), settings(50000)).npvNow[0];
    const kp::Estimate vDear = e.value(dear.engine(), settings(50000)).npvNow[0];
    MESSAGE("investing now: no switching cost ", vFree.value, ", cheap ", vCheap.value, ", dear ", vDear.value);
    CHECK(vCheap.value <= vFree.value + 3 * std::hypot(vCheap.stdError, vFree.stdError));
    CHECK(vDear.value <= vCheap.value + 3 * std::hypot(vDear.stdError, vCheap.stdError));
    cheap.abandoning = true;
    const kp::InvestmentResult a = e.value(cheap.engine(), settings(20000, 7));
    const kp::InvestmentResult b = e.value(cheap.engine(), settings(20000, 8));
    CHECK(std::abs(a.optionValue.value - b.optionValue.value) <=
          3 * std::hypot(a.optionValue.stdError, b.optionValue.stdError));
    kp::InvestmentSettings one = settings(20000, 7);
    one.threads = 1;
    const kp::InvestmentResult c = e.value(cheap.engine(), one);
    CHECK(c.optionValue.value == a.optionValue.value);
    CHECK(c.optionValue.stdError == a.optionValue.stdError);
}

TEST_CASE("switching costs: refused where they are not modelled") {
    Synthetic sy;
    kp::InvestmentLsm e;
    auto refuses = [&](const kp::InvestmentProblem& p, const std::string& what) {
        CHECK_THROWS_WITH_AS(e.value(p, settings(1024)), doctest::Contains(what.c_str()), kp::InvalidInput);
    };
    kp::OperatingFlexibility f;
    f.suspend = true;
    f.suspendCost = 1e6;
    kp::InvestmentProblem subsidised = synthetic(sy, 500, f);
    subsidised.project.technologies[0].tech.sde = kp::SdeSubsidy{};
    refuses(subsidised, "switching costs are given with an operating subsidy (sde)");
    kp::OperatingFlexibility noSuspend;
    noSuspend.alternative = kp::OperatingMode{};
    noSuspend.restartCost = 1e6;
    refuses(synthetic(sy, 500, noSuspend), "a cost of suspending or restarting is given, but only with suspend");
    kp::OperatingFlexibility noAlternative = f;
    noAlternative.switchCost = 1e6;
    refuses(synthetic(sy, 500, noAlternative), "a cost of switching modes is given, but only with an alternative mode");
    Synthetic staged;
    staged.withStage = true;
    kp::InvestmentProblem withStage = staged.make();
    withStage.project.technologies[0].tech.operating = f;
    refuses(withStage, "has switching costs and a stage");
}

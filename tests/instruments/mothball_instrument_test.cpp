//! \brief Mothballing in the instrument (Technology::MothballRole, investment_instrument.hpp): a plan
//! that mothballs the plant and restarts it, period by period (cash flow, investment, output,
//! emissions, jobs), against a hand computation with the scalar kp::yearCashFlow; the values of
//! mothballing (investValue) and restarting (stageValue) against hand sums; the windows; bad
//! problems refused. Constant prices: no simulation is needed (the block's state is unused).

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kp/core/errors.hpp"
#include "kp/instruments/investment_instrument.hpp"

namespace {

constexpr int kStart = 2026, kH = 12, kL = 10;          // horizon, the plant's remaining life (years)
constexpr double kIdle = 1.5e7, kStartCost = 2e6;        // care and maintenance a year, mothballing cost
constexpr double kRestart = 4e7, kC = 1e8;               // restart cost, decommissioning
constexpr int kRestartYears = 1;

kp::InvestmentProject project() {
    kp::InvestmentProject pr;
    pr.co2 = kp::PriceSource::fixed(80);
    pr.gas = kp::PriceSource::fixed(30);
    pr.power = kp::PriceSource::fixed(70);
    pr.hydrogen = kp::PriceSource::fixed(0);
    pr.product = kp::PriceSource::fixed(520);
    pr.startYear = kStart;
    pr.horizonYears = kH;
    for (int k = 0; k < kH; ++k) pr.discount.push_back(std::pow(1.06, -k));
    pr.plant.outputTPerYear = 1e6;
    pr.plant.emissionIntensity = 1.5;
    pr.plant.gasMwhPerT = 2.0;
    pr.plant.feedstockCostPerT = 250;
    pr.plant.fixedCost = 5e7;
    pr.plant.remainingLifeYears = kL;
    pr.plant.decommissioningCost = kC;
    pr.plant.jobs = 1000;
    pr.plant.mothball = true;
    kp::TechnologyOption idle;
    idle.tech.name = "mothball";
    idle.tech.mothball = kp::Technology::MothballRole::Idle;
    idle.tech.fixedOpex = kIdle;
    idle.tech.capex = kStartCost;
    idle.tech.jobs = 120;
    idle.tech.lifetimeYears = kL;
    idle.tech.earliestDecisionYear = kStart;
    idle.tech.latestDecisionYear = kStart + kL - 1;
    kp::StageOption restart;
    restart.parent = 0;
    restart.option.tech.name = "restart";
    restart.option.tech.mothball = kp::Technology::MothballRole::Restart;
    restart.option.tech.capex = kRestart;
    restart.option.tech.constructionYears = kRestartYears;
    restart.option.tech.lifetimeYears = kL;
    restart.option.tech.earliestDecisionYear = kStart;
    restart.option.tech.latestDecisionYear = kStart + kL - 1;
    pr.technologies = {idle};
    pr.stages = {restart};
    return pr;
}

/// The plant's own cash flow and emissions in year index k (scalar), never stopped.
kp::YearCashFlow plantYear(const kp::InvestmentProject& pr, int k) {
    kp::YearPrices yp;
    yp.co2 = yp.co2Reference = 80, yp.gas = 30, yp.power = 70, yp.product = 520;
    return kp::yearCashFlow(pr.plant, nullptr, pr.policy, kStart + k, 0, yp);
}

}  // namespace

TEST_SUITE("instruments") {

TEST_CASE("a mothball plan period by period: idle, restarted, stopped at the end of life, by hand") {
    const kp::InvestmentProject pr = project();
    const kp::InvestmentInstrument in(pr, 1);
    kp::ProjectBlock b;
    in.reserve(b, 1, false);
    std::fill(b.hist.begin(), b.hist.end(), 0.0);
    in.evaluate(b, true, false);
    const auto& D = pr.discount;
    const int d = 2, t = 5, s = t + kRestartYears;  // mothballed in 2028, restart decided in 2031, runs from 2032
    const kp::PathPlan plan = in.plan(0, d, t, b, 0);
    double pv = 0;  // the plan's discounted cash flow net of investment from d on
    for (int k = 0; k < kH; ++k) {
        const kp::PeriodOutcome o = in.outcome(plan, static_cast<std::size_t>(k), b, 0);
        const kp::YearCashFlow y = plantYear(pr, k);
        const bool running = k < d || (k >= s && k < kL), idle = k >= d && k < s;
        const double cf = running ? y.net : idle ? -kIdle : k == kL ? -kC : 0.0;
        const double inv = k == d ? kStartCost : k == t ? kRestart : 0.0;
        CAPTURE(k);
        CHECK(o.cashFlow == doctest::Approx(cf).epsilon(1e-12));
        CHECK(o.investment == doctest::Approx(inv).epsilon(1e-12));
        CHECK(o.output == (running ? 1e6 : 0.0));
        CHECK(o.emissions == doctest::Approx(running ? y.emissions : 0.0).epsilon(1e-12));
        CHECK(in.jobs(plan, static_cast<std::size_t>(k)) == (running ? 1000.0 : idle ? 120.0 : 0.0));
        if (k >= d) pv += D[k] * (o.cashFlow - o.investment);
    }
    // the values the engine compares: mothballing at d (idle to the end of life, then the charge) and
    // restarting at t (the plant's flows instead of care and maintenance from s)
    double idleHand = -D[d] * kStartCost - D[kL] * kC, restartHand = -D[t] * kRestart;
    for (int k = d; k < kL; ++k) idleHand -= D[k] * kIdle;
    for (int k = s; k < kL; ++k) restartHand += D[k] * (plantYear(pr, k).net + kIdle);
    double iv = 0, sv = 0;
    in.investValue(0, d, b, &iv);
    in.stageValue(0, t, b, &sv);
    CHECK(iv == doctest::Approx(idleHand).epsilon(1e-12));
    CHECK(sv == doctest::Approx(restartHand).epsilon(1e-12));
    CHECK(iv + sv == doctest::Approx(pv).epsilon(1e-12));
    // without a restart: idle to the end of life
    const kp::PathPlan stay = in.plan(0, d, kH, b, 0);
    for (int k = d; k < kH; ++k) CHECK(in.output(stay, static_cast<std::size_t>(k)) == 0.0);
    // windows: mothball while the plant runs (d < L); restart so that it runs before the end (t + 1 < L)
    CHECK(in.allowed(0, kL - 1));
    CHECK_FALSE(in.allowed(0, kL));
    CHECK(in.allowed(1, kL - 2));
    CHECK_FALSE(in.allowed(1, kL - 1));
    CHECK(in.isMothball(0));
    CHECK_FALSE(in.isReline(0));
}

TEST_CASE("mothballing: a restart among the technologies, or a stage of another kind on it, is refused") {
    kp::InvestmentProject pr = project();
    kp::TechnologyOption lone = pr.stages[0].option;
    pr.technologies.push_back(lone);
    CHECK_THROWS_AS(kp::InvestmentInstrument(pr, 1), kp::InvalidInput);
    pr = project();
    pr.stages[0].option.tech.mothball = kp::Technology::MothballRole::None;
    CHECK_THROWS_AS(kp::InvestmentInstrument(pr, 1), kp::InvalidInput);
}

}  // TEST_SUITE

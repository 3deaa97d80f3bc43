//! \brief Mothballing in the engine (plant.mothball; Technology::MothballRole): the plant suspended
//! at a care-and-maintenance cost and later restarted or left idle to its end of life, against
//! - the deterministic limit: a product price with a trough (kp::AnchoredGbm at vol 0), the LSM value
//!   and decisions equal the best of never, closing in any year and mothballing in any year with or
//!   without a restart in each later year, enumerated by hand with the scalar kp::yearCashFlow;
//! - a mothball option never worth taking: option value, P(invested by) and triggers bit for bit;
//! - the outcome split (mothballed, restarted), production and jobs in the idle years.

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kp/engine/investment_lsm.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/models/anchored_gbm.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/model_set.hpp"
#include "synthetic_problem.hpp"

namespace {

constexpr int kStart = 2026, kH = 30;

kp::InvestmentSettings settings(std::size_t paths, std::uint64_t seed) {
    kp::InvestmentSettings s;
    s.degree = 5;
    s.paths = paths;
    s.seed = seed;
    s.threads = 2;
    return s;
}

/// The options plant.mothball adds (cases/src/case_file.cpp), here by hand.
void addMothball(kp::InvestmentProject& pr, double idle, double startCost, double restartCost, int restartYears,
                 double jobs) {
    const int L = pr.plant.remainingLifeYears;
    kp::TechnologyOption m;
    m.tech.name = "mothball";
    m.tech.mothball = kp::Technology::MothballRole::Idle;
    m.tech.fixedOpex = idle;
    m.tech.capex = startCost;
    m.tech.jobs = jobs;
    m.tech.lifetimeYears = L;
    m.tech.earliestDecisionYear = pr.startYear;
    m.tech.latestDecisionYear = pr.startYear + L - 1;
    kp::StageOption r;
    r.parent = pr.technologies.size();
    r.option.tech.name = "restart";
    r.option.tech.mothball = kp::Technology::MothballRole::Restart;
    r.option.tech.capex = restartCost;
    r.option.tech.constructionYears = restartYears;
    r.option.tech.lifetimeYears = L;
    r.option.tech.earliestDecisionYear = pr.startYear;
    r.option.tech.latestDecisionYear = pr.startYear + L - 1;
    pr.technologies.push_back(m);
    pr.stages.push_back(r);
    pr.plant.mothball = true;
}

/// A plant of 1 Mt/yr (the Synthetic suites' plant) whose product price is 500 EUR/t, falls to `dip`
/// over 2029 and stays there to 2033, then recovers to 500 in 2034 (recovers = false: stays low);
/// CO2 constant at 60; a closure (value 2e8, cost 4e8) in any year; remaining life L, decommissioning C.
struct Trough {
    double dip = 380, C = 0;
    int L = 15;
    bool recovers = true;
    std::vector<double> times() const { return recovers ? std::vector<double>{3, 4, 7, 8} : std::vector<double>{3, 4}; }
    std::vector<double> levels() const {
        return recovers ? std::vector<double>{500, dip, dip, 500} : std::vector<double>{500, dip};
    }
    kp::InvestmentProblem make() const {
        kp::InvestmentProblem p;
        kp::AnchoredGbmParams ap;
        ap.spot = 500, ap.times = times(), ap.levels = levels(), ap.vol = 0;
        auto set = std::make_shared<kp::ModelSet>(
            std::vector<kp::ModelPtr>{std::make_shared<kp::Gbm>(kp::GbmParams{60, 0.0, 0.0, 0.0}),
                                      std::make_shared<kp::AnchoredGbm>(ap)},
            Eigen::MatrixXd::Identity(2, 2));
        p.factors = set;
        kp::InvestmentProject& pr = p.project;
        pr.co2 = kp::PriceSource::state(0);
        pr.product = kp::PriceSource::state(set->stateOffset(1));
        pr.gas = kp::PriceSource::fixed(30);
        pr.power = kp::PriceSource::fixed(70);
        pr.startYear = kStart;
        pr.horizonYears = kH;
        for (int k = 0; k < kH; ++k) pr.discount.push_back(std::pow(1.07, -k));
        pr.plant.outputTPerYear = 1e6;
        pr.plant.emissionIntensity = 1.5;
        pr.plant.gasMwhPerT = 2.0;
        pr.plant.feedstockCostPerT = 250;
        pr.plant.fixedCost = 5e7;
        pr.plant.remainingLifeYears = L;
        pr.plant.decommissioningCost = C;
        pr.plant.jobs = 1000;
        pr.exits.push_back({"close", 2e8, 4e8, kStart, kStart + kH - 1});
        return p;
    }
    /// The plant's cash flow in year k, never stopped (scalar, the path's product price).
    std::vector<double> flows(const kp::InvestmentProblem& p) const {
        std::vector<double> cf(kH);
        const std::vector<double> ts = times(), ls = levels();
        for (int k = 0; k < kH; ++k) {
            kp::YearPrices yp;
            yp.co2 = yp.co2Reference = 60, yp.gas = 30, yp.power = 70;
            yp.product = std::exp(kp::PricePath::logAnchor(ts, ls, std::log(500.0), k));
            cf[static_cast<std::size_t>(k)] = kp::yearCashFlow(p.project.plant, nullptr, p.project.policy, kStart + k, 0, yp).net;
        }
        return cf;
    }
};

/// The best of never, closing at d, and mothballing at d (idle cost m, start cost S) with a restart
/// decided at t >= d (cost R, running from t + r to the end of life L) or none, written out here.
struct Best {
    double value = 0;
    int action = -1, d = -1, t = -1;  // action: -1 never, 0 mothball, 1 close; t: restart (-1 none)
};
Best enumerate(const std::vector<double>& full, const kp::InvestmentProblem& p, double m, double S, double R, int r,
               bool mothball) {
    const auto& D = p.project.discount;
    const int L = p.project.plant.remainingLifeYears;
    const double C = p.project.plant.decommissioningCost;
    std::vector<double> base(kH, 0.0);
    for (int k = 0; k < kH; ++k) base[k] = k < L ? full[k] : k == L ? -C : 0.0;
    Best b;
    for (int k = 0; k < kH; ++k) b.value += D[k] * base[k];
    const double endCharge = L < kH ? D[L] * C : 0.0;
    for (int d = 0; d < kH; ++d) {
        double before = 0;
        for (int k = 0; k < d; ++k) before += D[k] * base[k];
        const double close = before + D[d] * (2e8 - 4e8) - (d <= L ? D[d] * C : 0.0);
        if (close > b.value) b = {close, 1, d, -1};
        if (!mothball || d >= L) continue;
        double idle = before - D[d] * S - endCharge;  // idle to the end of life
        for (int k = d; k < L; ++k) idle -= D[k] * m;
        if (idle > b.value) b = {idle, 0, d, -1};
        for (int t = d; t + r < L; ++t) {
            double v = before - D[d] * S - D[t] * R - endCharge;
            for (int k = d; k < L; ++k) v += D[k] * (k < t + r ? -m : full[k]);
            if (v > b.value) b = {v, 0, d, t};
        }
    }
    return b;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("deterministic limit with mothballing: enumeration of never, close and mothball (restart in each later year or none)") {
    int kinds[4] = {0, 0, 0, 0};  // never, close, mothball and restart, mothball to the end
    for (const bool recovers : {true, false})
    for (const double dip : {500.0, 380.0, 300.0})
    for (const double C : {0.0, 6e8})
    for (const double R : {3e7, 6e8}) {
        Trough tr;
        tr.dip = dip, tr.C = C, tr.recovers = recovers;
        kp::InvestmentProblem p = tr.make();
        const double m = 1e7, S = 5e6;
        const int r = 1;
        const Best none = enumerate(tr.flows(p), p, m, S, R, r, false);
        const Best best = enumerate(tr.flows(p), p, m, S, R, r, true);
        kp::InvestmentLsm engine;
        const auto r0 = engine.value(p, settings(2000, 7));
        addMothball(p.project, m, S, R, r, 100);
        const auto r1 = engine.value(p, settings(2000, 7));
        const double bestValue = best.value, noneValue = none.value;
        const int action = best.action, d = best.d, t = best.t;
        CAPTURE(recovers);
        CAPTURE(dip);
        CAPTURE(C);
        CAPTURE(R);
        CAPTURE(action);
        CAPTURE(d);
        CAPTURE(t);
        CHECK(r0.optionValue.value == doctest::Approx(noneValue).epsilon(1e-9));
        CHECK(r1.optionValue.value == doctest::Approx(bestValue).epsilon(1e-9));
        CHECK(r1.optionValue.value >= r0.optionValue.value - 1e-9 * std::abs(noneValue));
        for (const auto& e : r1.investedBy) CHECK(e.value == 0.0);  // mothballing is not decarbonising
        CHECK(r1.outcomes.invested.probability == 0.0);
        CHECK(r1.neverProbability == 1.0);
        if (action == 0) {
            const auto y = static_cast<std::size_t>(d);
            CHECK(r1.timing[0][y] == 1.0);
            CHECK(r1.outcomes.mothballed.probability == 1.0);
            CHECK(r1.outcomes.restarted == (t >= 0 ? 1.0 : 0.0));
            if (t >= 0) CHECK(r1.stageTiming[0][static_cast<std::size_t>(t)] == 1.0);
            const int back = t >= 0 ? t + r : tr.L;  // producing again from
            for (int k = d; k < tr.L; ++k) {
                const kp::ProductionYear& py = r1.production[static_cast<std::size_t>(k)];
                CAPTURE(k);
                CHECK(py.operating == (k < back ? 0.0 : 1.0));
                CHECK(py.output == (k < back ? 0.0 : 1e6));
                CHECK(py.jobs == (k < back ? 100.0 : 1000.0));
                CHECK(r1.emissionsMean[static_cast<std::size_t>(k)] == doctest::Approx(k < back ? 0.0 : 1.5e6));
            }
            ++kinds[t >= 0 ? 2 : 3];
            const std::string restart = t >= 0 ? ", restart decided in " + std::to_string(kStart + t) : ", never restarted";
            MESSAGE("mothballed in " << std::to_string(kStart + d) << restart << ": value "
                                     << noneValue / 1e6 << " m without, " << bestValue / 1e6 << " m with (dip " << dip
                                     << ", C " << C << ", R " << R << ", recovers " << recovers << ")");
        } else {
            CHECK(r1.outcomes.mothballed.probability == 0.0);
            if (action == 1) CHECK(r1.closeProbability[static_cast<std::size_t>(d)] == 1.0);
            ++kinds[action + 1];
        }
    }
    MESSAGE("never " << kinds[0] << ", close " << kinds[1] << ", mothball and restart " << kinds[2]
                     << ", mothball to the end " << kinds[3]);
    CHECK(kinds[2] > 0);
    CHECK(kinds[3] > 0);
    CHECK(kinds[0] + kinds[1] > 0);
}

TEST_CASE("after the horizon (last_year), deterministic: mothballing equals a longer horizon with the same decision dates") {
    // constant prices and a flat rate: the last year held after the horizon is exact, so a 10-year
    // horizon with values after it equals a 60-year one whose decisions end with the tenth year;
    // the plant could run 30 more years, so idling and the decommissioning both lie past the horizon
    double mothballed = 0;
    for (const double co2 : {60.0, 120.0, 200.0})
    for (const double C : {0.0, 1e9}) {
        kp::testing::Synthetic syn;
        syn.co2 = co2, syn.mu = 0.0, syn.horizon = 10, syn.capexA = 5e9, syn.capexB = 5e9;
        kp::InvestmentProblem shortP = syn.make();
        syn.horizon = 60;
        kp::InvestmentProblem longP = syn.make();
        for (auto* p : {&shortP, &longP}) {
            p->project.plant.remainingLifeYears = 30;
            p->project.plant.decommissioningCost = C;
            for (auto& t : p->project.technologies) t.tech.latestDecisionYear = 2035;
            p->project.exits[0].latestYear = 2035;
            addMothball(p->project, 1e7, 2e6, 5e7, 1, 100);
            p->project.technologies.back().tech.latestDecisionYear = 2035;
            p->project.stages.back().option.tech.latestDecisionYear = 2035;
        }
        for (int k = 10; k < 60; ++k) shortP.project.discountAfter.push_back(std::pow(1.07, -k));
        kp::InvestmentLsm engine;
        const auto rs = engine.value(shortP, settings(2000, 7));
        const auto rl = engine.value(longP, settings(2000, 7));
        CAPTURE(co2);
        CAPTURE(C);
        CHECK(rs.optionValue.value == doctest::Approx(rl.optionValue.value).epsilon(1e-9));
        CHECK(rs.neverInvest.value == doctest::Approx(rl.neverInvest.value).epsilon(1e-9));
        CHECK(rs.npvNow[2].value == doctest::Approx(rl.npvNow[2].value).epsilon(1e-9));  // mothballing now
        for (std::size_t d = 0; d < 10; ++d) {
            CHECK(rs.timing[2][d] == rl.timing[2][d]);
            CHECK(rs.closeProbability[d] == rl.closeProbability[d]);
        }
        CHECK(rs.outcomes.mothballed.probability == rl.outcomes.mothballed.probability);
        mothballed += rs.outcomes.mothballed.probability;
        MESSAGE("co2 " << co2 << ", C " << C << ": option " << rs.optionValue.value / 1e6 << " m, mothballed "
                       << rs.outcomes.mothballed.probability << ", closed " << rs.outcomes.closedEarly.probability);
    }
    CHECK(mothballed > 0);
}

TEST_CASE("a mothball option never worth taking leaves the value, P(invested by) and the triggers bit for bit") {
    kp::testing::Synthetic syn;
    syn.vol = 0.4;
    syn.co2 = 70;
    auto p = syn.make();
    p.project.plant.remainingLifeYears = 15;
    p.project.plant.decommissioningCost = 2e8;
    kp::InvestmentLsm engine;
    const auto r0 = engine.value(p, settings(20'000, 5));
    addMothball(p.project, 1e12, 0, 1e8, 1, 50);
    const auto r1 = engine.value(p, settings(20'000, 5));
    CHECK(r1.optionValue.value == r0.optionValue.value);
    CHECK(r1.optionValue.stdError == r0.optionValue.stdError);
    CHECK(r1.valueOfWaiting.value == r0.valueOfWaiting.value);
    CHECK(r1.neverProbability == r0.neverProbability);
    CHECK(r1.outcomes.mothballed.probability == 0.0);
    CHECK(r1.outcomes.invested.probability == r0.outcomes.invested.probability);
    for (std::size_t y = 0; y < r0.years.size(); ++y) {
        CHECK(r1.investedBy[y].value == r0.investedBy[y].value);
        CHECK((r1.trigger[y] == r0.trigger[y] || (std::isnan(r1.trigger[y]) && std::isnan(r0.trigger[y]))));
        CHECK(r1.timing[2][y] == 0.0);
        CHECK(r1.production[y].output == r0.production[y].output);
    }
}

}  // TEST_SUITE

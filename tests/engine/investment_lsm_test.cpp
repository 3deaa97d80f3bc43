//! \brief InvestmentLsm (engine/include/kp/engine/investment_lsm.hpp): invest now, wait or close by
//! LSM over mutually exclusive technologies, against
//! - the deterministic limit: with no volatility and fixed arrival dates, the LSM decision and value
//!   equal the best (technology, year) found by enumerating every year with the scalar
//!   kp::yearCashFlow (independent of the engine's prefix sums);
//! - McDonald-Siegel: one technology whose project value is a GBM with a fixed cost, against
//!   QuantLib's FD value of the same Bermudan (put-call symmetry) and the perpetual closed form
//!   (kp::perpetualInvestment);
//! - direction checks, internal consistency, determinism on 1 and 2 threads, bad input.
//! Monte Carlo assertions are in units of the standard error, k = 4 (STYLE.md section 6).

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kp/core/errors.hpp"
#include "kp/core/moments.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/model_set.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/oracles/closed_forms.hpp"
#include "kp/oracles/quantlib_references.hpp"
#include "synthetic_problem.hpp"

namespace {

/// The suites' synthetic problem: tests/engine/synthetic_problem.hpp.
using kp::testing::Synthetic;

/// Degree 5 in the one feature (the CO2 price): the continuation value has the kink of the closure
/// option decades ahead, which degree 3 fits poorly enough to make investing look better than it is
/// (measured on the direction-check case, CO2 80, vol 0.3, with investment allowed from 2027: option
/// 1.89e8 at degree 3, 2.15e8 at degree 5, while carrying on or closing alone is worth 2.07e8).
kp::InvestmentSettings settings(std::size_t paths, std::uint64_t seed, std::size_t threads = 2) {
    kp::InvestmentSettings s;
    s.degree = 5;
    s.paths = paths;
    s.seed = seed;
    s.threads = threads;
    return s;
}

/// Expected investment year of technology j (NaN if never), from the timing table.
double meanYear(const kp::InvestmentResult& r) {
    double w = 0, y = 0;
    for (const auto& t : r.timing)
        for (std::size_t d = 0; d < t.size(); ++d) w += t[d], y += t[d] * r.years[d];
    return w > 0 ? y / w : std::numeric_limits<double>::quiet_NaN();
}


/// The cash flow of each period on the one deterministic price path of a Synthetic problem (vol 0),
/// by the scalar kp::yearCashFlow: a period carries 1/P of its calendar year's cash flow at the
/// period's prices, P = periodsPerYear (the levy's reference EUA price is the one a year earlier).
std::vector<double> deterministicFlows(const Synthetic& syn, const kp::InvestmentProblem& p,
                                       const kp::Technology* tech) {
    const int P = p.project.periodsPerYear, H = p.project.horizonYears * P;
    std::vector<double> cf(static_cast<std::size_t>(H));
    for (int k = 0; k < H; ++k) {
        const double t = static_cast<double>(k) / P;
        kp::YearPrices yp;
        yp.co2 = syn.co2 * std::exp(syn.mu * t);
        yp.co2Reference = syn.co2 * std::exp(syn.mu * std::max(t - 1, 0.0));
        yp.gas = 30, yp.power = 70, yp.hydrogen = p.project.hydrogen.constant, yp.product = 500;
        cf[static_cast<std::size_t>(k)] = kp::yearCashFlow(p.project.plant, tech, p.project.policy, 2026 + k / P, 0, yp).net / P;
    }
    return cf;
}

/// The best of never investing, closing at any date and investing in a or b at any date of their
/// windows, by enumerating every decision date of a deterministic Synthetic problem (j = 2: close).
struct Enumerated {
    double best = 0;
    int j = -1, d = -1;
};
/// With the plant's remaining life L (periods) shorter than the horizon and a decommissioning cost
/// C (kp::Plant), written out here from the rule in investment_instrument.hpp: the plant stops at L
/// and pays C then; closing at d <= L pays C at d; a replacement starting at s <= L pays it at s, a
/// retrofit at the end of its own life (if inside the horizon).
Enumerated enumerateBest(const Synthetic& syn, const kp::InvestmentProblem& p) {
    const int P = p.project.periodsPerYear, H = p.project.horizonYears * P;
    const int L = p.project.plant.remainingLifeYears * P;
    const double C = p.project.plant.decommissioningCost;
    const auto& D = p.project.discount;
    std::vector<double> base = deterministicFlows(syn, p, nullptr);
    for (int k = L; k < H; ++k) base[static_cast<std::size_t>(k)] = k == L ? -C : 0.0;
    const std::vector<double> techCf[2] = {deterministicFlows(syn, p, &p.project.technologies[0].tech),
                                           deterministicFlows(syn, p, &p.project.technologies[1].tech)};
    Enumerated e;
    for (int k = 0; k < H; ++k) e.best += D[k] * base[k];  // never invest
    for (int d = 0; d < H; ++d) {
        const int year = 2026 + d / P;
        double before = 0;
        for (int k = 0; k < d; ++k) before += D[k] * base[k];
        const double close = before + D[d] * (2e8 - 4e8) - (d <= L ? D[d] * C : 0.0);
        if (close > e.best) e = {close, 2, d};
        for (int j = 0; j < 2; ++j) {
            const auto& t = p.project.technologies[j].tech;
            if (year < t.earliestDecisionYear || year > t.latestDecisionYear) continue;
            const int s0 = std::max(d + P * t.constructionYears, j == 1 ? 4 * P : 0);  // grid in 2030
            double v = before - D[d] * t.capex;
            for (int k = d; k < H; ++k)
                v += D[k] * (k < s0 ? base[k] : k < s0 + P * t.lifetimeYears ? techCf[j][k] : 0.0);
            if (s0 <= L && s0 < H) {  // the plant stops when j starts (or runs on in the retrofit)
                const int at = t.retrofit ? s0 + P * t.lifetimeYears : s0;
                if (at < H) v -= D[at] * C;
            }
            if (v > e.best) e = {v, j, d};
        }
    }
    return e;
}

/// The engine took the enumeration's best action on its one deterministic path: technology j < J in
/// year (index) y, closing (j == J) in y, or (j < 0) never acting (and never closing).
void checkBestAction(const kp::InvestmentResult& r, int j, std::size_t y, int J) {
    if (j < 0) {
        CHECK(r.neverProbability == 1.0);
        for (double x : r.closeProbability) CHECK(x == 0.0);
    } else if (j < J) {
        CHECK(r.timing[static_cast<std::size_t>(j)][y] == 1.0);
    } else {
        CHECK(r.closeProbability[y] == 1.0);
    }
}

/// McDonald-Siegel as a case: a greenfield technology (plant life 0) earning the GBM price X every
/// year of its life, so that investing at year d is worth D_d (A X_d - I), A = sum_{m < L}
/// exp(-delta m): a Bermudan call with annual exercise on the GBM V = A X (V0 = 100, I = 100,
/// r = delta = 0.04, sigma = 0.2; perpetual: beta = 2, V* = 200, F = 25, Dixit & Pindyck 1994
/// ch. 5). The price X is the product price, or (paidByCo2) the EUA price: the technology emits
/// nothing and is allocated 1 tCO2 a year (benchmark 1 t/t, output 1 t, no phase-out).
struct McDonaldSiegel {
    static constexpr double V0 = 100, I = 100, r = 0.04, delta = 0.04, vol = 0.2;
    static constexpr int L = 40, W = 40;  // lifetime, last decision year offset; horizon W + L
    double A = 0;
    kp::InvestmentProblem p;
    explicit McDonaldSiegel(bool paidByCo2) {
        for (int m = 0; m < L; ++m) A += std::exp(-delta * m);
        p.factors = std::make_shared<kp::ModelSet>(
            std::vector<kp::ModelPtr>{std::make_shared<kp::Gbm>(kp::GbmParams{V0 / A, r, delta, vol})},
            Eigen::MatrixXd::Identity(1, 1));
        p.project.co2 = paidByCo2 ? kp::PriceSource::state(0) : kp::PriceSource::fixed(0);
        p.project.product = paidByCo2 ? kp::PriceSource::fixed(0) : kp::PriceSource::state(0);
        if (paidByCo2) {
            p.project.policy.freeAllocation.benchmarkTPerT = 1;
            p.project.policy.freeAllocation.phaseOut = kp::YearSchedule{{{2000, 1.0}}};
        }
        p.project.startYear = 2000;
        p.project.horizonYears = W + L;
        for (int t = 0; t < p.project.horizonYears; ++t) p.project.discount.push_back(std::exp(-r * t));
        p.project.plant.outputTPerYear = 1;
        p.project.plant.remainingLifeYears = 0;
        kp::TechnologyOption o;
        o.tech.name = "project";
        o.tech.capex = I;
        o.tech.lifetimeYears = L;
        o.tech.earliestDecisionYear = 2000;
        o.tech.latestDecisionYear = 2000 + W;
        p.project.technologies = {o};
    }
};
}  // namespace

TEST_SUITE("engine") {

TEST_CASE("deterministic limit: the LSM decision is the best year by enumeration") {
    for (double co2 : {40.0, 60.0, 90.0}) {
        Synthetic syn;
        syn.co2 = co2;
        const auto p = syn.make();
        const Enumerated en = enumerateBest(syn, p);  // no structured binding: clang 14 cannot CAPTURE one
        const double best = en.best;
        const int bestJ = en.j, bestD = en.d;
        kp::InvestmentLsm engine;
        const auto r = engine.value(p, settings(2000, 7));
        CAPTURE(co2);
        CAPTURE(best);
        CAPTURE(bestJ);
        CAPTURE(bestD);
        CAPTURE(r.optionValue.value);
        CAPTURE(meanYear(r));
        CHECK(r.optionValue.value == doctest::Approx(best).epsilon(1e-9));
        REQUIRE(bestJ >= 0);
        checkBestAction(r, bestJ, static_cast<std::size_t>(bestD), 2);
        CHECK(r.optionValue.stdError < 1e-6 * std::abs(best));
    }
}

TEST_CASE("deterministic limit with a decommissioning cost and a plant life inside the horizon: enumeration") {
    // the plant stops in 2041 (15 years) and its site costs C to clear; a is a replacement or (retrofit)
    // a capture unit that runs the plant on for 12 years
    int outcomes[4] = {0, 0, 0, 0};  // never, a, b, close
    for (const bool retrofit : {false, true})
    for (const double C : {0.0, 3e8, 1.5e9})
    for (double co2 : {40.0, 60.0, 90.0}) {
        Synthetic syn;
        syn.co2 = co2;
        auto p = syn.make();
        p.project.plant.remainingLifeYears = 15;
        p.project.plant.decommissioningCost = C;
        if (retrofit) {
            auto& a = p.project.technologies[0].tech;
            a.retrofit = true, a.captureRate = 0.8, a.tsTariff = 30, a.powerMwhPerT = 0.3, a.lifetimeYears = 12;
            a.feedstockCostPerT = 0;
        }
        const Enumerated en = enumerateBest(syn, p);
        const double best = en.best;
        const int bestJ = en.j, bestD = en.d;
        kp::InvestmentLsm engine;
        const auto r = engine.value(p, settings(2000, 7));
        CAPTURE(retrofit);
        CAPTURE(C);
        CAPTURE(co2);
        CAPTURE(bestJ);
        CAPTURE(bestD);
        CHECK(r.optionValue.value == doctest::Approx(best).epsilon(1e-9));
        // never is best where a large C makes closing dear and investing does not pay
        checkBestAction(r, bestJ, static_cast<std::size_t>(bestD), 2);
        ++outcomes[bestJ + 1];
    }
    // every kind of answer occurs among the cases, so each rule of the enumeration is exercised
    MESSAGE("never " << outcomes[0] << ", a " << outcomes[1] << ", b " << outcomes[2] << ", close " << outcomes[3]);
    CHECK(outcomes[0] > 0);
    CHECK(outcomes[1] > 0);
    CHECK(outcomes[3] > 0);
}

/// A reline of the Synthetic plant (stopping after `life` years): the plant as it is, run `added`
/// more years, for `capex`, decided while it runs.
kp::TechnologyOption relineOf(int life, int added, double capex) {
    kp::TechnologyOption r;
    r.tech.name = "reline";
    r.tech.retrofit = true;
    r.tech.capex = capex;
    r.tech.relineYearsAdded = added;
    r.tech.lifetimeYears = life + added;
    r.tech.earliestDecisionYear = 2026;
    r.tech.latestDecisionYear = 2026 + life - 1;
    return r;
}

TEST_CASE("deterministic limit with a reline: enumeration of every year of never, close, a, b and the reline") {
    // the plant stops in 2041 and clears its site for C; relining for R runs it 10 more years (to
    // 2051), C then. The enumeration is written out here: the reline earns the plant's own cash flow
    // from its decision to the end of the extended life
    int relinedCases = 0;
    for (const double R : {5e7, 4e8})
    for (const double C : {0.0, 1e9})
    for (double co2 : {30.0, 60.0, 90.0}) {
        Synthetic syn;
        syn.co2 = co2;
        auto p = syn.make();
        const int L = 15, Y = 10, H = p.project.horizonYears;
        p.project.plant.remainingLifeYears = L;
        p.project.plant.decommissioningCost = C;
        p.project.technologies.push_back(relineOf(L, Y, R));
        const auto& D = p.project.discount;
        const std::vector<double> full = deterministicFlows(syn, p, nullptr);  // the plant, never stopped
        std::vector<double> base = full;
        for (int k = L; k < H; ++k) base[static_cast<std::size_t>(k)] = k == L ? -C : 0.0;
        double best = 0;
        int bestJ = -1, bestD = -1;
        for (int k = 0; k < H; ++k) best += D[k] * base[k];
        for (int d = 0; d < H; ++d) {
            double before = 0;
            for (int k = 0; k < d; ++k) before += D[k] * base[k];
            const double close = before + D[d] * (2e8 - 4e8) - (d <= L ? D[d] * C : 0.0);
            if (close > best) best = close, bestJ = 3, bestD = d;
            for (int j = 0; j < 2; ++j) {  // a, b: replacements (as enumerateBest)
                const auto& t = p.project.technologies[j].tech;
                if (2026 + d < t.earliestDecisionYear || 2026 + d > t.latestDecisionYear) continue;
                const std::vector<double> cf = deterministicFlows(syn, p, &t);
                const int s0 = std::max(d + t.constructionYears, j == 1 ? 4 : 0);
                double v = before - D[d] * t.capex;
                for (int k = d; k < H; ++k) v += D[k] * (k < s0 ? base[k] : k < s0 + t.lifetimeYears ? cf[k] : 0.0);
                if (s0 <= L && s0 < H) v -= D[s0] * C;
                if (v > best) best = v, bestJ = j, bestD = d;
            }
            if (d < L) {  // the reline, decided while the plant runs
                double v = before - D[d] * R;
                for (int k = d; k < std::min(L + Y, H); ++k) v += D[k] * full[k];
                if (L + Y < H) v -= D[L + Y] * C;
                if (v > best) best = v, bestJ = 2, bestD = d;
            }
        }
        kp::InvestmentLsm engine;
        const auto r = engine.value(p, settings(2000, 7));
        CAPTURE(R);
        CAPTURE(C);
        CAPTURE(co2);
        CAPTURE(bestJ);
        CAPTURE(bestD);
        CHECK(r.optionValue.value == doctest::Approx(best).epsilon(1e-9));
        checkBestAction(r, bestJ, static_cast<std::size_t>(std::max(bestD, 0)), 3);
        if (bestJ == 2) {  // relining is not investing in decarbonisation
            ++relinedCases;
            CHECK(r.outcomes.relined.probability == 1.0);
            CHECK(r.outcomes.invested.probability == 0.0);
            CHECK(r.neverProbability == 1.0);
            for (const auto& e : r.investedBy) CHECK(e.value == 0.0);
            MESSAGE("relined in " << 2026 + bestD << " (co2 " << co2 << ", R " << R << ", C " << C << ")");
        }
    }
    CHECK(relinedCases > 0);
}

TEST_CASE("a reline that never pays changes nothing but its own row; a cheap one never lowers the value") {
    Synthetic syn;
    syn.vol = 0.4;
    syn.co2 = 70;
    auto p = syn.make();
    p.project.plant.remainingLifeYears = 15;
    kp::InvestmentLsm engine;
    const auto r0 = engine.value(p, settings(20'000, 5));
    p.project.technologies.push_back(relineOf(15, 10, 1e12));
    const auto r1 = engine.value(p, settings(20'000, 5));
    CHECK(r1.optionValue.value == r0.optionValue.value);
    CHECK(r1.optionValue.stdError == r0.optionValue.stdError);
    CHECK(r1.valueOfWaiting.value == r0.valueOfWaiting.value);
    CHECK(r1.neverProbability == r0.neverProbability);
    for (std::size_t y = 0; y < r0.years.size(); ++y) {
        CHECK(r1.investedBy[y].value == r0.investedBy[y].value);
        CHECK((r1.trigger[y] == r0.trigger[y] || (std::isnan(r1.trigger[y]) && std::isnan(r0.trigger[y]))));
        CHECK(r1.timing[2][y] == 0.0);
    }
    p.project.technologies.back() = relineOf(15, 10, 5e7);
    const auto r2 = engine.value(p, settings(20'000, 5));
    MESSAGE("option value without a reline " << r0.optionValue.value / 1e6 << " m, with a cheap one "
                                             << r2.optionValue.value / 1e6 << " m; relined on "
                                             << r2.outcomes.relined.probability);
    CHECK(r2.outcomes.relined.probability > 0.01);
    CHECK(r2.optionValue.value - r0.optionValue.value >
          -3 * std::hypot(r0.optionValue.stdError, r2.optionValue.stdError));
}

TEST_CASE("a decommissioning cost C lowers never investing by exactly E[discount factor at the end of life] x C") {
    for (const bool afterHorizon : {false, true}) {
        Synthetic syn;
        syn.vol = 0.4;
        auto p = syn.make();
        CAPTURE(afterHorizon);
        // inside the horizon (2041) or, with values after it, beyond it (2066)
        p.project.plant.remainingLifeYears = afterHorizon ? 40 : 15;
        if (afterHorizon)
            for (int k = 30; k < 80; ++k) p.project.discountAfter.push_back(std::pow(1.07, -k));
        kp::InvestmentLsm engine;
        const auto r0 = engine.value(p, settings(4096, 3));
        p.project.plant.decommissioningCost = 5e8;
        const auto r1 = engine.value(p, settings(4096, 3));
        const double df = afterHorizon ? std::pow(1.07, -40) : p.project.discount[15];
        CHECK(r0.neverInvest.value - r1.neverInvest.value == doctest::Approx(df * 5e8).epsilon(1e-9));
        CHECK(r1.neverInvest.stdError == doctest::Approx(r0.neverInvest.stdError).epsilon(1e-9));
        // closing now pays it now
        CHECK(r0.closeNow.value - r1.closeNow.value == doctest::Approx(5e8).epsilon(1e-12));
    }
}

TEST_CASE("after the horizon (last_year), deterministic: equals a longer horizon with the same decision dates") {
    // Constant prices (drift 0, vol 0) and a flat rate: holding the last year's cash flow after the
    // horizon is then exact, so a 10-year horizon with values after it must equal a 60-year horizon
    // whose decisions (and closing) end with the tenth year, with technologies built across the horizon
    // (construction 2 and 3 years), lives of 40 years and a plant that could run 30 more.
    double staged = 0, invested = 0;  // the comparison covers stages and investments, not only carrying on
    for (const double co2 : {40.0, 90.0, 150.0}) {
        for (const int lastYear : {2029, 2035}) {
        for (const bool withStage : {false, true}) {
            Synthetic syn;
            syn.co2 = co2, syn.mu = 0.0, syn.horizon = 10;
            kp::InvestmentProblem shortP = syn.make();
            syn.horizon = 60;
            kp::InvestmentProblem longP = syn.make();
            for (auto* p : {&shortP, &longP}) {
                p->project.plant.remainingLifeYears = 30;
                for (auto& t : p->project.technologies) t.tech.latestDecisionYear = lastYear;
                p->project.exits[0].latestYear = 2035;
                if (withStage) {  // a may later switch to hydrogen, built over the horizon's end too
                    p->project.hydrogen = kp::PriceSource::fixed(40);
                    kp::StageOption st{p->project.technologies[0], 0};
                    st.option.tech.name = std::string("a_h2");
                    st.option.tech.capex = 1.0e8;
                    st.option.tech.hydrogenMwhPerT = 0.6;
                    st.option.tech.powerMwhPerT = 0.5;
                    st.option.tech.emissionIntensity = 0.05;
                    st.option.tech.lifetimeYears = 30;
                    st.option.tech.earliestDecisionYear = 2028;
                    st.option.tech.latestDecisionYear = 2035;
                    p->project.stages = {st};
                }
            }
            for (int k = 10; k < 60; ++k) shortP.project.discountAfter.push_back(std::pow(1.07, -k));
            kp::InvestmentLsm engine;
            const auto rs = engine.value(shortP, settings(2000, 7));
            const auto rl = engine.value(longP, settings(2000, 7));
            CAPTURE(co2);
            CAPTURE(lastYear);
            CAPTURE(withStage);
            CHECK(rs.optionValue.value == doctest::Approx(rl.optionValue.value).epsilon(1e-9));
            CHECK(rs.neverInvest.value == doctest::Approx(rl.neverInvest.value).epsilon(1e-9));
            for (std::size_t j = 0; j < 2; ++j)
                if (!std::isnan(rl.npvNow[j].value))
                    CHECK(rs.npvNow[j].value == doctest::Approx(rl.npvNow[j].value).epsilon(1e-9));
            for (std::size_t d = 0; d < 10; ++d) {
                CHECK(rs.closeProbability[d] == rl.closeProbability[d]);
                for (std::size_t j = 0; j < 2; ++j) CHECK(rs.timing[j][d] == rl.timing[j][d]);
                if (withStage) CHECK(rs.stageTiming[0][d] == rl.stageTiming[0][d]);
                if (withStage) staged += rs.stageTiming[0][d];
                invested += rs.timing[0][d] + rs.timing[1][d];
            }
        }
        }
    }
    CHECK(staged > 0);
    CHECK(invested > 0);
    // and without them the short horizon is worth less whenever the plant or a technology outlives it
    Synthetic syn;
    syn.mu = 0.0, syn.horizon = 10;
    kp::InvestmentProblem none = syn.make(), with = syn.make();
    none.project.plant.remainingLifeYears = with.project.plant.remainingLifeYears = 30;
    for (int k = 10; k < 60; ++k) with.project.discountAfter.push_back(std::pow(1.07, -k));
    kp::InvestmentLsm engine;
    CHECK(engine.value(with, settings(2000, 7)).neverInvest.value >
          engine.value(none, settings(2000, 7)).neverInvest.value);
}

TEST_CASE("deterministic limit, quarterly decisions: the LSM decision is the best quarter by enumeration") {
    int insideYear = 0;  // cases whose best date is a quarter the annual grid does not have
    for (double co2 : {30.0, 40.0, 60.0}) {  // best: 2034 Q2, 2029 Q3, now
        Synthetic syn;
        syn.co2 = co2;
        auto p = syn.make();
        const int P = 4, H = p.project.horizonYears * P;
        p.project.periodsPerYear = P;
        p.project.discount.clear();
        for (int k = 0; k < H; ++k) p.project.discount.push_back(std::pow(1.07, -static_cast<double>(k) / P));
        const Enumerated en = enumerateBest(syn, p);  // no structured binding: clang 14 cannot CAPTURE one
        const double best = en.best;
        const int bestJ = en.j, bestD = en.d;
        kp::InvestmentLsm engine;
        const auto r = engine.value(p, settings(2000, 7));
        CAPTURE(co2);
        CAPTURE(best);
        CAPTURE(bestJ);
        CAPTURE(bestD);
        CAPTURE(r.optionValue.value);
        CHECK(r.optionValue.value == doctest::Approx(best).epsilon(1e-9));
        REQUIRE(bestJ >= 0);
        REQUIRE(r.years.size() == static_cast<std::size_t>(p.project.horizonYears));  // results per calendar year
        checkBestAction(r, bestJ, static_cast<std::size_t>(bestD / P), 2);
        insideYear += bestD % P != 0;
    }
    CHECK(insideYear >= 2);
}

TEST_CASE("deterministic limit with a stage: a, then switching a to hydrogen, by enumerating both years") {
    for (double co2 : {50.0, 70.0, 90.0}) {
        Synthetic syn;
        syn.co2 = co2;
        syn.withClose = false;
        syn.withStage = true;  // a_h2 on a (synthetic_problem.hpp)
        const auto p = syn.make();
        const kp::StageOption& st = p.project.stages[0];
        const int H = p.project.horizonYears;
        const std::vector<double> base = deterministicFlows(syn, p, nullptr),
                                  cfA = deterministicFlows(syn, p, &p.project.technologies[0].tech),
                                  cfB = deterministicFlows(syn, p, &p.project.technologies[1].tech),
                                  cfS = deterministicFlows(syn, p, &st.option.tech);
        // every (technology, year) and, for a, every stage year from a's first operating year on
        double best = 0;
        for (int k = 0; k < H; ++k) best += p.project.discount[k] * base[k];
        int bestJ = -1, bestD = -1, bestS = -1;
        for (int d = 0; d < H; ++d) {
            double before = 0;
            for (int k = 0; k < d; ++k) before += p.project.discount[k] * base[k];
            for (int j = 0; j < 2; ++j) {
                const auto& t = p.project.technologies[j].tech;
                if (2026 + d < t.earliestDecisionYear || 2026 + d > t.latestDecisionYear) continue;
                const int s0 = std::max(d + t.constructionYears, j == 1 ? 4 : 0);  // grid in 2030
                double v = before - p.project.discount[d] * t.capex;
                for (int k = d; k < H; ++k) v += p.project.discount[k] * (k < s0 ? base[k] : j == 0 ? cfA[k] : cfB[k]);
                if (v > best) best = v, bestJ = j, bestD = d, bestS = -1;
                if (j != 0) continue;
                for (int ds = std::max(s0, 2030 - 2026); ds < H && 2026 + ds <= 2050; ++ds) {
                    double vs = v - p.project.discount[ds] * st.option.tech.capex;
                    for (int k = ds + 1; k < H; ++k) vs += p.project.discount[k] * (cfS[k] - cfA[k]);
                    if (vs > best) best = vs, bestJ = 0, bestD = d, bestS = ds;
                }
            }
        }
        kp::InvestmentLsm engine;
        const auto r = engine.value(p, settings(2000, 7));
        CAPTURE(co2);
        CAPTURE(best);
        CAPTURE(bestJ);
        CAPTURE(bestD);
        CAPTURE(bestS);
        CAPTURE(r.optionValue.value);
        CHECK(r.optionValue.value == doctest::Approx(best).epsilon(1e-9));
        REQUIRE(bestJ >= 0);
        CHECK(r.timing[static_cast<std::size_t>(bestJ)][static_cast<std::size_t>(bestD)] == 1.0);
        REQUIRE(r.stageTiming.size() == 1);
        if (bestS >= 0) CHECK(r.stageTiming[0][static_cast<std::size_t>(bestS)] == 1.0);
        double staged = 0;
        for (double x : r.stageTiming[0]) staged += x;
        CHECK(staged == (bestS >= 0 ? 1.0 : 0.0));
    }
}

TEST_CASE("McDonald-Siegel: a GBM project value with a fixed cost") {
    const double k = 4.0;
    const std::uint64_t seed = 1986;
    const McDonaldSiegel ms(false);
    const auto& p = ms.p;
    const double V0 = ms.V0, I = ms.I, r = ms.r, delta = ms.delta, vol = ms.vol;
    const int W = ms.W;
    // FD of the same Bermudan: call(S=V, K=I, r, q=delta) = put(S=I, K=V, r'=delta, q'=r), exercise
    // at years 1..W (at 0 the option is at the money: exercising gives 0)
    const double fd = kp::bermudanPutFd(I, V0, delta, r, vol, W, W, 2000, 1000);
    const auto cf = kp::perpetualInvestment(V0, I, r, delta, vol);
    kp::InvestmentLsm engine;
    auto s = settings(100'000, seed);
    s.basis = kp::BasisType::Laguerre;
    s.degree = 3;
    const auto res = engine.value(p, s);
    const double est = res.optionValue.value - res.neverInvest.value;  // never = 0 here
    const double se = res.optionValue.stdError;
    // low-bias budget of the out-of-sample LSM policy: 1% of the value (as in lsm_validation_test)
    const double budget = 0.01 * fd;
    CAPTURE(est);
    CAPTURE(se);
    CAPTURE(fd);
    CAPTURE(cf.value);
    CAPTURE(k);
    CAPTURE(seed);
    MESSAGE("McDonald-Siegel: LSM " << est << " +- " << se << ", FD Bermudan " << fd << ", perpetual "
                                    << cf.value << ", npv now " << res.npvNow[0].value);
    CHECK(res.neverInvest.value == 0.0);
    CHECK(est <= fd + k * se);
    CHECK(est >= fd - k * se - budget);
    // annual exercise over 40 years can only lower the perpetual value; measured gap stated in
    // docs/valuation.md
    CHECK(fd <= cf.value);
    CHECK(fd >= 0.9 * cf.value);
    // npv now: E[I(0)] = A X0 - I = 0
    CHECK(std::abs(res.npvNow[0].value) <= k * res.npvNow[0].stdError);
}

TEST_CASE("McDonald-Siegel trigger: the CO2 price at which the rule invests is the Bermudan boundary") {
    // The same project as above with the CO2 price as its GBM: a greenfield technology that emits
    // nothing and is allocated 1 tCO2 a year (benchmark 1 t/t, output 1 t, no phase-out) earns the
    // EUA price X_k in year k, so investing at d is worth D_d (A X_d - I). The rule's trigger at
    // decision year d (CO2 price above which it invests) times A is the project value at which to
    // invest; the reference is the boundary of the same Bermudan seen from d: the V at which V - I
    // equals the value of keeping the option with exercise at d+1 .. W, by QuantLib's FD (put-call
    // symmetry, as above) and bisection. The trigger has no standard error of its own: it is
    // estimated on several seeds and compared within k standard errors of their mean plus a stated
    // budget of 1% for the regression's approximation of the boundary.
    const double k = 4.0, budget = 0.01;
    const McDonaldSiegel ms(true);
    const auto& p = ms.p;
    const double V0 = ms.V0, I = ms.I, r = ms.r, delta = ms.delta, vol = ms.vol, A = ms.A;
    const int W = ms.W, d = 10;
    // reference boundary at d: keep = Bermudan call with W - d exercise dates, one a year from d + 1
    auto keep = [&](double V) { return kp::bermudanPutFd(I, V, delta, r, vol, W - d, W - d, 1000, 1000); };
    double lo = I, hi = 4 * I;
    for (int i = 0; i < 40; ++i) {
        const double mid = 0.5 * (lo + hi);
        (mid - I > keep(mid) ? hi : lo) = mid;
    }
    const double boundary = 0.5 * (lo + hi);
    const auto cf = kp::perpetualInvestment(V0, I, r, delta, vol);
    std::vector<double> v;
    kp::InvestmentLsm engine;
    for (std::uint64_t seed : {11u, 12u, 13u, 14u, 15u, 16u}) {
        auto s = settings(20'000, seed);
        s.basis = kp::BasisType::Laguerre;
        s.degree = 3;
        const auto res = engine.value(p, s);
        REQUIRE(std::isfinite(res.trigger[d]));
        v.push_back(A * res.trigger[d]);
    }
    double m = 0, q = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    for (double x : v) q += (x - m) * (x - m);
    const double se = std::sqrt(q / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    CAPTURE(m);
    CAPTURE(se);
    CAPTURE(boundary);
    CAPTURE(cf.trigger);
    MESSAGE("McDonald-Siegel trigger at year " << d << ": LSM " << m << " +- " << se << ", FD Bermudan "
                                               << boundary << ", perpetual " << cf.trigger);
    CHECK(std::abs(m - boundary) <= k * se + budget * boundary);
    CHECK(boundary < cf.trigger);  // fewer exercise dates than the perpetual option: invest earlier
}

TEST_CASE("trigger status: a price only where found; below the range when investing pays at every price") {
    kp::InvestmentLsm engine;
    Synthetic syn;
    syn.vol = 0.3;
    const auto s = settings(4'000, 5);
    // every date: a finite trigger exactly where every rule finds one
    const auto base = engine.value(syn.make(), s);
    REQUIRE(base.triggerStatus.size() == base.years.size());
    for (std::size_t y = 0; y < base.years.size(); ++y) {
        CAPTURE(y);
        CHECK(std::isfinite(base.trigger[y]) == (base.triggerStatus[y] == kp::TriggerStatus::Found));
    }
    // technology a nearly free and cheaper to run than the plant at any CO2 price: the rule invests
    // today at the bottom of the range already (not a bare "no trigger")
    auto p = syn.make();
    p.project.technologies[0].tech.capex = 1e6;
    p.project.technologies[0].tech.feedstockCostPerT = 100;
    const auto cheap = engine.value(p, s);
    CHECK(kp::toString(cheap.decision) == "invest_now");
    CHECK(kp::toString(cheap.triggerStatus[0]) == "below_range");
    CHECK(std::isnan(cheap.trigger[0]));
    CHECK(kp::toString(kp::TriggerStatus::AboveRange) == "above_range");
    // no volatility: after the first date every path has the same CO2 price and no trigger can be
    // read; today's is read off the paths whose start is spread (investment_training.cpp)
    Synthetic flat;
    const auto none = engine.value(flat.make(), s);
    CHECK(kp::toString(none.triggerStatus[0]) == "found");
    for (std::size_t y = 1; y < none.years.size(); ++y) CHECK(kp::toString(none.triggerStatus[y]) != "found");
}

TEST_CASE("direction checks: CO2 level, capex, CO2 volatility") {
    const double k = 4.0;
    const std::uint64_t seed = 314;
    kp::InvestmentLsm engine;
    auto run = [&](const Synthetic& syn) { return engine.value(syn.make(), settings(20'000, seed)); };
    // without the closure option, so that the investment decision is the one that moves
    Synthetic lo;
    lo.vol = 0.3;
    lo.co2 = 50;
    lo.withClose = false;
    Synthetic hi = lo;
    hi.co2 = 80;
    const auto rLo = run(lo), rHi = run(hi);
    // a higher CO2 level: the flexible strategy is worth more relative to never investing, and
    // investment comes earlier
    const double gainLo = rLo.optionValue.value - rLo.neverInvest.value;
    const double gainHi = rHi.optionValue.value - rHi.neverInvest.value;
    const double seGain = std::hypot(rLo.optionValue.stdError + rLo.neverInvest.stdError,
                                     rHi.optionValue.stdError + rHi.neverInvest.stdError);
    CAPTURE(gainLo);
    CAPTURE(gainHi);
    CAPTURE(seGain);
    CAPTURE(meanYear(rLo));
    CAPTURE(meanYear(rHi));
    CAPTURE(seed);
    CHECK(gainHi > gainLo + k * seGain);
    CHECK(meanYear(rHi) < meanYear(rLo));
    CHECK(rHi.neverProbability <= rLo.neverProbability);
    // a higher capex: the reverse
    Synthetic cheap = hi, dear = hi;
    dear.capexA *= 1.5, dear.capexB *= 1.5;
    const auto rCheap = run(cheap), rDear = run(dear);
    const double seCap = std::hypot(rCheap.optionValue.stdError, rDear.optionValue.stdError);
    CAPTURE(rCheap.optionValue.value);
    CAPTURE(rDear.optionValue.value);
    CHECK(rDear.optionValue.value < rCheap.optionValue.value - k * seCap);
    CHECK(meanYear(rDear) > meanYear(rCheap));
    // a larger CO2 volatility raises the value of waiting
    Synthetic calm = hi, wild = hi;
    calm.vol = 0.15, wild.vol = 0.5;
    const auto rCalm = run(calm), rWild = run(wild);
    const double seW = std::hypot(rCalm.valueOfWaiting.stdError, rWild.valueOfWaiting.stdError);
    CAPTURE(rCalm.valueOfWaiting.value);
    CAPTURE(rWild.valueOfWaiting.value);
    CAPTURE(seW);
    CHECK(rWild.valueOfWaiting.value > rCalm.valueOfWaiting.value + k * seW);
}

TEST_CASE("direction check: a subsidy raises the value by at least its present value when investing now") {
    const double k = 4.0;
    const std::uint64_t seed = 4242;
    // CO2 at 80 EUR/t with vol 0.15: the rule invests in technology a at once on every path (the
    // direction-check case). An SDE++ subsidy of 20 EUR/t avoided, independent of prices, for 10
    // operating years adds at least its present value: 20 x (1.5 - 0.3) x 1e6 t/yr over years 2..11.
    Synthetic syn;
    syn.co2 = 80;
    syn.vol = 0.15;
    syn.withClose = false;
    auto p0 = syn.make();
    auto p1 = p0;
    kp::SdeSubsidy sde;
    sde.baseAmount = 20;
    sde.years = 10;
    p1.project.technologies[0].tech.sde = sde;
    double pv = 0;
    for (int y = 2; y < 12; ++y) pv += p0.project.discount[static_cast<std::size_t>(y)] * 20 * 1.2e6;
    kp::InvestmentLsm engine;
    const auto r0 = engine.value(p0, settings(20'000, seed));
    const auto r1 = engine.value(p1, settings(20'000, seed));
    const double gain = r1.optionValue.value - r0.optionValue.value;
    const double se = std::hypot(r0.optionValue.stdError, r1.optionValue.stdError);
    CAPTURE(gain);
    CAPTURE(pv);
    CAPTURE(se);
    CAPTURE(r0.timing[0][0]);
    CAPTURE(k);
    CAPTURE(seed);
    REQUIRE(r0.timing[0][0] == 1.0);
    CHECK(gain >= pv - k * se);
    CHECK(r1.npvNow[0].value - r0.npvNow[0].value == doctest::Approx(pv).epsilon(1e-9));
}

TEST_CASE("internal consistency: option >= best of now and never; probabilities sum to one") {
    const double k = 4.0;
    const std::uint64_t seed = 2718;
    Synthetic syn;
    syn.vol = 0.4;
    kp::InvestmentLsm engine;
    const auto r = engine.value(syn.make(), settings(20'000, seed));
    double bestNow = r.neverInvest.value;
    for (const auto& e : r.npvNow)
        if (std::isfinite(e.value)) bestNow = std::max(bestNow, e.value);
    CAPTURE(r.optionValue.value);
    CAPTURE(bestNow);
    CAPTURE(r.valueOfWaiting.value);
    CAPTURE(r.valueOfWaiting.stdError);
    CAPTURE(k);
    CAPTURE(seed);
    CHECK(r.valueOfWaiting.value == doctest::Approx(r.optionValue.value - bestNow).epsilon(1e-12));
    CHECK(r.valueOfWaiting.value >= -k * r.valueOfWaiting.stdError);
    double total = r.neverProbability;
    for (const auto& t : r.timing)
        for (double x : t) total += x;
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
    for (double e : r.emissionsMean) CHECK(e >= 0);
    for (std::size_t y = 0; y < r.years.size(); ++y) {
        CHECK(r.emissionsP5[y] <= r.emissionsP95[y]);
        CHECK(r.carbonCostNever[y].p5 <= r.carbonCostNever[y].p50);
        CHECK(r.carbonCostNever[y].p50 <= r.carbonCostNever[y].p95);
    }
    // technology b needs the grid (2030) and 3 years of construction: never before it can start
    // in time is no constraint on the decision, but b cannot be decided before its window (2028)
    CHECK(r.timing[1][0] == 0.0);
    CHECK(r.timing[1][1] == 0.0);
}

TEST_CASE("outcomes: never investing split into closing early, end of life and running on; shares add up") {
    for (const int life : {15, 40}) {  // inside the horizon (2041) or past it (2066, values after it counted)
        Synthetic syn;
        syn.vol = 0.4;
        syn.co2 = 70;
        auto p = syn.make();
        p.project.plant.remainingLifeYears = life;
        if (life > 30)
            for (int k = 30; k < 80; ++k) p.project.discountAfter.push_back(std::pow(1.07, -k));
        p.project.plant.decommissioningCost = 2e8;
        kp::InvestmentLsm engine;
        const auto r = engine.value(p, settings(20'000, 31));
        const kp::Outcomes& o = r.outcomes;
        CAPTURE(life);
        CHECK(o.endOfLifeYear == 2026 + life);
        double closed = 0;
        for (double x : r.closeProbability) closed += x;
        CHECK(o.closedEarly.probability == closed);
        CHECK(o.invested.probability == doctest::Approx(1.0 - r.neverProbability).epsilon(1e-12));
        const kp::OutcomeShare& carriedOn = life < 30 ? o.endOfLife : o.runningAtHorizon;
        const kp::OutcomeShare& none = life < 30 ? o.runningAtHorizon : o.endOfLife;
        CHECK(none.probability == 0.0);
        CHECK(none.contribution.value == 0.0);
        CHECK(std::isnan(none.meanValue));
        CHECK(o.invested.probability + o.closedEarly.probability + carriedOn.probability ==
              doctest::Approx(1.0).epsilon(1e-12));
        // every kind occurs here, and the contributions add up to the option value
        CHECK(o.invested.probability > 0.01);
        CHECK(o.closedEarly.probability > 0.01);
        CHECK(carriedOn.probability > 0.01);
        CHECK(o.invested.contribution.value + o.closedEarly.contribution.value + carriedOn.contribution.value ==
              doctest::Approx(r.optionValue.value).epsilon(1e-12));
        CHECK(carriedOn.meanValue == doctest::Approx(carriedOn.contribution.value / carriedOn.probability));
        MESSAGE("life " << life << ": invested " << o.invested.probability << ", closed " << o.closedEarly.probability
                        << ", carried on " << carriedOn.probability);
    }
}

TEST_CASE("determinism: 1 and 2 threads give bit-identical results") {
    Synthetic syn;
    syn.vol = 0.4;
    kp::InvestmentLsm e1, e2;
    const auto a = e1.value(syn.make(), settings(10'000, 99, 1));
    const auto b = e2.value(syn.make(), settings(10'000, 99, 2));
    CHECK(a.optionValue.value == b.optionValue.value);
    CHECK(a.optionValue.stdError == b.optionValue.stdError);
    CHECK(a.valueOfWaiting.value == b.valueOfWaiting.value);
    CHECK(a.timing == b.timing);
    CHECK(a.emissionsMean == b.emissionsMean);
    CHECK(a.emissionsP95 == b.emissionsP95);
    for (std::size_t d = 0; d < a.trigger.size(); ++d)
        CHECK((a.trigger[d] == b.trigger[d] || (std::isnan(a.trigger[d]) && std::isnan(b.trigger[d]))));
    // the same engine twice (buffers reused)
    const auto c = e1.value(syn.make(), settings(10'000, 99, 2));
    CHECK(c.optionValue.value == a.optionValue.value);
}

/// Keeps what a PricingObserver sees, indexed by path (blocks arrive in any order, on any thread).
struct Recorder : kp::PricingObserver {
    std::size_t H = 0, J = 0;
    std::vector<double> V, B0, cfPv, co2;  // per path: option value, never, PV of cash flow - capex; co2 in year 0
    std::vector<int> action, date;
    std::vector<double> emissions;          // [k][path]
    std::vector<double> discount;
    explicit Recorder(std::size_t paths, const kp::InvestmentProblem& p)
        : H(static_cast<std::size_t>(p.project.horizonYears)), J(p.project.technologies.size()), V(paths), B0(paths),
          cfPv(paths), co2(paths), action(paths), date(paths), emissions(H * paths), discount(p.project.discount) {}
    void onBlock(const kp::PricingBlock& b) override {
        const std::size_t N = V.size();
        for (std::size_t p = 0; p < b.n; ++p) {
            const std::size_t i = b.first + p;
            V[i] = b.optionValue[p], B0[i] = b.neverInvest[p], co2[i] = b.co2[p];
            action[i] = b.action[p], date[i] = b.actionDate[p];
            double pv = 0;
            for (std::size_t k = 0; k < b.years; ++k) {
                pv += discount[k] * (b.cashFlow[k * b.n + p] - b.investment[k * b.n + p]);
                emissions[k * N + i] = b.emissions[k * b.n + p];
            }
            cfPv[i] = pv;
        }
    }
};

TEST_CASE("pricing observer: per-path cash flows discount to the realised value of the policy") {
    for (const bool withStage : {false, true})
    for (const bool afterHorizon : {false, true})
    for (const int budget : {0, 1, 2})  // no subsidy; an SDE++ award with a budget; a CCfD with one
    for (const bool decommissioning : {false, true}) {
    if (budget > 0 && decommissioning) continue;
    Synthetic syn;
    syn.vol = 0.4;
    syn.co2 = 85;  // high enough that some paths invest, some close, some carry on
    auto problem = syn.make();
    CAPTURE(withStage);
    CAPTURE(afterHorizon);
    CAPTURE(budget);
    CAPTURE(decommissioning);
    if (decommissioning) {  // the plant stops in 2046 (after the horizon: in 2071) and clears its site
        problem.project.plant.decommissioningCost = 4e8;
        problem.project.plant.remainingLifeYears = 20;
    }
    if (budget > 0) {  // the budget binds on most paths within the term (1.2 Mt avoided a year)
        kp::SdeSubsidy s{.baseAmount = budget == 1 ? 110.0 : 120.0, .co2Coef = 1.0, .years = 25, .budget = 6e8};
        if (budget == 2) s.minRate = -1e300;  // two-sided: paybacks above the strike free budget again
        problem.project.technologies[0].tech.sde = s;
    }
    if (afterHorizon) {  // values after the horizon, booked in its last year: the plant outlives it too
        problem.project.plant.remainingLifeYears = 45;
        for (int k = 30; k < 80; ++k) problem.project.discountAfter.push_back(std::pow(1.07, -k));
    }
    if (withStage) {  // a may later switch to hydrogen
        problem.project.hydrogen = kp::PriceSource::fixed(60);
        kp::StageOption st{problem.project.technologies[0], 0};
        st.option.tech.name = std::string("a_h2");
        st.option.tech.capex = 1.5e8;
        st.option.tech.hydrogenMwhPerT = 0.6;
        st.option.tech.emissionIntensity = 0.05;
        st.option.tech.earliestDecisionYear = 2030;
        if (budget > 0)  // the stage's own award, with its budget
            st.option.tech.sde = kp::SdeSubsidy{.baseAmount = 60, .co2Coef = 1.0, .years = 10, .budget = 5e7};
        problem.project.stages = {st};
    }
    const std::size_t paths = 4096;
    Recorder rec(paths, problem);
    kp::InvestmentLsm engine;
    const auto r = engine.value(problem, settings(paths, 77), &rec);
    double sumV = 0, sumE0 = 0;
    std::size_t invested = 0, closed = 0;
    for (std::size_t i = 0; i < paths; ++i) {
        CAPTURE(i);
        // the cash flows the observer sees are the ones the engine valued: the same number up to
        // rounding (the engine sums discounted flows in another order)
        CHECK(rec.cfPv[i] == doctest::Approx(rec.V[i]).epsilon(1e-9).scale(1e6));
        CHECK(rec.co2[i] == doctest::Approx(syn.co2));
        sumV += rec.V[i];
        sumE0 += rec.emissions[i];
        invested += rec.action[i] >= 0 && rec.action[i] < 2;
        closed += rec.action[i] == 2;
    }
    CAPTURE(closed);
    REQUIRE(invested > 0);  // the check covers investing paths, not only carrying on
    CHECK(sumV / paths == doctest::Approx(r.optionValue.value).epsilon(1e-12));
    CHECK(sumE0 / paths == doctest::Approx(r.emissionsMean[0]).epsilon(1e-12));
    // emissions over the horizon: the mean of the paths' totals, and its standard error at least the
    // pricing error of those totals (antithetic pairs averaged; equal to it with one rule)
    {
        const std::size_t H = rec.H;
        auto total = [&](std::size_t i) {
            double t = 0;
            for (std::size_t k = 0; k < H; ++k) t += rec.emissions[k * paths + i];
            return t;
        };
        const kp::Moments m = kp::pathMoments(0, paths, settings(paths, 77).antithetic, total);
        double sumYears = 0;
        for (double e : r.emissionsMean) sumYears += e;
        CHECK(r.horizonEmissions.value == doctest::Approx(m.mean).epsilon(1e-12));
        CHECK(r.horizonEmissions.value == doctest::Approx(sumYears).epsilon(1e-12));
        const double pricingSe = m.estimate().stdError;
        REQUIRE(pricingSe > 0);
        REQUIRE(r.rules > 1);  // several rules (4 at this size)
        // the floor is the error pooled within the rules' shares, a little below the overall spread
        CHECK(r.horizonEmissions.stdError >= pricingSe * 0.95);
        if (!withStage && !afterHorizon && budget == 0 && !decommissioning) {
            kp::InvestmentSettings one = settings(paths, 77);
            one.rules = 1;  // one rule: the pricing error of the totals exactly
            Recorder rec1(paths, problem);
            const auto r1 = engine.value(problem, one, &rec1);
            auto total1 = [&](std::size_t i) {
                double t = 0;
                for (std::size_t k = 0; k < H; ++k) t += rec1.emissions[k * paths + i];
                return t;
            };
            const kp::Estimate e1 = kp::pathMoments(0, paths, one.antithetic, total1).estimate();
            CHECK(r1.horizonEmissions.value == doctest::Approx(e1.value).epsilon(1e-12));
            CHECK(r1.horizonEmissions.stdError == doctest::Approx(e1.stdError).epsilon(1e-9));
        }
    }
    if (withStage) {
        double staged = 0;
        for (double x : r.stageTiming[0]) staged += x;
        CAPTURE(staged);
        CHECK(staged > 0);  // the stage is taken on some paths, so its cash flows are checked too
    }
    }
}

TEST_CASE("an award's budget stops the subsidy when the sum paid reaches it (hand computed)") {
    // a fixed 100 EUR per tonne avoided (1.2 Mt a year: 120 m a year) for 10 operating years from
    // 2028 (two years of construction); a budget of 300 m pays 120, 120, 60 m and nothing after
    Synthetic syn;
    syn.vol = 0.4;
    auto problem = syn.make();
    auto& a = problem.project.technologies[0].tech;
    a.sde = kp::SdeSubsidy{.baseAmount = 100, .years = 10};
    kp::InvestmentLsm engine;
    auto s = settings(4096, 5);
    s.fixedPolicy = kp::FixedPolicy{0, 2026};
    const auto full = engine.value(problem, s);
    a.sde->budget = 3e8;
    const auto capped = engine.value(problem, s);
    const auto& D = problem.project.discount;
    double cut = D[4] * 0.6e8;
    for (std::size_t k = 5; k < 12; ++k) cut += D[k] * 1.2e8;
    CHECK(full.npvNow[0].value - capped.npvNow[0].value == doctest::Approx(cut).epsilon(1e-12));
    CHECK(capped.npvNow[0].stdError == doctest::Approx(full.npvNow[0].stdError).epsilon(1e-9));
    // a budget above the whole term's payments (1.2 bn) changes nothing
    a.sde->budget = 1.2e9 + 1;
    const auto ample = engine.value(problem, s);
    CHECK(ample.npvNow[0].value == doctest::Approx(full.npvNow[0].value).epsilon(1e-13));
    // a zero budget is no subsidy
    a.sde->budget = 0;
    const auto none = engine.value(problem, s);
    a.sde.reset();
    const auto without = engine.value(problem, s);
    CHECK(none.npvNow[0].value == doctest::Approx(without.npvNow[0].value).epsilon(1e-13));
}

TEST_CASE("production, output lost, jobs and leakage per year under fixed policies (hand computed)") {
    Synthetic syn;
    syn.vol = 0.4;
    auto p = syn.make();
    p.project.plant.remainingLifeYears = 15;  // stops in 2041
    p.project.plant.jobs = 1000;
    p.project.plant.foreignIntensity = 2.0;
    auto& a = p.project.technologies[0].tech;  // built in two years, at half the output, with 300 jobs
    a.outputScale = 0.5;
    a.jobs = 300;
    kp::InvestmentLsm engine;
    auto s = settings(2048, 9);
    s.fixedPolicy = kp::FixedPolicy{-1, 0};  // never act: the plant until 2041, then nothing made here
    const auto never = engine.value(p, s);
    REQUIRE(never.production.size() == 30);
    for (std::size_t y = 0; y < 30; ++y) {
        CAPTURE(y);
        const kp::ProductionYear& py = never.production[y];
        const bool runs = y < 15;
        CHECK(py.operating == (runs ? 1.0 : 0.0));
        CHECK(py.output == (runs ? 1e6 : 0.0));
        CHECK(py.lost == (runs ? 0.0 : 1e6));
        CHECK(py.jobs == (runs ? 1000.0 : 0.0));
        CHECK(py.leakage == (runs ? 0.0 : 2e6));
    }
    s.fixedPolicy = kp::FixedPolicy{0, 2026};  // a now: the plant for two years, then a
    const auto now = engine.value(p, s);
    for (std::size_t y = 0; y < 30; ++y) {
        CAPTURE(y);
        const kp::ProductionYear& py = now.production[y];
        CHECK(py.operating == 1.0);
        CHECK(py.output == (y < 2 ? 1e6 : 5e5));
        CHECK(py.lost == (y < 2 ? 0.0 : 5e5));
        CHECK(py.jobs == (y < 2 ? 1000.0 : 300.0));
        CHECK(py.leakage == (y < 2 ? 0.0 : 1e6));
    }
}

TEST_CASE("fixed policy: investing now is worth npv_now; never acting is worth never_invest") {
    Synthetic syn;
    syn.vol = 0.4;
    const auto problem = syn.make();
    kp::InvestmentLsm engine;
    auto s = settings(8192, 5);
    s.fixedPolicy = kp::FixedPolicy{0, 2026};
    const auto now = engine.value(problem, s);
    CHECK(now.optionValue.value == now.npvNow[0].value);
    CHECK(now.optionValue.stdError == now.npvNow[0].stdError);
    CHECK(now.timing[0][0] == 1.0);
    s.fixedPolicy = kp::FixedPolicy{-1, 0};
    const auto never = engine.value(problem, s);
    CHECK(never.optionValue.value == never.neverInvest.value);
    CHECK(never.neverProbability == 1.0);
    // b in 2029 (its window opens in 2028, the grid arrives in 2030): every path invests then
    s.fixedPolicy = kp::FixedPolicy{1, 2029};
    const auto later = engine.value(problem, s);
    CHECK(later.timing[1][3] == 1.0);
    s.fixedPolicy = kp::FixedPolicy{2, 2029};  // no such technology
    CHECK_THROWS_AS(engine.value(problem, s), kp::InvalidInput);
    s.fixedPolicy = kp::FixedPolicy{0, 2070};  // outside the horizon
    CHECK_THROWS_AS(engine.value(problem, s), kp::InvalidInput);
}

TEST_CASE("a trained rule is a value: another engine object, thread count and thread price it bit for bit") {
    Synthetic syn;
    syn.vol = 0.4;
    syn.co2 = 85;  // as the observer test: some paths invest, some close, some carry on
    const auto problem = syn.make();
    kp::InvestmentLsm trainer;
    const auto s = settings(4096, 77, 2);
    const kp::InvestmentRule rule = trainer.train(problem, s);
    const auto base = trainer.price(problem, rule, s);
    auto same = [](const kp::InvestmentResult& a, const kp::InvestmentResult& b) {
        CHECK(a.optionValue.value == b.optionValue.value);
        CHECK(a.optionValue.stdError == b.optionValue.stdError);
        CHECK(a.valueOfWaiting.value == b.valueOfWaiting.value);
        CHECK(a.neverInvest.value == b.neverInvest.value);
        CHECK(a.timing == b.timing);
        CHECK(a.closeProbability == b.closeProbability);
        CHECK(a.emissionsMean == b.emissionsMean);
        CHECK(a.emissionsP95 == b.emissionsP95);
        REQUIRE(a.trigger.size() == b.trigger.size());
        for (std::size_t d = 0; d < a.trigger.size(); ++d)
            CHECK((a.trigger[d] == b.trigger[d] || (std::isnan(a.trigger[d]) && std::isnan(b.trigger[d]))));
    };
    // value() is trainRules then price: with one rule, train then price
    auto one = s;
    one.rules = 1;
    same(trainer.value(problem, one), base);
    // several rules: value() = price(trainRules()); rule 0 is train()'s
    const std::vector<kp::InvestmentRule> rules = trainer.trainRules(problem, s);
    REQUIRE(rules.size() == 4);  // 4,096 pricing paths: at most one rule a block of 1,024
    same(trainer.value(problem, s), trainer.price(problem, rules, s));
    CHECK(rules[0].decisions.dates[3].beta[0] == rule.decisions.dates[3].beta[0]);
    CHECK(rules[1].decisions.dates[3].beta[0] != rule.decisions.dates[3].beta[0]);  // its own training paths
    // another engine object on one thread, with a copy of the rule
    kp::InvestmentLsm other;
    auto s1 = s;
    s1.threads = 1;
    const kp::InvestmentRule copy = rule;
    same(other.price(problem, copy, s1), base);
    // another thread of the program, its own engine
    kp::InvestmentResult fromThread;
    std::thread t([&] {
        kp::InvestmentLsm third;
        fromThread = third.price(problem, rule, s);
    });
    t.join();
    same(fromThread, base);
    double invested = 0;
    for (const auto& x : base.timing)
        for (double y : x) invested += y;
    CHECK(invested > 0);  // the rule acts: the comparison covers decisions, not only carrying on
}

TEST_CASE("train once, price a bumped problem with the same rule (what sensitivities do)") {
    Synthetic syn;
    syn.vol = 0.4;
    syn.co2 = 85;
    const auto problem = syn.make();
    kp::InvestmentLsm engine;
    const auto s = settings(4096, 77);
    const kp::InvestmentRule rule = engine.train(problem, s);
    const auto base = engine.price(problem, rule, s);
    // capex +10% under the same rule: the same paths invest at the same dates, each paying 10% more:
    // the option value falls by exactly 10% of the expected discounted capex paid
    Synthetic dear = syn;
    dear.capexA *= 1.1, dear.capexB *= 1.1;
    const auto bumped = engine.price(dear.make(), rule, s);
    CHECK(bumped.timing == base.timing);
    CHECK(bumped.closeProbability == base.closeProbability);
    double paid = 0, invested = 0;
    for (std::size_t d = 0; d < base.years.size(); ++d) {
        paid += base.timing[0][d] * problem.project.discount[d] * syn.capexA;
        paid += base.timing[1][d] * problem.project.discount[d] * syn.capexB;
        invested += base.timing[0][d] + base.timing[1][d];
    }
    REQUIRE(invested > 0);
    CAPTURE(paid);
    CHECK(base.optionValue.value - bumped.optionValue.value == doctest::Approx(0.1 * paid).epsilon(1e-9));
    // a rule is refused by a problem of another shape
    Synthetic longer = syn;
    longer.horizon = 35;
    CHECK_THROWS_AS(engine.price(longer.make(), rule, s), kp::InvalidInput);
    auto third = problem;
    third.project.technologies.push_back(third.project.technologies[0]);
    CHECK_THROWS_AS(engine.price(third, rule, s), kp::InvalidInput);
}

TEST_CASE("bad input") {
    Synthetic syn;
    kp::InvestmentLsm engine;
    auto p = syn.make();
    CHECK_THROWS_AS(engine.value(p, settings(0, 1)), kp::InvalidInput);
    CHECK_THROWS_AS(engine.value(p, settings(1001, 1)), kp::InvalidInput);  // odd, antithetic
    CHECK_THROWS_AS(engine.value(p, settings(1000, 0)), kp::InvalidInput);
    auto s = settings(1000, 1);
    s.degree = 0;
    CHECK_THROWS_AS(engine.value(p, s), kp::InvalidInput);
    {
        auto q = p;
        q.factors = nullptr;
        CHECK_THROWS_AS(engine.value(q, settings(1000, 1)), kp::InvalidInput);
    }
    {
        auto q = p;
        q.project.discount.pop_back();
        CHECK_THROWS_AS(engine.value(q, settings(1000, 1)), kp::InvalidInput);
    }
    {
        auto q = p;
        q.project.discount[3] = -1;
        CHECK_THROWS_AS(engine.value(q, settings(1000, 1)), kp::InvalidInput);
    }
    {
        auto q = p;
        q.project.technologies[1].infrastructure = {5};
        CHECK_THROWS_AS(engine.value(q, settings(1000, 1)), kp::InvalidInput);
    }
    {
        auto q = p;
        q.project.co2 = kp::PriceSource::state(3);
        CHECK_THROWS_AS(engine.value(q, settings(1000, 1)), kp::InvalidInput);
    }
    {
        auto q = p;
        q.project.technologies[1].tech.requiresOption = std::string("a");  // a stage among the technologies
        CHECK_THROWS_AS(engine.value(q, settings(1000, 1)), kp::InvalidInput);
    }
    {
        auto q = p;
        q.project.stages = {kp::StageOption{q.project.technologies[1], 5}};  // no such parent
        CHECK_THROWS_AS(engine.value(q, settings(1000, 1)), kp::InvalidInput);
        q.project.stages = {kp::StageOption{q.project.technologies[1], 0}, kp::StageOption{q.project.technologies[1], 0}};  // two on a
        CHECK_THROWS_AS(engine.value(q, settings(1000, 1)), kp::InvalidInput);
    }
}

}  // TEST_SUITE

/// A pilot of `a` built beside the Synthetic plant (Technology::alongside): a tenth of its output, a
/// plant of its own for `capex`, with fixed opex 1e7 a year, 20 years of life and `licence` EUR a
/// year of licence income while it runs. Illustrative test inputs.
kp::TechnologyOption pilotOf(const kp::TechnologyOption& a, double capex, double licence) {
    kp::TechnologyOption t = a;
    t.tech.name = std::string("pilot");
    t.tech.alongside = true;
    t.tech.outputScale = 0.1;
    t.tech.capex = capex;
    t.tech.fixedOpex = 1e7;
    t.tech.licensingPerYear = licence;
    t.tech.lifetimeYears = 20;
    t.tech.jobs = 120;
    t.infrastructure.clear();
    return t;
}

TEST_CASE("deterministic limit with a pilot beside the plant: enumeration of never, close, a, b and the pilot") {
    // the plant stops in 2041 and clears its site for C; the pilot (built in 2 years) adds its own
    // cash flow (a replacement of its size, by the scalar kp::yearCashFlow) and its licence income
    // for its 20 years, while the plant runs on exactly as if nothing had been built
    int pilotCases = 0, otherCases = 0;
    for (const double licence : {0.0, 2e7, 6e7})
    for (const double C : {0.0, 1e9})
    for (double co2 : {30.0, 60.0, 90.0}) {
        Synthetic syn;
        syn.co2 = co2;
        auto p = syn.make();
        const int L = 15, H = p.project.horizonYears;
        p.project.plant.remainingLifeYears = L;
        p.project.plant.decommissioningCost = C;
        p.project.technologies.push_back(pilotOf(p.project.technologies[0], 1.5e8, licence));
        if (licence > 5e7) p.project.technologies[2].tech.earliestDecisionYear = 2032;  // a pilot decided later
        const auto& D = p.project.discount;
        std::vector<double> base = deterministicFlows(syn, p, nullptr);
        for (int k = L; k < H; ++k) base[static_cast<std::size_t>(k)] = k == L ? -C : 0.0;
        const kp::Technology& pt = p.project.technologies[2].tech;
        const std::vector<double> pilot = deterministicFlows(syn, p, &pt);  // its own flows, at its size
        double never = 0;
        for (int k = 0; k < H; ++k) never += D[k] * base[k];
        double best = never;
        int bestJ = -1, bestD = -1;
        for (int d = 0; d < H; ++d) {
            double before = 0;
            for (int k = 0; k < d; ++k) before += D[k] * base[k];
            const double close = before + D[d] * (2e8 - 4e8) - (d <= L ? D[d] * C : 0.0);
            if (close > best) best = close, bestJ = 3, bestD = d;
            for (int j = 0; j < 2; ++j) {  // a, b: replacements (as enumerateBest)
                const auto& t = p.project.technologies[j].tech;
                if (2026 + d < t.earliestDecisionYear || 2026 + d > t.latestDecisionYear) continue;
                const std::vector<double> cf = deterministicFlows(syn, p, &t);
                const int s0 = std::max(d + t.constructionYears, j == 1 ? 4 : 0);
                double v = before - D[d] * t.capex;
                for (int k = d; k < H; ++k) v += D[k] * (k < s0 ? base[k] : k < s0 + t.lifetimeYears ? cf[k] : 0.0);
                if (s0 <= L && s0 < H) v -= D[s0] * C;
                if (v > best) best = v, bestJ = j, bestD = d;
            }
            // the pilot: the plant as it is throughout, plus the pilot from d + 2 for 20 years
            if (2026 + d < pt.earliestDecisionYear || 2026 + d > pt.latestDecisionYear) continue;
            const int s0 = d + pt.constructionYears;
            double v = never - D[d] * pt.capex;
            for (int k = s0; k < std::min(s0 + pt.lifetimeYears, H); ++k) v += D[k] * (pilot[k] + licence);
            if (v > best) best = v, bestJ = 2, bestD = d;
        }
        kp::InvestmentLsm engine;
        const auto r = engine.value(p, settings(2000, 7));
        CAPTURE(licence);
        CAPTURE(C);
        CAPTURE(co2);
        CAPTURE(bestJ);
        CAPTURE(bestD);
        CHECK(r.optionValue.value == doctest::Approx(best).epsilon(1e-9));
        checkBestAction(r, bestJ, static_cast<std::size_t>(std::max(bestD, 0)), 3);
        if (bestJ == 2) {  // a pilot beside the works is not the works decarbonising
            ++pilotCases;
            CHECK(r.outcomes.piloted.probability == 1.0);
            CHECK(r.outcomes.invested.probability == 0.0);
            for (const auto& e : r.investedBy) CHECK(e.value == 0.0);
            MESSAGE("pilot in " << 2026 + bestD << " (co2 " << co2 << ", licence " << licence << ", C " << C << ")");
        } else {
            ++otherCases;
            CHECK(r.outcomes.piloted.probability == 0.0);
        }
    }
    CHECK(pilotCases > 0);
    CHECK(otherCases > 0);
}

TEST_CASE("a pilot beside the plant: each period is the plant's plus the pilot's (cash flow, output, emissions, jobs)") {
    Synthetic syn;
    syn.co2 = 70;
    auto p = syn.make();
    const int L = 15, H = p.project.horizonYears;
    p.project.plant.remainingLifeYears = L;  // stops in 2041, the pilot runs on to 2048
    p.project.plant.decommissioningCost = 3e8;
    p.project.plant.jobs = 1000;
    p.project.plant.foreignIntensity = 2.0;
    p.project.technologies.push_back(pilotOf(p.project.technologies[0], 1.5e8, 1e7));
    const kp::Technology& pt = p.project.technologies[2].tech;
    const std::vector<double> base = deterministicFlows(syn, p, nullptr);
    const std::vector<double> pilot = deterministicFlows(syn, p, &pt);
    struct Flows : kp::PricingObserver {  // the per-period outcome of the one path
        std::vector<double> cf, inv, em, out;
        void onBlock(const kp::PricingBlock& b) override {
            if (!cf.empty()) return;  // every path is the same (vol 0): the first block's first
            for (std::size_t k = 0; k < b.years; ++k) {
                cf.push_back(b.cashFlow[k * b.n]), inv.push_back(b.investment[k * b.n]);
                em.push_back(b.emissions[k * b.n]), out.push_back(b.output[k * b.n]);
            }
        }
    } f;
    kp::InvestmentLsm engine;
    auto s = settings(256, 3);
    s.fixedPolicy = kp::FixedPolicy{2, 2027};  // the pilot decided in 2027, running 2029-2048
    const auto r = engine.value(p, s, &f);
    REQUIRE(f.cf.size() == static_cast<std::size_t>(H));
    for (int k = 0; k < H; ++k) {
        CAPTURE(k);
        const bool plant = k < L, runs = k >= 3 && k < 23;
        const double cf = (plant ? base[k] : k == L ? -3e8 : 0.0) + (runs ? pilot[k] + 1e7 : 0.0);
        CHECK(f.cf[k] == doctest::Approx(cf).epsilon(1e-12).scale(1e6));
        CHECK(f.inv[k] == (k == 1 ? 1.5e8 * (1 - pt.grant.share) : 0.0));
        CHECK(f.em[k] == doctest::Approx((plant ? 1.5e6 : 0.0) + (runs ? 0.3 * 1e5 : 0.0)).epsilon(1e-12));
        CHECK(f.out[k] == doctest::Approx((plant ? 1e6 : 0.0) + (runs ? 1e5 : 0.0)).epsilon(1e-12));
        const kp::ProductionYear& py = r.production[static_cast<std::size_t>(k)];
        CHECK(py.output == doctest::Approx(f.out[k]).epsilon(1e-12));
        CHECK(py.jobs == (plant ? 1000.0 : 0.0) + (runs ? 120.0 : 0.0));
        CHECK(py.lost == doctest::Approx(plant ? 0.0 : runs ? 9e5 : 1e6).epsilon(1e-12));
        CHECK(py.leakage == doctest::Approx(2.0 * py.lost).epsilon(1e-12));
    }
    CHECK(r.outcomes.piloted.probability == 1.0);
    CHECK(r.outcomes.invested.probability == 0.0);
}

TEST_CASE("a pilot that never pays changes nothing but its own row") {
    Synthetic syn;
    syn.vol = 0.4;
    syn.co2 = 70;
    auto p = syn.make();
    p.project.plant.remainingLifeYears = 15;
    kp::InvestmentLsm engine;
    const auto r0 = engine.value(p, settings(20'000, 5));
    p.project.technologies.push_back(pilotOf(p.project.technologies[0], 1e12, 0.0));
    const auto r1 = engine.value(p, settings(20'000, 5));
    CHECK(r1.optionValue.value == r0.optionValue.value);
    CHECK(r1.optionValue.stdError == r0.optionValue.stdError);
    CHECK(r1.valueOfWaiting.value == r0.valueOfWaiting.value);
    CHECK(r1.neverProbability == r0.neverProbability);
    CHECK(r1.outcomes.invested.probability == r0.outcomes.invested.probability);
    CHECK(r1.outcomes.piloted.probability == 0.0);
    for (std::size_t y = 0; y < r0.years.size(); ++y) {
        CHECK(r1.investedBy[y].value == r0.investedBy[y].value);
        CHECK(r1.emissionsMean[y] == r0.emissionsMean[y]);
        CHECK(r1.production[y].output == r0.production[y].output);
        CHECK((r1.trigger[y] == r0.trigger[y] || (std::isnan(r1.trigger[y]) && std::isnan(r0.trigger[y]))));
        CHECK(r1.timing[2][y] == 0.0);
    }
}

//! \brief Operating flexibility of a built option (issue 15 item 2; kp::OperatingFlexibility,
//! options.<x>.operating): a hybrid's alternative mode and suspension, chosen each period on that
//! period's prices with no cost of switching, against
//! - exact equalities: a flexibility that never pays leaves every result bit for bit; in the
//!   deterministic limit the value, emissions, output and P(operating) of investing now equal the
//!   period-by-period best of running, the alternative and idling by hand (scalar kp::yearCashFlow), to
//!   1e-9, each mode chosen in some years;
//! - closed forms: with a GBM CO2 price the gain of each flexibility over the same paths is a strip of
//!   European calls on the CO2 price of each operating year (Black 1976 on the GBM's forward), within
//!   3 standard errors of the pathwise difference (no bias budget: the difference is exact per path);
//! - properties: with the LSM's trained rule (the settings a case gets: eight rules), flexibility never
//!   lowers the option value (beyond 3 SE), and a dearer idle never raises it;
//! - abandoning a built plant (a stage, Technology::abandons): in the deterministic limit the LSM's
//!   value and investment year equal the best of every (investment year, abandonment year) plan,
//!   enumerated by hand, to 1e-9 (a cost, none, a salvage above the cost; with and without
//!   suspension); with a GBM CO2 price the LSM's abandonment rule (investing now) against the exact
//!   grid oracle of the same discretised stopping problem (3 SE + a 2% bias budget), abandoning never
//!   lowers the value and a dearer abandonment never raises it (beyond 3 SE);
//! - refusals: a retrofit, a ramp-up risk, a negative idle cost, abandoning a subsidised option.

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "synthetic_problem.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/oracles/investment_oracle.hpp"
#include "kp/results/downside.hpp"
#include "kp/results/path_values.hpp"

namespace {

using kp::testing::Synthetic;

constexpr double kQ = 1e6;  // the synthetic plant's output, t/yr

/// Invest in technology a (index 0) in 2026 on every path, or (fixed = false) the trained rule.
kp::InvestmentSettings settings(std::size_t paths, bool investNow) {
    kp::InvestmentSettings s;
    s.paths = paths;
    s.seed = 42;
    s.threads = 2;
    if (investNow) s.fixedPolicy = kp::FixedPolicy{0, 2026}, s.trainingPaths = paths, s.rules = 1;
    return s;
}

/// The hydrogen mode of the synthetic's technology a: less power, hydrogen at 60 EUR/MWh, 0.05 t/t.
kp::OperatingMode hydrogenMode() {
    kp::OperatingMode m;
    m.name = "hydrogen";
    m.powerMwhPerT = 0.8;
    m.hydrogenMwhPerT = 0.6;
    m.feedstockCostPerT = 260;
    m.emissionIntensity = 0.05;
    return m;
}

/// The synthetic problem with product price `product`, hydrogen at 60 EUR/MWh and a's flexibility.
kp::InvestmentProblem problem(const Synthetic& sy, double product, const kp::OperatingFlexibility& f) {
    kp::InvestmentProblem p = sy.make();
    p.project.product = kp::PriceSource::fixed(product);
    p.project.hydrogen = kp::PriceSource::fixed(60);
    p.project.technologies[0].tech.operating = f;
    return p;
}

/// One year's net cash flow of the technology t of problem p at CO2 price co2 (the scalar reference).
double yearNet(const kp::InvestmentProblem& p, const kp::Technology& t, int year, double co2, double product) {
    kp::YearPrices y;
    y.co2 = co2, y.co2Reference = co2, y.gas = 30, y.power = 70, y.hydrogen = 60, y.product = product;
    return kp::yearCashFlow(p.project.plant, &t, p.project.policy, year, 1 << 30, y).net;
}

/// Black's call on a log-normal X with forward F and total sd s (s = 0: the intrinsic value).
double call(double F, double K, double s) {
    if (K <= 0) return F - K;
    if (s == 0) return std::max(F - K, 0.0);
    const double d1 = (std::log(F / K) + 0.5 * s * s) / s;
    return F * kp::normalCdf(d1) - K * kp::normalCdf(d1 - s);
}

/// The realised NPV of investing in a now on each path.
std::vector<double> pathValues(const kp::InvestmentProblem& p, std::size_t paths, kp::InvestmentResult* res = nullptr) {
    kp::results::PathValues pv(paths, p);
    kp::InvestmentLsm e;
    const kp::InvestmentResult r = e.value(p, settings(paths, true), &pv);
    if (res) *res = r;
    return {pv.option(), pv.option() + paths};
}

void checkBitForBit(const kp::InvestmentResult& a, const kp::InvestmentResult& b) {
    CHECK(a.optionValue.value == b.optionValue.value);
    CHECK(a.optionValue.stdError == b.optionValue.stdError);
    CHECK(a.neverProbability == b.neverProbability);
    REQUIRE(a.emissionsMean.size() == b.emissionsMean.size());
    for (std::size_t y = 0; y < a.emissionsMean.size(); ++y) CHECK(a.emissionsMean[y] == b.emissionsMean[y]);
    REQUIRE(a.production.size() == b.production.size());
    for (std::size_t y = 0; y < a.production.size(); ++y) {
        CHECK(a.production[y].output == b.production[y].output);
        CHECK(a.production[y].operating == b.production[y].operating);
    }
}

}  // namespace

TEST_CASE("operating flexibility that never pays leaves every result bit for bit") {
    Synthetic sy;
    sy.vol = 0.3;
    kp::OperatingFlexibility never;
    never.suspend = true;
    never.idleCostPerYear = 1e12;                    // idling always costs more than running
    never.alternative = kp::OperatingMode{"dearer", 0, 1.0, 0, 360, 0, 0.3};  // a, 100 EUR/t dearer: never better
    const kp::InvestmentProblem base = problem(sy, 500, {}), flex = problem(sy, 500, never);
    kp::InvestmentLsm e;
    kp::InvestmentSettings s = settings(8192, false);
    checkBitForBit(e.value(base, s), e.value(flex, s));
    s = settings(8192, true);
    checkBitForBit(e.value(base, s), e.value(flex, s));
}

TEST_CASE("deterministic limit: running, the alternative and idling, each the best of its year, by hand") {
    Synthetic sy;  // vol 0: CO2 = 60 e^{0.06 t}
    const double product = 405, idleCost = 5e6;
    kp::OperatingFlexibility f;
    f.alternative = hydrogenMode();
    f.suspend = true;
    f.idleCostPerYear = idleCost;
    const kp::InvestmentProblem base = problem(sy, product, {}), flex = problem(sy, product, f);
    kp::InvestmentResult rb, rf;
    const std::vector<double> vb = pathValues(base, 64, &rb), vf = pathValues(flex, 64, &rf);
    const kp::Technology& a = base.project.technologies[0].tech;
    const kp::Technology h = a.inMode(*f.alternative);
    double gain = 0;
    int ran = 0, switched = 0, idled = 0;
    for (int k = a.constructionYears; k < sy.horizon; ++k) {
        const int year = 2026 + k;
        const double co2 = 60 * std::exp(0.06 * k);
        const double run = yearNet(base, a, year, co2, product), alt = yearNet(base, h, year, co2, product);
        const double best = std::max({run, alt, -idleCost});
        gain += base.project.discount[static_cast<std::size_t>(k)] * (best - run);
        const auto y = static_cast<std::size_t>(k);
        CAPTURE(year);
        if (best == run) {
            ++ran;
            CHECK(rf.emissionsMean[y] == doctest::Approx(rb.emissionsMean[y]).epsilon(1e-12));
            CHECK(rf.production[y].operating == 1.0);
        } else if (best == alt) {
            ++switched;
            CHECK(rf.emissionsMean[y] == doctest::Approx(h.emissionIntensity * kQ).epsilon(1e-12));
            CHECK(rf.production[y].output == doctest::Approx(kQ).epsilon(1e-12));
        } else {
            ++idled;
            CHECK(rf.emissionsMean[y] == 0.0);
            CHECK(rf.production[y].output == 0.0);
            CHECK(rf.production[y].operating == 0.0);
        }
    }
    CHECK(ran > 0);
    CHECK(switched > 0);
    CHECK(idled > 0);
    for (std::size_t p = 0; p < vb.size(); ++p) CHECK(vf[p] - vb[p] == doctest::Approx(gain).epsilon(1e-9));
}

TEST_CASE("with a GBM CO2 price each flexibility is worth its strip of calls on the CO2 price (3 SE)") {
    Synthetic sy;
    sy.vol = 0.3;
    const std::size_t n = 20000;
    const double product = 420, idleCost = 1e7;
    const kp::InvestmentProblem base = problem(sy, product, {});
    const kp::Technology& a = base.project.technologies[0].tech;
    // a's net is A - B co2 (linear in the CO2 price; constant over the years: no policy schedule here)
    const double A = yearNet(base, a, 2030, 0, product), B = A - yearNet(base, a, 2030, 1, product);
    REQUIRE(B > 0);
    // the strip: sum over operating years k of D_k slope E[max(co2_k - K, 0)], co2_k log-normal
    auto strip = [&](double slope, double K) {
        double v = 0;
        for (int k = a.constructionYears; k < sy.horizon; ++k) {
            const double F = sy.co2 * std::exp(sy.mu * k), sd = sy.vol * std::sqrt(static_cast<double>(k));
            v += base.project.discount[static_cast<std::size_t>(k)] * slope * call(F, K, sd);
        }
        return v;
    };
    auto gainOf = [&](const kp::OperatingFlexibility& f) {
        const std::vector<double> vb = pathValues(base, n), vf = pathValues(problem(sy, product, f), n);
        std::vector<double> d(n);
        for (std::size_t p = 0; p < n; ++p) d[p] = vf[p] - vb[p];
        return kp::results::pathMean(d.data(), n, true);
    };
    SUBCASE("suspension: idle when A - B co2 < -idle cost, i.e. co2 > (A + idle) / B") {
        kp::OperatingFlexibility f;
        f.suspend = true;
        f.idleCostPerYear = idleCost;
        const kp::Estimate g = gainOf(f);
        const double exact = strip(B, (A + idleCost) / B);
        CAPTURE(g.value);
        CAPTURE(g.stdError);
        CAPTURE(exact);
        MESSAGE("suspension: ", g.value / 1e6, " +- ", g.stdError / 1e6, " m against ", exact / 1e6, " m");
        CHECK(exact > 10 * g.stdError);  // a gain the test can see
        CHECK(std::abs(g.value - exact) <= 3 * g.stdError);
    }
    SUBCASE("a hybrid: hydrogen when it pays, i.e. co2 above the switching price") {
        kp::OperatingFlexibility f;
        f.alternative = hydrogenMode();
        const kp::Technology h = a.inMode(*f.alternative);
        const double alpha = yearNet(base, h, 2030, 0, product) - A;              // alt - run at co2 = 0
        const double beta = yearNet(base, h, 2030, 1, product) - A + B - alpha;  // its slope in co2
        REQUIRE(beta > 0);
        const kp::Estimate g = gainOf(f);
        const double exact = strip(beta, -alpha / beta);
        CAPTURE(g.value);
        CAPTURE(g.stdError);
        CAPTURE(exact);
        MESSAGE("hybrid: ", g.value / 1e6, " +- ", g.stdError / 1e6, " m against ", exact / 1e6, " m");
        CHECK(exact > 10 * g.stdError);
        CHECK(std::abs(g.value - exact) <= 3 * g.stdError);
    }
}

TEST_CASE("with the trained rule, flexibility never lowers the option value; a dearer idle never raises it") {
    Synthetic sy;
    sy.vol = 0.3;
    sy.withClose = false;
    const double product = 450;  // a runs at a loss above 233 EUR/t CO2; the plant as it is far earlier
    kp::InvestmentLsm e;
    const kp::InvestmentSettings s = settings(20000, false);  // eight rules, as a case gets
    auto onlyA = [&](const kp::OperatingFlexibility& f) {  // without b, which would take a's place
        kp::InvestmentProblem p = problem(sy, product, f);
        p.project.technologies.pop_back();
        return p;
    };
    const kp::Estimate v0 = e.value(onlyA({}), s).optionValue;
    double last = 1e300, lastSe = 0;
    for (double idle : {0.0, 1e7, 4e7}) {
        kp::OperatingFlexibility f;
        f.suspend = true;
        f.idleCostPerYear = idle;
        f.alternative = hydrogenMode();
        const kp::Estimate v = e.value(onlyA(f), s).optionValue;
        CAPTURE(idle);
        CAPTURE(v.value);
        CAPTURE(v0.value);
        MESSAGE("idle cost ", idle / 1e6, " m/yr: ", v.value / 1e6, " +- ", v.stdError / 1e6, " m against ",
                v0.value / 1e6, " +- ", v0.stdError / 1e6, " m without flexibility");
        CHECK(v.value - v0.value >= -3 * std::hypot(v.stdError, v0.stdError));
        CHECK(v.value <= last + 3 * std::hypot(v.stdError, lastSe));
        last = v.value, lastSe = v.stdError;
    }
}

namespace {

/// The synthetic problem with technology a only (no b, no closing), its flexibility f, and a stage
/// abandoning a at cost `abandonCost` (net of salvage) from 2030.
kp::InvestmentProblem withAbandon(const Synthetic& sy, double product, double abandonCost,
                                  const kp::OperatingFlexibility& f = {}) {
    kp::InvestmentProblem p = problem(sy, product, f);
    p.project.technologies.pop_back();
    p.project.exits.clear();
    kp::StageOption st;
    st.parent = 0;
    st.option.tech.name = std::string("a_abandon");
    st.option.tech.abandons = true;
    st.option.tech.capex = abandonCost;
    st.option.tech.lifetimeYears = p.project.technologies[0].tech.lifetimeYears;
    st.option.tech.earliestDecisionYear = 2030;
    st.option.tech.latestDecisionYear = 2055;
    st.option.tech.jobs = 0;
    p.project.stages = {st};
    return p;
}

}  // namespace

TEST_CASE("deterministic limit: abandoning a built plant, every (investment year, abandonment year) enumerated") {
    // a runs at a loss once CO2 passes (A + idle) / B: abandoning it (at a cost, or with a salvage
    // above it) then pays; the LSM's rule, trained as a case's, must find the best plan exactly
    for (double abandonCost : {-5e7, 0.0, 1e8}) {
        for (bool suspend : {false, true}) {
            Synthetic sy;  // vol 0: CO2 = 60 e^{0.06 t}
            sy.withClose = false;
            const double product = 430, idleCost = 2e7;
            kp::OperatingFlexibility f;
            f.suspend = suspend;
            f.idleCostPerYear = idleCost;
            const kp::InvestmentProblem p = withAbandon(sy, product, abandonCost, f);
            const kp::Technology& a = p.project.technologies[0].tech;
            const int H = sy.horizon;
            std::vector<double> base(H), run(H);
            for (int k = 0; k < H; ++k) {
                const double co2 = 60 * std::exp(0.06 * k);
                kp::YearPrices y;
                y.co2 = co2, y.co2Reference = 60 * std::exp(0.06 * std::max(k - 1, 0)), y.gas = 30, y.power = 70;
                y.hydrogen = 60, y.product = product;
                base[k] = kp::yearCashFlow(p.project.plant, nullptr, p.project.policy, 2026 + k, 0, y).net;
                run[k] = yearNet(p, a, 2026 + k, co2, product);
                if (suspend) run[k] = std::max(run[k], -idleCost);
            }
            const std::vector<double>& D = p.project.discount;
            double best = 0;
            for (int k = 0; k < H; ++k) best += D[k] * base[k];
            int bestD = -1, bestA = -1;
            for (int d = 0; d < H; ++d) {
                const int s0 = d + a.constructionYears;
                double v = -D[d] * a.capex;
                for (int k = 0; k < H; ++k) v += D[k] * (k < s0 ? base[k] : run[k]);
                if (v > best) best = v, bestD = d, bestA = -1;
                for (int t = std::max(s0, 2030 - 2026); t < H; ++t) {  // abandoned from t on
                    double va = v - D[t] * abandonCost;
                    for (int k = t; k < H; ++k) va -= D[k] * run[k];
                    if (va > best) best = va, bestD = d, bestA = t;
                }
            }
            kp::InvestmentLsm e;
            const kp::InvestmentResult r = e.value(p, settings(2000, false));
            CAPTURE(abandonCost);
            CAPTURE(suspend);
            CAPTURE(bestD);
            CAPTURE(bestA);
            CHECK(r.optionValue.value == doctest::Approx(best).epsilon(1e-9));
            REQUIRE(bestD >= 0);
            CHECK(r.timing[0][static_cast<std::size_t>(bestD)] == 1.0);
            if (!suspend) CHECK(bestA >= 0);  // abandoning is part of the best plan
        }
    }
}

TEST_CASE("abandoning under a GBM CO2 price: the LSM's abandonment rule against the exact grid oracle") {
    // investing in a in 2026 (the result's npv_now), then abandoning by the trained stage rule, the
    // settings a case gets (eight rules); the oracle solves the same discretised stopping problem exactly (the
    // plant as it is until a runs, then a's flows; abandoning an exit at -cost from 2030), so the
    // engine's estimate lies within 3 SE of it plus a bias budget: the LSM rule is suboptimal (low
    // bias), budget 2% of the abandonment option's exact value (the oracle with and without exits)
    Synthetic sy;
    sy.vol = 0.3;
    sy.withClose = false;
    const double product = 430, cost = 5e7;
    const kp::InvestmentProblem p = withAbandon(sy, product, cost);
    const kp::Technology& a = p.project.technologies[0].tech;
    const int s0 = a.constructionYears;
    kp::InvestmentOracleProblem o;
    o.periods = sy.horizon;
    o.factor = kp::OracleFactor::gbm(sy.co2, sy.mu, 0.0, sy.vol);
    o.discount = p.project.discount;
    o.carryOn = [&](int k, double x) {
        if (k >= s0) return yearNet(p, a, 2026 + k, x, product);
        kp::YearPrices y;
        y.co2 = x, y.co2Reference = x, y.gas = 30, y.power = 70, y.hydrogen = 60, y.product = product;
        return kp::yearCashFlow(p.project.plant, nullptr, p.project.policy, 2026 + k, 0, y).net;
    };
    const double exact0 = kp::investmentOracle(o).optionValue;  // never abandoning
    o.exits.push_back({"abandon", -cost, 2030 - 2026, sy.horizon - 1});
    const double exact = kp::investmentOracle(o).optionValue;
    const double option = exact - exact0, budget = 0.02 * option;
    kp::InvestmentLsm e;
    const kp::Estimate v = e.value(p, settings(100000, false)).npvNow[0];  // investing now, then the stage rule
    const double lsm = v.value + p.project.discount[0] * a.capex;  // the oracle's problem has no capex
    MESSAGE("abandonment: LSM ", lsm / 1e6, " +- ", v.stdError / 1e6, " m against the oracle's ", exact / 1e6,
            " m (the option to abandon worth ", option / 1e6, " m)");
    CHECK(option > 20 * v.stdError);  // an option the test can see
    CHECK(lsm <= exact + 3 * v.stdError);
    CHECK(lsm >= exact - 3 * v.stdError - budget);
}

TEST_CASE("abandoning never lowers the option value; a dearer abandonment never raises it") {
    Synthetic sy;
    sy.vol = 0.3;
    sy.withClose = false;
    const double product = 450;
    kp::InvestmentLsm e;
    const kp::InvestmentSettings s = settings(20000, false);  // eight rules, as a case gets
    kp::InvestmentProblem none = withAbandon(sy, product, 0);
    none.project.stages.clear();
    const kp::Estimate v0 = e.value(none, s).optionValue;
    double last = 1e300, lastSe = 0;
    for (double cost : {-1e8, 0.0, 2e8}) {
        const kp::Estimate v = e.value(withAbandon(sy, product, cost), s).optionValue;
        MESSAGE("abandoning at ", cost / 1e6, " m: ", v.value / 1e6, " +- ", v.stdError / 1e6, " m against ",
                v0.value / 1e6, " +- ", v0.stdError / 1e6, " m without");
        CHECK(v.value - v0.value >= -3 * std::hypot(v.stdError, v0.stdError));
        CHECK(v.value <= last + 3 * std::hypot(v.stdError, lastSe));
        last = v.value, lastSe = v.stdError;
    }
}

TEST_CASE("operating flexibility: refused where it is not modelled") {
    Synthetic sy;
    kp::OperatingFlexibility f;
    f.suspend = true;
    kp::InvestmentLsm e;
    auto refuses = [&](kp::InvestmentProblem p, const std::string& what) {
        CHECK_THROWS_WITH_AS(e.value(p, settings(1024, false)), doctest::Contains(what.c_str()), kp::InvalidInput);
    };
    kp::InvestmentProblem retro = problem(sy, 500, f);
    retro.project.technologies[0].tech.retrofit = true;
    retro.project.technologies[0].tech.captureRate = 0.9;
    refuses(retro, "only a replacement or a technology beside the plant");
    kp::InvestmentProblem ramp = problem(sy, 500, f);
    ramp.project.technologies[0].tech.risk.rampUpAvailability = {0.5};
    refuses(ramp, "ramp-up risk");
    kp::InvestmentProblem negative = problem(sy, 500, f);
    negative.project.technologies[0].tech.operating.idleCostPerYear = -1;
    refuses(negative, "idle_cost_per_year: the value is -1");
    kp::InvestmentProblem badMode = problem(sy, 500, f);
    badMode.project.technologies[0].tech.operating.alternative = hydrogenMode();
    badMode.project.technologies[0].tech.operating.alternative->gasMwhPerT = -1;
    refuses(badMode, "operating.alternative.gas_mwh_per_t: the value is -1, but must be >= 0 MWh/t");
    kp::InvestmentProblem subsidised = withAbandon(sy, 500, 0);
    subsidised.project.technologies[0].tech.sde = kp::SdeSubsidy{};
    refuses(subsidised, "without an operating subsidy (sde) may be abandoned");
}
